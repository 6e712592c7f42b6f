"""Tables written chunk by chunk in the format their file name says (``recsys.output.paths``).

``.csv`` goes through the spreadsheet-safe writer (``recsys.output.spreadsheet``), ``.parquet`` /
``.pq`` through pyarrow's ``ParquetWriter`` (one row group per chunk), ``.json`` is an array of
records. The extension is checked when the writer is made, before anything is computed.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from recsys.output.paths import table_format
from recsys.output.spreadsheet import write_csv

__all__ = ["TableWriter", "write_table"]


class TableWriter:
    """Write a table to ``path`` chunk by chunk, in the format of its extension.

    Args:
        path: ``.csv``, ``.parquet``/``.pq`` or ``.json`` (checked here, before anything is written).
        schema: Columns of an empty output (no chunk written): a valid, empty file is still written.

    Use as a context manager; ``write`` takes a ``pyarrow.Table`` or a ``pandas.DataFrame``.
    """

    def __init__(self, path, schema: pa.Schema | None = None):
        self.kind = table_format(path)
        self.path, self.schema, self.rows = Path(path), schema, 0
        self._parquet = self._text = None
        self._closed = False

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _open_text(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._text = open(self.path, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed in close()
        if self.kind == "json":
            self._text.write("[")

    def write(self, table) -> None:
        """Append ``table``'s rows (the first call fixes the columns)."""
        if isinstance(table, pd.DataFrame):
            table = pa.Table.from_pandas(table, preserve_index=False)
        if self.kind == "parquet":
            if self._parquet is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._parquet = pq.ParquetWriter(self.path, table.schema)
            self._parquet.write_table(table)
        else:
            first = self._text is None
            if first:
                self._open_text()
            frame = table.to_pandas()
            if self.kind == "csv":
                write_csv(frame, self._text, header=first)
            elif len(frame):
                records = frame.to_json(orient="records", force_ascii=False)[1:-1]
                self._text.write(("" if self.rows == 0 else ",\n") + records)
        self.rows += table.num_rows

    def close(self) -> None:
        """Finish the file; with no chunk written, an empty file with ``schema``'s columns."""
        if self._closed:
            return
        self._closed = True
        if self._parquet is None and self._text is None:
            schema = self.schema or pa.schema([])
            self.write(schema.empty_table())
        if self._parquet is not None:
            self._parquet.close()
        if self._text is not None:
            if self.kind == "json":
                self._text.write("]\n")
            self._text.close()
        self._parquet = self._text = None


def write_table(frame: pd.DataFrame, path) -> Path:
    """Write ``frame`` to ``path`` in the format of its extension (see ``TableWriter``)."""
    with TableWriter(path) as writer:
        writer.write(frame)
    return Path(path)
