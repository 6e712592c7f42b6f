"""dataset_stats on tiny cases computed by hand (the working is in the comments)."""

from __future__ import annotations

import pandas as pd
import pytest

from recsys.data import dataset_stats, load_interactions, long_tail_curve

JAN1, JAN15, FEB1, FEB2, MAR10 = (
    pd.Timestamp(d, tz="UTC").value // 10**9
    for d in ("2020-01-01", "2020-01-15", "2020-02-01", "2020-02-02", "2020-03-10")
)


def tiny() -> pd.DataFrame:
    # u1: a b c, u2: a b, u3: a  ->  a 3, b 2, c 1
    return pd.DataFrame(
        {
            "user": ["u1", "u1", "u1", "u2", "u2", "u3"],
            "item": ["a", "b", "c", "a", "b", "a"],
            "rating": [5.0, 4.0, 5.0, 3.0, 5.0, 4.0],
            "timestamp": [JAN1, JAN15, FEB1, FEB2, MAR10, JAN15],
        }
    )


def test_counts_and_density():
    s = dataset_stats(tiny())
    assert (s.n_users, s.n_items, s.n_interactions) == (3, 3, 6)
    assert s.density == pytest.approx(6 / 9)  # 6 interactions / (3 users * 3 items)
    assert s.per_user.to_dict() == {"u1": 3, "u2": 2, "u3": 1}
    assert s.per_item.to_dict() == {"a": 3, "b": 2, "c": 1}


def test_long_tail_numbers():
    s = dataset_stats(tiny())
    # top 20% of 3 items = round(0.6) = 1 item (a) with 3 of 6 interactions
    assert s.head_share == pytest.approx(0.5)
    # cumulative shares by rank: 3/6, 5/6, 6/6. The tail is the items whose interactions come
    # after the first 80%: only c starts past 0.8 (at 5/6), so 1 of 3 items.
    assert s.tail_item_share == pytest.approx(1 / 3)
    curve = long_tail_curve(s.per_item)
    assert curve["rank"].tolist() == [1, 2, 3]
    assert curve["count"].tolist() == [3, 2, 1]
    assert curve["cum_share"].tolist() == pytest.approx([0.5, 5 / 6, 1.0])


def test_head_share_with_ten_items():
    # items 0..9 with 10, 5, 1, 1, 1, 1, 1, 1, 1, 1 interactions = 23; top 20% = 2 items = 15/23
    counts = [10, 5] + [1] * 8
    frame = pd.DataFrame(
        {
            "user": [f"u{k}" for k in range(sum(counts))],
            "item": [f"i{i}" for i, c in enumerate(counts) for _ in range(c)],
        }
    )
    s = dataset_stats(frame)
    assert s.head_share == pytest.approx(15 / 23)
    # cumulative: 10/23=.43, 15/23=.65, then +1/23 each: .70 .74 .78 .83 ...; items starting at or
    # after 0.8: those whose previous cumulative share is >= .8 -> ranks 7..10 (previous 18/23=.78
    # for rank 6, 19/23=.83 for rank 7): 4 of 10 items.
    assert s.tail_item_share == pytest.approx(0.4)
    assert s.rating_counts is None and s.time_start is None and s.per_month is None


def test_rating_histogram():
    s = dataset_stats(tiny())
    # ratings 5, 4, 5, 3, 5, 4 -> 3: 1, 4: 2, 5: 3
    assert s.rating_counts.to_dict() == {3.0: 1, 4.0: 2, 5.0: 3}


def test_time_span_and_months():
    s = dataset_stats(tiny())
    assert s.time_start == pd.Timestamp("2020-01-01", tz="UTC")
    assert s.time_end == pd.Timestamp("2020-03-10", tz="UTC")
    # January: JAN1, JAN15, JAN15; February: FEB1, FEB2; March: MAR10
    assert s.per_month.tolist() == [3, 2, 1]
    assert [d.strftime("%Y-%m") for d in s.per_month.index] == ["2020-01", "2020-02", "2020-03"]


def test_table_for_printing():
    table = dataset_stats(tiny()).table()
    values = dict(zip(table["statistic"], table["value"]))
    assert values["users"] == "3" and values["interactions"] == "6"
    assert values["density"] == "66.6667%"
    assert values["share of interactions on the top 20% items"] == "50.0%"
    assert values["ratings"] == "3: 1, 4: 2, 5: 3"
    assert values["time span"] == "2020-01-01 to 2020-03-10"
    assert values["interactions per user"] == "min 1, median 2, mean 2.0, max 3"


def test_stats_of_a_loaded_file(ratings_csv):
    frame, _, _ = load_interactions(ratings_csv)
    s = dataset_stats(frame)
    # users 1 and 5 with 3 movies each, 6 distinct movies: density 6 / 12
    assert (s.n_users, s.n_items, s.density) == (2, 6, 0.5)
    assert s.rating_counts.to_dict() == {0.5: 1, 3.0: 1, 4.0: 2, 4.5: 1, 5.0: 1}
    assert s.time_start.year == 2000  # 964981247 = 2000-07-30
