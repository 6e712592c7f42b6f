"""read_table: every source kind, delimiter and header sniffing, encodings, Parquet, read errors."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from recsys.data import RawTable, read_table
from recsys.data.readers import is_number, sniff_header, sniff_separator
from recsys.errors import DataError, Msg


def prefix(template: str, **known) -> str:
    """A message template filled with ``known`` fields, cut at the first field not given."""

    class Cut(dict):
        def __missing__(self, key):
            return "\x00"

    return template.format_map(Cut(known)).split("\x00", 1)[0]


# ---------------------------------------------------------------- file shapes


def test_headerless_tab_separated_ml100k(ml100k_bytes):
    table = read_table(ml100k_bytes)
    assert table.sep == "\t"
    assert table.header is False
    assert list(table.frame.columns) == ["column_1", "column_2", "column_3", "column_4"]
    assert table.frame.shape == (10, 4)
    assert table.frame.iloc[0].tolist() == ["196", "242", "3", "881250949"]
    assert table.first_data_row == 1
    assert "delimiter detected: tab" in table.notes
    assert "no header line; columns numbered" in table.notes


def test_comma_csv_with_header(ratings_csv):
    table = read_table(ratings_csv)
    assert table.sep == ","
    assert table.header is True
    assert list(table.frame.columns) == ["userId", "movieId", "rating", "timestamp"]
    assert len(table.frame) == 6
    assert table.first_data_row == 2
    assert table.encoding == "utf-8"


def test_tab_play_counts_with_header(lastfm_bytes):
    table = read_table(lastfm_bytes)
    assert table.sep == "\t"
    assert table.header is True
    assert list(table.frame.columns) == ["userID", "artistID", "weight"]
    assert table.frame["weight"].tolist()[:2] == ["13883", "11690"]


def test_double_colon_ml1m(ml1m_bytes):
    table = read_table(ml1m_bytes)
    assert table.sep == "::"
    assert table.header is False
    assert table.frame.shape == (6, 4)
    assert table.frame.iloc[0].tolist() == ["1", "1193", "5", "978300760"]


@pytest.mark.parametrize("sep", [";", "|", "\t", "::"])
def test_other_delimiters(ratings_csv, sep):
    table = read_table(ratings_csv.replace(b",", sep.encode()))
    assert table.sep == sep
    assert table.header is True
    assert list(table.frame.columns) == ["userId", "movieId", "rating", "timestamp"]
    assert table.frame.iloc[1].tolist() == ["1", "3", "4.5", "964981247"]


def test_whitespace_aligned_file():
    table = read_table(b"1  10   5\n1  11   4\n2  10   3\n")
    assert table.sep == " "
    assert table.frame.shape == (3, 3)
    assert table.frame.iloc[0].tolist() == ["1", "10", "5"]


def test_explicit_delimiter_and_header_override_sniffing(ratings_csv):
    table = read_table(ratings_csv, sep=",", header=False)
    assert table.header is False
    assert table.frame.iloc[0].tolist() == ["userId", "movieId", "rating", "timestamp"]
    assert len(table.frame) == 7
    named = read_table(b"1,10\n2,20\n", header=False, names=["u", "i"])
    assert list(named.frame.columns) == ["u", "i"]


def test_quoted_fields_keep_the_delimiter(movies_csv):
    table = read_table(movies_csv)
    assert table.sep == ","
    assert table.frame.shape == (5, 3)
    assert table.frame.loc[0, "title"] == "American President, The (1995)"
    assert table.frame.loc[2, "genres"] == "Adventure|Drama|Fantasy|Mystery|Sci-Fi"


def test_item_file_in_latin1_is_decoded_with_a_note(uitem_bytes):
    table = read_table(uitem_bytes)
    assert table.encoding == "latin-1"
    assert table.sep == "|"
    assert table.header is False
    assert table.frame.shape == (5, 24)
    assert table.frame.loc[3, "column_2"] == "Café Society (1995)"
    assert any("decoded as latin-1" in n and "line 4" in n for n in table.notes)


def test_user_file_headerless_pipe(uuser_bytes):
    table = read_table(uuser_bytes)
    assert table.sep == "|"
    assert table.header is False
    assert table.frame.shape == (5, 5)
    assert table.frame.iloc[0].tolist() == ["1", "24", "M", "technician", "85711"]


def test_ids_keep_their_exact_spelling():
    table = read_table(b"user,item\n007,0042\n007,42\n")
    assert table.frame["user"].tolist() == ["007", "007"]
    assert table.frame["item"].tolist() == ["0042", "42"]


def test_missing_value_spellings_read_as_missing():
    table = read_table(b"user,item,rating\n1,a,NA\n2,b,\n3,c,null\n4,d,4\n")
    assert table.frame["rating"].isna().tolist() == [True, True, True, False]


def test_windows_line_endings_and_utf8_bom():
    table = read_table(b"\xef\xbb\xbfuser,item\r\n1,a\r\n2,b\r\n")
    assert list(table.frame.columns) == ["user", "item"]
    assert table.frame["item"].tolist() == ["a", "b"]


def test_utf16_with_byte_order_mark():
    table = read_table("user\titem\n1\tа\n2\tб\n".encode("utf-16"))
    assert table.encoding == "utf-16"
    assert table.frame["item"].tolist() == ["а", "б"]


def test_byte_order_mark_without_valid_utf16():
    with pytest.raises(DataError) as err:
        read_table(b"\xff\xfe\x00")
    assert str(err.value).startswith(prefix(Msg.UNREADABLE, name="uploaded data") + "it starts with a UTF-16")


def test_explicit_encoding(uitem_bytes):
    table = read_table(uitem_bytes, encoding="latin-1")
    assert table.encoding == "latin-1"
    assert not any("decoded as latin-1" in n for n in table.notes)


def test_lines_with_too_many_fields_are_set_aside():
    table = read_table(b"user,item\n1,a\n2,b,extra\n3,c\n")
    assert table.frame["user"].tolist() == ["1", "3"]
    assert table.bad_lines == ("2,b,extra",)


def test_repeated_column_names_are_made_unique():
    table = read_table(b"user,item,x,x,x\n1,a,1,2,3\n2,b,4,5,6\n")
    assert list(table.frame.columns) == ["user", "item", "x", "x.1", "x.2"]
    frame = pd.DataFrame([[1, 2, 3]], columns=["user", "item", "user"])
    assert list(read_table(frame).frame.columns) == ["user", "item", "user.1"]


def test_repeated_column_names_on_the_lenient_path():
    # a ragged line sends the reader down the python engine, which does not rename repeats
    table = read_table(b"a|0|0\n1|2|3\n4|5|6|7\n")
    assert table.frame.columns.is_unique


def test_row_numbers_of_plain_and_messy_files():
    plain = read_table(b"user,item\n1,a\n2,b\n")
    assert plain.line_numbers is None and plain.row_numbers.tolist() == [2, 3]
    messy = read_table(b'user,item\n\n1,a\n2,b,extra\n3,"c\nc"\n\n4,d\n')
    # 1 header, 2 blank, 3 row, 4 set aside, 5-6 one quoted record, 7 blank, 8 row
    assert messy.row_numbers.tolist() == [3, 5, 8]
    spaced = read_table(b"1 10 5\n\n2 11 4\n\n\n3 12 3\n")
    assert spaced.row_numbers.tolist() == [1, 3, 6]


# ---------------------------------------------------------------- sources


def test_path_as_str_and_pathlib(write, ratings_csv):
    path = write("ratings.csv", ratings_csv)
    for source in (path, str(path)):
        table = read_table(source)
        assert table.name == "ratings.csv"
        assert len(table.frame) == 6


def test_bytes_source(ratings_csv):
    assert read_table(ratings_csv).name == "uploaded data"


def test_uploaded_file_object(upload, ratings_csv):
    table = read_table(upload(ratings_csv, "my ratings.csv"))
    assert table.name == "my ratings.csv"
    assert len(table.frame) == 6


def test_bytesio_and_text_stream(ratings_csv):
    assert len(read_table(io.BytesIO(ratings_csv)).frame) == 6
    assert len(read_table(io.StringIO(ratings_csv.decode())).frame) == 6


def test_data_frame_is_taken_as_it_is():
    frame = pd.DataFrame({"user": [1, 2], "item": [3, 4]})
    table = read_table(frame)
    assert isinstance(table, RawTable)
    assert table.frame.equals(frame)
    assert table.frame is not frame


def test_missing_path_raises_data_error(tmp_path):
    with pytest.raises(DataError, match="No file at"):
        read_table(tmp_path / "nope.csv")


def test_unsupported_source_type():
    with pytest.raises(DataError, match="Cannot read a table from a int"):
        read_table(42)


# ---------------------------------------------------------------- Parquet


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"user": [1, 1, 2], "item": ["a", "b", "a"], "ts": [1.6e9, 1.6e9 + 1, 1.6e9 + 2]})


def test_parquet_from_bytes(parquet_bytes):
    table = read_table(parquet_bytes(_frame()))
    assert table.sep is None and table.encoding is None
    assert "read as Parquet" in table.notes
    assert table.frame["item"].tolist() == ["a", "b", "a"]


def test_parquet_from_path(tmp_path):
    path = tmp_path / "events.parquet"
    _frame().to_parquet(path)
    table = read_table(path)
    assert table.name == "events.parquet"
    assert len(table.frame) == 3


def test_parquet_from_uploaded_file(upload, parquet_bytes):
    table = read_table(upload(parquet_bytes(_frame()), "events.parquet"))
    assert table.name == "events.parquet"
    assert list(table.frame.columns) == ["user", "item", "ts"]


def test_corrupt_parquet(upload):
    with pytest.raises(DataError) as err:
        read_table(upload(b"PAR1 this is not parquet", "broken.parquet"))
    assert str(err.value).startswith(prefix(Msg.PARQUET_UNREADABLE, name="broken.parquet"))


def test_text_named_parquet_is_an_error(upload):
    with pytest.raises(DataError) as err:
        read_table(upload(b"user,item\n1,2\n", "x.parquet"))
    assert str(err.value).startswith(prefix(Msg.PARQUET_UNREADABLE, name="x.parquet"))


def test_empty_parquet(parquet_bytes):
    data = parquet_bytes(pd.DataFrame({"user": pd.Series([], dtype="int64")}))
    with pytest.raises(DataError) as err:
        read_table(data)
    assert str(err.value) == Msg.NO_DATA_ROWS.format(name="uploaded data")


# ---------------------------------------------------------------- read errors


@pytest.mark.parametrize("data", [b"", b"   ", b"\n\n\n", b" \r\n \t\n"])
def test_empty_file(data, upload):
    with pytest.raises(DataError) as err:
        read_table(upload(data, "ratings.csv"))
    assert str(err.value) == Msg.EMPTY_FILE.format(name="ratings.csv")


def test_header_only_file(upload):
    with pytest.raises(DataError) as err:
        read_table(upload(b"userId,movieId,rating,timestamp\n", "ratings.csv"))
    assert str(err.value) == Msg.NO_DATA_ROWS.format(name="ratings.csv")


@pytest.mark.parametrize("data", [b"\x00\x01\x02\x03PK", b"user,item\n1,\x002\n", bytes(range(256))])
def test_binary_file(data, upload):
    with pytest.raises(DataError) as err:
        read_table(upload(data, "photo.png"))
    assert str(err.value) == Msg.BINARY_FILE.format(name="photo.png")


def test_wrong_explicit_encoding(uitem_bytes):
    with pytest.raises(DataError) as err:
        read_table(uitem_bytes, encoding="utf-8")
    assert str(err.value).startswith(prefix(Msg.UNREADABLE, name="uploaded data") + "not utf-8")


def test_unknown_encoding_name(ratings_csv):
    with pytest.raises(DataError) as err:
        read_table(ratings_csv, encoding="klingon")
    assert str(err.value).startswith(prefix(Msg.UNREADABLE))


@pytest.mark.parametrize(
    "data",
    [
        b'user,item,title\n1,2,"never closed\n3,4,x\n',
        # a ragged line first sends the reader down its lenient path, which must not lose the rest
        b'user,item\n1,a\n2,b,extra\n3,"c\n4,d\n5,e\n',
    ],
)
def test_unclosed_quote_is_an_error_not_silent_data_loss(data):
    with pytest.raises(DataError) as err:
        read_table(data)
    assert str(err.value).startswith(prefix(Msg.UNREADABLE))
    assert "never closed" in str(err.value)


def test_quote_inside_an_unquoted_field_is_kept():
    table = read_table(b'item,title\n1,12" vinyl\n2,ok\n')
    assert table.frame["title"].tolist() == ['12" vinyl', "ok"]


# ---------------------------------------------------------------- sniffers


def test_sniff_separator_prefers_consistent_split():
    assert sniff_separator(["a,b;c", "d,e;f", "g,h;i"]) in (",", ";")
    assert sniff_separator(["1::2::3", "4::5::6"]) == "::"
    assert sniff_separator(["1|x, y|3", "2|z, w|4"]) == "|"
    assert sniff_separator(["justone", "column"]) == ","


def test_sniff_header_by_name_and_by_content():
    assert sniff_header([["userId", "movieId"], ["1", "2"]])  # known names
    assert sniff_header([["who", "what"], ["1", "2"], ["3", "4"]])  # text above numbers
    assert not sniff_header([["1", "2"], ["3", "4"]])
    assert not sniff_header([["", "x"], ["1", "2"]])
    assert not sniff_header([])


def test_is_number():
    assert all(map(is_number, ["4", "-1.5e3", " 2.0 ", ".5", "+3"]))
    assert not any(map(is_number, ["", "abc", "1,5", "nan", "inf", "1e"]))
