"""Global explanations: side-feature SHAP over a sample, influential history items, the CLI."""

import argparse
import json

import numpy as np
import pandas as pd
import pytest

from recsys.cli.explain import add_explain_global_parser, explain_global_command
from recsys.errors import DataError
from recsys.explain import ItemScorer, history_shap, side_feature_shap
from recsys.explain import summary as S
from recsys.model.sequences import user_sequences
from recsys.recommend import Recommender
from recsys.train import save_run
from tests.tiny import TINY_MODEL


@pytest.fixture(scope="module")
def rec(dataset, trained):
    return Recommender(trained.model, trained.tables, TINY_MODEL.max_len, user_sequences(dataset.interactions))


@pytest.fixture(scope="module")
def pairs(rec):
    return S.sample_pairs(rec, n_users=5, k=3, seed=7)


@pytest.fixture(scope="module")
def side(rec, pairs):
    return S.side_feature_summary(rec, TINY_MODEL, pairs)


@pytest.fixture(scope="module")
def contributions(rec, pairs):
    return S.history_contributions(rec, TINY_MODEL, pairs)


def test_sample_pairs_is_seeded_and_takes_each_users_top_k(rec, pairs):
    again = S.sample_pairs(rec, n_users=5, k=3, seed=7)
    np.testing.assert_array_equal(pairs.users, again.users)
    np.testing.assert_array_equal(pairs.items, again.items)
    users = np.unique(pairs.users)
    assert len(users) == 5 and len(pairs) == 15
    top, scores = rec.recommend_indices(users, k=3)
    np.testing.assert_array_equal(pairs.items, top.ravel())
    np.testing.assert_allclose(pairs.scores, scores.ravel())
    np.testing.assert_array_equal(pairs.ranks, np.tile([1, 2, 3], 5))
    with pytest.raises(DataError, match=S.NO_PAIRS):
        S.sample_pairs(rec, n_users=0)


def test_side_feature_summary_is_additive_per_row(side, pairs):
    values = np.asarray(side.values)
    assert values.shape == (len(pairs), len(side.feature_names)) == np.asarray(side.data).shape
    assert {"your gender", "item genres", "text match"} <= set(side.feature_names)
    np.testing.assert_allclose(values.sum(1) + side.base_values, pairs.scores, atol=1e-4)


def test_side_feature_summary_rows_equal_the_per_item_explanation(rec, side, pairs):
    for row in (0, len(pairs) - 1):
        one = side_feature_shap(ItemScorer(rec, TINY_MODEL, pairs.users[row], pairs.items[row]))
        by_name = dict(zip(side.feature_names, np.asarray(side.values)[row]))
        data = dict(zip(side.feature_names, np.asarray(side.data)[row]))
        for name, value, datum in zip(one.feature_names, one.values, one.data):
            assert by_name[name] == pytest.approx(value, abs=1e-5)
            assert data[name] == datum
        for name in set(side.feature_names) - set(one.feature_names):  # absent for this item: exactly 0
            assert by_name[name] == 0.0 and data[name] == S.ABSENT


def test_history_contributions_are_additive_and_match_history_shap(rec, contributions, pairs):
    score = dict(zip(zip(pairs.users, pairs.items), pairs.scores))
    for (user, item), part in contributions.groupby(["user", "item"]):
        assert part["shap"].sum() + part["base"].iloc[0] == pytest.approx(score[(user, item)], abs=1e-4)
    user, item = pairs.users[1], pairs.items[1]
    one = history_shap(ItemScorer(rec, TINY_MODEL, user, item))  # exact: TINY max_len <= EXACT_MAX
    part = contributions[(contributions["user"] == user) & (contributions["item"] == item)]
    np.testing.assert_array_equal(part["history_item"], one.data)
    np.testing.assert_allclose(part["shap"], one.values, atol=1e-5)


def test_history_contributions_beyond_the_exact_limit_are_additive(rec, monkeypatch):
    monkeypatch.setattr(S, "EXACT_MAX", 4)  # force shap's Permutation explainer, K outputs at once
    few = S.sample_pairs(rec, n_users=2, k=3, seed=1)
    part = S.history_contributions(rec, TINY_MODEL, few, seed=1)
    assert part.groupby("user")["history_item"].nunique().max() > 4
    sums = part.groupby(["user", "item"]).agg(shap=("shap", "sum"), base=("base", "first"))
    expected = dict(zip(zip(few.users, few.items), few.scores))
    for key, row in sums.iterrows():
        assert row["shap"] + row["base"] == pytest.approx(expected[key], abs=1e-4)


def test_influential_history_items_by_hand(dataset):
    c = pd.DataFrame({
        "user": [0, 0, 0, 0, 1, 1],
        "item": [10, 10, 11, 11, 10, 10],
        "history_item": [1, 2, 1, 2, 1, 3],
        "shap": [0.5, -0.2, 0.3, 0.1, -0.1, 0.9],
    })
    t = S.influential_history_items(c, dataset)
    # item 3: one pair, 0.9. item 1: three pairs of 2 users, 0.5 + 0.3 - 0.1 = 0.7 (mean 0.7/3, |.| mean
    # 0.9/3 = 0.3, 2 of 3 positive). item 2: two pairs of user 0, -0.2 + 0.1 = -0.1 (mean -0.05, |.| 0.15).
    assert list(t["item_idx"]) == [3, 1, 2]
    np.testing.assert_allclose(t["total_shap"], [0.9, 0.7, -0.1])
    np.testing.assert_allclose(t["mean_shap"], [0.9, 0.7 / 3, -0.05])
    np.testing.assert_allclose(t["mean_abs_shap"], [0.9, 0.3, 0.15])
    np.testing.assert_allclose(t["positive_share"], [1.0, 2 / 3, 0.5])
    assert list(t["appearances"]) == [1, 3, 2] and list(t["users"]) == [1, 2, 1]
    assert list(t["item_id"]) == [str(i) for i in dataset.item_encoder.inverse_transform([3, 1, 2])]
    assert list(t["title"]) == dataset.titles([3, 1, 2])


def test_global_summary_to_dict(rec, dataset):
    g = S.global_summary(rec, dataset, TINY_MODEL, n_users=3, k=2, seed=0)
    d = g.to_dict(top=5)
    assert list(d) == ["settings", "side_features", "side_shap", "influential_items", "timings_ms"]
    assert d["settings"] == {"users": 3, "k": 2, "seed": 0, "pairs": 6}
    assert len(d["side_shap"]) == 6 and len(d["influential_items"]) == 5
    assert g.side_table()["mean_abs_shap"].is_monotonic_decreasing
    assert set(d["timings_ms"]) == {"side_shap", "history_shap", "total"}


def test_explain_global_cli_writes_json(trained, dataset, tmp_path, capsys):
    run = save_run(trained, dataset, tmp_path / "run")
    parser = argparse.ArgumentParser(prog="python -m recsys")
    add_explain_global_parser(parser.add_subparsers(dest="command", required=True))
    out = tmp_path / "global.json"
    args = parser.parse_args(["explain-global", "--run", str(run), "--users", "4", "--k", "2", "--json", str(out)])
    assert args.func is explain_global_command and explain_global_command(args) == 0
    printed = capsys.readouterr().out
    assert "8 (user, recommended item) pairs: 4 users x top-2, seed 0" in printed
    assert "most influential history items" in printed and "text match" in printed
    doc = json.loads(out.read_text())
    assert list(doc) == ["settings", "side_features", "side_shap", "influential_items", "timings_ms"]
    assert {"feature", "mean_abs_shap", "mean_shap", "present"} == set(doc["side_features"][0])
    assert {"item_id", "title", "appearances", "users", "mean_shap", "total_shap"} <= set(doc["influential_items"][0])
    row = doc["side_shap"][0]
    assert sum(row["values"].values()) + row["base_value"] == pytest.approx(row["score"], abs=1e-4)


def test_explain_global_is_a_recsys_command():
    from recsys.cli import build_parser

    args = build_parser().parse_args(["explain-global", "--run", "r", "--users", "3", "--k", "4", "--seed", "2"])
    assert (args.func, args.users, args.k, args.seed) == (explain_global_command, 3, 4, 2)
