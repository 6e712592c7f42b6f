"""Parquet and DataFrame sources: nested columns skipped with a note, limits checked from the
file's metadata before the values are decoded."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recsys.data import DataConfig, load_dataset, load_interactions, read_table
from recsys.errors import DataError, Msg

USERS = ["u1", "u1", "u1", "u2", "u2", "u2"]
ITEMS = ["a", "b", "c", "a", "b", "c"]


def parquet(table: pa.Table, **options) -> bytes:
    buf = io.BytesIO()
    pq.write_table(table, buf, **options)
    return buf.getvalue()


def test_nested_columns_are_skipped_with_a_note():
    # The crash: profiling a struct column raised "unhashable type: 'dict'".
    data = parquet(pa.table({"user": USERS, "item": ITEMS, "meta": [{"a": k} for k in range(6)],
                             "tags": [[k, k + 1] for k in range(6)]}))
    frame, report, _ = load_interactions(data)
    assert frame["item"].tolist() == ITEMS
    notes = [n for n in report.notes if n.startswith("column '")]
    assert notes == [
        "column 'meta' not read: it holds nested values (struct<a: int64>), which no column role takes; flatten "
        "it into plain columns to use it",
        "column 'tags' not read: it holds nested values (list<element: int64>), which no column role takes; "
        "flatten it into plain columns to use it",
    ]


def test_a_file_of_nested_columns_only_is_refused():
    data = parquet(pa.table({"user": [{"id": u} for u in USERS], "item": [[i] for i in ITEMS]}))
    with pytest.raises(DataError) as err:
        read_table(data)
    assert str(err.value) == Msg.PARQUET_NESTED_ONLY.format(name="uploaded data", columns="'user', 'item'")


def test_nested_users_file_next_to_interactions():
    inter = ("user,item\n" + "".join(f"{u},{i}\n" for u, i in zip(USERS, ITEMS))).encode()
    users = parquet(pa.table({"user_id": ["u1", "u2"], "gender": ["F", "M"], "prefs": [{"x": 1}, {"x": 2}]}))
    ds = load_dataset(inter, users=users)
    assert ds.users.frame.loc["u2", "gender"] == "M" and "prefs" not in ds.users.frame


def test_a_row_bomb_is_refused_from_the_metadata():
    rows = 2_000_000  # a few kilobytes on disk: one dictionary value repeated
    ids = pa.DictionaryArray.from_arrays(pa.array(np.zeros(rows, dtype=np.int32)), pa.array(["u1"]))
    data = parquet(pa.table({"user": ids, "item": ids}), compression="zstd")
    assert len(data) < 50_000
    with pytest.raises(DataError) as err:
        read_table(data, config=DataConfig(max_rows=1_000_000))
    assert str(err.value) == Msg.TOO_MANY_ROWS.format(name="uploaded data", count=rows, what="rows", limit=1_000_000)


def test_a_dictionary_string_bomb_is_refused_before_it_is_decoded():
    value = "v" * 100_000
    big = pa.DictionaryArray.from_arrays(pa.array(np.arange(1000, dtype=np.int32) % 2), pa.array([value, value + "w"]))
    data = parquet(pa.table({"user": [f"u{k % 10}" for k in range(1000)], "item": big}), compression="zstd")
    assert len(data) < 50_000  # 100 MB once decoded
    with pytest.raises(DataError) as err:
        read_table(data, config=DataConfig(max_decoded_bytes=10_000_000))
    assert str(err.value).startswith(
        Msg.PARQUET_TOO_BIG.split("{limit")[0].format(name="uploaded data") + "10,000,000 bytes"
    )
    assert "DataConfig.max_decoded_bytes" in str(err.value)
    assert len(read_table(data, config=DataConfig(max_decoded_bytes=200_000_000)).frame) == 1000


def test_wide_fixed_width_columns_are_refused_from_the_schema():
    data = parquet(pa.table({f"c{k}": np.arange(10_000, dtype=np.int64) for k in range(20)}))
    with pytest.raises(DataError) as err:
        read_table(data, config=DataConfig(max_decoded_bytes=1_000_000))
    assert "10,000 rows of 20 columns take 1,600,000 bytes" in str(err.value)


def test_too_many_parquet_columns():
    data = parquet(pa.table({f"c{k}": [1, 2] for k in range(12)}))
    with pytest.raises(DataError) as err:
        read_table(data, config=DataConfig(max_columns=10))
    assert str(err.value) == Msg.TOO_MANY_COLUMNS.format(name="uploaded data", count=12, limit=10)


def test_a_named_pandas_index_is_a_column_and_an_unnamed_one_is_not_read():
    frame = pd.DataFrame({"user": USERS, "item": ITEMS})
    named, unnamed = io.BytesIO(), io.BytesIO()
    frame.set_index("user").to_parquet(named)
    frame.set_index(pd.Index(range(10, 16))).to_parquet(unnamed)
    assert read_table(named.getvalue()).frame["user"].tolist() == USERS
    assert list(read_table(unnamed.getvalue()).frame.columns) == ["user", "item"]


def test_data_frames_with_nested_values_lose_those_columns_with_a_note():
    frame = pd.DataFrame({"user": USERS, "item": ITEMS, "meta": [{"a": 1}] * 6})
    out, report, _ = load_interactions(frame)
    assert out["item"].tolist() == ITEMS
    assert any(n.startswith("column 'meta' not read: it holds nested values") for n in report.notes)
