"""Read a table from a path, bytes or an uploaded file: CSV/TSV/other delimiters or Parquet.

Sniffs the delimiter and the header row, decodes UTF-8 (UTF-16 with or without a byte-order
mark; latin-1 when neither fits) and reads every cell as text so that ids keep their exact
spelling (``"007"`` stays ``"007"``); typed parsing happens later, where a bad value can be
reported with its row number.

Every row is split into the same named columns, never into an implicit index: when the rows have
more fields than the header names, the extra columns are named ``column_N`` (reported); rows with
more fields than that are set aside and reported with their text. The limits of ``DataConfig``
(line length, line count, column count; see ``recsys.data.parquet`` for Parquet) are checked
before anything is parsed, so every file costs bounded time and memory or is refused.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from recsys.data.config import DataConfig
from recsys.data.decoding import decode
from recsys.data.delimited import parse_delimited
from recsys.data.parquet import check_frame, read_parquet
from recsys.data.sniff import is_number, modal_width, sniff_header, sniff_padding, sniff_separator, split_lines
from recsys.errors import DataError, Msg

__all__ = ["RawTable", "read_table", "NA_TOKENS", "is_number", "sniff_header", "sniff_separator"]

# Spellings of "missing" that users' files contain; read as NA, never as a value.
NA_TOKENS = ["", "NA", "N/A", "n/a", "NaN", "nan", "null", "NULL", "None", "none", "-", "?"]
_SNIFF_LINES = 200
_HEAD_BYTES = 4_000_000  # the sniffers read at most this much (or the first line, if longer)
_CHUNK = 1 << 24
_CONTENT = re.compile(rb"[^\s\x00]")


@dataclass(frozen=True)
class RawTable:
    """A table as read, before any column has a meaning.

    Attributes:
        frame: The cells; text columns for delimited files, typed columns for Parquet.
        name: File name used in messages.
        sep: The delimiter used (``None`` for Parquet).
        header: Whether the first line was a header.
        encoding: ``"utf-8"``, ``"latin-1"``, ``"utf-16"`` or ``None`` for Parquet.
        notes: What the reader decided or fixed, for the load report.
        bad_lines: Lines set aside because they had more fields than the columns, as text.
        line_numbers: ``[len(frame)]`` file line of each row when blank lines, set-aside lines
            or quoted line breaks shift it from the row's position; ``None`` otherwise.
    """

    frame: pd.DataFrame
    name: str
    sep: str | None
    header: bool
    encoding: str | None
    notes: tuple[str, ...] = ()
    bad_lines: tuple[str, ...] = ()
    line_numbers: np.ndarray | None = field(default=None, compare=False, repr=False)

    @property
    def rows_read(self) -> int:
        """Records in the file: the rows of ``frame`` plus the lines set aside."""
        return len(self.frame) + len(self.bad_lines)

    @property
    def first_data_row(self) -> int:
        """1-based file line of ``frame.iloc[0]`` (spreadsheet numbering)."""
        return 2 if self.header else 1

    @property
    def row_numbers(self) -> np.ndarray:
        """``[len(frame)]`` 1-based file line of each row (spreadsheet numbering), for messages."""
        if self.line_numbers is not None and len(self.line_numbers) == len(self.frame):
            return np.asarray(self.line_numbers)
        return np.arange(len(self.frame)) + self.first_data_row


def _source_bytes(source) -> tuple[bytes, str]:
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise DataError(f"No file at '{path}'. Check the path.")
        return path.read_bytes(), path.name
    if isinstance(source, bytes):
        return source, "uploaded data"
    if hasattr(source, "getvalue"):  # BytesIO, StringIO, Streamlit UploadedFile
        data = source.getvalue()
        return (data.encode() if isinstance(data, str) else bytes(data)), getattr(source, "name", "uploaded file")
    if hasattr(source, "read"):
        data = source.read()
        return (data.encode() if isinstance(data, str) else data), getattr(source, "name", "file")
    raise DataError(f"Cannot read a table from a {type(source).__name__}; give a path or a file.")


# ---------------------------------------------------------------- limits and layout


def _scan_lines(data: bytes, name: str, config: DataConfig) -> int:
    """Number of lines; refuses a line longer than ``max_line_bytes`` or more than ``max_rows``."""
    arr = np.frombuffer(data, np.uint8)
    n_lines, last, longest, where = 0, -1, 0, 0
    for start in range(0, len(arr), _CHUNK):
        ends = np.flatnonzero(arr[start:start + _CHUNK] == 10) + start
        if len(ends):
            gaps = np.diff(ends, prepend=last) - 1
            k = int(gaps.argmax())
            if gaps[k] > longest:
                longest, where = int(gaps[k]), n_lines + k
            n_lines, last = n_lines + len(ends), int(ends[-1])
    if len(arr) - last - 1 > 0:  # a last line without a line break
        if len(arr) - last - 1 > longest:
            longest, where = len(arr) - last - 1, n_lines
        n_lines += 1
    if longest > config.max_line_bytes:
        raise DataError(Msg.LINE_TOO_LONG.format(name=name, line=where + 1, size=longest, limit=config.max_line_bytes))
    if n_lines > config.max_rows + 1:  # + 1: the header line
        raise DataError(Msg.TOO_MANY_ROWS.format(name=name, count=n_lines, what="lines", limit=config.max_rows))
    return n_lines


def _head(data: bytes, encoding: str) -> list[str]:
    """The first lines for the sniffers, as text: up to ``2 * _SNIFF_LINES`` lines within the
    first ``_HEAD_BYTES`` (at least the first two lines, which ``max_line_bytes`` bounds)."""
    end = 0
    for k in range(2 * _SNIFF_LINES):
        if k >= 2 and end >= _HEAD_BYTES:
            break
        pos = data.find(b"\n", end)
        if pos < 0:
            end = len(data)
            break
        end = pos + 1
    return data[:end].decode(encoding, errors="replace").split("\n")


def _column_names(header: list[str] | None, width: int, names: list[str] | None) -> tuple[list[str], list[str]]:
    """Names for ``width`` columns and notes on how the header was fitted to the rows."""
    if header is None:
        given = list(names or [])
        return given + [f"column_{i + 1}" for i in range(len(given), width)], []
    out = [c.strip() or f"column_{i + 1}" for i, c in enumerate(header)]
    out += [f"column_{i + 1}" for i in range(len(header), width)]
    notes = []
    if width > len(header):
        extra = ", ".join(out[len(header):])
        notes.append(f"the header names {len(header)} columns but the rows have {width} fields: the extra "
                     f"column(s) read as {extra} (check the header line)")
    return out, notes


def _short_rows_note(header: list[str], width: int) -> str:
    empty = ", ".join(f"'{c.strip()}'" for c in header[width:])
    return (f"the header names {len(header)} columns but most rows have {width} fields: the values are read "
            f"from the left, so {empty} is empty on those rows (check the header line)")


def _unique_names(columns) -> list[str]:
    """Repeated column names get ``.1``, ``.2``... (a repeated name would select two columns)."""
    seen, names = set(), []
    for col in map(str, columns):
        name, k = col, 1
        while name in seen:
            name, k = f"{col}.{k}", k + 1
        seen.add(name)
        names.append(name)
    return names


def _unique_columns(frame: pd.DataFrame) -> pd.DataFrame:
    if not frame.columns.is_unique:
        frame.columns = _unique_names(frame.columns)
    return frame


def _layout(lines: list[str], sep: str | None, header: bool | None, notes: list[str]):
    """``(sep, header fields or None, width of the data rows, records before the data, padded)``."""
    first = next((k for k, ln in enumerate(lines) if ln.strip()), None)
    sample = [ln for ln in lines[first:] if ln.strip()][:_SNIFF_LINES] if first is not None else []
    if sep is None:
        sep = sniff_separator(sample)
        notes.append("delimiter detected: " + {"\t": "tab", " ": "whitespace"}.get(sep, f"'{sep}'"))
    records = split_lines(sample, sep)
    if header is None:
        header = sniff_header(records[:50])
        notes.append("first line read as column names" if header else "no header line; columns numbered")
    names = records[0] if header and records else None
    rows = records[1:] if header else records
    # pandas cuts a first data row wider than the names silently (index_col=False), so the
    # columns are at least as many as its fields.
    width = max(modal_width(rows), len(rows[0]) if rows else 0)
    padded = sniff_padding(sample, sep)
    if padded:
        notes.append("values are padded with a space after each delimiter (as in 'a, b'); the padding is not "
                     "part of the values")
    return sep, names, width, (first + 1 if header else 0), padded


def read_table(
    source,
    *,
    sep: str | None = None,
    header: bool | None = None,
    encoding: str | None = None,
    names: list[str] | None = None,
    config: DataConfig = DataConfig(),
) -> RawTable:
    """Read a delimited text file or a Parquet file.

    Args:
        source: A path, raw bytes, a file-like object (e.g. Streamlit's ``UploadedFile``) or a
            ``pandas.DataFrame`` (taken as it is, nested columns dropped).
        sep: Delimiter; sniffed when ``None``. ``"::"`` and other multi-character strings work.
        header: Whether the first line holds column names; sniffed when ``None``.
        encoding: Text encoding; UTF-8 (or UTF-16) with a latin-1 fallback when ``None``.
        names: Column names for a headerless file (default ``column_1``, ``column_2``, ...).
        config: The limits (``max_columns``, ``max_line_bytes``, ``max_rows``, ``max_decoded_bytes``).

    Returns:
        The table with text cells, and what was decided on the way (``RawTable.notes``).

    Raises:
        DataError: empty, binary, unparseable or beyond a limit of ``config``.
    """
    if isinstance(source, pd.DataFrame):
        frame, notes = check_frame(_unique_columns(source.copy()), "data frame", config)
        return RawTable(frame, "data frame", None, True, None, tuple(notes))
    data, name = _source_bytes(source)
    if not _CONTENT.search(data):
        raise DataError(Msg.EMPTY_FILE.format(name=name))
    if data[:4] == b"PAR1" or name.lower().endswith((".parquet", ".pq")):
        frame, notes = read_parquet(data, name, config)
        frame = _unique_columns(frame)
        if frame.empty:
            raise DataError(Msg.NO_DATA_ROWS.format(name=name))
        return RawTable(frame, name, None, True, None, ("read as Parquet", *notes))
    data, parse_encoding, used_encoding, notes = decode(data, name, encoding)
    if not _CONTENT.search(data, 3 if data.startswith(codecs.BOM_UTF8) else 0):  # e.g. a byte-order mark alone
        raise DataError(Msg.EMPTY_FILE.format(name=name))
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    n_lines = _scan_lines(data, name, config)
    sep, header_fields, data_width, skip, padded = _layout(_head(data, parse_encoding), sep, header, notes)
    width = max(data_width, len(header_fields if header_fields is not None else names or ()), 1)
    if width > config.max_columns:
        raise DataError(Msg.TOO_MANY_COLUMNS.format(name=name, count=width, limit=config.max_columns))
    columns, fitted = _column_names(header_fields, width, names)
    notes += fitted
    parsed = parse_delimited(data, parse_encoding, sep, _unique_names(columns), skip, n_lines, name, NA_TOKENS,
                             padded)
    frame = parsed.frame
    if frame.empty:
        raise DataError(Msg.NO_DATA_ROWS.format(name=name))
    if header_fields is not None and 0 < data_width < len(header_fields):
        notes.append(_short_rows_note(header_fields, data_width))
    return RawTable(frame, name, sep, header_fields is not None, used_encoding, tuple(notes),
                    tuple(parsed.bad_lines), parsed.line_numbers)
