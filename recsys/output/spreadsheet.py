"""CSV that is safe to open in a spreadsheet: every CSV RecLens writes goes through ``safe_frame``.

A cell starting with ``=``, ``+``, ``-`` or ``@`` is read as a formula by Excel, LibreOffice and
Google Sheets, so a crafted item title or id could run one ("CSV injection"). Following the OWASP
guidance, such text cells get a leading single quote, which spreadsheets show as text. The check
looks past what a spreadsheet skips or folds before the formula character: leading whitespace,
tab, newline, carriage return, the byte-order mark, zero-width characters and the full-width or
small forms ``＝ ＋ － ＠ ﹦ ﹢ ﹣ ﹫`` (folded by Unicode NFKC) and the minus sign ``−``. A cell
that starts with a tab, carriage return or newline is quoted in any case.

Numbers stay numbers: numeric columns are written untouched (a score of -1.5 is not a formula).
Text cells are checked whatever they look like, so a text id ``-1`` is written ``'-1``.
"""

from __future__ import annotations

import unicodedata

import pandas as pd

__all__ = ["FORMULA_STARTS", "is_formula", "neutralise", "safe_csv", "safe_frame", "write_csv"]

FORMULA_STARTS = ("=", "+", "-", "@")
_ALWAYS = ("\t", "\r", "\n")  # OWASP: a cell starting with these is quoted whatever follows
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060\u00ad"  # BOM, zero-width characters, soft hyphen
_MINUS = "\u2212"


def _skipped(char: str) -> bool:
    return char.isspace() or char in _INVISIBLE or unicodedata.category(char) == "Cc"


def is_formula(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula (see the module docstring)."""
    if text.startswith(_ALWAYS):
        return True
    first = next((c for c in text if not _skipped(c)), "")
    return bool(first) and (unicodedata.normalize("NFKC", first)[:1] in FORMULA_STARTS or first == _MINUS)


def neutralise(value):
    """``"=SUM(A1)"`` -> ``"'=SUM(A1)"``, ``" ＝1+1"`` -> ``"' ＝1+1"``; other values unchanged."""
    if isinstance(value, str) and is_formula(value):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell and every column name neutralised; numeric columns untouched."""
    out = frame.copy()
    for i in range(out.shape[1]):
        column = out.iloc[:, i]
        if not pd.api.types.is_numeric_dtype(column):
            out.isetitem(i, column.map(neutralise))
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def safe_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV bytes of ``safe_frame(frame)`` without the index."""
    return safe_frame(frame).to_csv(index=False).encode("utf-8")


def write_csv(frame: pd.DataFrame, path_or_buffer, header: bool = True) -> None:
    """Write ``safe_frame(frame)`` as UTF-8 CSV without the index to a path or an open text file."""
    safe_frame(frame).to_csv(path_or_buffer, index=False, header=header, encoding="utf-8")
