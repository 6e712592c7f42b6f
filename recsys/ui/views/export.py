"""Downloads that are safe to open in a spreadsheet: the library's writer (``recsys.output``),
re-exported under the names the pages used first. The CLI writes its CSV files with the same code."""

from __future__ import annotations

from recsys.output.spreadsheet import FORMULA_STARTS, neutralise, safe_csv, safe_frame

__all__ = ["FORMULA_STARTS", "neutralise", "safe_csv", "safe_frame"]
