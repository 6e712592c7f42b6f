"""load_interactions: every file shape end to end, the cleaning policy and its report counts."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from recsys.data import ColumnMapping, DataConfig, load_interactions
from recsys.data.interactions import MISSING_RULE
from recsys.errors import DataError, Msg

from .conftest import ML100K_ROWS


def prefix(template: str, **known) -> str:
    """A message template filled with ``known`` fields, cut at the first field not given."""

    class Cut(dict):
        def __missing__(self, key):
            return "\x00"

    return template.format_map(Cut(known)).split("\x00", 1)[0]


def dropped(report) -> dict[str, int]:
    return {e.reason: e.count for e in report.entries if e.action == "dropped"}


def balanced(report) -> bool:
    return report.rows_read == report.rows_kept + report.rows_dropped


# ---------------------------------------------------------------- file shapes


def test_ml100k_headerless_tsv(ml100k_bytes):
    frame, report, mapping = load_interactions(ml100k_bytes)
    assert list(frame.columns) == ["user", "item", "rating", "timestamp"]
    assert frame["user"].tolist() == [u for u, _, _, _ in ML100K_ROWS]  # file order is kept
    assert frame["item"].tolist() == [i for _, i, _, _ in ML100K_ROWS]
    assert frame["rating"].tolist() == [float(r) for _, _, r, _ in ML100K_ROWS]
    assert frame["timestamp"].tolist() == [t for _, _, _, t in ML100K_ROWS]
    assert frame["user"].map(type).eq(str).all() and frame["item"].map(type).eq(str).all()
    assert str(frame["rating"].dtype) == "float64" and str(frame["timestamp"].dtype) == "int64"
    assert (report.rows_read, report.rows_kept, report.rows_dropped) == (10, 10, 0)
    assert mapping.timestamp == "column_4"


def test_movielens_csv_with_header(ratings_csv):
    frame, report, _ = load_interactions(ratings_csv)
    assert frame["rating"].tolist() == [4.0, 4.5, 4.0, 5.0, 0.5, 3.0]
    assert frame["timestamp"].iloc[0] == 964982703
    assert (report.rows_read, report.rows_kept) == (6, 6)


def test_play_counts_without_timestamps(lastfm_bytes):
    frame, report, mapping = load_interactions(lastfm_bytes)
    assert list(frame.columns) == ["user", "item", "weight"]  # play counts are weights, not ratings
    assert frame["weight"].tolist() == [13883.0, 11690.0, 11351.0, 500.0, 400.0, 300.0]
    assert str(frame["weight"].dtype) == "float64"
    assert mapping.rating == "weight" and mapping.timestamp is None
    assert any(n.startswith("column 'weight' read as weights, not ratings") for n in report.notes)
    assert report.rows_kept == 6


def test_ml1m_double_colon(ml1m_bytes):
    frame, report, _ = load_interactions(ml1m_bytes)
    assert frame[["user", "item"]].values.tolist()[:2] == [["1", "1193"], ["1", "661"]]
    assert frame["timestamp"].tolist()[-1] == 978299620
    assert any("'::'" in n for n in report.notes)


@pytest.mark.parametrize("sep", [";", "|"])
def test_semicolon_and_pipe(ratings_csv, sep):
    frame, _, _ = load_interactions(ratings_csv.replace(b",", sep.encode()))
    expected, _, _ = load_interactions(ratings_csv)
    pd.testing.assert_frame_equal(frame, expected)


def test_sources_path_bytes_uploaded_and_file_like(write, upload, ratings_csv):
    expected, _, _ = load_interactions(ratings_csv)
    path = write("ratings.csv", ratings_csv)
    for source in (path, str(path), upload(ratings_csv, "ratings.csv"), io.BytesIO(ratings_csv)):
        frame, report, _ = load_interactions(source)
        pd.testing.assert_frame_equal(frame, expected)
    assert load_interactions(upload(ratings_csv, "mine.csv"))[1].source == "mine.csv"


def test_parquet_bytes_and_path(tmp_path, parquet_bytes, ratings_csv):
    expected, _, _ = load_interactions(ratings_csv)
    typed = pd.read_csv(io.BytesIO(ratings_csv))  # ids int64, ratings float64
    path = tmp_path / "ratings.parquet"
    typed.to_parquet(path)
    for source in (parquet_bytes(typed), path):
        frame, report, _ = load_interactions(source)
        pd.testing.assert_frame_equal(frame, expected)
        assert "read as Parquet" in report.notes


@pytest.mark.parametrize("tz", [None, "UTC", "Europe/Paris"])
def test_parquet_datetime_timestamps(parquet_bytes, tz):
    times = pd.to_datetime(["2020-01-01 00:00:00", "2020-01-01 00:00:01", "2020-01-01 00:00:02"]).tz_localize(tz)
    typed = pd.DataFrame({"user": ["u1"] * 3, "item": ["a", "b", "c"], "when": times})
    for source in (parquet_bytes(typed), typed):
        frame, report, mapping = load_interactions(source)
        # 2020-01-01T00:00Z = 1577836800; Paris is one hour ahead of UTC in winter
        offset = 3600 if tz == "Europe/Paris" else 0
        assert frame["timestamp"].tolist() == [1577836800 - offset + k for k in range(3)]
        assert mapping.timestamp == "when" and mapping.how["timestamp"] == "by name"
        assert report.rows_dropped == 0


def test_parquet_float_ids_become_integral_strings(parquet_bytes):
    typed = pd.DataFrame({"user": [1.0, 1.0, 1.0], "item": [10.0, 11.0, 12.0]})
    frame, _, _ = load_interactions(parquet_bytes(typed))
    assert frame["user"].tolist() == ["1"] * 3
    assert frame["item"].tolist() == ["10", "11", "12"]


def test_huge_float_ids_stay_as_written():
    typed = pd.DataFrame({"user": [9.3e18, 9.3e18, 9.3e18], "item": [1.5, 2.0, 3.0]})
    frame, _, _ = load_interactions(typed)
    assert frame["user"].tolist() == ["9.3e+18"] * 3  # too big for an exact integer
    assert frame["item"].tolist() == ["1.5", "2.0", "3.0"]  # not all whole: left as they are


def test_data_frame_source():
    frame, report, _ = load_interactions(pd.DataFrame({"user": ["a"] * 3, "item": ["x", "y", "z"]}))
    assert frame["item"].tolist() == ["x", "y", "z"]
    assert report.rows_kept == 3


def test_iso_dates_converted_to_epoch_seconds():
    data = b"user,item,date\nu1,a,2020-01-01\nu1,b,2020-01-02T00:00:30Z\nu1,c,2020-01-03 12:00\n"
    frame, report, _ = load_interactions(data)
    # 2020-01-01T00:00Z = 1577836800; +1 day +30 s; +2 days +12 h
    assert frame["timestamp"].tolist() == [1577836800, 1577923230, 1578052800]
    assert "dates converted to epoch seconds (UTC)" in report.notes


def test_dates_with_mixed_time_zones():
    data = (
        b"user,item,date\nu1,a,2020-01-01T02:00:00+02:00\nu1,b,2020-01-01T00:00:01Z\nu1,c,2019-12-31T19:00:02-05:00\n"
    )
    frame, _, _ = load_interactions(data)
    assert frame["timestamp"].tolist() == [1577836800, 1577836801, 1577836802]


def test_epoch_milliseconds_converted_to_seconds():
    data = b"user,item,ts\nu1,a,1600000000123\nu1,b,1600000001999\nu1,c,1600000002000\n"
    frame, report, _ = load_interactions(data)
    assert frame["timestamp"].tolist() == [1600000000, 1600000001, 1600000002]
    fixed = [e for e in report.entries if e.action == "fixed"]
    assert [(e.reason, e.count, e.examples) for e in fixed] == [
        ("timestamp in milliseconds (from 1e11 to 1e14), divided by 1,000", 3, (2, 3, 4))
    ]


def test_fractional_epoch_seconds_are_floored():
    frame, _, _ = load_interactions(b"user,item,ts\nu1,a,1600000000.7\nu1,b,1600000001\nu1,c,1600000002\n")
    assert frame["timestamp"].tolist() == [1600000000, 1600000001, 1600000002]


def test_latin1_interactions_are_decoded_with_a_note():
    data = "user;item\nJosé;Café\nJosé;Thé\nJosé;Crème\n".encode("latin-1")
    frame, report, _ = load_interactions(data)
    assert frame["user"].tolist() == ["José"] * 3
    assert frame["item"].tolist() == ["Café", "Thé", "Crème"]
    assert any("decoded as latin-1" in n for n in report.notes)


def test_read_options_and_config_reading_policy(ratings_csv):
    data = ratings_csv.split(b"\n", 1)[1]  # drop the header
    frame, _, mapping = load_interactions(data, header=False, names=["u", "i", "r", "t"], sep=",")
    assert mapping.as_dict() == {"user": "u", "item": "i", "rating": "r", "timestamp": "t"}
    assert len(frame) == 6
    frame, _, _ = load_interactions(data.replace(b",", b"\t"), config=DataConfig(sep="\t", header=False))
    assert len(frame) == 6


def test_mapping_override_reaches_the_frame(ratings_csv):
    one_each = DataConfig(min_user_interactions=1)  # every movie, read as a user, has one row
    frame, _, mapping = load_interactions(ratings_csv, ColumnMapping(user="movieId", item="userId"), one_each)
    assert frame["user"].tolist() == ["1", "3", "6", "47", "50", "70"]
    assert mapping.how["user"] == "given"


# ---------------------------------------------------------------- the cleaning policy, counted

MESSY = (
    b"user,item,rating,timestamp\n"  # line 1
    b"u1,a,5,100000001\n"  # 2  exact duplicate of line 3: the later copy stays
    b"u1,a,5,100000001\n"  # 3
    b"u1,b,4,100000002\n"  # 4  u1-b again on line 6, later: this one goes
    b"u1,c,3,100000003\n"  # 5
    b"u1,b,2,100000009\n"  # 6
    b",d,4,100000004\n"  # 7  missing user
    b"u2,,4,100000005\n"  # 8  missing item
    b"u2,a,,100000006\n"  # 9  missing rating
    b"u2,b,1,100000007\n"  # 10
    b"u2,c,5,100000008\n"  # 11
    b"u2,d,5,100000010\n"  # 12
    b"u2,e,5,100000011,extra\n"  # 13 too many fields
    b"u3,a,5,100000012\n"  # 14 u3 has only 2 rows
    b"u3,b,5,100000013\n"  # 15
)


def test_messy_file_report_counts():
    frame, report, _ = load_interactions(MESSY)
    # 14 data lines: 8 dropped (one per reason, two for u3), 6 kept.
    assert dropped(report) == {
        "lines with more fields than the header": 1,
        "missing user id": 1,
        "missing item id": 1,
        "missing rating": 1,
        "exact duplicate row": 1,
        "repeated user-item pair (kept the latest)": 1,
        "user has fewer than 3 interactions (cannot be split)": 2,
    }
    assert (report.rows_read, report.rows_kept, report.rows_dropped) == (14, 6, 8)
    assert balanced(report)
    assert frame[["user", "item"]].values.tolist() == [
        ["u1", "a"],
        ["u1", "c"],
        ["u1", "b"],
        ["u2", "b"],
        ["u2", "c"],
        ["u2", "d"],
    ]
    assert frame.loc[2, "timestamp"] == 100000009  # the latest u1-b was kept


def test_report_examples_are_file_line_numbers():
    _, report, _ = load_interactions(MESSY)
    examples = {e.reason: e.examples for e in report.entries if e.action == "dropped"}
    assert examples["missing user id"] == (7,)
    assert examples["missing item id"] == (8,)
    assert examples["missing rating"] == (9,)
    assert examples["exact duplicate row"] == (2,)
    assert examples["repeated user-item pair (kept the latest)"] == (4,)
    assert examples["lines with more fields than the header"] == ("u2,e,5,100000011,extra",)
    # u3's rows sit on lines 14 and 15, after the set-aside line 13.
    assert examples["user has fewer than 3 interactions (cannot be split)"] == (14, 15)


def test_row_numbers_survive_blank_lines_and_multiline_quotes():
    data = b'user,item,rating,note\n\nu1,a,1,"two\nlines"\n\nu1,b,oops,x\nu1,c,3,y\n'
    # line 1 header, 2 blank, 3-4 one quoted record, 5 blank, 6 the bad rating, 7 the last row
    with pytest.raises(DataError) as err:
        load_interactions(data)
    assert str(err.value) == Msg.NON_NUMERIC_RATING.format(column="rating", count=1, row=6, value="oops")
    data = b"user,item,rating\n\nu1,a,1\n\nu1,b,2\nu1,c,x\n" + b"".join(b"u2,i%d,1\n" % k for k in range(200))
    _, report, _ = load_interactions(data)  # 1 bad of 203: dropped, reported on its line
    assert [e.examples for e in report.entries if e.reason == "rating is not a number"] == [(6,)]


def test_min_rating_turns_ratings_into_positives():
    frame, report, _ = load_interactions(MESSY, config=DataConfig(min_rating=3))
    # Ratings below 3 after the id/rating drops: u1-b on line 6 (2) and u2-b on line 10 (1).
    # Then u1 keeps a, b, c (lines 2, 4, 5); u2 keeps c, d and u3 a, b: too few, 4 rows dropped.
    assert dropped(report) == {
        "lines with more fields than the header": 1,
        "missing user id": 1,
        "missing item id": 1,
        "missing rating": 1,
        "rating below min_rating=3": 2,
        "exact duplicate row": 1,
        "user has fewer than 3 interactions (cannot be split)": 4,
    }
    low = next(e for e in report.entries if e.reason.startswith("rating below"))
    assert low.examples == (6, 10)
    assert frame[["user", "item"]].values.tolist() == [["u1", "a"], ["u1", "b"], ["u1", "c"]]
    assert (report.rows_read, report.rows_kept, report.rows_dropped) == (14, 3, 11)


def test_min_rating_keeps_enough():
    data = b"user,item,rating\n" + b"".join(b"u%d,i%d,%d\n" % (u, i, 1 + (i % 5)) for u in range(3) for i in range(10))
    frame, report, _ = load_interactions(data, config=DataConfig(min_rating=4))
    # each user rated i0..i9 with 1,2,3,4,5,1,2,3,4,5: four ratings >= 4 per user survive.
    assert len(frame) == 12 and set(frame["rating"]) == {4.0, 5.0}
    assert dropped(report) == {"rating below min_rating=4": 18}
    assert balanced(report)


def test_duplicates_without_timestamps_keep_the_latest_in_file_order():
    frame, report, _ = load_interactions(b"user,item\nu1,a\nu1,b\nu1,a\nu1,c\n")
    # the pair u1-a is on lines 2 and 4: the later one stays, so the sequence is b, a, c
    assert frame["item"].tolist() == ["b", "a", "c"]
    assert report.rows_dropped == 1 and balanced(report)
    assert report.entries[-1].examples == (2,)


def test_duplicates_policy_first_and_keep():
    data = b"user,item,ts\nu1,a,1600000005\nu1,b,1600000001\nu1,a,1600000002\nu1,c,1600000003\n"
    latest, _, _ = load_interactions(data)
    assert latest[["item", "timestamp"]].values.tolist() == [["a", 1600000005], ["b", 1600000001], ["c", 1600000003]]
    first, report, _ = load_interactions(data, config=DataConfig(duplicates="first"))
    assert first[["item", "timestamp"]].values.tolist() == [["b", 1600000001], ["a", 1600000002], ["c", 1600000003]]
    assert dropped(report) == {"repeated user-item pair (kept the earliest)": 1}
    everything, report, _ = load_interactions(data, config=DataConfig(duplicates="keep"))
    assert len(everything) == 4 and report.rows_dropped == 0
    with pytest.raises(ValueError):
        DataConfig(duplicates="sometimes")


def test_min_user_interactions_setting():
    data = b"user,item\nu1,a\nu2,a\nu2,b\n"
    frame, report, _ = load_interactions(data, config=DataConfig(min_user_interactions=1))
    assert len(frame) == 3 and report.rows_dropped == 0
    frame, report, _ = load_interactions(data, config=DataConfig(min_user_interactions=2))
    assert frame["user"].tolist() == ["u2", "u2"]
    assert dropped(report) == {"user has fewer than 2 interactions (cannot be split)": 1}


def test_missing_and_out_of_range_timestamps():
    data = (
        b"user,item,date\n"
        b"u1,a,2020-01-01\n"
        b"u1,b,1969-12-31\n"  # before 1970
        b"u1,c,2150-01-01\n"  # after 2100
        b"u1,d,2020-01-02\n"
        b"u1,e,\n"  # missing
        b"u1,f,2020-01-03T12:30:00Z\n"
    )
    frame, report, _ = load_interactions(data)
    assert frame["item"].tolist() == ["a", "d", "f"]
    assert dropped(report) == {"missing timestamp": 1, "timestamp before 1970 or after 2100": 2}
    assert balanced(report)


# ---------------------------------------------------------------- bad ratings and timestamps


def _many(bad_rows: set[int], column: str = "rating", n: int = 200) -> bytes:
    """``n`` rows for 5 users; the rating (or timestamp) cell of ``bad_rows`` reads ``'x'``."""
    lines = [f"user,item,{column}"]
    for k in range(n):
        value = "x" if k in bad_rows else (str(1 + k % 5) if column == "rating" else str(1600000000 + k))
        lines.append(f"u{k % 5},i{k},{value}")
    return ("\n".join(lines) + "\n").encode()


def test_few_non_numeric_ratings_are_dropped_and_reported():
    frame, report, _ = load_interactions(_many({7}))  # 1 of 200 = 0.5% <= 1%
    assert len(frame) == 199
    entry = next(e for e in report.entries if e.reason == "rating is not a number")
    assert (entry.count, entry.examples) == (1, (9,))  # data row k sits on line k + 2
    assert balanced(report)


def test_many_non_numeric_ratings_stop_the_load_naming_column_and_row(upload):
    with pytest.raises(DataError) as err:
        load_interactions(upload(_many({7, 9, 11}), "r.csv"))  # 1.5% > 1%
    assert str(err.value) == Msg.NON_NUMERIC_RATING.format(column="rating", count=3, row=9, value="x")


def test_max_bad_share_is_configurable():
    frame, report, _ = load_interactions(_many({7, 9, 11}), config=DataConfig(max_bad_share=0.05))
    assert len(frame) == 197 and dropped(report) == {"rating is not a number": 3}
    with pytest.raises(DataError):
        load_interactions(_many({7}), config=DataConfig(max_bad_share=0))


def test_infinite_rating_counts_as_non_numeric():
    data = b"user,item,rating\nu1,a,inf\nu1,b,4\nu1,c,5\n"
    with pytest.raises(DataError) as err:
        load_interactions(data)
    assert str(err.value) == Msg.NON_NUMERIC_RATING.format(column="rating", count=1, row=2, value="inf")


def test_text_rating_column_on_headerless_file_is_named():
    data = b"u1\ta\tgood\nu1\tb\tbad\nu1\tc\tgood\n"
    with pytest.raises(DataError) as err:
        load_interactions(data, ColumnMapping(rating="column_3"))
    assert str(err.value) == Msg.NON_NUMERIC_RATING.format(column="column_3", count=3, row=1, value="good")


def test_few_bad_timestamps_are_dropped_and_reported():
    frame, report, _ = load_interactions(_many({20}, "timestamp"))
    assert len(frame) == 199
    entry = next(e for e in report.entries if e.reason == "timestamp could not be parsed")
    assert (entry.count, entry.examples) == (1, (22,))


def test_many_bad_timestamps_stop_the_load():
    with pytest.raises(DataError) as err:
        load_interactions(_many({20, 30, 40}, "timestamp"))
    assert str(err.value) == Msg.BAD_TIMESTAMP.format(column="timestamp", count=3, row=22, value="x")


def test_unparseable_date_strings():
    data = b"user,item,date\nu1,a,2020-01-01\nu1,b,yesterday\nu1,c,2020-01-03\n"
    with pytest.raises(DataError) as err:
        load_interactions(data)
    assert str(err.value) == Msg.BAD_TIMESTAMP.format(column="date", count=1, row=3, value="yesterday")


def test_text_column_forced_as_timestamp():
    data = b"user,item,genre\nu1,a,rock\nu1,b,pop\nu1,c,jazz\n"
    with pytest.raises(DataError) as err:
        load_interactions(data, ColumnMapping(timestamp="genre"))
    assert str(err.value) == Msg.BAD_TIMESTAMP.format(column="genre", count=3, row=2, value="rock")


def test_no_column_follows_the_error_advice():
    # the errors say "choose 'none'": with NO_COLUMN the same file loads as implicit, file-ordered
    from recsys.data.columns import NO_COLUMN

    data = b"user,item,rating,timestamp\nu1,a,good,soon\nu1,b,bad,later\nu1,c,ok,never\n"
    with pytest.raises(DataError):
        load_interactions(data)
    frame, report, mapping = load_interactions(data, ColumnMapping(rating=NO_COLUMN, timestamp=NO_COLUMN))
    assert list(frame.columns) == ["user", "item"]
    assert frame["item"].tolist() == ["a", "b", "c"]
    assert (mapping.rating, mapping.timestamp) == (None, None)
    assert report.rows_kept == 3


# ---------------------------------------------------------------- other errors


def test_everything_dropped(upload):
    with pytest.raises(DataError) as err:
        load_interactions(upload(b"user,item\n1,a\n2,b\n", "tiny.csv"))
    assert str(err.value) == Msg.ALL_ROWS_DROPPED.format(
        name="tiny.csv", reasons="2 user has fewer than 3 interactions (cannot be split)"
    )


def test_single_column_file_points_at_the_delimiter(upload):
    with pytest.raises(DataError) as err:
        load_interactions(upload(b"userId\n1\n2\n", "one.csv"))
    assert str(err.value) == Msg.SINGLE_COLUMN.format(name="one.csv", sep=",")


def test_missing_item_column(upload):
    with pytest.raises(DataError) as err:
        load_interactions(upload(b"userId,rating\n1,4\n2,5\n", "r.csv"))
    assert str(err.value) == Msg.MISSING_COLUMN.format(role="item", name="r.csv", columns="userId, rating")


@pytest.mark.parametrize(
    "data, msg",
    [
        (b"", Msg.EMPTY_FILE),
        (b"\n \n", Msg.EMPTY_FILE),
        (b"userId,movieId,rating\n", Msg.NO_DATA_ROWS),
    ],
)
def test_empty_and_header_only(upload, data, msg):
    with pytest.raises(DataError) as err:
        load_interactions(upload(data, "r.csv"))
    assert str(err.value) == msg.format(name="r.csv")


def test_binary(upload):
    with pytest.raises(DataError) as err:
        load_interactions(upload(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "r.png"))
    assert str(err.value) == Msg.BINARY_FILE.format(name="r.png")


def test_unknown_and_same_override_columns(ratings_csv):
    with pytest.raises(DataError) as err:
        load_interactions(ratings_csv, ColumnMapping(item="movie"))
    assert str(err.value).startswith(prefix(Msg.UNKNOWN_COLUMN, column="movie", role="item"))
    with pytest.raises(DataError) as err:
        load_interactions(ratings_csv, ColumnMapping(user="movieId", item="movieId"))
    assert str(err.value) == Msg.SAME_COLUMN.format(column="movieId", roles="user and item")


def test_spaces_around_ids_are_removed_and_counted():
    # Before: ' u3 ' and 'u3' became one user without a word.
    data = b"user,item\n u3 ,a\nu3,b\nu3,c\nu4,a\nu4 ,b\nu4,c\n"
    frame, report, _ = load_interactions(data)
    assert frame["user"].tolist() == ["u3"] * 3 + ["u4"] * 3
    fixed = [(e.reason, e.count, e.examples) for e in report.entries if e.action == "fixed"]
    assert fixed == [(
        "spaces around the user id removed, e.g. ' u3 ' read as 'u3' (ids that differ only by such spaces are one id)",
        2, (2, 6),
    )]


def test_the_missing_value_rule_is_stated_when_rows_are_dropped_for_it():
    frame, report, _ = load_interactions(b"user,item\nu1,a\nu1,b\nu1,c\nNA,d\n?,e\n")
    assert dropped(report)["missing user id"] == 2
    assert f"a missing value is a cell that is {MISSING_RULE}" in report.notes
    assert MISSING_RULE == "empty, NA, N/A, n/a, NaN, nan, null, NULL, None, none, -, ?"
