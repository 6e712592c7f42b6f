"""Lists scored once and reused (audit_lists), the one-group error, Lorenz curves and the
calibration profile the Fairness page draws."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from recsys.data import leave_last_out, load_dataset
from recsys.data.side import UserTable
from recsys.errors import DataError
from recsys.evaluate import MostPopular
from recsys.fairness import (
    AuditConfig,
    AuditResult,
    FairnessMsg,
    audit_from_lists,
    audit_lists,
    audit_scorer,
    audit_tradeoff,
    calibration_categories,
    calibration_profile,
    exposure_lorenz,
    gini,
    lorenz_curve,
    rerank_lists,
)
from tests.tiny import tiny_dataset

CONFIG = AuditConfig(n_boot=30, lambdas=(0.0, 0.5, 1.0))


@pytest.fixture(scope="module")
def tiny():
    ds = tiny_dataset()
    split = leave_last_out(ds.interactions)
    scorer = MostPopular().fit(split.train, ds.n_users, ds.n_items, split.valid)
    return ds, split, scorer, audit_lists(ds, scorer, split=split, n_candidates=30)


def test_reused_lists_give_the_same_audit(tiny):
    ds, split, scorer, lists = tiny
    direct = audit_scorer(ds, scorer, "age_group", replace(CONFIG, n_candidates=30), split=split)
    reused = audit_from_lists(ds, lists, "age_group", CONFIG)  # no scorer needed: nothing is re-scored
    pd.testing.assert_frame_equal(direct.user_groups, reused.user_groups)
    pd.testing.assert_frame_equal(direct.user_gaps, reused.user_gaps)
    pd.testing.assert_frame_equal(direct.item_groups, reused.item_groups)
    pd.testing.assert_frame_equal(direct.tradeoff, reused.tradeoff)
    assert direct.settings == reused.settings and direct.settings["n_candidates"] == 30
    # The sweep on its own (what the app caches per item attribute) is the audit's sweep.
    pd.testing.assert_frame_equal(audit_tradeoff(ds, lists, CONFIG), direct.tradeoff)
    no_sweep = audit_from_lists(ds, lists, "gender", AuditConfig(n_boot=0, lambdas=()))
    assert no_sweep.tradeoff.empty and len(no_sweep.user_groups) >= 2


def test_lists_hold_the_test_users_and_their_top_candidates(tiny):
    ds, split, _, lists = tiny
    assert lists.users.tolist() == sorted(split.test["user_idx"].unique())
    assert lists.candidates.shape == lists.scores.shape == (len(lists.users), 30)
    assert lists.hist.shape == (len(lists.users), ds.n_items) and lists.n_items == ds.n_items
    finite = np.where(np.isfinite(lists.scores), lists.scores, -1e9)  # -inf: fewer allowed items than slots
    assert (np.diff(finite, axis=1) <= 0).all()  # best first
    assert ((lists.candidates == -1) == ~np.isfinite(lists.scores)).all()
    with pytest.raises(DataError) as err:
        lists.ranked(31)
    assert str(err.value) == FairnessMsg.BAD_K.format(k=31, n=30)


def test_rerank_lists_at_zero_keeps_the_model_order(tiny):
    ds, _, _, lists = tiny
    assert np.array_equal(rerank_lists(ds, lists, "exposure", 0.0, AuditConfig(k=10)), lists.ranked(10))
    assert np.array_equal(rerank_lists(ds, lists, "calibrated", 0.0, AuditConfig(k=10)), lists.ranked(10))
    moved = rerank_lists(ds, lists, "exposure", 1.0, AuditConfig(k=10))
    assert moved.shape == (len(lists.users), 10) and not np.array_equal(moved, lists.ranked(10))


def test_an_attribute_with_one_group_is_a_clear_error(tiny):
    ds, _, _, lists = tiny
    raw = ds.user_encoder.classes_
    one = UserTable(pd.DataFrame({"plan": ["basic"] * len(raw)}, index=pd.Index(raw, name="user")),
                    ds.users.schema.__class__(id="user", categorical=("plan",), numeric=()))
    with pytest.raises(DataError) as err:
        audit_from_lists(ds, lists, "plan", CONFIG, users=one)
    assert str(err.value) == FairnessMsg.ONE_GROUP.format(n=len(lists.users), attribute="plan", group="basic")


def test_calibration_categories():
    ds = tiny_dataset()
    column, cats = calibration_categories(ds, "genres")
    assert column == "genres" and cats.shape[0] == ds.n_items
    assert np.allclose(cats.sum(1)[cats.sum(1) > 0], 1.0)
    assert calibration_categories(ds, "popularity")[0] == "genres"  # not a category column: the default one
    bare = load_dataset(ds.interactions[["user", "item", "rating", "timestamp"]])
    assert calibration_categories(bare) == (None, None)


def test_lorenz_curve_by_hand():
    # sorted [0, 1, 3], total 4 -> y = [0, 0, 1/4, 1] at x = [0, 1/3, 2/3, 1]
    # area (trapezoids) = 1/3 (0 + 1/8 + 5/8) = 1/4; Gini = 1 - 2/4 = 1/2 = sum((2i-4) x_i) / (3 * 4) = 6/12
    x, y = lorenz_curve([3, 0, 1])
    assert x.tolist() == pytest.approx([0, 1 / 3, 2 / 3, 1]) and y.tolist() == pytest.approx([0, 0, 0.25, 1])
    area = np.sum((y[1:] + y[:-1]) / 2 * np.diff(x))
    assert 1 - 2 * area == pytest.approx(gini([3, 0, 1])) == pytest.approx(0.5)
    x, y = lorenz_curve([0, 0])  # nothing exposed: the diagonal
    assert y.tolist() == x.tolist() == [0, 0.5, 1]


def test_exposure_lorenz_counts_slots_of_every_item():
    # slots over 4 items: item 0 twice, item 1 twice, item 2 once, item 3 never -> sorted [0, 1, 2, 2] / 5
    x, y = exposure_lorenz(np.array([[0, 1, -1], [1, 2, 0]]), 4, k=3)
    assert y.tolist() == pytest.approx([0, 0, 0.2, 0.6, 1.0]) and x.tolist() == [0, 0.25, 0.5, 0.75, 1]


def test_calibration_profile_by_hand():
    # items: 0 [A], 1 [B], 2 [A, B], 3 no category
    # user 0: history {0, 1} -> p = [.5, .5]; list [0, 2] -> q = [.75, .25]
    # user 1: history {1}    -> p = [0, 1];   list [1, 0] -> q = [.5, .5]
    # user 2: history {3}    -> no category: left out
    # mean p = [.25, .75], mean q = [.625, .375]; sorted by history share: B, A
    cats = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [0.0, 0.0]])
    history = sp.csr_matrix(np.array([[1.0, 1, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1]]))
    ranked = np.array([[0, 2], [1, 0], [0, 1]])
    profile = calibration_profile(ranked, history, cats, ["A", "B"], k=2)
    assert profile["category"].tolist() == ["B", "A"]
    assert profile["history_share"].tolist() == pytest.approx([0.75, 0.25])
    assert profile["list_share"].tolist() == pytest.approx([0.375, 0.625])


def test_under_served_reads_the_bad_side_of_each_metric():
    # NDCG: lower is worse, so a group is under-served when the whole interval is below 0;
    # miscalibration (KL): higher is worse, so when the whole interval is above 0.
    gaps = pd.DataFrame({
        "metric": ["ndcg@10", "ndcg@10", "ndcg@10", "calibration_kl", "calibration_kl", "calibration_kl"],
        "measure": ["gap_to_rest"] * 6,
        "group": ["a", "b", "c", "a", "b", "c"],
        "value": [-0.05, -0.02, 0.04, 0.30, -0.10, 0.50],
        "ci_low": [-0.09, -0.04, 0.01, 0.10, -0.20, -0.05],
        "ci_high": [-0.01, 0.01, 0.07, 0.50, -0.01, 0.90],
    })
    result = AuditResult(pd.DataFrame(), gaps, pd.DataFrame(), {}, {}, {}, pd.DataFrame(), settings={"k": 10})
    assert result.under_served()["group"].tolist() == ["a"]
    assert result.under_served("calibration_kl")["group"].tolist() == ["a"]  # c's interval includes 0
