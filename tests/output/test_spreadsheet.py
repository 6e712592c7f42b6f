"""Spreadsheet-safe CSV: what a spreadsheet would run as a formula reaches it as text."""

import io

import pandas as pd
import pytest

from recsys.output.spreadsheet import is_formula, neutralise, safe_csv, safe_frame, write_csv


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("@evil", "'@evil"),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("-1", "'-1"),  # a text cell is checked whatever it looks like
        ("  =1+1", "'  =1+1"),  # leading spaces are skipped by spreadsheets
        ("\u00a0=1", "'\u00a0=1"),  # no-break space
        ("\n=1", "'\n=1"),
        ("\r\n@x", "'\r\n@x"),
        ("\t", "'\t"),  # OWASP: a leading tab or carriage return is quoted whatever follows
        ("\ufeff=1", "'\ufeff=1"),  # byte-order mark
        ("\u200b=1", "'\u200b=1"),  # zero-width space
        ("\uff1d1+1", "'\uff1d1+1"),  # full-width equals
        ("\uff0bA1", "'\uff0bA1"),  # full-width plus
        ("\uff0dA1", "'\uff0dA1"),  # full-width hyphen-minus
        ("\uff20SUM(A1)", "'\uff20SUM(A1)"),  # full-width at
        (" \ufe66A1", "' \ufe66A1"),  # small equals after a space
        ("\u22121", "'\u22121"),  # minus sign
        ("Plain title", "Plain title"),
        ("a=b", "a=b"),  # only the first visible character matters
        ("'=already quoted", "'=already quoted"),
        ("", ""),
        ("   ", "   "),
        (-0.5, -0.5),  # numbers are not formulas
        (None, None),
    ],
)
def test_neutralise(cell, expected):
    assert neutralise(cell) == expected


def test_is_formula_is_false_for_plain_text_and_true_for_each_trigger():
    assert not is_formula("Star Wars (1977)")
    assert all(is_formula(c + "x") for c in "=+-@")


def test_numeric_columns_stay_numeric_and_text_columns_are_neutralised():
    frame = pd.DataFrame({"title": ["=1+1", "ok"], "score": [-1.5, 2.0], "rank": [1, 2], "@col": ["-x", "y"]})
    safe = safe_frame(frame)
    assert safe["score"].dtype == float and safe["score"].tolist() == [-1.5, 2.0]
    assert safe["title"].tolist() == ["'=1+1", "ok"]
    assert list(safe.columns) == ["title", "score", "rank", "'@col"]
    assert frame["title"][0] == "=1+1"  # the caller's frame is untouched
    lines = safe_csv(frame).decode().splitlines()
    assert lines == ["title,score,rank,'@col", "'=1+1,-1.5,1,'-x", "ok,2.0,2,y"]


def test_write_csv_keeps_a_newline_cell_in_one_quoted_field():
    buffer = io.StringIO()
    write_csv(pd.DataFrame({"title": ["\n=1+1", "b"]}), buffer)
    back = pd.read_csv(io.StringIO(buffer.getvalue()), dtype=str)
    assert back["title"].tolist() == ["'\n=1+1", "b"]


def test_duplicate_column_names_are_written_too():
    frame = pd.DataFrame([["=a", "=b"]], columns=["x", "x"])
    assert safe_csv(frame).decode().splitlines() == ["x,x", "'=a,'=b"]
