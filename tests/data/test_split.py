"""Splits: leave-last-out, random leave-one-out, temporal and random; each is a partition and leaks
nothing; the split setting (auto, time, random) and rebuilding a saved run's split."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recsys.data import (
    DataConfig,
    leave_last_out,
    load_dataset,
    make_split,
    random_leave_one_out,
    random_split,
    rebuild_split,
    temporal_split,
)
from recsys.data.split import describe_split, split_record
from recsys.errors import DataError, Msg


def frame_of(rows) -> pd.DataFrame:
    """``rows`` of ``(user_idx, item_idx, timestamp)`` in file order, as in ``Dataset.interactions``."""
    frame = pd.DataFrame(rows, columns=["user_idx", "item_idx", "timestamp"])
    frame.insert(0, "user", "u" + frame["user_idx"].astype(str))
    frame.insert(1, "item", "i" + frame["item_idx"].astype(str))
    return frame


def random_frame(seed: int = 0, n_users: int = 40, n_items: int = 60) -> pd.DataFrame:
    """Users with 1..15 distinct items; few distinct timestamps, so there are many ties."""
    rng = np.random.default_rng(seed)
    rows = []
    for u in range(n_users):
        items = rng.choice(n_items, size=int(rng.integers(1, 16)), replace=False)
        rows += [(u, int(i), 1_600_000_000 + int(rng.integers(0, 6)) * 86_400) for i in items]
    order = rng.permutation(len(rows))
    return frame_of([rows[k] for k in order])


def assert_partition(split, frame: pd.DataFrame) -> None:
    parts = [split.train.index, split.valid.index, split.test.index]
    joined = parts[0].append(parts[1]).append(parts[2])
    assert joined.is_unique, "a row is in two parts"
    assert sorted(joined) == sorted(frame.index), "a row is lost"
    for part in (split.train, split.valid, split.test):
        pd.testing.assert_frame_equal(part, frame.loc[part.index])  # rows are not altered


def pairs(part: pd.DataFrame) -> set:
    return set(zip(part["user_idx"], part["item_idx"]))


# ---------------------------------------------------------------- leave-last-out


def test_leave_last_out_hand_made_case():
    frame = frame_of(
        [
            (0, 10, 300),  # 0  user 0: times 300, 100, 200, 400 -> test 13 (400), valid 10 (300)
            (0, 11, 100),  # 1
            (1, 10, 50),  # 2  user 1: only two rows -> all train
            (0, 12, 200),  # 3
            (1, 11, 60),  # 4
            (2, 20, 500),  # 5  user 2: three rows at the same time -> file order decides
            (2, 21, 500),  # 6
            (0, 13, 400),  # 7
            (2, 22, 500),  # 8
        ]
    )
    split = leave_last_out(frame)
    assert split.strategy == "leave_last_out"
    assert split.test.index.tolist() == [7, 8]
    assert split.valid.index.tolist() == [0, 6]
    # train is chronological per user, ties in file order
    assert split.train.index.tolist() == [1, 3, 2, 4, 5]
    assert "1 users with fewer than 3 interactions are used for training only" in split.notes
    assert_partition(split, frame)


def test_leave_last_out_ties_at_the_end_follow_file_order():
    # all of user 0's rows share one time: the last two lines of the file are valid, test
    frame = frame_of([(0, k, 7) for k in range(5)] + [(1, k, k) for k in range(3)])
    split = leave_last_out(frame)
    assert split.test.loc[split.test["user_idx"] == 0, "item_idx"].tolist() == [4]
    assert split.valid.loc[split.valid["user_idx"] == 0, "item_idx"].tolist() == [3]


@pytest.mark.parametrize("seed", range(5))
def test_leave_last_out_leaks_nothing(seed):
    frame = random_frame(seed)
    split = leave_last_out(frame)
    assert_partition(split, frame)
    counts = frame.groupby("user_idx").size()
    eligible = set(counts.index[counts >= 3])
    assert set(split.test["user_idx"]) == eligible == set(split.valid["user_idx"])
    assert split.test["user_idx"].is_unique and split.valid["user_idx"].is_unique
    # no test or validation interaction is visible in train
    assert not pairs(split.test) & pairs(split.train)
    assert not pairs(split.valid) & pairs(split.train)
    # no future item in a history: train <= valid <= test in time, per user
    last_train = split.train.groupby("user_idx")["timestamp"].max()
    valid_t = split.valid.set_index("user_idx")["timestamp"]
    test_t = split.test.set_index("user_idx")["timestamp"]
    for u in eligible:
        assert last_train[u] <= valid_t[u] <= test_t[u]
    # ties: among rows with the test row's time, the test row is the latest in the file
    for u in eligible:
        rows = frame[(frame["user_idx"] == u)]
        latest = rows[rows["timestamp"] == rows["timestamp"].max()]
        assert split.test[split.test["user_idx"] == u].index[0] == latest.index.max()


def test_leave_last_out_without_timestamps_uses_file_order():
    frame = frame_of([(0, 1, 0), (1, 1, 0), (0, 2, 0), (1, 2, 0), (0, 3, 0), (1, 3, 0)]).drop(columns="timestamp")
    split = leave_last_out(frame)
    assert split.test["item_idx"].tolist() == [3, 3]
    assert split.valid["item_idx"].tolist() == [2, 2]
    assert_partition(split, frame)


def test_leave_last_out_too_small():
    frame = frame_of([(0, 1, 1), (0, 2, 2), (0, 3, 3), (1, 1, 1), (1, 2, 2)])
    with pytest.raises(DataError) as err:
        leave_last_out(frame)
    assert str(err.value) == Msg.TOO_SMALL.format(
        detail="fewer than 2 users with 3 or more interactions", min_users=2, min_per_user=3
    )


def test_leave_last_out_on_a_loaded_dataset(ml100k_bytes):
    ds = load_dataset(ml100k_bytes)
    split = leave_last_out(ds.interactions)
    # user 196: times 881250949 (242), 880606923 (51), 881251111 (265), 881252222 (1)
    test = dict(zip(split.test["user"], split.test["item"]))
    valid = dict(zip(split.valid["user"], split.valid["item"]))
    assert (valid["196"], test["196"]) == ("265", "1")
    assert (valid["186"], test["186"]) == ("302", "465")
    assert (valid["22"], test["22"]) == ("31", "474")


def test_leave_last_out_notes_cold_start_test_items():
    frame = frame_of([(0, 1, 1), (0, 2, 2), (0, 3, 3), (1, 1, 1), (1, 2, 2), (1, 9, 3)])
    notes = leave_last_out(frame).notes
    assert "2 test interactions are with items never seen in training (cold start)" in notes


# ---------------------------------------------------------------- temporal


def test_temporal_split_with_explicit_cutoffs():
    frame = random_frame(1)
    valid_cut, test_cut = 1_600_000_000 + 3 * 86_400, 1_600_000_000 + 5 * 86_400
    split = temporal_split(frame, test_cut, valid_cut)
    assert split.strategy == "temporal"
    assert split.params == {"valid_cutoff": valid_cut, "test_cutoff": test_cut}
    assert (split.train["timestamp"] < valid_cut).all()
    assert ((split.valid["timestamp"] >= valid_cut) & (split.valid["timestamp"] < test_cut)).all()
    assert (split.test["timestamp"] >= test_cut).all()
    assert len(split.train) and len(split.valid) and len(split.test)
    assert_partition(split, frame)


@pytest.mark.parametrize("seed", range(3))
def test_temporal_split_default_quantiles(seed):
    rng = np.random.default_rng(seed)
    frame = frame_of([(int(rng.integers(0, 20)), int(rng.integers(0, 50)), 1_600_000_000 + k) for k in range(1000)])
    split = temporal_split(frame, test_frac=0.2, valid_frac=0.1)
    assert_partition(split, frame)
    assert split.train["timestamp"].max() < split.params["valid_cutoff"] <= split.valid["timestamp"].min()
    assert split.valid["timestamp"].max() < split.params["test_cutoff"] <= split.test["timestamp"].min()
    # distinct times: the parts are close to the requested shares
    assert abs(len(split.test) - 200) <= 2 and abs(len(split.valid) - 100) <= 2


@pytest.mark.parametrize("cut", [1_600_000_000, 1_500_000_000, 1_600_000_000 + 6 * 86_400])
def test_temporal_split_bad_cutoff(cut):
    frame = random_frame(2)
    ts = frame["timestamp"]
    with pytest.raises(DataError) as err:
        temporal_split(frame, cut, ts.min() + 1)
    start, end = pd.to_datetime([ts.min(), ts.max()], unit="s")
    assert str(err.value) == Msg.BAD_CUTOFF.format(value=pd.to_datetime(cut, unit="s"), start=start, end=end)


def test_temporal_split_validation_cutoff_after_test_cutoff():
    frame = random_frame(3)
    day = 86_400
    test_cut, valid_cut = 1_600_000_000 + 2 * day, 1_600_000_000 + 4 * day
    # train (< valid_cut) and test (>= test_cut) would share days 2 and 3
    with pytest.raises(DataError) as err:
        temporal_split(frame, test_cut, valid_cut)
    assert str(err.value) == Msg.BAD_CUTOFF_ORDER.format(
        valid=pd.to_datetime(valid_cut, unit="s"), test=pd.to_datetime(test_cut, unit="s")
    )


def test_temporal_split_needs_timestamps():
    with pytest.raises(DataError) as err:
        temporal_split(random_frame().drop(columns="timestamp"))
    assert str(err.value) == Msg.NO_TIMESTAMPS


@pytest.mark.parametrize(
    "kwargs, name, value",
    [
        ({"test_frac": 0}, "test", 0),
        ({"test_frac": 1.5}, "test", 1.5),
        ({"valid_frac": -0.1}, "validation", -0.1),
        ({"test_frac": 0.5, "valid_frac": 0.5}, "test + validation", 1.0),
        ({"test_frac": 0.6, "valid_frac": 0.5}, "test + validation", 0.6 + 0.5),  # was a numpy ValueError
    ],
)
def test_temporal_split_bad_fraction(kwargs, name, value):
    with pytest.raises(DataError) as err:
        temporal_split(random_frame(), **kwargs)
    assert str(err.value) == Msg.BAD_SPLIT_FRACTION.format(name=name, value=value)


# ---------------------------------------------------------------- random


def test_random_split_is_seeded_and_disjoint():
    frame = random_frame(4, n_users=100)
    a = random_split(frame, seed=7)
    b = random_split(frame, seed=7)
    c = random_split(frame, seed=8)
    for part in ("train", "valid", "test"):
        pd.testing.assert_frame_equal(getattr(a, part), getattr(b, part))
    assert a.test.index.tolist() != c.test.index.tolist()
    assert_partition(a, frame)
    assert a.strategy == "random" and a.params == {"seed": 7, "valid_frac": 0.1, "test_frac": 0.1}


def test_random_split_fractions_are_roughly_right():
    frame = frame_of([(k % 50, k, 1_600_000_000 + k) for k in range(5000)])
    split = random_split(frame, valid_frac=0.2, test_frac=0.1, seed=0)
    # binomial(5000, p): standard deviations ~21 and ~28 rows; allow 5 of them
    assert abs(len(split.test) - 500) < 110
    assert abs(len(split.valid) - 1000) < 140
    assert len(split.train) + len(split.valid) + len(split.test) == 5000


@pytest.mark.parametrize(
    "kwargs, name, value",
    [
        ({"test_frac": 0.0}, "test", 0.0),
        ({"valid_frac": 1.0}, "validation", 1.0),
        ({"test_frac": 0.6, "valid_frac": 0.4}, "test + validation", 1.0),
    ],
)
def test_random_split_bad_fraction(kwargs, name, value):
    with pytest.raises(DataError) as err:
        random_split(random_frame(), **kwargs)
    assert str(err.value) == Msg.BAD_SPLIT_FRACTION.format(name=name, value=value)


def test_splits_of_a_dataset_loaded_with_short_users():
    data = b"user,item,ts\n" + b"".join(
        b"u%d,i%d,%d\n" % (u, i, 1_600_000_000 + i) for u in range(4) for i in range(u + 1)
    )
    ds = load_dataset(data, config=DataConfig(min_user_interactions=1))  # u2 and u3 can be split
    split = leave_last_out(ds.interactions)
    assert sorted(split.test["user"]) == ["u2", "u3"]
    assert sorted(split.train["user"].unique()) == ["u0", "u1", "u2", "u3"]


# ---------------------------------------------------------------- random leave-one-out and the split setting


@pytest.mark.parametrize("seed", range(4))
def test_random_leave_one_out_holds_out_one_random_item_per_user(seed):
    frame = random_frame(seed)
    split = random_leave_one_out(frame, seed=seed)
    assert split.strategy == "random_leave_one_out" and split.params == {"seed": seed}
    assert_partition(split, frame)
    counts = frame.groupby("user_idx").size()
    eligible = set(counts.index[counts >= 3])
    assert set(split.test["user_idx"]) == eligible == set(split.valid["user_idx"])
    assert split.test["user_idx"].is_unique and split.valid["user_idx"].is_unique
    assert not pairs(split.test) & pairs(split.train) and not pairs(split.valid) & pairs(split.train)
    again = random_leave_one_out(frame, seed=seed)
    assert split.test.index.equals(again.test.index) and split.valid.index.equals(again.valid.index)


def test_random_leave_one_out_is_not_the_last_item():
    # 200 users with items 0..9 in file order: a random pick is the last one about 1 time in 10
    frame = frame_of([(u, i, 0) for u in range(200) for i in range(10)]).drop(columns="timestamp")
    split = random_leave_one_out(frame, seed=0)
    last = (split.test["item_idx"] == 9).mean()
    assert 0.03 < last < 0.2
    # every position is drawn: test items cover 0..9, and seeds give different splits
    assert set(split.test["item_idx"]) == set(range(10))
    assert not split.test.index.equals(random_leave_one_out(frame, seed=1).test.index)
    # users with fewer than 3 interactions stay in train
    short = frame_of([(0, 1, 0), (0, 2, 0), (1, 1, 0), (1, 2, 0), (1, 3, 0), (2, 1, 0), (2, 2, 0), (2, 3, 0)])
    split = random_leave_one_out(short, seed=3)
    assert 0 not in set(split.test["user_idx"]) and len(split.train[split.train["user_idx"] == 0]) == 2
    assert "1 users with fewer than 3 interactions are used for training only" in split.notes


@pytest.mark.parametrize(("how", "time_order", "strategy"), [
    ("auto", "timestamp", "leave_last_out"), ("auto", "file", "leave_last_out"),
    ("auto", "sorted by item id", "random_leave_one_out"), ("auto", "timestamps tied", "random_leave_one_out"),
    ("time", "sorted by item id", "leave_last_out"), ("random", "timestamp", "random_leave_one_out"),
])
def test_make_split_chooses_by_setting_and_time_order(how, time_order, strategy):
    frame = random_frame(0)
    split = make_split(frame, how, 5, time_order)
    assert split.strategy == strategy
    assert split.params["how"] == how and split.params["time_order"] == time_order
    auto_random = how == "auto" and strategy == "random_leave_one_out"
    assert any(n.startswith("split: auto chose the random") for n in split.notes) == auto_random
    assert any(n.startswith("split: the time split was asked for") for n in split.notes) == (how == "time")
    assert ("chosen by the auto split setting" in describe_split(split)) == auto_random
    same = rebuild_split(frame, split_record(split))  # what a saved run rebuilds
    assert same.strategy == strategy and same.test.index.equals(split.test.index)
    assert same.valid.index.equals(split.valid.index) and describe_split(same) == describe_split(split)


def test_make_split_refuses_an_unknown_setting():
    with pytest.raises(DataError) as err:
        make_split(random_frame(0), "chronological")
    assert str(err.value) == Msg.BAD_SPLIT.format(how="chronological")


def test_rebuild_split_of_old_and_other_records():
    frame = random_frame(1)
    old = rebuild_split(frame, None)  # runs saved before the split was recorded: leave-last-out
    assert old.test.index.equals(leave_last_out(frame).test.index)
    rows = random_split(frame, seed=4)
    assert rebuild_split(frame, split_record(rows)).test.index.equals(rows.test.index)
    with pytest.raises(DataError) as err:
        rebuild_split(frame, {"strategy": "by moon phase"})
    assert "by moon phase" in str(err.value) and "Train the model again" in str(err.value)
    assert describe_split(None).startswith("leave-last-out per user by time")
    assert describe_split({"strategy": "random_leave_one_out", "seed": 0}).startswith("random leave-one-out per user")
