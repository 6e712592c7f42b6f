"""Guess how a delimited text file is laid out: its delimiter, whether it has a header line, and
how many fields its rows have. Each guess is made on the first lines only and can be overridden
(``DataConfig.sep`` / ``header``)."""

from __future__ import annotations

import csv
import re
from collections import Counter

__all__ = [
    "SEPARATORS", "SURROGATE_SEP", "is_number", "split_lines", "sniff_header", "sniff_separator", "modal_width",
    "sniff_padding",
]

# Candidate delimiters in order of preference when two fit equally well.
SEPARATORS = ["::", "\t", ",", ";", "|"]
SURROGATE_SEP = "\x1f"  # stands in for multi-character delimiters so pandas' C parser can read them
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def is_number(text: str) -> bool:
    """True if ``text`` spells a finite decimal number (``"4"``, ``"-1.5e3"``)."""
    return bool(_NUMBER.match(text.strip()))


def split_lines(lines: list[str], sep: str, skip_space: bool = True) -> list[list[str]]:
    """Each line split into fields as the parser will split it (quotes respected)."""
    if sep == " ":
        return [ln.split() for ln in lines]
    if len(sep) > 1:
        lines = [ln.replace(sep, SURROGATE_SEP) for ln in lines]
        sep = SURROGATE_SEP
    try:
        return list(csv.reader(lines, delimiter=sep, skipinitialspace=skip_space))
    except csv.Error:
        return [ln.split(sep) for ln in lines]


def sniff_padding(lines: list[str], sep: str) -> bool:
    """Whether values are padded with a space after the delimiter (``a, b, c``): then the padding
    is not part of a value. Elsewhere a space is kept, so that ``' u3'`` is not silently ``'u3'``."""
    if sep == " ":
        return False
    fields = [f for row in split_lines(lines, sep, skip_space=False) for f in row[1:]]
    return bool(fields) and sum(f.startswith(" ") for f in fields) >= 0.5 * len(fields)


def sniff_separator(lines: list[str]) -> str:
    """The delimiter that splits ``lines`` into the most consistent number of fields (>= 2).

    Falls back to a single space for whitespace-aligned files and to ``","`` (one column) when
    nothing splits the lines.
    """
    best, best_key = ",", (0.0, 0, 0)
    for rank, sep in enumerate(SEPARATORS):
        if not any(sep in ln for ln in lines):
            continue
        counts = Counter(len(row) for row in split_lines(lines, sep))
        width, freq = counts.most_common(1)[0]
        if width < 2:
            continue
        key = (freq / len(lines), width if sep != "::" else width + 100, -rank)
        if key > best_key:
            best, best_key = sep, key
    if best_key[0] == 0.0 and all(len(ln.split()) >= 2 for ln in lines):
        return " "
    return best


def modal_width(rows: list[list[str]]) -> int:
    """The most common number of fields among ``rows`` (the wider one on a tie; 0 for none)."""
    counts = Counter(len(r) for r in rows if r and not (len(r) == 1 and not r[0].strip()))
    if not counts:
        return 0
    top = max(counts.values())
    return max(w for w, n in counts.items() if n == top)


_HEADER_WORDS = None


def _header_words() -> set[str]:
    global _HEADER_WORDS
    if _HEADER_WORDS is None:
        from recsys.data.columns import all_aliases

        _HEADER_WORDS = all_aliases()
    return _HEADER_WORDS


def sniff_header(rows: list[list[str]]) -> bool:
    """Whether ``rows[0]`` is a header: a known column name, or text above a numeric column."""
    if not rows:
        return False
    first = [c.strip() for c in rows[0]]
    if any(not c for c in first):
        return False
    if any(re.sub(r"[^a-z0-9]", "", c.lower()) in _header_words() for c in first):
        return True
    rest = rows[1:]
    if not rest:
        return all(not is_number(c) for c in first)
    for j, cell in enumerate(first):
        values = [r[j].strip() for r in rest if len(r) > j and r[j].strip()]
        if values and not is_number(cell):
            share = sum(is_number(v) for v in values) / len(values)
            if share >= 0.8:
                return True
    return False
