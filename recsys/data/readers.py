"""Read a table from a path, bytes or an uploaded file: CSV/TSV/other delimiters or Parquet.

Sniffs the delimiter and the header row, decodes UTF-8 (falling back to latin-1) and reads
every cell as text so that ids keep their exact spelling (``"007"`` stays ``"007"``); typed
parsing happens later, where a bad value can be reported with its row number.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from recsys.errors import DataError, Msg

__all__ = ["RawTable", "read_table", "NA_TOKENS", "is_number"]

# Spellings of "missing" that users' files contain; read as NA, never as a value.
NA_TOKENS = ["", "NA", "N/A", "n/a", "NaN", "nan", "null", "NULL", "None", "none", "-", "?"]
# Candidate delimiters in order of preference when two fit equally well.
SEPARATORS = ["::", "\t", ",", ";", "|"]
_SNIFF_LINES = 200
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_SURROGATE_SEP = "\x1f"  # stands in for multi-character delimiters so pandas' C parser can read them


def is_number(text: str) -> bool:
    """True if ``text`` spells a finite decimal number (``"4"``, ``"-1.5e3"``)."""
    return bool(_NUMBER.match(text.strip()))


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
        bad_lines: Lines dropped because they had more fields than the header, as text.
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


def _decode(data: bytes, name: str, encoding: str | None) -> tuple[str, str, list[str]]:
    notes: list[str] = []
    if encoding:
        try:
            return data.decode(encoding), encoding, notes
        except (UnicodeDecodeError, LookupError) as err:
            raise DataError(Msg.UNREADABLE.format(name=name, detail=f"not {encoding}: {err}")) from err
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16"), "utf-16", ["decoded as UTF-16 (byte-order mark found)"]
        except UnicodeDecodeError as err:
            detail = f"it starts with a UTF-16 byte-order mark but is not valid UTF-16 ({err})"
            raise DataError(Msg.UNREADABLE.format(name=name, detail=detail)) from err
    if b"\x00" in data[:4096]:
        raise DataError(Msg.BINARY_FILE.format(name=name))
    try:
        return data.decode("utf-8-sig"), "utf-8", notes
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        notes.append(
            f"not valid UTF-8 (first bad byte on line {line}); decoded as latin-1 instead. "
            "If accented letters look wrong, set the encoding explicitly."
        )
        return data.decode("latin-1"), "latin-1", notes


def _split(lines: list[str], sep: str) -> list[list[str]]:
    if sep == "::":
        lines = [ln.replace("::", _SURROGATE_SEP) for ln in lines]
        sep = _SURROGATE_SEP
    try:
        return list(csv.reader(lines, delimiter=sep, skipinitialspace=True))
    except csv.Error:
        return [ln.split(sep) for ln in lines]


def sniff_separator(lines: list[str]) -> str:
    """The delimiter that splits ``lines`` into the most consistent number of fields (>= 2).

    Falls back to a single space for whitespace-aligned files and to ``","`` (one column) when
    nothing splits the lines.
    """
    best, best_key = ",", (0.0, 0, 0)
    for rank, sep in enumerate(SEPARATORS):
        if not any(sep in ln for ln in lines):
            continue
        counts = Counter(len(row) for row in _split(lines, sep))
        width, freq = counts.most_common(1)[0]
        if width < 2:
            continue
        key = (freq / len(lines), width if sep != "::" else width + 100, -rank)
        if key > best_key:
            best, best_key = sep, key
    if best_key[0] == 0.0 and all(len(ln.split()) >= 2 for ln in lines):
        return " "
    return best


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


def _check_quotes_closed(err: Exception, name: str) -> None:
    if "EOF inside string" in str(err):
        detail = (
            'a quote (") opens a field that is never closed, so the rest of the file would be read '
            f"as one value ({str(err).strip()})"
        )
        raise DataError(Msg.UNREADABLE.format(name=name, detail=detail)) from err


def _parse(text: str, sep: str, header: bool, name: str) -> tuple[pd.DataFrame, list[str]]:
    if sep == "::":
        text, sep = text.replace("::", _SURROGATE_SEP), _SURROGATE_SEP
    options = dict(
        sep=r"\s+" if sep == " " else sep,
        header=0 if header else None,
        dtype=str,
        keep_default_na=False,
        na_values=NA_TOKENS,
        skipinitialspace=True,
        skip_blank_lines=True,
    )
    try:
        return pd.read_csv(io.StringIO(text), engine="python" if sep == " " else "c", **options), []
    except pd.errors.ParserError as err:
        _check_quotes_closed(err, name)  # ragged lines: read again, collecting the lines that do not fit
    except (pd.errors.EmptyDataError, csv.Error, ValueError) as err:
        raise DataError(Msg.UNREADABLE.format(name=name, detail=str(err).strip())) from err
    if sep != " ":
        # The python engine silently drops everything after an unclosed quote; the C engine
        # (skipping ragged lines) reports it, so ask it before falling back.
        try:
            pd.read_csv(io.StringIO(text), engine="c", on_bad_lines="skip", **options)
        except pd.errors.ParserError as err:
            _check_quotes_closed(err, name)
        except (pd.errors.EmptyDataError, csv.Error, ValueError):
            pass
    bad: list[str] = []

    def keep_aside(fields: list[str]) -> None:
        bad.append(sep.join(fields).replace(_SURROGATE_SEP, "::"))
        return None

    try:
        frame = pd.read_csv(io.StringIO(text), engine="python", on_bad_lines=keep_aside, **options)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error, ValueError) as err:
        raise DataError(Msg.UNREADABLE.format(name=name, detail=str(err).strip())) from err
    return frame, bad


def _records(text: str, sep: str):
    """``(first line, fields)`` of each record, as the parser splits them."""
    if sep == " ":
        yield from ((i + 1, ln.split()) for i, ln in enumerate(text.split("\n")))
        return
    if sep == "::":
        text, sep = text.replace("::", _SURROGATE_SEP), _SURROGATE_SEP
    reader = csv.reader(io.StringIO(text), delimiter=sep, skipinitialspace=True)
    start = 1
    for fields in reader:
        yield start, fields
        start = reader.line_num + 1


def _line_numbers(text: str, sep: str, header: bool, n_rows: int, n_bad: int) -> np.ndarray | None:
    """File line of each parsed row, when it is not simply its position (see ``RawTable``).

    ``None`` when positions are right, or when this count does not agree with the parser's.
    """
    if not n_bad and text.rstrip().count("\n") + 1 == n_rows + header:
        return None  # one row per line: positions are the line numbers
    numbers, width = [], None
    try:
        for line, fields in _records(text, sep):
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue  # blank line, skipped by the parser too
            if width is None:
                width = len(fields)
                if header:
                    continue
            if len(fields) <= width:  # longer records are the set-aside bad lines
                numbers.append(line)
    except csv.Error:
        return None
    return np.asarray(numbers, dtype=np.int64) if len(numbers) == n_rows else None


def _unique_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Repeated column names get ``.1``, ``.2``... (a repeated name would select two columns)."""
    if frame.columns.is_unique:
        return frame
    seen, names = set(), []
    for col in map(str, frame.columns):
        name, k = col, 1
        while name in seen:
            name, k = f"{col}.{k}", k + 1
        seen.add(name)
        names.append(name)
    frame.columns = names
    return frame


def _read_parquet(data: bytes, name: str) -> pd.DataFrame:
    try:
        return pd.read_parquet(io.BytesIO(data))
    except Exception as err:  # pyarrow raises many types (ArrowInvalid, OSError, ...) for one cause
        raise DataError(Msg.PARQUET_UNREADABLE.format(name=name, detail=err)) from err


def read_table(
    source,
    *,
    sep: str | None = None,
    header: bool | None = None,
    encoding: str | None = None,
    names: list[str] | None = None,
) -> RawTable:
    """Read a delimited text file or a Parquet file.

    Args:
        source: A path, raw bytes, a file-like object (e.g. Streamlit's ``UploadedFile``) or a
            ``pandas.DataFrame`` (taken as it is).
        sep: Delimiter; sniffed when ``None``. ``"::"`` and other multi-character strings work.
        header: Whether the first line holds column names; sniffed when ``None``.
        encoding: Text encoding; UTF-8 with a latin-1 fallback when ``None``.
        names: Column names for a headerless file (default ``column_1``, ``column_2``, ...).

    Returns:
        The table with text cells, and what was decided on the way (``RawTable.notes``).

    Raises:
        DataError: empty, binary or unparseable input.
    """
    if isinstance(source, pd.DataFrame):
        return RawTable(_unique_columns(source.copy()), "data frame", None, True, None)
    data, name = _source_bytes(source)
    if not data.strip():
        raise DataError(Msg.EMPTY_FILE.format(name=name))
    if data[:4] == b"PAR1" or name.lower().endswith((".parquet", ".pq")):
        frame = _unique_columns(_read_parquet(data, name))
        if frame.empty:
            raise DataError(Msg.NO_DATA_ROWS.format(name=name))
        return RawTable(frame, name, None, True, None, ("read as Parquet",))
    text, used_encoding, notes = _decode(data, name, encoding)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    sample = [ln for ln in text.split("\n", _SNIFF_LINES + 1)[:_SNIFF_LINES] if ln.strip()]
    if not sample:
        raise DataError(Msg.EMPTY_FILE.format(name=name))
    if sep is None:
        sep = sniff_separator(sample)
        shown = {"\t": "tab", " ": "whitespace"}.get(sep, f"'{sep}'")
        notes.append(f"delimiter detected: {shown}")
    if header is None:
        header = sniff_header(_split(sample[:50], sep) if sep != " " else [s.split() for s in sample[:50]])
        notes.append("first line read as column names" if header else "no header line; columns numbered")
    frame, bad = _parse(text, sep, header, name)
    if header:
        frame.columns = [
            str(c).strip() if str(c).strip() and not str(c).startswith("Unnamed:") else f"column_{i + 1}"
            for i, c in enumerate(frame.columns)
        ]
    else:
        frame.columns = list(names) if names else [f"column_{i + 1}" for i in range(frame.shape[1])]
    frame = _unique_columns(frame)
    if frame.empty:
        raise DataError(Msg.NO_DATA_ROWS.format(name=name))
    lines = _line_numbers(text, sep, bool(header), len(frame), len(bad))
    return RawTable(frame, name, sep, bool(header), used_encoding, tuple(notes), tuple(bad), lines)
