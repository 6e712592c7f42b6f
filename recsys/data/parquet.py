"""Read a Parquet file within the limits of ``DataConfig``, checked before the values are decoded.

A few kilobytes of Parquet can declare millions of rows or a dictionary of long strings repeated
on every row, so the row and column counts are checked from the file's metadata, the size of
the fixed-width and plain-encoded values from the metadata too, and dictionary-encoded text
column by column as it is read (kept dictionary-encoded until its decoded size is known).
Nested columns (lists, structs, maps) are skipped with a note: no RecLens role takes them.
"""

from __future__ import annotations

import io
import json
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from recsys.data.config import DataConfig
from recsys.errors import DataError, Msg

__all__ = ["read_parquet", "check_frame"]

_BATCH_ROWS = 65_536
_UNNAMED_INDEX = re.compile(r"^__index_level_\d+__$")


def _is_nested(kind: pa.DataType) -> bool:
    return pa.types.is_nested(kind) or (pa.types.is_dictionary(kind) and pa.types.is_nested(kind.value_type))


def _is_text(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_binary(kind) \
        or pa.types.is_large_binary(kind)


def _unnamed_index(schema: pa.Schema) -> set[str]:
    """Columns that only hold a pandas index without a name (``__index_level_0__``)."""
    try:
        meta = json.loads((schema.metadata or {}).get(b"pandas", b"{}"))
    except (ValueError, UnicodeDecodeError):
        return set()
    return {c for c in meta.get("index_columns", []) if isinstance(c, str) and _UNNAMED_INDEX.match(c)}


def _plan(pf: pq.ParquetFile, name: str) -> tuple[list[str], list[str], list[str]]:
    """``(columns to read, dictionary-encoded text columns among them, notes)``."""
    schema = pf.schema_arrow
    skip = _unnamed_index(schema)
    columns, notes = [], []
    for f in schema:
        if f.name in skip:
            continue
        if _is_nested(f.type):
            notes.append(f"column '{f.name}' not read: it holds nested values ({f.type}), which no column role "
                         "takes; flatten it into plain columns to use it")
        else:
            columns.append(f.name)
    if not columns:
        nested = ", ".join(f"'{f.name}'" for f in schema if f.name not in skip)
        raise DataError(Msg.PARQUET_NESTED_ONLY.format(name=name, columns=nested))
    meta, dictionary = pf.metadata, set()
    for g in range(meta.num_row_groups):
        group = meta.row_group(g)
        for k in range(group.num_columns):
            col = group.column(k)
            if any("DICTIONARY" in e for e in col.encodings):
                dictionary.add(col.path_in_schema)
    texts = []
    for c in columns:
        kind = schema.field(c).type
        if (c in dictionary and _is_text(kind)) or (pa.types.is_dictionary(kind) and _is_text(kind.value_type)):
            texts.append(c)
    return columns, texts, notes


def _declared_bytes(pf: pq.ParquetFile, columns: list[str], texts: list[str]) -> int:
    """Decoded size the metadata vouches for: fixed widths times rows, plus the uncompressed size
    of the other variable-width columns (plain-encoded values take at most that once decoded)."""
    schema, meta = pf.schema_arrow, pf.metadata
    total = 0
    for c in columns:
        kind = schema.field(c).type
        if pa.types.is_dictionary(kind):
            kind = kind.index_type
        try:
            total += meta.num_rows * kind.bit_width // 8
        except ValueError:  # variable width
            if c not in texts:
                for g in range(meta.num_row_groups):
                    group = meta.row_group(g)
                    total += sum(group.column(k).total_uncompressed_size for k in range(group.num_columns)
                                 if group.column(k).path_in_schema == c)
    return total


def _decoded_size(column: pa.Array) -> int:
    if pa.types.is_dictionary(column.type):
        lengths = pc.binary_length(column.dictionary)
        return int(pc.sum(pc.take(lengths, column.indices)).as_py() or 0) + 4 * len(column)
    return column.nbytes


def _too_big(name: str, limit: int, detail: str) -> DataError:
    return DataError(Msg.PARQUET_TOO_BIG.format(name=name, limit=limit, detail=detail))


def read_parquet(data: bytes, name: str, config: DataConfig = DataConfig()) -> tuple[pd.DataFrame, list[str]]:
    """The flat columns of a Parquet file, and notes on what was skipped.

    Raises:
        DataError: unreadable, only nested columns, or beyond ``max_rows``, ``max_columns`` or
            ``max_decoded_bytes``.
    """
    try:
        pf = pq.ParquetFile(io.BytesIO(data))
        columns, texts, notes = _plan(pf, name)
    except DataError:
        raise
    except Exception as err:  # pyarrow raises many types (ArrowInvalid, OSError, ...) for one cause
        raise DataError(Msg.PARQUET_UNREADABLE.format(name=name, detail=err)) from err
    rows = pf.metadata.num_rows
    if rows > config.max_rows:
        raise DataError(Msg.TOO_MANY_ROWS.format(name=name, count=rows, what="rows", limit=config.max_rows))
    if len(columns) > config.max_columns:
        raise DataError(Msg.TOO_MANY_COLUMNS.format(name=name, count=len(columns), limit=config.max_columns))
    limit = config.max_decoded_bytes
    total = _declared_bytes(pf, columns, texts)
    if total > limit:
        raise _too_big(name, limit, f"{rows:,} rows of {len(columns)} columns take {total:,} bytes")
    try:
        pf = pq.ParquetFile(io.BytesIO(data), read_dictionary=texts)
        batches = []
        for batch in pf.iter_batches(batch_size=_BATCH_ROWS, columns=columns, use_pandas_metadata=False):
            total += sum(_decoded_size(batch.column(c)) for c in texts)
            if total > limit:
                raise _too_big(name, limit, f"its text columns alone take more after {len(batches) + 1} batches")
            batches.append(batch)
        table = pa.Table.from_batches(batches, schema=batches[0].schema if batches else None) if batches \
            else pf.schema_arrow.empty_table().select(columns)
        for c in texts:
            i = table.schema.get_field_index(c)
            table = table.set_column(i, c, pc.cast(table.column(c), table.schema.field(c).type.value_type))
        table = table.replace_schema_metadata(None)
        del batches  # with the table the only owner, to_pandas can free each column once converted
        frame = table.to_pandas(split_blocks=True, self_destruct=True)
    except DataError:
        raise
    except Exception as err:
        raise DataError(Msg.PARQUET_UNREADABLE.format(name=name, detail=err)) from err
    return frame, notes


_NESTED_VALUES = (dict, list, set, tuple, np.ndarray)


def check_frame(frame: pd.DataFrame, name: str, config: DataConfig = DataConfig()) -> tuple[pd.DataFrame, list[str]]:
    """A DataFrame handed over as it is, under the same rules as a Parquet file: columns of
    nested values (dicts, lists, arrays) are dropped with a note, and the limits apply."""
    notes, dropped = [], []
    for c in list(frame.columns):
        col = frame[c]
        if col.dtype == object and pd.api.types.infer_dtype(col, skipna=True).startswith("mixed"):
            if col.map(lambda v: isinstance(v, _NESTED_VALUES)).any():
                notes.append(f"column '{c}' not read: it holds nested values (lists, dicts or arrays), which no "
                             "column role takes; flatten it into plain columns to use it")
                dropped.append(f"'{c}'")
    if dropped and len(dropped) == frame.shape[1]:
        raise DataError(Msg.PARQUET_NESTED_ONLY.format(name=name, columns=", ".join(dropped)))
    frame = frame.drop(columns=[c[1:-1] for c in dropped]) if dropped else frame
    if len(frame) > config.max_rows:
        raise DataError(Msg.TOO_MANY_ROWS.format(name=name, count=len(frame), what="rows", limit=config.max_rows))
    if frame.shape[1] > config.max_columns:
        raise DataError(Msg.TOO_MANY_COLUMNS.format(name=name, count=frame.shape[1], limit=config.max_columns))
    return frame, notes
