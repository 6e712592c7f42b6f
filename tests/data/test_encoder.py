"""IdEncoder: raw ids <-> contiguous indices, the round trip, unknown ids, the unfitted state."""

from __future__ import annotations

import numpy as np
import pytest

from recsys.data import IdEncoder
from recsys.errors import DataError, Msg, NotFittedError


def test_indices_follow_first_appearance():
    enc = IdEncoder("item").fit(["b", "a", "b", "c", "a"])
    assert enc.classes_.tolist() == ["b", "a", "c"]
    assert len(enc) == 3
    assert enc.transform(["a", "b", "c", "c"]).tolist() == [1, 0, 2, 2]
    assert enc.transform(["a"]).dtype == np.int64


def test_round_trip_as_strings():
    raw = ["196", "007", "7", "Café", "a b", "-1", "1.5", "196"]
    enc = IdEncoder("user").fit(raw)
    assert enc.inverse_transform(enc.transform(raw)).tolist() == raw
    assert enc.inverse_transform(np.arange(len(enc))).tolist() == enc.classes_.tolist()


def test_ids_are_compared_as_strings():
    enc = IdEncoder().fit([1, 2, 3])
    assert enc.transform(["2", 3]).tolist() == [1, 2]
    assert enc.inverse_transform([0]).tolist() == ["1"]
    assert 2 in enc and "2" in enc and "4" not in enc
    # '007' and '7' are different ids: spelling is kept
    assert IdEncoder().fit(["007", "7"]).transform(["7"]).tolist() == [1]


def test_unknown_ids_raise_a_clear_error():
    enc = IdEncoder("item").fit(["a", "b"])
    with pytest.raises(DataError) as err:
        enc.transform(["a", "zz", "yy", "zz"])
    # two distinct unknown ids ('zz' twice, 'yy')
    assert str(err.value) == Msg.UNKNOWN_IDS.format(count=2, kind="item", examples="'zz', 'yy'")


def test_unknown_ids_ignored_give_minus_one():
    enc = IdEncoder("item").fit(["a", "b"])
    assert enc.transform(["b", "new", "a"], unknown="ignore").tolist() == [1, -1, 0]


def test_inverse_transform_out_of_range():
    enc = IdEncoder("item").fit(["a", "b"])
    for bad in ([2], [-1]):
        with pytest.raises(DataError, match="out of range 0..1"):
            enc.inverse_transform(bad)
    assert enc.inverse_transform([]).tolist() == []


@pytest.mark.parametrize(
    "use",
    [
        lambda e: e.transform(["a"]),
        lambda e: e.inverse_transform([0]),
        lambda e: len(e),
        lambda e: "a" in e,
        lambda e: e.to_list(),
    ],
)
def test_not_fitted(use):
    with pytest.raises(NotFittedError) as err:
        use(IdEncoder("user"))
    assert str(err.value) == Msg.NOT_FITTED.format(name="user encoder")


def test_save_and_restore_through_a_list():
    enc = IdEncoder("item").fit([10, "x", 3])
    saved = enc.to_list()
    assert saved == ["10", "x", "3"]
    again = IdEncoder.from_list(saved, kind="item")
    assert again.transform(["3", "10"]).tolist() == enc.transform(["3", "10"]).tolist()
    assert again.kind == "item"


def test_fit_returns_self():
    enc = IdEncoder()
    assert enc.fit(["a"]) is enc


def test_fit_transform_is_fit_then_transform():
    ids = ["b", "a", "b", "007", "7", "a"]
    one, two = IdEncoder("item"), IdEncoder("item")
    assert one.fit_transform(ids).tolist() == two.fit(ids).transform(ids).tolist() == [0, 1, 0, 2, 3, 1]
    assert one.to_list() == two.to_list() == ["b", "a", "007", "7"]
