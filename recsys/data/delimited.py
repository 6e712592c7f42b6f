"""Parse delimited text into named text columns with pandas' C parser, setting aside the lines
that have more fields than the columns and finding the file line of every row.

pandas' C parser is fast but only counts the lines it skips; their text and the file line of
each row come from one pass of the ``csv`` module over the file, made only when rows are not
simply one per line. If that pass does not agree with the parser, the file is parsed again by
pandas' Python engine, which hands over every set-aside line itself (exact, slower).
"""

from __future__ import annotations

import csv
import io
from array import array
from dataclasses import dataclass

import numpy as np
import pandas as pd

from recsys.data.sniff import SURROGATE_SEP
from recsys.errors import DataError, Msg

__all__ = ["Parsed", "parse_delimited"]


@dataclass
class Parsed:
    """The parser's output: the frame, the set-aside lines and each row's file line (or ``None``)."""

    frame: pd.DataFrame
    bad_lines: list[str]
    line_numbers: np.ndarray | None


def _unreadable(name: str, detail: str) -> DataError:
    return DataError(Msg.UNREADABLE.format(name=name, detail=detail))


def _check_quotes_closed(err: Exception, name: str) -> None:
    if "EOF inside string" in str(err):
        detail = (
            'a quote (") opens a field that is never closed, so the rest of the file would be read '
            f"as one value ({str(err).strip()})"
        )
        raise _unreadable(name, detail) from err


def _records(data: bytes, encoding: str, sep: str, padded: bool):
    """``(first file line, fields)`` of each record, split as the parser splits them."""
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, errors="replace", newline="")
    if sep == " ":
        yield from ((i + 1, ln.split()) for i, ln in enumerate(stream))
        return
    reader = csv.reader(stream, delimiter=sep, skipinitialspace=padded)
    start = 1
    for fields in reader:
        yield start, fields
        start = reader.line_num + 1


def _walk(data: bytes, encoding: str, sep: str, shown: str, skip: int, width: int, n_rows: int, padded: bool):
    """``(line numbers of the rows, set-aside lines)`` from the ``csv`` pass, or ``None`` when
    its count of rows disagrees with the parser's."""
    numbers, bad = array("q"), []
    seen = 0
    try:
        for line, fields in _records(data, encoding, sep, padded):
            if seen < skip:  # the header record and the blank lines before it
                seen += 1
                continue
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue  # blank line, skipped by the parser too
            if len(fields) > width:
                bad.append(shown.join(fields))
            else:
                numbers.append(line)
    except csv.Error:
        return None
    if len(numbers) != n_rows:
        return None
    return np.frombuffer(numbers, dtype=np.int64).copy(), bad


def _python_engine(data: bytes, encoding: str, shown: str, options: dict, name: str) -> Parsed:
    bad: list[str] = []

    def keep_aside(fields: list[str]) -> None:
        bad.append(shown.join(fields))
        return None

    text = data.decode(encoding, errors="replace")
    try:
        frame = pd.read_csv(io.StringIO(text), engine="python", on_bad_lines=keep_aside, **options)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error, ValueError) as err:
        _check_quotes_closed(err, name)
        raise _unreadable(name, str(err).strip()) from err
    return Parsed(frame, bad, None)


def parse_delimited(
    data: bytes, encoding: str, sep: str, names: list[str], skip: int, n_lines: int, name: str, na_values: list[str],
    padded: bool = False,
) -> Parsed:
    """Parse ``data`` into ``len(names)`` text columns.

    Args:
        data: The file's bytes in ``encoding`` (line breaks already ``\\n``).
        sep: The delimiter; ``" "`` for runs of whitespace.
        names: Column names; rows with more fields are set aside.
        skip: Records before the first data row (blank lines, then the header).
        n_lines: Lines in ``data``, to tell whether rows are one per line.
        name: File name for messages.
        na_values: Cell spellings read as missing.
        padded: Whether spaces right after a delimiter are padding, not part of the value.
    """
    shown = sep
    if len(sep) > 1:  # pandas' C parser takes one character: stand one in for "::" and the like
        codec = "utf-8" if encoding == "utf-8-sig" else encoding
        data, sep = data.replace(sep.encode(codec), SURROGATE_SEP.encode()), SURROGATE_SEP
    options = dict(
        sep=r"\s+" if sep == " " else sep, header=None, names=names, skiprows=skip, index_col=False, dtype=str,
        keep_default_na=False, na_values=na_values, skipinitialspace=padded, skip_blank_lines=True,
    )
    ragged = False
    try:
        frame = pd.read_csv(io.BytesIO(data), engine="c", encoding=encoding, on_bad_lines="error", **options)
    except pd.errors.ParserError as err:
        _check_quotes_closed(err, name)
        if "Expected" not in str(err):
            raise _unreadable(name, str(err).strip()) from err
        ragged = True
    except (pd.errors.EmptyDataError, csv.Error, ValueError, UnicodeError) as err:
        raise _unreadable(name, str(err).strip()) from err
    if ragged:
        try:
            frame = pd.read_csv(io.BytesIO(data), engine="c", encoding=encoding, on_bad_lines="skip", **options)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error, ValueError, UnicodeError) as err:
            _check_quotes_closed(err, name)
            raise _unreadable(name, str(err).strip()) from err
    content = n_lines - _trailing_blank_lines(data)
    if not ragged and skip <= 1 and content == len(frame) + skip:
        return Parsed(frame, [], None)  # one row per line: positions are the line numbers
    walked = _walk(data, encoding, sep, shown, skip, len(names), len(frame), padded)
    if walked is not None:
        return Parsed(frame, walked[1], walked[0])
    if not ragged:
        return Parsed(frame, [], None)  # no line was set aside; only the row numbers are approximate
    return _python_engine(data, encoding, shown, options, name)


def _trailing_blank_lines(data: bytes) -> int:
    tail = data[-65_536:]
    kept = len(tail.rstrip())
    return tail[kept:].count(b"\n") - (1 if tail.endswith(b"\n") else 0)
