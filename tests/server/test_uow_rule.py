"""The one rule of transactions: in a request, only the unit of work commits (server/uow.py,
domain/transaction.py). Views and the sync engine flush; CLI commands and background jobs, which run
outside any request, commit their own work."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Run outside a request: the CLI and its commands.
OUTSIDE_REQUESTS = {"server/cli.py"}


def commits(source: str) -> list[int]:
    """Lines that call ``….commit()``."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit"
    ]


def _checked(package: str) -> list[Path]:
    out = []
    for path in sorted((ROOT / package).rglob("*.py")):
        rel = path.relative_to(ROOT)
        name = str(rel)
        if "migrations" in rel.parts or name in OUTSIDE_REQUESTS or path.name == "commands.py":
            continue
        out.append(path)
    return out


def test_no_view_commits() -> None:
    offenders = {str(p.relative_to(ROOT)): found for p in _checked("server") if (found := commits(p.read_text()))}
    assert offenders == {}


def test_the_sync_engine_never_commits() -> None:
    offenders = {str(p.relative_to(ROOT)): found for p in _checked("sync") if (found := commits(p.read_text()))}
    assert offenders == {}


def test_the_check_sees_a_commit() -> None:
    assert commits("db.session.commit()\n") == [1]
    assert commits("session.flush()\n") == []
