"""Every error code the server can answer is worded by the PWA in Chinese and English."""

from __future__ import annotations

import re
from pathlib import Path

from domain.errors import CODES
from server.app import create_app

CATALOGUE = Path(__file__).resolve().parents[1] / "pwa" / "src" / "i18n" / "errors.js"


def _worded() -> dict[str, set[str]]:
    text = CATALOGUE.read_text(encoding="utf-8")
    entries = re.findall(r"^  ([a-z0-9_]+): \{(.*?)^  \},", text, flags=re.S | re.M)
    return {code: set(re.findall(r"^\s+(zh|en): ", body, flags=re.M)) for code, body in entries}


def test_every_code_is_worded_in_both_languages(tmp_path: Path) -> None:
    create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})  # imports every module
    worded = _worded()
    missing = sorted(code for code in CODES if worded.get(code) != {"zh", "en"})
    assert missing == []


def test_the_catalogue_is_read() -> None:
    assert _worded()["not_found"] == {"zh", "en"}
