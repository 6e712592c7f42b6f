"""ColumnSpec: names, types, flag groups and encoding of headerless items and users files."""

from __future__ import annotations

import pandas as pd
import pytest

from recsys.data import DataConfig, load_dataset, load_items, load_users
from recsys.data.spec import ColumnSpec, FlagGroup, is_placeholder, split_names
from recsys.errors import DataError, Msg

from .conftest import GENRES, MOVIES_CSV

ITEM_NAMES = "id,title,release date,video release date,IMDb URL,genres[" + "|".join(GENRES) + "]"
# u.user with zip codes as MovieLens-100K has them: leading zeros and Canadian codes
UUSER_ZIPS = b"1|24|M|technician|85711\n2|53|F|other|01002\n3|23|M|writer|T8H1N\n4|24|M|technician|43537\n"


def notes(report) -> list[str]:
    return [e.reason for e in report.entries if e.action == "note"]


# ---------------------------------------------------------------- parsing


def test_names_with_a_flag_group_parse_into_names_and_one_group():
    spec = ColumnSpec.from_options(names="id, title,,genres[Action|Sci-Fi|War]", types="year=date,url=ignore",
                                   encoding="latin-1")
    assert spec.names == ("id", "title", "", "Action", "Sci-Fi", "War")
    assert spec.flags == (FlagGroup("genres", ("Action", "Sci-Fi", "War")),)
    assert spec.types == (("year", "date"), ("url", "ignore"))
    assert spec.encoding == "latin-1"
    assert ColumnSpec.from_options() is None


def test_commas_inside_a_group_stay_in_the_group():
    assert split_names("id,genres[a,b|c],x") == ["id", "genres[a,b|c]", "x"]


def test_json_shape_round_trips():
    spec = ColumnSpec.from_dict({"names": ["id", "title", "genres[Action|Comedy]"], "types": {"zip": "category"},
                                 "flags": {"moods": ["calm", "dark"]}, "encoding": "cp1252"})
    assert spec.flags == (FlagGroup("genres", ("Action", "Comedy")), FlagGroup("moods", ("calm", "dark")))
    assert spec.types == (("zip", "categorical"),)  # "category" is read as its synonym
    assert ColumnSpec.from_dict(spec.to_dict()) == spec


@pytest.mark.parametrize("value", ["unknown", "Unknown", "(no genres listed)", "N/A", "(none)", "not specified"])
def test_placeholders(value):
    assert is_placeholder(value)


@pytest.mark.parametrize("value", ["Action", "other", "none of the above", "Unknown Pleasures"])
def test_real_values_are_not_placeholders(value):
    assert not is_placeholder(value)


# ---------------------------------------------------------------- items


def test_u_item_with_named_columns_and_genre_flags(uitem_bytes):
    spec = ColumnSpec.from_options(names=ITEM_NAMES, encoding="latin-1")
    items, report = load_items(uitem_bytes, known_ids=["1", "2", "3"], columns=spec)
    frame = items.frame
    assert frame.loc["4", "title"] == "Café Society (1995)"  # latin-1 as given: no fallback note
    assert not any("not valid UTF-8" in n for n in notes(report))
    assert frame["genres"].tolist() == [
        ["Animation", "Children", "Comedy"],
        ["Action", "Adventure", "Thriller"],
        ["Thriller"],
        ["Comedy", "Drama"],
        ["Crime", "Drama", "Thriller"],
    ]
    assert items.schema.id == "id" and items.schema.dates == ("release date",)
    assert items.schema.ignored == {"video release date": "empty column", "IMDb URL": "web addresses"}
    assert items.category_columns == ["genres"]
    assert not [c for c in frame.columns if c.startswith("column_")]
    assert "encoding set to latin-1" in notes(report)
    assert ("'genres': 19 0/1 columns read as one category, a value per column (" + ", ".join(GENRES) + ")"
            in notes(report))


def test_the_unknown_genre_flag_is_no_category(uitem_bytes):
    data = uitem_bytes.replace(b"Four Rooms (1995)|01-Jan-1995||http://us.imdb.com/M/title-exact?3|0",
                               b"Four Rooms (1995)|01-Jan-1995||http://us.imdb.com/M/title-exact?3|1")
    items, report = load_items(data, columns=ColumnSpec.from_options(names=ITEM_NAMES))
    assert items.frame.loc["3", "genres"] == ["Thriller"]
    assert "'genres': 'unknown' read as no value, not a category (1 row)" in notes(report)


def test_types_override_detection(uitem_bytes):
    spec = ColumnSpec.from_options(names=ITEM_NAMES, types="release date=ignore,title=text,id=id")
    items, _ = load_items(uitem_bytes, columns=spec)
    assert "release date" in items.schema.ignored and items.schema.dates == ()
    assert items.schema.text == ("title",)
    assert items.frame.loc["1", "text"] == "Toy Story (1995)"


def test_fewer_names_keep_the_rest_and_report_the_renames(uitem_bytes):
    items, report = load_items(uitem_bytes, columns=ColumnSpec(names=("id", "title")))
    assert items.schema.id == "id" and items.schema.title == "title"
    assert "columns named by you: column_1 = 'id', column_2 = 'title'" in notes(report)


def test_headerless_flags_without_names_say_how_to_name_them(uitem_bytes):
    _, report = load_items(uitem_bytes)
    assert ("the values of 'genres' are the flag columns' names (column_6, ...): name them on the Data page, "
            "or with --item-names") in notes(report)


def test_no_genres_listed_is_no_category():
    data = MOVIES_CSV + "6,Some Film (2015),(no genres listed)\n"
    items, report = load_items(data.encode())
    assert items.frame.loc["6", "genres"] == []
    assert "'genres': '(no genres listed)' read as no value, not a category (1 row)" in notes(report)


def test_placeholder_in_a_categorical_column_reads_as_unknown():
    data = b"id,title,provider\n1,A,Small Harbor\n2,B,Unknown\n3,C,(not specified)\n4,D,Small Harbor\n"
    items, _ = load_items(data)
    assert items.frame["provider"].tolist() == ["Small Harbor", "unknown", "unknown", "Small Harbor"]
    assert items.categories("provider").tolist() == [["Small Harbor"], [], [], ["Small Harbor"]]


def test_too_many_names_is_a_clear_error(uitem_bytes, upload):
    with pytest.raises(DataError) as err:
        load_items(upload(uitem_bytes, "u.item"), columns=ColumnSpec.from_options(names=ITEM_NAMES + ",extra"))
    assert str(err.value) == Msg.TOO_MANY_NAMES.format(given=25, kind="items", name="u.item", count=24)


def test_a_repeated_name_is_a_clear_error(uitem_bytes, upload):
    with pytest.raises(DataError) as err:
        load_items(upload(uitem_bytes, "u.item"), columns=ColumnSpec(names=("id", "title", "title")))
    assert str(err.value) == Msg.REPEATED_NAME.format(column="title", kind="items", name="u.item")


def test_a_flag_group_over_text_columns_is_a_clear_error(uitem_bytes, upload):
    spec = ColumnSpec(names=("id", "title"), flags=(FlagGroup("genres", ("title", "column_6")),))
    with pytest.raises(DataError) as err:
        load_items(upload(uitem_bytes, "u.item"), columns=spec)
    assert str(err.value) == Msg.NOT_FLAGS.format(column="title", name="u.item", group="genres",
                                                  value="Toy Story (1995)", row=1)


def test_an_unknown_type_is_a_clear_error(uitem_bytes):
    with pytest.raises(DataError) as err:
        load_items(uitem_bytes, columns=ColumnSpec(types=(("column_3", "colour"),)))
    assert str(err.value) == Msg.BAD_COLUMN_TYPE.format(
        type="colour", kind="items", column="column_3", allowed="id, title, text, categorical, multi, numeric, date, ignore")


def test_a_type_for_a_missing_column_is_a_clear_error(uitem_bytes, upload):
    with pytest.raises(DataError) as err:
        load_items(upload(uitem_bytes, "u.item"), columns=ColumnSpec(types=(("year", "date"),)))
    assert str(err.value).startswith(Msg.UNKNOWN_COLUMN.format(column="year", role="date", name="u.item",
                                                               columns="")[:-2])


# ---------------------------------------------------------------- users


def test_zip_codes_are_categories_not_numbers():
    users, report = load_users(UUSER_ZIPS)
    assert users.frame["column_5"].tolist() == ["85711", "01002", "T8H1N", "43537"]
    assert "column_5" in users.schema.categorical
    assert report.rows_fixed == 0  # nothing "read as missing"


def test_many_zip_codes_are_left_out_unless_typed_categorical():
    rows = "".join(f"{u}|{20 + u % 40}|M|other|{u:05d}\n" for u in range(1, 201)).encode()
    users, _ = load_users(rows, columns=ColumnSpec(names=("id", "age", "gender", "occupation", "zip")))
    assert users.schema.ignored["zip"] == "zip-like codes, 200 distinct values: too many to group by"
    assert users.schema.numeric == ("age",)
    users, report = load_users(rows, columns=ColumnSpec.from_options(names="id,age,gender,occupation,zip",
                                                                     types="zip=categorical"))
    assert users.frame.loc["7", "zip"] == "00007"
    assert "types set by you: 'zip' categorical" in notes(report)


def test_users_reject_item_only_types_and_flag_groups():
    with pytest.raises(DataError) as err:
        load_users(UUSER_ZIPS, columns=ColumnSpec(types=(("column_2", "date"),)))
    assert str(err.value) == Msg.BAD_COLUMN_TYPE.format(type="date", kind="users", column="column_2",
                                                        allowed="id, categorical, numeric, ignore")
    with pytest.raises(DataError) as err:
        load_users(UUSER_ZIPS, columns=ColumnSpec(flags=(FlagGroup("g", ("column_2",)),)))
    assert str(err.value) == Msg.FLAGS_ONLY_FOR_ITEMS


# ---------------------------------------------------------------- the dataset and the match check


def _interactions(n_items: int) -> pd.DataFrame:
    rows = [(f"u{u}", str(i), 1_600_000_000 + 60 * (u * n_items + i)) for u in range(3) for i in range(1, n_items + 1)]
    return pd.DataFrame(rows, columns=["user", "item", "timestamp"])


def test_dataset_records_the_specs(uitem_bytes):
    spec = ColumnSpec.from_options(names=ITEM_NAMES)
    data = load_dataset(_interactions(5), uitem_bytes, item_columns=spec)
    assert data.columns == {"items": spec}
    assert data.items.frame.loc["2", "genres"] == ["Action", "Adventure", "Thriller"]


def test_a_side_file_matching_few_ids_is_loaded_with_a_warning(uitem_bytes, upload):
    data = load_dataset(_interactions(20), upload(uitem_bytes, "u.item"))  # 5 of the 20 items are in u.item
    assert data.reports["items"].warnings == [
        Msg.FEW_SIDE_IDS_MATCH.format(share=0.25, kind="item", hit=5, total=20, name="u.item")]
    quiet = load_dataset(_interactions(20), uitem_bytes, config=DataConfig(min_side_match=0.2))
    assert quiet.reports["items"].warnings == []
    assert load_dataset(_interactions(5), uitem_bytes).reports["items"].warnings == []
