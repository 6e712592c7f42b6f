"""load_items / load_users: real file shapes, matching against the interactions, report counts."""

from __future__ import annotations

import pandas as pd
import pytest

from recsys.data import DataConfig, ItemSchema, UserSchema, load_items, load_users
from recsys.data.interactions import MISSING_RULE
from recsys.errors import DataError, Msg

from .conftest import GENRES


def dropped(report) -> dict[str, int]:
    return {e.reason: e.count for e in report.entries if e.action == "dropped"}


def balanced(report) -> bool:
    return report.rows_read == report.rows_kept + report.rows_dropped


# ---------------------------------------------------------------- items


def test_u_item_latin1_with_genre_flags(uitem_bytes):
    items, report = load_items(uitem_bytes, known_ids=["1", "2", "3", "4"])
    frame = items.frame
    assert list(frame.index) == ["1", "2", "3", "4", "5"]
    assert frame.loc["4", "title"] == "Café Society (1995)"
    # the 19 flag columns are read together as one multi-valued 'genres' feature
    genres = frame["genres"].map(lambda cols: sorted(GENRES[int(c.split("_")[1]) - 6] for c in cols))
    assert genres.tolist() == [
        ["Animation", "Children", "Comedy"],
        ["Action", "Adventure", "Thriller"],
        ["Thriller"],
        ["Comedy", "Drama"],
        ["Crime", "Drama", "Thriller"],
    ]
    assert items.multi_columns == ["genres"]
    assert items.category_columns[0] == "genres"
    assert frame.loc["1", "column_3"] == pytest.approx(1995.0)  # 01-Jan-1995 as a fractional year
    assert any("decoded as latin-1" in n for n in report.notes)
    assert "19 0/1 columns read together as 'genres'" in report.notes
    assert "1 items have no interactions; kept as cold-start items" in report.notes
    assert (report.rows_read, report.rows_kept, report.rows_dropped) == (5, 5, 0)


def test_movies_csv_quoted_titles_and_multi_valued_genres(movies_csv, upload):
    items, report = load_items(upload(movies_csv, "movies.csv"), known_ids=["1", "2", "3", "4", "5"])
    assert items.frame.loc["1", "title"] == "American President, The (1995)"
    assert items.frame.loc["3", "genres"] == ["Adventure", "Drama", "Fantasy", "Mystery", "Sci-Fi"]
    assert items.frame.loc["5", "genres"] == ["Drama"]
    assert items.categories("genres").loc["2"] == ["Adventure", "Children", "Fantasy"]
    assert items.titles(["3", 5, "missing"]) == ["City of Lost Children, The (1995)", "Nixon (1995)", "missing"]
    assert report.source == "movies.csv"


def test_items_from_path_and_parquet(write, tmp_path, movies_csv):
    from_path, _ = load_items(write("movies.csv", movies_csv))
    frame = pd.read_csv(write("m.csv", movies_csv))
    frame.to_parquet(tmp_path / "movies.parquet")
    from_parquet, _ = load_items(tmp_path / "movies.parquet")
    assert from_parquet.frame["title"].tolist() == from_path.frame["title"].tolist()
    assert from_parquet.frame["genres"].tolist() == from_path.frame["genres"].tolist()


def test_item_cleaning_counts():
    data = (
        b"item_id,title,year,brand\n"
        b"1,A,1999,x\n"  # line 2
        b"1,A again,2000,y\n"  # line 3: repeated id, the first row stays
        b",B,2001,x\n"  # line 4: no id
        b"3,C,abc,y\n"  # line 5: year not a number
        b"4,D,2003,x\n"  # line 6
    )
    items, report = load_items(data, known_ids=["1", "3", "9"], schema=ItemSchema(numeric=("year",)))
    assert list(items.frame.index) == ["1", "3", "4"]
    assert items.frame.loc["1", "title"] == "A"
    assert items.frame["year"].tolist()[::2] == [1999.0, 2003.0] and pd.isna(items.frame.loc["3", "year"])
    assert dropped(report) == {"missing item id": 1, "repeated item id (kept the first row)": 1}
    assert [(e.reason, e.examples) for e in report.entries if e.action != "note"] == [
        ("missing item id", (4,)),
        ("repeated item id (kept the first row)", (3,)),
        ("'year': non-numeric values read as missing", ("3",)),  # by item id
    ]
    assert report.rows_fixed == 1
    assert "1 items in the interactions are not in this file (attributes read as 'unknown')" in report.notes
    assert balanced(report)


def test_item_and_user_dates_with_mixed_time_zones():
    data = b"item_id,title,released\n1,A,2020-01-01T00:00:00+02:00\n2,B,2021-07-01T00:00:00Z\n3,C,2019-03-01T00:00:00-05:00\n"
    items, _ = load_items(data, schema=ItemSchema(dates=("released",)))
    assert items.frame["released"].round().tolist() == [2020.0, 2021.0, 2019.0]
    users, _ = load_users(b"user_id,joined\na,2020-01-01T00:00:00+02:00\nb,2021-01-01T00:00:00Z\n")
    assert list(users.frame.index) == ["a", "b"]


def test_items_without_title_use_ids():
    items, report = load_items(b"item_id,price\n1,2.5\n2,3.0\n")
    assert items.frame["title"].tolist() == ["1", "2"]
    assert "no title column found; item ids are shown as titles" in report.notes


def test_item_ids_match_nothing(movies_csv, upload):
    with pytest.raises(DataError) as err:
        load_items(upload(movies_csv, "movies.csv"), known_ids=["x", "y"])
    assert str(err.value) == Msg.IDS_MATCH_NOTHING.format(
        n=5,
        kind="item",
        name="movies.csv",
        column="movieId",
        file_examples=["1", "2", "3"],
        inter_examples=["x", "y"],
    )


def test_items_wrong_id_column_matches_nothing(movies_csv):
    with pytest.raises(DataError) as err:
        load_items(movies_csv, known_ids=["1", "2"], schema=ItemSchema(id="title"))
    assert "(column 'title')" in str(err.value)
    assert str(err.value).startswith(Msg.IDS_MATCH_NOTHING.split("{", 1)[0])


def test_empty_items_file(upload):
    with pytest.raises(DataError) as err:
        load_items(upload(b"", "items.csv"))
    assert str(err.value) == Msg.EMPTY_FILE.format(name="items.csv")


# ---------------------------------------------------------------- users


def test_u_user_headerless(uuser_bytes):
    users, report = load_users(uuser_bytes, known_ids=["1", "2", "3"])
    frame = users.frame
    assert list(frame.index) == ["1", "2", "3"]
    assert frame["column_3"].tolist() == ["M", "F", "M"]  # gender
    assert frame["column_4"].tolist() == ["technician", "other", "writer"]  # occupation
    assert frame["column_2"].tolist() == [24.0, 53.0, 23.0]  # age
    assert set(users.attributes) >= {"column_2", "column_3", "column_4"}
    # users 4 and 5 never interacted: dropped, reported by id
    assert dropped(report) == {"user has no interactions left after cleaning the interactions file": 2}
    assert report.entries[-1 - len(users.schema.ignored)].examples == ("4", "5")
    assert (report.rows_read, report.rows_kept) == (5, 3) and balanced(report)


def test_users_with_header_and_missing_values():
    data = b"user_id,gender,age\na,F,20\nb,M,30\nc,,x\n"
    users, report = load_users(data, known_ids=["a", "b", "c", "z"], schema=UserSchema(numeric=("age",)))
    assert users.frame.loc["c", "gender"] == "unknown"
    assert pd.isna(users.frame.loc["c", "age"])
    fixed = {(e.reason, e.count, e.examples) for e in report.entries if e.action == "fixed"}
    assert fixed == {
        (f"'gender': missing values ({MISSING_RULE}) read as 'unknown'", 1, ("c",)),  # the empty cell
        ("'age': non-numeric values read as missing", 1, ("c",)),  # 'x'
    }
    assert report.rows_fixed == 2
    assert "1 users in the interactions are not in this file (attributes read as 'unknown')" in report.notes
    assert balanced(report)


def test_users_without_matching(uuser_bytes):
    users, report = load_users(uuser_bytes)
    assert len(users.frame) == 5 and report.rows_dropped == 0


def test_user_ids_match_nothing(uuser_bytes, upload):
    with pytest.raises(DataError) as err:
        load_users(upload(uuser_bytes, "u.user"), known_ids=["100", "200"])
    assert str(err.value) == Msg.IDS_MATCH_NOTHING.format(
        n=5,
        kind="user",
        name="u.user",
        column="column_1",
        file_examples=["1", "2", "3"],
        inter_examples=["100", "200"],
    )


def test_users_config_reading_policy(uuser_bytes):
    users, _ = load_users(uuser_bytes.replace(b"|", b";"), config=DataConfig(sep=";", header=False))
    assert len(users.frame) == 5


def test_user_file_row_numbers_in_examples():
    data = b"user_id,gender\n\na,F\n,M\nb,F\n"  # the id-less row is on line 4 (line 2 is blank)
    _, report = load_users(data)
    assert [(e.reason, e.examples) for e in report.entries if e.action == "dropped"] == [("missing user id", (4,))]


def test_flag_group_never_overwrites_a_real_column():
    # found by hypothesis: a numeric column named 'genres' beside 0/1 flag columns
    from recsys.data import load_items

    data = b"id,genres,a,b\n1,5,0,1\n2,7,1,0\n3,9,1,1\n"
    items, _ = load_items(data)
    assert items.schema.flag_group == "genres_flags"
    assert items.frame["genres"].tolist() == [5.0, 7.0, 9.0]
    assert items.frame["genres_flags"].tolist() == [["b"], ["a"], ["a", "b"]]


def test_missing_categories_are_counted_with_the_rule():
    # Before: NA, None, - and ? became 'unknown' without a count.
    data = b"user_id,gender\nu1,NA\nu2,None\nu3,-\nu4,?\nu5,F\nu6,M\n"
    users, report = load_users(data)
    assert users.frame["gender"].tolist() == ["unknown"] * 4 + ["F", "M"]
    fixed = [(e.reason, e.count, e.examples) for e in report.entries if e.action == "fixed"]
    assert fixed == [(f"'gender': missing values ({MISSING_RULE}) read as 'unknown'", 4, ("u1", "u2", "u3", "u4"))]


def test_side_file_ids_with_spaces_are_counted_and_the_column_shift_is_repaired():
    # Before: 'item_id,title' over 'i0,Alpha,2001' gave the id 'Alpha'.
    items, report = load_items(b"item_id,title\ni0,Alpha,2001\n i1 ,Beta,2002\n")
    assert items.frame.index.tolist() == ["i0", "i1"]
    assert items.frame["title"].tolist() == ["Alpha", "Beta"]
    assert any(n.startswith("the header names 2 columns but the rows have 3 fields") for n in report.notes)
    assert [(e.reason, e.count) for e in report.entries if e.action == "fixed"] == [
        ("spaces around the item id removed, e.g. ' i1 ' read as 'i1' (ids that differ only by such spaces are "
         "one id)", 1)
    ]
