"""load_dataset: interactions plus side files, encoded ids, and the too-small-to-split error."""

from __future__ import annotations

import pandas as pd
import pytest

from recsys.data import ColumnMapping, DataConfig, ItemSchema, load_dataset
from recsys.errors import DataError, Msg

# Two users, three items each; ids match the u.item / u.user fixtures (items 4 and 5 unrated).
INTERACTIONS = (
    b"1\t1\t4\t881250949\n"
    b"1\t2\t3\t881250950\n"
    b"1\t3\t5\t881250951\n"
    b"2\t2\t4\t881250952\n"
    b"2\t3\t2\t881250953\n"
    b"2\t1\t1\t881250954\n"
)


def test_dataset_with_items_and_users(uitem_bytes, uuser_bytes, upload):
    ds = load_dataset(upload(INTERACTIONS, "u.data"), upload(uitem_bytes, "u.item"), upload(uuser_bytes, "u.user"))
    assert ds.name == "u.data"
    assert list(ds.interactions.columns) == ["user", "item", "user_idx", "item_idx", "rating", "timestamp"]
    assert (ds.n_users, ds.n_items) == (2, 5)
    # interacted items first (in order of appearance), then the items file's cold-start items
    assert ds.item_encoder.classes_.tolist() == ["1", "2", "3", "4", "5"]
    assert ds.interactions["item_idx"].tolist() == [0, 1, 2, 1, 2, 0]
    assert ds.interactions["user_idx"].tolist() == [0, 0, 0, 1, 1, 1]
    assert ds.titles([0, 3]) == ["Toy Story (1995)", "Café Society (1995)"]
    assert list(ds.users.frame.index) == ["1", "2"]
    assert set(ds.reports) == {"interactions", "items", "users"}
    assert ds.reports["users"].rows_dropped == 3
    assert ds.has_ratings and ds.has_timestamps


def test_indices_round_trip_to_the_raw_ids(ml100k_bytes):
    ds = load_dataset(ml100k_bytes)
    frame = ds.interactions
    assert ds.user_encoder.inverse_transform(frame["user_idx"]).tolist() == frame["user"].tolist()
    assert ds.item_encoder.inverse_transform(frame["item_idx"]).tolist() == frame["item"].tolist()
    assert sorted(frame["user_idx"].unique()) == list(range(ds.n_users))


def test_dataset_without_side_files(lastfm_bytes):
    ds = load_dataset(lastfm_bytes, name="lastfm")
    assert ds.name == "lastfm" and ds.items is None and ds.users is None
    assert not ds.has_timestamps and ds.has_weights and not ds.has_ratings  # play counts: weights
    assert ds.titles([0]) == ["51"]


def test_dataset_from_data_frames_and_overrides():
    # column 'a' would be found as the user by content; the mapping says 'b' is the user
    frame = pd.DataFrame({"a": ["x", "y", "w"] * 2, "b": ["p"] * 3 + ["q"] * 3})
    items = pd.DataFrame({"code": ["x", "y", "w", "z"], "label": ["X", "Y", "W", "Z"]})
    ds = load_dataset(
        frame, items, mapping=ColumnMapping(user="b", item="a"), item_schema=ItemSchema(id="code", title="label")
    )
    assert ds.user_encoder.classes_.tolist() == ["p", "q"]
    assert ds.item_encoder.classes_.tolist() == ["x", "y", "w", "z"]  # z: cold start, from the items file
    assert ds.titles([0, 3]) == ["X", "Z"]
    assert ds.mapping.user == "b" and ds.mapping.how["user"] == "given"


def _other_ids(data: bytes) -> bytes:
    """The same interactions with every user and item id prefixed by 'x'."""
    return b"\n".join(b"x" + line.replace(b"\t", b"\tx", 1) for line in data.strip().split(b"\n")) + b"\n"


def test_items_that_match_nothing(movies_csv, upload):
    with pytest.raises(DataError) as err:
        load_dataset(_other_ids(INTERACTIONS), upload(movies_csv, "movies.csv"))
    assert str(err.value) == Msg.IDS_MATCH_NOTHING.format(
        n=5,
        kind="item",
        name="movies.csv",
        column="movieId",
        file_examples=["1", "2", "3"],
        inter_examples=["x1", "x2", "x3"],
    )


def test_users_that_match_nothing(uuser_bytes, upload):
    with pytest.raises(DataError) as err:
        load_dataset(_other_ids(INTERACTIONS), users=upload(uuser_bytes, "u.user"))
    assert str(err.value) == Msg.IDS_MATCH_NOTHING.format(
        n=5,
        kind="user",
        name="u.user",
        column="column_1",
        file_examples=["1", "2", "3"],
        inter_examples=["x1", "x2"],
    )


def test_too_small_to_split():
    # one user with 3 interactions; the other two users have too few and are dropped on load
    data = b"user,item\nu1,a\nu1,b\nu1,c\nu2,a\nu3,b\nu3,c\n"
    with pytest.raises(DataError) as err:
        load_dataset(data)
    assert str(err.value) == Msg.TOO_SMALL.format(
        detail="1 users, 1 of them with 3 or more interactions", min_users=2, min_per_user=3
    )


def test_too_small_even_when_short_users_are_kept():
    data = b"user,item\nu1,a\nu1,b\nu1,c\nu2,a\nu3,b\nu3,c\n"
    with pytest.raises(DataError) as err:
        load_dataset(data, config=DataConfig(min_user_interactions=1))
    assert str(err.value) == Msg.TOO_SMALL.format(
        detail="3 users, 1 of them with 3 or more interactions", min_users=2, min_per_user=3
    )


def test_error_in_any_file_is_a_data_error(upload, ml100k_bytes):
    for items, users in ((upload(b"", "items.csv"), None), (None, upload(b"\x00\x01", "users.bin"))):
        with pytest.raises(DataError):
            load_dataset(ml100k_bytes, items, users)
