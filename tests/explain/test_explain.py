import dataclasses

import numpy as np
import pytest

from recsys.explain import (
    ItemScorer,
    attention_maps,
    counterfactual,
    deletion_curve,
    exact_shapley,
    explain_item,
    faithfulness,
    history_shap,
    plain_reason,
    side_feature_shap,
)
from recsys.model import build_model
from recsys.model.sequences import user_sequences
from recsys.recommend import Recommender
from tests.tiny import TINY_MODEL


@pytest.fixture(scope="module")
def rec(dataset, trained):
    return Recommender(trained.model, trained.tables, TINY_MODEL.max_len, user_sequences(dataset.interactions))


def _top_item(rec, user):
    items, _ = rec.recommend_indices([user], k=1)
    return int(items[0, 0])


def test_exact_shapley_of_a_hand_built_game():
    # v(S) = 1*x0 + 2*x1 + 3*x0*x2: the interaction 3 is shared equally by players 0 and 2
    def v(keep):
        x = keep.astype(float)
        return 1 * x[:, 0] + 2 * x[:, 1] + 3 * x[:, 0] * x[:, 2]

    values, base = exact_shapley(v, 3)
    np.testing.assert_allclose(values, [2.5, 2.0, 1.5])
    assert base == 0.0


@pytest.mark.parametrize("user", [0, 3])
def test_history_shap_is_additive(rec, user):
    scorer = ItemScorer(rec, TINY_MODEL, user, _top_item(rec, user))
    exp = history_shap(scorer)
    assert exp.values.shape == (scorer.n,)
    assert exp.values.sum() + exp.base_values == pytest.approx(scorer.full_score(), abs=1e-4)


def test_permutation_shap_beyond_the_exact_limit_is_additive(rec, monkeypatch):
    import recsys.explain.shapley as shapley

    monkeypatch.setattr(shapley, "EXACT_MAX", 4)  # force shap's Permutation explainer
    scorer = ItemScorer(rec, TINY_MODEL, 0, _top_item(rec, 0))
    assert scorer.n > 4
    exp = shapley.history_shap(scorer)
    assert exp.values.sum() + exp.base_values == pytest.approx(scorer.full_score(), abs=1e-4)


def test_side_feature_shap_is_additive_and_names_the_features(rec):
    scorer = ItemScorer(rec, TINY_MODEL, 2, _top_item(rec, 2))
    exp = side_feature_shap(scorer)
    names = list(exp.feature_names)
    assert {"your gender", "your age_group", "your country", "item genres", "text match"} <= set(names)
    assert exp.values.sum() + exp.base_values == pytest.approx(scorer.full_score(), abs=1e-4)


def test_attention_maps_to_the_right_items_after_truncation_and_padding(dataset, rec):
    seqs = rec.sequences
    long_user = max(seqs, key=lambda u: len(seqs[u]))
    short_user = min(seqs, key=lambda u: len(seqs[u]))
    assert len(seqs[long_user]) > TINY_MODEL.max_len > len(seqs[short_user])
    for user in (long_user, short_user):
        scorer = ItemScorer(rec, TINY_MODEL, user, 0)
        maps = attention_maps(scorer)
        expected = seqs[user][-TINY_MODEL.max_len :] - 1  # most recent items, as item indices
        np.testing.assert_array_equal(maps.items, expected)
        assert maps.target.shape == (TINY_MODEL.heads, len(expected))
        np.testing.assert_allclose(maps.target.sum(-1), 1.0, atol=1e-5)
        for layer in maps.self_attention.values():
            assert layer.shape == (TINY_MODEL.heads, len(expected), len(expected))


def test_windowed_target_attention_maps_to_the_most_recent_items(dataset, trained):
    """With target_window K < L, the K most recent history items share the target attention and
    older items get 0."""
    cfg = dataclasses.replace(TINY_MODEL, target_window=4)
    model = build_model(cfg, trained.tables)
    windowed = Recommender(model, trained.tables, cfg.max_len, user_sequences(dataset.interactions))
    seqs = windowed.sequences
    user = max(seqs, key=lambda u: len(seqs[u]))
    maps = attention_maps(ItemScorer(windowed, cfg, user, 0))
    assert maps.target.shape == (cfg.heads, cfg.max_len)
    assert np.all(maps.target[:, :-4] == 0) and maps.target_window == 4
    np.testing.assert_allclose(maps.target[:, -4:].sum(-1), 1.0, atol=1e-5)


def test_counterfactual_is_verified_by_rescoring(rec):
    user = 4
    scorer = ItemScorer(rec, TINY_MODEL, user, _top_item(rec, user))
    exp = history_shap(scorer)
    cf = counterfactual(scorer, exp.values, k=3)
    assert cf.original_rank == 1
    if cf.found:
        keep = ~np.isin(scorer.items, cf.removed)
        scores = scorer.catalogue_scores(keep[None, :])[0]
        allowed = ~np.isin(np.arange(len(scores)), np.setdiff1d(rec.seen([user])[0], cf.removed))
        rank = 1 + int((scores[allowed] > scores[scorer.item]).sum())
        assert rank == cf.new_rank > 3
    else:
        assert cf.new_rank <= 3


class _AdditiveScorer:
    """A hand-built model: the score is the sum of the kept items' weights."""

    def __init__(self, weights):
        self.weights = np.asarray(weights, float)
        self.n = len(self.weights)

    def score(self, keep):
        return np.atleast_2d(keep).astype(float) @ self.weights


def test_deletion_curves_are_monotone_for_a_hand_built_model():
    scorer = _AdditiveScorer([0.5, 3.0, 1.0, 0.1])
    curve = deletion_curve(scorer, importance=scorer.weights)
    assert list(curve.order) == [1, 2, 0, 3]
    assert np.all(np.diff(curve.scores) <= 0)
    np.testing.assert_allclose(curve.scores, [4.6, 1.6, 0.6, 0.1, 0.0])
    result = faithfulness(scorer, scorer.weights, attention=np.array([0.1, 0.2, 0.3, 0.4]))
    # SHAP order removes the heaviest items first; this "attention" removes the lightest first
    assert result.shap_auc == pytest.approx(np.mean(np.array([4.6, 1.6, 0.6, 0.1, 0.0]) / 4.6))
    assert result.shap_auc < result.random_auc < result.attention_auc
    assert result.eraser["shap"]["comprehensiveness"] == pytest.approx(3.0)  # top 20% of 4 = 1 item
    assert (result.full, result.base, result.n) == (pytest.approx(4.6), pytest.approx(0.0), 4)
    np.testing.assert_allclose(result.curves["shap"], np.array([4.6, 1.6, 0.6, 0.1, 0.0]) / 4.6)
    np.testing.assert_allclose(result.values["attention"], [0.1, 0.2, 0.3, 0.4])


def test_plain_reason_names_only_supported_contributors():
    import shap

    hist = shap.Explanation(
        values=np.array([0.05, 2.0, 0.8, -1.0]), base_values=0.0, feature_names=["A", "B", "C", "D"]
    )
    assert plain_reason(hist).startswith("Because you chose 'B' and 'C'")
    flat = shap.Explanation(values=np.array([-0.1, -0.2]), base_values=1.0, feature_names=["A", "B"])
    assert plain_reason(flat).startswith("No single part of your history stands out")


def test_explain_item_end_to_end(dataset, rec):
    user_id = dataset.user_encoder.classes_[1]
    exp = explain_item(rec, dataset, TINY_MODEL, user_id, rank=2, k=5)
    d = exp.to_dict()
    assert d["item"]["rank"] == 2 and d["user"] == user_id
    assert sum(h["shap"] for h in d["history"]) + d["base_value"] == pytest.approx(d["score"], abs=1e-4)
    assert {"removed", "new_rank"} <= set(d["counterfactual"])
    assert {"shap_auc", "attention_auc", "random_auc"} <= set(d["faithfulness"])
    assert {"attention", "shap", "counterfactual", "total"} <= set(d["timings_ms"])
    assert isinstance(d["reason"], str) and d["reason"].endswith(".")


def test_history_weights_fall_back_to_the_last_blocks_attention_without_target_attention():
    from recsys.explain.attention import AttentionMaps

    last = np.array([[[1.0, 0, 0], [0.5, 0.5, 0], [0.2, 0.3, 0.5]], [[1.0, 0, 0], [0.5, 0.5, 0], [0.4, 0.1, 0.5]]])
    first = np.full((2, 3, 3), 1 / 3)
    maps = AttentionMaps(np.array([4, 5, 6]), {"self_attention_0": first, "self_attention_1": last}, np.zeros((0, 3)))
    np.testing.assert_allclose(maps.history_weights, [0.3, 0.2, 0.5])  # most recent row, mean over heads
    with_target = AttentionMaps(np.array([4, 5, 6]), {"self_attention_1": last}, np.array([[0.1, 0.1, 0.8]]))
    np.testing.assert_allclose(with_target.history_weights, [0.1, 0.1, 0.8])
