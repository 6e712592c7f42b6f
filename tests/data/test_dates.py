"""Timestamps: units decided per value, dates read with a stated day/month order (recsys.data.dates)."""

from __future__ import annotations

import pytest

from recsys.data import DataConfig, load_interactions, load_items
from recsys.errors import DataError, Msg


def load(rows: list[str], config: DataConfig = DataConfig(min_user_interactions=1)):
    data = ("user,item,ts\n" + "".join(f"u1,i{k},{t}\n" for k, t in enumerate(rows))).encode()
    return load_interactions(data, config=config)


def entries(report, action):
    return [(e.reason, e.count, e.examples) for e in report.entries if e.action == action]


def test_seconds_and_milliseconds_in_one_column_are_each_converted_by_their_size():
    # Before: the median looked like milliseconds, so every value was divided and the
    # seconds landed in January 1970.
    frame, report, _ = load(["1650000000", "1650000060000", "1650000120", "1650000180000"])
    assert frame["timestamp"].tolist() == [1650000000, 1650000060, 1650000120, 1650000180]
    assert entries(report, "fixed") == [("timestamp in milliseconds (from 1e11 to 1e14), divided by 1,000", 2, (3, 5))]


def test_microseconds_and_nanoseconds():
    frame, report, _ = load(["1650000000000000", "1650000060000000000", "1650000120"])
    assert frame["timestamp"].tolist() == [1650000000, 1650000060, 1650000120]
    assert [r[:2] for r in entries(report, "fixed")] == [
        ("timestamp in microseconds (from 1e14 to 1e17), divided by 1,000,000", 1),
        ("timestamp in nanoseconds (1e17 and above), divided by 1,000,000,000", 1),
    ]


def test_eight_digit_numbers_that_are_all_dates_read_as_yyyymmdd():
    frame, report, _ = load(["20210304", "20210305", "20211231"])
    assert frame["timestamp"].tolist() == [1614816000, 1614902400, 1640908800]  # 2021-03-04/05, 2021-12-31 UTC
    assert ("'ts': 8-digit numbers read as dates written YYYYMMDD (e.g. 20210304)", 3, ()) in entries(report, "note")


def test_a_day_above_12_decides_day_first():
    frame, report, _ = load(["03/04/2021", "13/04/2021", "01/02/2021"])
    assert frame["timestamp"].tolist() == [1617408000, 1618272000, 1612137600]  # 3 April, 13 April, 1 February
    assert ("'ts': dates read day first (1 values such as '13/04/2021' have a first number above 12)", 3, ()) \
        in entries(report, "note")


def test_a_second_number_above_12_decides_month_first():
    frame, report, _ = load(["03/04/2021", "04/13/2021"])
    assert frame["timestamp"].tolist() == [1614816000, 1618272000]  # 4 March, 13 April
    assert any(r.startswith("'ts': dates read month first (1 values such as '04/13/2021'") for r, *_ in
               entries(report, "note"))


def test_ambiguous_dates_are_read_month_first_and_the_assumption_is_reported():
    # Before: read month first without a word.
    frame, report, _ = load(["03/04/2021", "05/06/2021"])
    assert frame["timestamp"].tolist() == [1614816000, 1620259200]  # 4 March, 6 May
    notes = [e for e in report.entries if e.action == "note" and "no value decides" in e.reason]
    assert len(notes) == 1 and notes[0].count == 2
    assert "DataConfig.dayfirst=True" in notes[0].reason and "--dayfirst" in notes[0].reason


def test_dayfirst_in_the_config_overrides():
    frame, report, _ = load(["03/04/2021", "05/06/2021"], DataConfig(dayfirst=True, min_user_interactions=1))
    assert frame["timestamp"].tolist() == [1617408000, 1622851200]  # 3 April, 5 June
    assert ("'ts': dates such as '03/04/2021' read day first (DataConfig.dayfirst)", 2, ()) in entries(report, "note")


def test_dates_written_both_ways_are_refused():
    with pytest.raises(DataError) as err:
        load(["13/04/2021", "04/13/2021", "03/04/2021"])
    assert str(err.value) == Msg.MIXED_DATE_ORDER.format(column="ts", day="13/04/2021", month="04/13/2021")


def test_iso_dates_are_not_ambiguous():
    frame, report, _ = load(["2021-03-04", "2021-04-03T10:00:00Z"])
    assert frame["timestamp"].tolist() == [1614816000, 1617444000]
    assert not any("day first" in r or "month first" in r for r, *_ in entries(report, "note"))


def test_item_release_dates_follow_the_same_rules():
    items, report = load_items(b"item_id,title,released\na,A,13/01/2001\nb,B,02/03/2001\n")
    assert items.frame["released"].round(3).tolist() == [2001.033, 2001.164]  # 13 January, 2 March
    assert any(r.startswith("'released': dates read day first") for r, *_ in entries(report, "note"))
