"""Output paths are checked against the format their name says, before any work is done.

A table goes to ``.csv`` (spreadsheet-safe), ``.parquet`` / ``.pq`` or ``.json`` (``table_format``;
written by ``recsys.output.files.TableWriter``); any other name is refused with a message that
lists the known ones, so Parquet bytes never land in a file called ``.csv``. A JSON document
needs a ``.json`` name (``json_file``); a folder (a run, the audit's CSV tables) must not be an
existing file or be named like one (``out_folder``). ``arg_type`` turns a check into an
``argparse`` type, so the CLI refuses a bad path before it loads or trains anything. Only the
standard library is imported here, so building the CLI's parser stays cheap.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from recsys.errors import RecLensError

__all__ = ["FILE_SUFFIXES", "TABLE_FORMATS", "arg_type", "json_file", "out_folder", "table_format"]

TABLE_FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet", ".json": "json"}
FILE_SUFFIXES = (*TABLE_FORMATS, ".tsv", ".txt", ".zip", ".xlsx", ".xls", ".npz", ".keras")
UNKNOWN_FORMAT = (
    "Cannot tell which format to write '{path}' in: its name must end in {known} (e.g. recs.csv, safe to open in "
    "a spreadsheet, or recs.parquet)."
)
NOT_JSON = "'{path}' is written as JSON: give a file name ending in .json."
NOT_A_FOLDER = "'{path}' {why}, but a folder is written here (several files go inside it): give a folder name{hint}."


def table_format(path) -> str:
    """``"csv"``, ``"parquet"`` or ``"json"`` from the name's extension (any case).

    Raises:
        RecLensError: any other extension (``UNKNOWN_FORMAT``).
    """
    kind = TABLE_FORMATS.get(Path(path).suffix.lower())
    if kind is None:
        raise RecLensError(UNKNOWN_FORMAT.format(path=path, known=", ".join(TABLE_FORMATS)))
    return kind


def json_file(path) -> Path:
    """``path`` when it names a ``.json`` file, else ``RecLensError`` (``NOT_JSON``)."""
    if Path(path).suffix.lower() != ".json":
        raise RecLensError(NOT_JSON.format(path=path))
    return Path(path)


def out_folder(path) -> Path:
    """``path`` when it can be a folder (not an existing file, not named like one), else ``RecLensError``."""
    p = Path(path)
    if p.is_file():
        raise RecLensError(NOT_A_FOLDER.format(path=path, why="is an existing file", hint=""))
    if p.suffix.lower() in FILE_SUFFIXES:
        raise RecLensError(NOT_A_FOLDER.format(path=path, why=f"is named like a {p.suffix} file",
                                               hint=f" such as '{p.with_suffix('')}'"))
    return p


def arg_type(check):
    """An ``argparse`` ``type=`` that runs ``check`` on the text and keeps the text."""

    def parse(text: str) -> str:
        try:
            check(text)
        except RecLensError as err:
            raise argparse.ArgumentTypeError(str(err)) from None
        return text

    parse.__name__ = check.__name__
    return parse
