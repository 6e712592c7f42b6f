"""What orders each user's rows: timestamps, the file, or a sort by item id / rating (``recsys.data.order``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recsys.data import load_dataset
from recsys.data.order import MIN_ROWS, SORTED_SHARE, detect_time_order, monotone_share, usable_time_order
from tests.tiny import tiny_frames


def test_monotone_share_by_hand():
    users = np.array([0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 3, 4, 4, 4])
    values = np.array([1, 2, 3, 3, 2, 1, 1, 2, 1, 3, 2, 5, 5, 5.0])
    # users with >= 3 rows: 0 (rising), 1 (falling), 3 (up then down), 4 (constant); user 2 has 2 rows
    # monotone and not constant: users 0 and 1 -> 2 of 4
    assert monotone_share(users, values) == (0.5, 4)


def test_monotone_share_follows_file_order_of_interleaved_users():
    # user 0's rows are 1, 2, 3 in file order although user 1's rows sit between them
    users = np.array([0, 1, 0, 1, 0, 1])
    values = np.array([1, 9, 2, 7, 3, 8.0])
    assert monotone_share(users, values) == (0.5, 2)  # user 1: 9, 7, 8 is not monotone
    assert monotone_share(users[:0], values[:0]) == (0.0, 0)


def demo_rows() -> pd.DataFrame:
    return tiny_frames()[0]


def test_demo_file_order_is_time_with_and_without_timestamps():
    rows = demo_rows()
    assert detect_time_order(rows.rename(columns={"user_id": "user", "item_id": "item"}))[0] == "timestamp"
    ds = load_dataset(rows.drop(columns="timestamp"))  # rows in time order: a plausible file order
    assert ds.time_order == "file" and usable_time_order(ds.time_order)
    assert not ds.reports["interactions"].warnings


@pytest.mark.parametrize("ids", ["numbers", "strings"])
def test_rows_sorted_by_item_id_are_named_in_the_report(ids):
    rows = demo_rows().drop(columns="timestamp")
    if ids == "strings":  # "i10" < "i9" as strings: the sort must be read as a string sort
        rows["item_id"] = "i" + rows["item_id"].astype(str)
    rows = rows.sort_values(["user_id", "item_id"], kind="stable")
    report = load_dataset(rows).reports["interactions"]
    assert report.time_order == "sorted by item id" and not usable_time_order(report.time_order)
    (warning,) = report.warnings
    assert warning.startswith("rows are sorted by item id within each user (100% of the 80 users with 3 or more rows)")
    assert "file order is not time order" in warning
    assert report.to_dict()["time_order"] == "sorted by item id"


def test_numeric_ids_are_compared_as_numbers():
    # sorted as numbers: 2 < 10 < 100; as strings "10" < "100" < "2" would not be monotone
    rows = pd.DataFrame({"user": ["a"] * 3 + ["b"] * 3, "item": ["2", "10", "100", "5", "20", "300"]})
    assert detect_time_order(rows)[:2] == ("sorted by item id", 1.0)


def test_rows_sorted_by_rating_descending():
    rows = (
        demo_rows().drop(columns="timestamp").sort_values(["user_id", "rating"], ascending=[True, False], kind="stable")
    )
    ds = load_dataset(rows)
    assert ds.time_order == "sorted by rating"
    assert "rows are sorted by rating within each user" in ds.reports["interactions"].warnings[0]


def test_threshold_share_of_sorted_users():
    # 10 users with 4 rows; k of them sorted by item, the rest in the order 3, 1, 4, 2
    def frame(k: int) -> pd.DataFrame:
        rows = [(u, i) for u in range(10) for i in ([1, 2, 3, 4] if u < k else [3, 1, 4, 2])]
        return pd.DataFrame(rows, columns=["user", "item"]).astype(str)

    assert SORTED_SHARE == 0.8 and MIN_ROWS == 3
    assert detect_time_order(frame(8))[0] == "sorted by item id"
    assert detect_time_order(frame(7))[0] == "file"


def test_equal_timestamps_are_no_time_order():
    rows = demo_rows().assign(timestamp=1_700_000_000)
    report = load_dataset(rows).reports["interactions"]
    assert report.time_order == "timestamps tied" and not usable_time_order(report.time_order)
    assert "they do not order the rows" in report.warnings[0]
