"""Showing user-supplied text (file names, column names, item titles) as text, never as markup."""

from __future__ import annotations

import re

__all__ = ["md_escape", "human_size"]

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


def md_escape(text) -> str:
    """Escape Markdown (and the HTML, LaTeX and ``:icon:`` syntax ``st.markdown`` knows) in ``text``.

    A title such as ``**<b>Top</b>**`` is then shown exactly as written.
    """
    return _MARKDOWN.sub(r"\\\1", str(text))


def human_size(n_bytes: int) -> str:
    """``1536`` -> ``"1.5 KB"``."""
    size = float(n_bytes)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"
