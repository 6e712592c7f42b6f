"""Printing file content to a terminal without letting it control the terminal.

A cell, id, title or set-aside line can hold escape sequences (``ESC ]0;title BEL`` retitles the
window, ``ESC [2J`` clears it, ...) or bidirectional-override characters that reorder what is
shown. Every CLI print goes through ``echo``, which shows such characters visibly instead:
C0 controls except tab, DEL and C1 controls as ``\\x1b``-style escapes, the Unicode bidi controls
as ``\\u202e``-style escapes. Plain text, tabs and the line breaks of the printed text itself
are kept.
"""

from __future__ import annotations

import re
import sys

__all__ = ["echo", "printable"]

_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text) -> str:
    """``str(text)`` with every control character shown as an escape (line breaks included)."""
    return _CONTROL.sub(_visible, str(text))


def echo(text="", file=None, flush: bool = False) -> None:
    """``print(text)`` with each line made ``printable`` (the line breaks between lines are kept)."""
    lines = str(text).split("\n")
    print("\n".join(printable(line) for line in lines), file=file or sys.stdout, flush=flush)
