"""Ratings or weights: the value column's reading (recsys.data.values), its load report and
overrides, the statistics of weights, and a headerless play-count file end to end."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from recsys.cli import main
from recsys.data import (
    ColumnMapping,
    DataConfig,
    dataset_stats,
    detect_interaction_columns,
    load_dataset,
    load_interactions,
)
from recsys.data.interactions import MIN_RATING_ON_WEIGHTS
from recsys.data.profile import looks_counts, profile
from recsys.data.stats import weight_bins
from recsys.data.values import read_values_as

PLAYS = Path(__file__).with_name("plays.tsv")  # headerless `user item count`, no timestamps, 4 users x 4 rows
PLAYS_COUNTS = [1, 3, 250, 12, 7, 1830, 2, 45, 96, 5, 1, 4410, 18, 33, 600, 1]
RNG = np.random.default_rng(7)
N = 500


def kind(values, name="column_3", wanted="auto") -> str:
    return read_values_as(name, pd.Series(values, dtype=float), wanted).kind


# ---------------------------------------------------------------- the rule on typical scales


@pytest.mark.parametrize(
    "values",
    [
        RNG.integers(1, 6, N),  # 1-5 stars
        RNG.integers(1, 11, N) / 2,  # 0.5-5 in 0.5 steps
        RNG.integers(0, 11, N),  # 0-10 scale (Book-Crossing style, 0 = implicit)
        np.clip(RNG.normal(70, 15, N).round(), 1, 100),  # 1-100 scores: median near 70, max 100
        RNG.normal(0, 3, N),  # centred, negative and fractional (Jester style)
        np.r_[np.arange(1, 6), [555]],  # a 1-5 scale with one typo: too few distinct values for counts
    ],
    ids=["stars", "half-steps", "0-10", "1-100 scores", "negative", "typo"],
)
def test_rating_scales_read_as_ratings(values):
    assert kind(values) == "rating"


@pytest.mark.parametrize(
    "values",
    [
        (RNG.lognormal(5, 1.5, N).round() + 1),  # play counts: 1 to tens of thousands
        np.r_[np.ones(300), np.arange(2, 51)],  # clicks, mostly 1: max 50 is 50 x the median (the tail branch)
        PLAYS_COUNTS,  # the tiny file below: max 4410 is above any rating scale
    ],
    ids=["plays", "clicks", "tiny file"],
)
def test_counts_read_as_weights(values):
    assert kind(values) == "weight"


def test_scores_crowded_at_the_bottom_of_a_0_100_scale_read_as_weights():
    # documented edge: max 100 is ten times the median 8, the long tail of counts
    values = np.r_[np.arange(0, 16), np.full(20, 8), [100]]
    assert kind(values) == "weight"
    assert kind(values, name="score") == "rating"  # ... unless the name says ratings


def test_evenly_spread_ids_are_counts_only_once_the_column_is_the_value_column():
    ids = pd.Series(RNG.integers(1, 100_000, N))
    assert looks_counts(profile(ids)) and not looks_counts(profile(ids), strict=True)


# ---------------------------------------------------------------- names lean, content decides


def test_count_names_read_as_weights_even_on_a_small_scale():
    reading = read_values_as("Plays", pd.Series([1.0, 2.0, 3.0]))
    assert (reading.kind, reading.how) == ("weight", "by name")
    assert reading.why == "the name 'Plays' says counts; 1 to 3, median 2"


def test_a_count_name_with_negative_values_falls_back_to_the_content():
    reading = read_values_as("weight", pd.Series([-1.5, 0.5, 2.0]))
    assert (reading.kind, reading.how) == ("rating", "by content")
    assert reading.why == "values with fractions: -1.5 to 2, median 0.5"


def test_rating_names_read_as_ratings_unless_the_values_are_counts_far_above_a_scale():
    stars = read_values_as("stars", pd.Series(RNG.integers(1, 6, N), dtype=float))
    assert (stars.kind, stars.how) == ("rating", "by name")
    plays = pd.Series(PLAYS_COUNTS, dtype=float)
    reading = read_values_as("rating", plays)
    assert (reading.kind, reading.how) == ("weight", "by content")
    # sorted counts: 1 1 1 2 3 5 7 12 | 18 33 ...: median (12 + 18) / 2 = 15
    assert reading.why == (
        "named like ratings, but whole numbers from 1 to 4,410, median 15 are far above any rating scale"
    )


def test_value_kind_overrides_name_and_content():
    assert kind(PLAYS_COUNTS, name="plays", wanted="rating") == "rating"
    reading = read_values_as("stars", pd.Series([1.0, 5.0]), "weight")
    assert (reading.kind, reading.how, reading.why) == ("weight", "given", "value_kind='weight' was chosen")


def test_value_kind_is_checked():
    with pytest.raises(ValueError, match="value_kind must be 'auto', 'rating' or 'weight'"):
        DataConfig(value_kind="counts")


# ---------------------------------------------------------------- which column is the value column


def test_an_unnamed_count_column_with_a_long_tail_is_found_by_content():
    frame = pd.DataFrame({"listener": ["a", "b"] * 8, "album": [f"x{k}" for k in range(16)], "n": PLAYS_COUNTS})
    mapping = detect_interaction_columns(frame)
    assert (mapping.rating, mapping.how["rating"]) == ("n", "by content")


def test_an_evenly_spread_integer_column_is_not_taken_for_weights():
    frame = pd.DataFrame(
        {"user": ["a", "b"] * 50, "item": [f"x{k}" for k in range(100)], "order": RNG.integers(1, 100_000, 100)}
    )
    assert detect_interaction_columns(frame).rating is None


# ---------------------------------------------------------------- the load: report and overrides


def test_headerless_play_counts_load_as_weights_with_a_note():
    frame, report, mapping = load_interactions(PLAYS)
    assert list(frame.columns) == ["user", "item", "weight"] and str(frame["weight"].dtype) == "float64"
    assert frame["weight"].tolist() == [float(c) for c in PLAYS_COUNTS]
    assert mapping.rating == "column_3" and mapping.timestamp is None
    assert (
        "column 'column_3' read as weights, not ratings (whole numbers from 1 to 4,410, median 15: counts, not a "
        "rating scale): the statistics show them on a log scale and models that use weights take them as "
        "confidence. To read them as ratings: --value-kind rating, DataConfig(value_kind='rating') or 'Read the "
        "values as' on the Data page"
    ) in report.notes


def test_reading_counts_as_ratings_when_told():
    frame, report, _ = load_interactions(PLAYS, config=DataConfig(value_kind="rating"))
    assert list(frame.columns) == ["user", "item", "rating"]
    assert (
        "column 'column_3' read as ratings (value_kind='rating' was chosen). If they are counts such as plays or "
        "clicks: --value-kind weight, DataConfig(value_kind='weight') or 'Read the values as' on the Data page"
    ) in report.notes


def test_min_rating_is_not_applied_to_weights_and_says_so():
    frame, report, _ = load_interactions(PLAYS, config=DataConfig(min_rating=4))
    assert len(frame) == 16 and report.rows_dropped == 0
    # the file is also sorted by item id within users, which the second warning says (recsys.data.order)
    min_rating, order = report.warnings
    assert min_rating == MIN_RATING_ON_WEIGHTS.format(min_rating=4, column="column_3")
    assert order.startswith("rows are sorted by item id within each user")
    frame, report, _ = load_interactions(PLAYS, config=DataConfig(min_rating=4, value_kind="rating"))
    assert [w for w in report.warnings if not w.startswith("rows are sorted by item id")] == []
    # read as ratings: below 4 are user 2's 1 and 3, user 3's 2, user 4's 1, user 5's 1 (5 rows); user 2
    # is left with 250 and 12, too few to split (2 rows)
    assert {e.reason: e.count for e in report.entries if e.action == "dropped"} == {
        "rating below min_rating=4": 5,
        "user has fewer than 3 interactions (cannot be split)": 2,
    }


def test_negative_weights_are_dropped_when_the_reading_is_forced():
    data = b"u\ti\tv\n" + b"".join(f"u{k % 2}\ti{k}\t{v}\n".encode() for k, v in enumerate([-2, 1, 3, 4, 5, 6, 7, 8]))
    frame, report, _ = load_interactions(data, config=DataConfig(value_kind="weight", max_bad_share=0.5))
    assert frame["weight"].min() == 1.0 and len(frame) == 7
    assert {e.reason: e.count for e in report.entries if e.action == "dropped"} == {
        "negative weight (a weight is a count or confidence, 0 or more)": 1
    }


def test_a_repeated_pair_keeps_one_weight():
    data = b"user,item,plays\na,x,5\na,x,5\na,y,7\na,z,9\n"
    frame, report, _ = load_interactions(data)
    assert frame["weight"].tolist() == [5.0, 7.0, 9.0]
    assert {e.reason: e.count for e in report.entries if e.action == "dropped"} == {"exact duplicate row": 1}


# ---------------------------------------------------------------- statistics on a log scale


def test_weight_bins_are_log_spaced_and_hold_every_weight():
    bins = weight_bins(pd.Series(PLAYS_COUNTS, dtype=float))
    # edges 10 ** (k / 4) rounded up: 1 2 4 6 10 18 32 57 100 178 317 563 1000 1779 3163 5624
    assert bins["label"].tolist()[:6] == ["1", "2–3", "4–5", "6–9", "10–17", "18–31"]
    assert bins["low"].tolist()[-1] == 3163 and bins["high"].tolist()[-1] == 5624
    # 1 1 1 | 2 3 | 5 | 7 | 12 | 18 | 33 45 | 96 | - | 250 | - | 600 | - | 1830 | 4410
    assert bins["count"].tolist() == [3, 2, 1, 1, 1, 1, 2, 1, 0, 1, 0, 1, 0, 1, 1]


def test_weight_bins_give_zero_its_own_bin_and_handle_fractions():
    bins = weight_bins(pd.Series([0.0, 0.0, 0.5, 2.5]))
    # positive edges 10 ** (k / 4) for k = -2 .. 2: 0.316 0.562 1 1.78 3.16; zeros below the first
    assert bins["label"].tolist()[0] == "0" and bins["count"].tolist() == [2, 1, 0, 0, 1]
    assert bins["high"].iloc[0] == pytest.approx(10**-0.5)


def test_statistics_of_weights_are_by_decade_not_per_value():
    frame, _, _ = load_interactions(PLAYS)
    stats = dataset_stats(frame)
    assert stats.rating_counts is None and stats.weight_bins["count"].sum() == 16
    rows = dict(stats.table().values)
    assert "ratings" not in rows
    # 1-9: 1 1 1 2 3 5 7; 10-99: 12 18 33 45 96; 100-999: 250 600; 1,000-9,999: 1830 4410
    assert rows["weights (plays, clicks ...) by decade"] == "1–9: 7, 10–99: 5, 100–999: 2, 1,000–9,999: 2"


# ---------------------------------------------------------------- end to end: library and command line


def test_load_dataset_reads_the_tiny_play_count_file():
    ds = load_dataset(PLAYS)
    assert ds.has_weights and not ds.has_ratings and not ds.has_timestamps
    assert (ds.n_users, ds.n_items, len(ds.interactions)) == (4, 7, 16)
    assert ds.interactions["weight"].sum() == sum(PLAYS_COUNTS)
    assert ds.mapping == ColumnMapping(user="column_1", item="column_2", rating="column_3")


def test_stats_command_says_how_the_counts_were_read(capsys):
    assert main(["stats", str(PLAYS)]) == 0
    out = capsys.readouterr().out
    assert "column 'column_3' read as weights, not ratings" in out and "--value-kind rating" in out
    assert re.search(r"weights \(plays, clicks \.\.\.\) by decade +1–9: 7, 10–99: 5, 100–999: 2, 1,000–9,999: 2\n", out)
    assert main(["stats", str(PLAYS), "--value-kind", "rating"]) == 0
    out = capsys.readouterr().out
    assert "read as ratings (value_kind='rating' was chosen)" in out
    assert re.search(
        r"\n +ratings +1: 3, 2: 1, 3: 1, 5: 1, 7: 1, 12: 1, 18: 1, 33: 1, 45: 1, 96: 1, 250: 1, 600: 1 \.\.\.\n", out
    )
