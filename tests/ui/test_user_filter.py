"""Filtering the user picker by attribute and activity: the pure filter on a hand-made dataset,
then the Recommend and Explain pages on the tiny demo run (the filter is shared by both)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from recsys.data import load_dataset
from recsys.ui.session import state
from recsys.ui.views.user_filter import INTERACTIONS, matching_users, user_frame
from recsys.ui.views.users import NO_MATCH
from tests.ui.helpers import ROOT
from tests.ui.test_pages import assert_clean, open_page

DEMO = ROOT / "assets" / "demo"


@pytest.fixture(scope="module")
def six_users():
    """u1..u6 with 3..8 interactions; users file: u1..u5 (u6 missing), gender F/M alternating, age 20..60."""
    rows = [(f"u{u}", f"i{(u + j) % 10}", 1_600_000_000 + 100 * u + j) for u in range(1, 7) for j in range(u + 2)]
    inter = pd.DataFrame(rows, columns=["user_id", "item_id", "timestamp"])
    users = pd.DataFrame({"user_id": [f"u{u}" for u in range(1, 6)], "gender": list("FMFMF"),
                          "age": [20, 30, 40, 50, 60]})
    return load_dataset(inter, users=users, name="six")


def _users(frame, **filters):
    return matching_users(frame, {k.replace("_", " "): v for k, v in filters.items()})


def test_user_frame_has_attributes_quartiles_and_interactions(six_users):
    frame = user_frame(six_users)
    assert frame.loc["u6", "gender"] == "unknown" and np.isnan(frame.loc["u6", "age"])
    assert frame[INTERACTIONS].to_dict() == {f"u{u}": u + 2 for u in range(1, 7)}
    # 5 known ages in 4 quantile buckets: ranks 1..5 -> floor((rank - 1) * 4 / 5) = 0, 0, 1, 2, 3
    assert frame["age quartile"].tolist() == ["Q1 [20, 30]", "Q1 [20, 30]", "Q2 [40, 40]", "Q3 [50, 50]",
                                              "Q4 [60, 60]", "unknown"]


def test_matching_users_by_hand(six_users):
    frame = user_frame(six_users)
    assert _users(frame) == [f"u{u}" for u in range(1, 7)]  # no filter: everyone
    assert _users(frame, gender=["F"]) == ["u1", "u3", "u5"]
    assert _users(frame, gender=[]) == _users(frame)  # an empty list means any value
    assert _users(frame, age=(25, 45)) == ["u2", "u3"]  # u6 has no age: outside any narrower range
    assert _users(frame, age=(20, 60)) == _users(frame)  # the whole range keeps u6 too
    assert _users(frame, age_quartile=["Q1 [20, 30]"]) == ["u1", "u2"]
    both = {INTERACTIONS: (5, 8), "gender": ["F"]}
    assert matching_users(frame, both) == ["u3", "u5"]  # F with 5 and 7 interactions
    assert _users(frame, occupation=["x"]) == _users(frame)  # a filter of other data is ignored


def _caption(at: AppTest) -> str:
    return next(c.value for c in at.caption if c.value.endswith("users match."))


def test_the_filter_narrows_the_picker_on_recommend_and_explain(run_app: AppTest):
    users = pd.read_csv(DEMO / "users.csv", dtype=str)
    counts = pd.read_csv(DEMO / "interactions.csv", dtype=str).groupby("user_id").size()
    women = set(users.loc[users["gender"] == "F", "user_id"])
    at = open_page(run_app, "recommend")
    assert_clean(at)
    assert _caption(at) == f"{len(users):,} of {len(users):,} users match."

    at.multiselect(key=state.user_filter_key("gender")).set_value(["F"]).run()
    assert_clean(at)
    assert _caption(at) == f"{len(women):,} of {len(users):,} users match."
    picker = at.selectbox(key=state.USER_SELECT)
    assert picker.label == f"User ({len(women):,} of {len(users):,} match)"
    assert set(picker.options) == women and picker.value in women  # the chosen user follows the filter

    at.slider(key=state.user_filter_key(INTERACTIONS)).set_value((50, 80)).run()
    active = {u for u in women if 50 <= counts[u] <= 80}
    assert _caption(at) == f"{len(active):,} of {len(users):,} users match."
    assert set(at.selectbox(key=state.USER_SELECT).options) == active

    at = open_page(at, "explain")  # the same filter on the Explain page
    assert_clean(at)
    assert _caption(at) == f"{len(active):,} of {len(users):,} users match."
    assert at.multiselect(key=state.user_filter_key("gender")).value == ["F"]
    assert set(at.selectbox(key=state.USER_SELECT).options) == active

    nobody = next(v for v in range(counts.min(), counts.max()) if v not in set(counts[list(women)]))
    at.slider(key=state.user_filter_key(INTERACTIONS)).set_value((nobody, nobody)).run()  # no woman has that many
    assert [w.value for w in at.warning] == [NO_MATCH]
    assert not at.exception
