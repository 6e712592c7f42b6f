"""LoadReport: entries, totals and the printed forms the UI and CLI show."""

from __future__ import annotations

from recsys.data import LoadReport, load_interactions


def test_totals_and_zero_counts():
    report = LoadReport(source="x.csv", kind="interactions", rows_read=10, rows_kept=7)
    report.drop("missing user id", 2, [3, 4])
    report.drop("nothing to see", 0)  # zero counts are not entries
    report.fix("rating rounded", 1, [9])
    report.drop("exact duplicate row", 1, range(2, 100))
    report.note("delimiter detected: ','")
    assert report.rows_dropped == 3 and report.rows_fixed == 1
    assert report.rows_read == report.rows_kept + report.rows_dropped
    assert [e.reason for e in report.entries] == [
        "missing user id",
        "rating rounded",
        "exact duplicate row",
        "delimiter detected: ','",
    ]
    assert report.entries[2].examples == (2, 3, 4, 5, 6)  # at most five examples
    assert report.notes == ["delimiter detected: ','"]


def test_printed_forms():
    report = LoadReport(source="x.csv", kind="interactions", rows_read=1200, rows_kept=1198)
    report.drop("missing user id", 2, [3, 4])
    report.note("no header line; columns numbered")
    assert report.summary() == "interactions 'x.csv': 1,200 rows read, 1,198 kept, 2 dropped, 0 fixed"
    assert str(report).splitlines() == [
        report.summary(),
        "  - dropped: 2 rows: missing user id (e.g. 3, 4)",
        "  - note: no header line; columns numbered",
    ]
    frame = report.to_frame()
    assert list(frame.columns) == ["action", "reason", "rows", "examples"]
    assert frame.iloc[0].tolist() == ["dropped", "missing user id", 2, "3, 4"]
    as_dict = report.to_dict()
    assert (as_dict["rows_read"], as_dict["rows_kept"], as_dict["rows_dropped"]) == (1200, 1198, 2)
    assert as_dict["entries"][0]["examples"] == ["3", "4"]


def test_empty_report_frame():
    assert LoadReport("x", "items").to_frame().empty


def test_a_real_report_is_json_friendly(ratings_csv):
    import json

    _, report, _ = load_interactions(ratings_csv)
    assert json.loads(json.dumps(report.to_dict()))["rows_kept"] == 6
