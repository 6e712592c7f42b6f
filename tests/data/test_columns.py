"""Column mapping: detection by name and by content, overrides, and the mapping errors."""

from __future__ import annotations

import pandas as pd
import pytest

from recsys.data import (
    ColumnMapping,
    ItemSchema,
    UserSchema,
    detect_interaction_columns,
    detect_item_columns,
    detect_user_columns,
    read_table,
)
from recsys.data.columns import normalize_name
from recsys.errors import DataError, Msg

COLUMNS = "userId, movieId, rating, timestamp"


def detect(data: bytes, given: ColumnMapping | None = None) -> ColumnMapping:
    table = read_table(data)
    return detect_interaction_columns(table.frame, given, table.name)


def test_normalize_name():
    assert {normalize_name(n) for n in ["User ID", "user_id", "userId", "USER-ID"]} == {"userid"}


# ---------------------------------------------------------------- interactions: by name


def test_movielens_csv_by_name(ratings_csv):
    m = detect(ratings_csv)
    assert m.as_dict() == {"user": "userId", "item": "movieId", "rating": "rating", "timestamp": "timestamp"}
    assert set(m.how.values()) == {"by name"}


def test_play_counts_by_name(lastfm_bytes):
    m = detect(lastfm_bytes)
    assert m.as_dict() == {"user": "userID", "item": "artistID", "rating": "weight", "timestamp": None}
    assert m.how == {"user": "by name", "item": "by name", "rating": "by name"}


@pytest.mark.parametrize(
    "header, expected",
    [
        ("User ID,Product_ID,Stars,Created At", ("User ID", "Product_ID", "Stars", "Created At")),
        ("customer_id,asin,overall,unixReviewTime", ("customer_id", "asin", "overall", "unixReviewTime")),
        ("visitorid,itemid,label,event_time", ("visitorid", "itemid", "label", "event_time")),
    ],
)
def test_common_name_spellings(header, expected):
    data = f"{header}\n1,a,5,1600000000\n2,b,4,1600000100\n".encode()
    assert tuple(detect(data).as_dict().values()) == expected


def test_names_found_in_any_column_order():
    m = detect(b"timestamp,rating,movieId,userId\n964982703,4,1,1\n964982704,5,2,1\n")
    assert m.as_dict() == {"user": "userId", "item": "movieId", "rating": "rating", "timestamp": "timestamp"}


# ---------------------------------------------------------------- interactions: by content


def test_headerless_ml100k_by_content(ml100k_bytes):
    m = detect(ml100k_bytes)
    assert m.as_dict() == {"user": "column_1", "item": "column_2", "rating": "column_3", "timestamp": "column_4"}
    assert set(m.how.values()) == {"by content"}


def test_headerless_ml1m_by_content(ml1m_bytes):
    m = detect(ml1m_bytes)
    assert m.as_dict() == {"user": "column_1", "item": "column_2", "rating": "column_3", "timestamp": "column_4"}


def test_unknown_names_by_content():
    m = detect(b"a,b,c,d\nx1,y1,4,1600000000\nx2,y2,3,1600000100\nx3,y3,5,1600000200\n")
    assert m.as_dict() == {"user": "a", "item": "b", "rating": "c", "timestamp": "d"}


def test_iso_dates_by_content():
    m = detect(b"x1\ty1\t2020-01-01 10:00:00\nx2\ty2\t2020-01-02 11:00:00\nx3\ty3\t2020-01-03\n")
    assert m.as_dict() == {"user": "column_1", "item": "column_2", "rating": None, "timestamp": "column_3"}


def test_dates_with_mixed_time_zones_by_content():
    data = b"x1\ty1\t2020-01-01T10:00:00+02:00\nx2\ty2\t2020-01-02T11:00:00Z\nx3\ty3\t2020-01-03T00:00:00-05:00\n"
    assert detect(data).timestamp == "column_3"


def test_fractional_rating_by_content_without_timestamp():
    m = detect(b"x1\ty1\t4.5\nx2\ty2\t3\nx3\ty3\t1\n")
    assert m.as_dict() == {"user": "column_1", "item": "column_2", "rating": "column_3", "timestamp": None}


def test_two_columns_are_user_then_item():
    m = detect(b"x1\ty1\nx2\ty2\n")
    assert m.as_dict() == {"user": "column_1", "item": "column_2", "rating": None, "timestamp": None}


def test_partly_named_file_fills_the_rest_by_content():
    m = detect(b"session,product,clicks\ns1,p1,3\ns2,p2,1\n")
    assert m.as_dict() == {"user": "session", "item": "product", "rating": "clicks", "timestamp": None}
    assert m.how == {"user": "by content", "item": "by name", "rating": "by name"}


# ---------------------------------------------------------------- interactions: overrides


@pytest.mark.parametrize(
    "role, column",
    [
        ("user", "movieId"),
        ("item", "userId"),
        ("rating", "timestamp"),
        ("timestamp", "rating"),
    ],
)
def test_each_role_can_be_overridden(ratings_csv, role, column):
    m = detect(ratings_csv, ColumnMapping(**{role: column}))
    assert getattr(m, role) == column
    assert m.how[role] == "given"
    others = [c for r, c in m.as_dict().items() if r != role and c is not None]
    assert column not in others  # a given column is not also picked for another role


def test_full_override_swaps_every_role(ratings_csv):
    given = ColumnMapping(user="movieId", item="userId", rating="timestamp", timestamp="rating")
    m = detect(ratings_csv, given)
    assert m == given
    assert set(m.how.values()) == {"given"}


def test_override_on_headerless_file(ml100k_bytes):
    m = detect(ml100k_bytes, ColumnMapping(user="column_2", item="column_1"))
    assert (m.user, m.item) == ("column_2", "column_1")
    assert (m.rating, m.timestamp) == ("column_3", "column_4")


@pytest.mark.parametrize("role", ["user", "item", "rating", "timestamp"])
def test_unknown_override_column(ratings_csv, role):
    with pytest.raises(DataError) as err:
        detect(ratings_csv, ColumnMapping(**{role: "nope"}))
    assert str(err.value) == Msg.UNKNOWN_COLUMN.format(column="nope", role=role, name="uploaded data", columns=COLUMNS)


def test_same_column_for_two_roles(ratings_csv):
    with pytest.raises(DataError) as err:
        detect(ratings_csv, ColumnMapping(user="userId", item="userId"))
    assert str(err.value) == Msg.SAME_COLUMN.format(column="userId", roles="user and item")
    with pytest.raises(DataError) as err:
        detect(ratings_csv, ColumnMapping(rating="timestamp", timestamp="timestamp"))
    assert str(err.value) == Msg.SAME_COLUMN.format(column="timestamp", roles="rating and timestamp")


@pytest.mark.parametrize(
    "data, role, columns",
    [
        (b"userId,rating\n1,2\n3,4\n", "item", "userId, rating"),
        (b"movieId,rating\n1,2\n3,4\n", "user", "movieId, rating"),
        (b"foo\n1\n2\n", "item", "foo"),
    ],
)
def test_missing_user_or_item_column(data, role, columns):
    with pytest.raises(DataError) as err:
        detect(data)
    assert str(err.value) == Msg.MISSING_COLUMN.format(role=role, name="uploaded data", columns=columns)


# ---------------------------------------------------------------- items


def test_item_file_u_item_shape(uitem_bytes):
    table = read_table(uitem_bytes)
    schema = detect_item_columns(table.frame, name=table.name, file_sep=table.sep)
    assert schema.id == "column_1"
    assert schema.title == "column_2"
    assert schema.dates == ("column_3",)
    assert schema.flags == tuple(f"column_{i}" for i in range(6, 25))  # the 19 genre flags
    assert schema.ignored == {"column_4": "empty column", "column_5": "web addresses"}


def test_item_file_multi_valued_genres_in_comma_csv(movies_csv):
    table = read_table(movies_csv)
    schema = detect_item_columns(table.frame, name=table.name, file_sep=table.sep)
    assert (schema.id, schema.title) == ("movieId", "title")
    assert schema.multi == {"genres": "|"}
    assert schema.flags == ()


def test_item_file_text_categorical_numeric_columns():
    n = 60
    frame = pd.DataFrame(
        {
            "item_id": [f"i{k}" for k in range(n)],
            "name": [f"Thing number {k}" for k in range(n)],
            "description": [f"A long description of thing {k} that has many words in it" for k in range(n)],
            "brand": [["acme", "globex", "initech"][k % 3] for k in range(n)],
            "price": [str(1.5 * k) for k in range(n)],
            "tags": [["red;big", "blue", "red;small"][k % 3] for k in range(n)],
        }
    )
    schema = detect_item_columns(frame)
    assert schema.id == "item_id"
    assert schema.title == "name"
    assert schema.text == ("description",)
    assert schema.categorical == ("brand",)
    assert schema.numeric == ("price",)
    assert schema.multi == {"tags": ";"}


def test_item_schema_overrides_are_kept(movies_csv):
    table = read_table(movies_csv)
    schema = detect_item_columns(
        table.frame, ItemSchema(id="title", title="movieId", categorical=("genres",), flag_group="g")
    )
    assert (schema.id, schema.title) == ("title", "movieId")
    assert schema.categorical == ("genres",)
    assert schema.flag_group == "g"


def test_item_schema_unknown_id_column(movies_csv):
    table = read_table(movies_csv)
    with pytest.raises(DataError) as err:
        detect_item_columns(table.frame, ItemSchema(id="nope"), name="movies.csv")
    assert str(err.value) == Msg.UNKNOWN_COLUMN.format(
        column="nope", role="item_id", name="movies.csv", columns="movieId, title, genres"
    )


# ---------------------------------------------------------------- users


def test_user_file_u_user_shape(uuser_bytes):
    table = read_table(uuser_bytes)
    schema = detect_user_columns(table.frame)
    assert schema.id == "column_1"
    assert "column_2" in schema.numeric  # age
    assert {"column_3", "column_4"} <= set(schema.categorical)  # gender, occupation


def test_user_file_by_name_and_override():
    frame = pd.DataFrame({"gender": ["F", "M", "F"], "user_id": ["a", "b", "c"], "age": ["20", "30", "40"]})
    schema = detect_user_columns(frame)
    assert (schema.id, schema.categorical, schema.numeric) == ("user_id", ("gender",), ("age",))
    forced = detect_user_columns(frame, UserSchema(categorical=("age", "gender")))
    assert forced.categorical == ("age", "gender")


def test_user_schema_unknown_id_column():
    frame = pd.DataFrame({"user_id": ["a"], "age": ["1"]})
    with pytest.raises(DataError) as err:
        detect_user_columns(frame, UserSchema(id="uid"), name="users.csv")
    assert str(err.value) == Msg.UNKNOWN_COLUMN.format(
        column="uid", role="user_id", name="users.csv", columns="user_id, age"
    )


def test_no_column_sentinel_turns_detection_off():
    import pandas as pd

    from recsys.data.columns import NO_COLUMN, ColumnMapping, detect_interaction_columns

    frame = pd.DataFrame({"user": ["1"], "item": ["2"], "rating": ["x"], "timestamp": ["1600000000"]})
    mapping = detect_interaction_columns(frame, ColumnMapping(rating=NO_COLUMN, timestamp=NO_COLUMN))
    assert mapping.rating is None and mapping.timestamp is None
    assert mapping.how["rating"] == "none (given)"


def test_recbole_type_suffixes_are_ignored_in_names():
    from recsys.data.columns import normalize_name

    assert normalize_name("user_id:token") == "userid"
    assert normalize_name("timestamp:float") == "timestamp"
