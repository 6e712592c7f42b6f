"""read_table: every source kind, delimiter and header sniffing, encodings, Parquet, read errors."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from recsys.data import DataConfig, RawTable, read_table
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
    assert list(table.frame.columns) == ["a", "0", "0.1", "column_4"]  # renamed as on the fast path
    assert table.frame.values.tolist()[1] == ["4", "5", "6", "7"]


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


# ---------------------------------------------------------------- header and rows of different widths


def test_rows_with_one_more_field_than_the_header_never_become_an_index():
    # The file: pandas used to take the first column as the index, so users became items.
    table = read_table(b"user,item,rating\nu0,i17,5,1650003600\nu1,i18,4,1650003700\n")
    assert list(table.frame.columns) == ["user", "item", "rating", "column_4"]
    assert table.frame["user"].tolist() == ["u0", "u1"]
    assert table.frame["item"].tolist() == ["i17", "i18"]
    assert table.frame["column_4"].tolist() == ["1650003600", "1650003700"]
    assert (
        "the header names 3 columns but the rows have 4 fields: the extra column(s) read as column_4 "
        "(check the header line)"
    ) in table.notes
    assert table.bad_lines == ()


def test_a_header_longer_than_the_rows_is_reported():
    table = read_table(b"user,item,rating,timestamp\nu0,i1,5\nu1,i2,4\n")
    assert table.frame["rating"].tolist() == ["5", "4"] and table.frame["timestamp"].isna().all()
    assert (
        "the header names 4 columns but most rows have 3 fields: the values are read from the left, so "
        "'timestamp' is empty on those rows (check the header line)"
    ) in table.notes


def test_a_first_row_wider_than_the_rest_is_not_cut():
    # pandas cuts a first data row wider than the column names without a word (index_col=False)
    table = read_table(b"user,item\nu1,i1,extra\nu2,i2\nu3,i3\n")
    assert table.frame.iloc[0].tolist() == ["u1", "i1", "extra"]
    assert table.rows_read == 3


def test_values_keep_their_spaces_unless_the_file_pads_every_delimiter():
    plain = read_table(b"user,item\n u3 ,a\nu3,b\n")
    assert plain.frame["user"].tolist() == [" u3 ", "u3"]  # stripped (and counted) by the loaders
    padded = read_table(b"user, item, rating\nu1, a, 5\nu2, b, 4\n")
    assert padded.frame["item"].tolist() == ["a", "b"]
    assert any(n.startswith("values are padded with a space after each delimiter") for n in padded.notes)


def test_utf16_without_byte_order_mark():
    for codec, side in (("utf-16-le", "LE"), ("utf-16-be", "BE")):
        table = read_table("user,item\nu1,é\nu2,b\n".encode(codec))
        assert table.encoding == "utf-16" and table.frame["item"].tolist() == ["é", "b"]
        assert f"decoded as UTF-16 ({side}, no byte-order mark)" in table.notes


def test_a_byte_order_mark_alone_is_an_empty_file():
    for data in (b"\xfe\xff", b"\xef\xbb\xbf", b"\xef\xbb\xbf\n \n"):
        with pytest.raises(DataError) as err:
            read_table(data)
        assert str(err.value) == Msg.EMPTY_FILE.format(name="uploaded data")


# ---------------------------------------------------------------- limits (DataConfig), checked before parsing


def test_too_many_columns_is_refused_with_the_limit_and_its_name():
    data = (",".join(f"c{k}" for k in range(30)) + "\n" + ",".join(["1"] * 30) + "\n").encode()
    with pytest.raises(DataError) as err:
        read_table(data, config=DataConfig(max_columns=20))
    assert str(err.value) == Msg.TOO_MANY_COLUMNS.format(name="uploaded data", count=30, limit=20)
    assert "DataConfig.max_columns" in str(err.value)
    assert read_table(data, config=DataConfig(max_columns=30)).frame.shape == (1, 30)


def test_a_line_longer_than_the_limit_is_refused_naming_the_line():
    data = b"user,item\nu1,i1\n" + b"u2," + b"x" * 5000 + b"\nu3,i3\n"
    with pytest.raises(DataError) as err:
        read_table(data, config=DataConfig(max_line_bytes=4000))
    assert str(err.value) == Msg.LINE_TOO_LONG.format(name="uploaded data", line=3, size=5003, limit=4000)


def test_a_single_line_of_many_fields_is_refused_before_it_is_split():
    with pytest.raises(DataError) as err:
        read_table(b"u1,i1," * 3400 + b"\n")  # 20 KB, 6,801 fields: within the line limit, not the column limit
    assert str(err.value) == Msg.TOO_MANY_COLUMNS.format(name="uploaded data", count=6801, limit=1000)


def test_more_lines_than_the_row_limit_are_refused():
    data = b"user,item\n" + b"u1,i1\n" * 30
    with pytest.raises(DataError) as err:
        read_table(data, config=DataConfig(max_rows=20))
    assert str(err.value) == Msg.TOO_MANY_ROWS.format(name="uploaded data", count=31, what="lines", limit=20)
    assert len(read_table(data, config=DataConfig(max_rows=30)).frame) == 30


def test_a_ragged_line_deep_in_the_file_is_set_aside_with_its_text_and_line():
    lines = [f"u{k % 7},i{k}" for k in range(500)]
    lines[400] = "u1,i400,surprise"
    table = read_table(("user,item\n" + "\n".join(lines) + "\n").encode())
    assert table.bad_lines == ("u1,i400,surprise",)
    assert table.rows_read == 500 and len(table.frame) == 499
    assert table.row_numbers[399:401].tolist() == [401, 403]  # line 402 was set aside
