"""The column table the Data page edits, and the ColumnSpec an edited table stands for."""

from __future__ import annotations

from recsys.data import ColumnSpec, FlagGroup, read_table
from recsys.data.layout import describe_columns, spec_from_layout
from recsys.errors import Msg

from .conftest import GENRES


def test_headerless_u_item_is_described_column_by_column(uitem_bytes):
    layout = describe_columns(read_table(uitem_bytes), None, "items")
    table = layout.table
    assert table["column"].tolist()[:6] == ["column_1", "column_2", "column_3", "column_4", "column_5", "column_6"]
    assert table["type"].tolist() == ["id", "title", "date", "ignore", "ignore"] + ["flag"] * 19
    assert table["detected"].tolist()[3:5] == ["ignore (empty column)", "ignore (web addresses)"]
    assert table["examples"].iloc[1] == "Toy Story (1995), GoldenEye (1995), Four Rooms (1995)"
    assert layout.flag_group == "genres" and layout.error is None


def test_an_edited_table_becomes_the_spec_and_describes_itself_again(uitem_bytes):
    raw = read_table(uitem_bytes)
    layout = describe_columns(raw, None, "items")
    edited = layout.table.copy()
    edited["name"] = ["id", "title", "released", "", "url", *GENRES]
    edited.loc[2, "type"] = "ignore"
    spec = spec_from_layout(layout, edited, "genres", "latin-1")
    assert spec == ColumnSpec(names=("id", "title", "released", "", "url", *GENRES), types=(("released", "ignore"),),
                              flags=(FlagGroup("genres", tuple(GENRES)),), encoding="latin-1")
    again = describe_columns(raw, spec, "items")
    assert again.table["name"].tolist()[:5] == ["id", "title", "released", "column_4", "url"]
    assert again.table["type"].iloc[2] == "ignore" and again.table["detected"].iloc[2] == "date"
    assert spec_from_layout(again, again.table, "genres", "latin-1") == spec  # applying it unchanged changes nothing


def test_an_unchanged_table_asks_for_nothing_but_its_flag_group(movies_csv):
    layout = describe_columns(read_table(movies_csv), None, "items")
    assert spec_from_layout(layout, layout.table) is None  # header file, no flags: detection is kept


def test_a_spec_that_cannot_apply_shows_detection_and_says_why(uitem_bytes):
    layout = describe_columns(read_table(uitem_bytes), ColumnSpec(names=("id", "id")), "items")
    assert layout.error == Msg.REPEATED_NAME.format(column="id", kind="items", name="uploaded data")
    assert layout.table["name"].iloc[0] == "column_1"
