"""The PWA's type-search table (synonyms, full pinyin, initials) is generated from the library and current."""

from __future__ import annotations

from server.library import type_words
from server.library.seed import LIBRARY


def test_the_generated_table_is_up_to_date():
    assert type_words.OUT.read_text(encoding="utf-8") == type_words.render(), (
        "pwa/src/store/type-words.generated.js is stale: run python -m server.library.type_words"
    )


def test_every_standard_type_has_pinyin_and_synonyms_only_name_real_types():
    table = type_words.table()
    codes = {code for _a, _zh, _en, types in LIBRARY for code, *_ in types}
    assert set(table) == codes
    assert set(type_words.SYNONYMS) <= codes
    assert "konggu" in table["surface.hollow"]["py"] and "qiangmiankonggu" in table["surface.hollow"]["py"]
    assert "kg" in table["surface.hollow"]["ini"]
    assert "渗水" in table["water.leak_bath"]["syn"]
