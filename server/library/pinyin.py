"""Pinyin initials for searching defect types on a tablet keyboard ("kg" finds 空鼓)."""

from pypinyin import Style, lazy_pinyin


def initials(text: str) -> str:
    return "".join(p[0] for p in lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore") if p).lower()
