"""Fast explanations: one trace per graph whatever the user, item or batch; the warm-up traces
them all; coalitions are scored once; the permutation sampler on hand-built games."""

import numpy as np
import pytest

from recsys.explain import ItemScorer, explain_item, permutation_shapley, start_warm_up, warm_up
from recsys.explain.shapley import permutation_masks
from recsys.model.sequences import user_sequences
from recsys.recommend import Recommender
from tests.tiny import TINY_MODEL

GRAPHS = {"catalogue", "history edits", "history items", "attention", "gated"}


def _recommender(dataset, trained) -> Recommender:
    """A new recommender: nothing traced yet."""
    return Recommender(trained.model, trained.tables, TINY_MODEL.max_len, user_sequences(dataset.interactions),
                       TINY_MODEL.heads, TINY_MODEL)


def _long_and_short_users(rec):
    """The users with the longest and the shortest history among those with 10+ items to recommend."""
    seqs = {u: s for u, s in rec.sequences.items() if len(s) <= rec.n_items - 10}
    return max(seqs, key=lambda u: len(seqs[u])), min(seqs, key=lambda u: len(seqs[u]))


def test_permutation_masks_add_then_remove_players_in_each_order():
    masks = permutation_masks(np.array([[2, 0, 1]]))
    expected = [[0, 0, 0], [0, 0, 1], [1, 0, 1], [1, 1, 1],  # forward: add 2, 0, 1
                [1, 1, 0], [0, 1, 0], [0, 0, 0]]  # backward: remove 2, 0, 1
    np.testing.assert_array_equal(masks.astype(int), expected)


def test_permutation_shapley_on_hand_built_games():
    weights = np.array([0.5, -2.0, 3.0, 1.0])
    values, base = permutation_shapley(lambda keep: 1.0 + keep @ weights, 4, n_permutations=2)
    np.testing.assert_allclose(values, weights)  # additive game: every order gives the weights
    assert base == pytest.approx(1.0)

    def game(keep):  # v(S) = x0 + 2 x1 + 3 x0 x2: exact Shapley values [2.5, 2, 1.5]
        x = keep.astype(float)
        return x[:, 0] + 2 * x[:, 1] + 3 * x[:, 0] * x[:, 2]

    few, _ = permutation_shapley(game, 3, n_permutations=3, seed=1)
    assert few.sum() == pytest.approx(6.0)  # always efficient: v(all) - v(empty)
    many, _ = permutation_shapley(game, 3, n_permutations=400, seed=1)
    np.testing.assert_allclose(many, [2.5, 2.0, 1.5], atol=0.1)
    two, base2 = permutation_shapley(lambda keep: np.stack([game(keep), 2 * game(keep)], 1), 3, 400, seed=1)
    np.testing.assert_allclose(two[:, 1], 2 * many)
    np.testing.assert_allclose(base2, [0.0, 0.0])


def test_a_coalition_is_scored_once(dataset, trained, monkeypatch):
    rec = _recommender(dataset, trained)
    scorer = ItemScorer(rec, TINY_MODEL, 0, 3)
    rows = []
    real = scorer.edited_scores
    monkeypatch.setattr(scorer, "edited_scores", lambda keep, candidates=None: rows.append(len(keep)) or real(
        keep, candidates))
    keep = np.ones((3, scorer.n), bool)
    keep[1, 0] = False
    first = scorer.score(keep)  # rows 0 and 2 are the same coalition
    again = scorer.score(keep[::-1])
    assert rows == [2]
    np.testing.assert_allclose(again, first[::-1])
    assert first[0] == pytest.approx(rec.score_histories(scorer.histories(keep[:1]), [0], [3])[0, 0], abs=1e-5)


@pytest.mark.slow
def test_another_user_and_item_do_not_trace_again(dataset, trained, monkeypatch):
    """Different history lengths, items and numbers of coalitions (exact and sampled SHAP) reuse
    the first explanation's graphs: every graph is traced exactly once."""
    import recsys.explain.shapley as shapley

    rec = _recommender(dataset, trained)
    long_user, short_user = _long_and_short_users(rec)
    ids = dataset.user_encoder.inverse_transform([long_user, short_user])
    explain_item(rec, dataset, TINY_MODEL, ids[0], rank=1, k=5)
    first = rec.traces()
    assert set(first) == GRAPHS and set(first.values()) == {1}
    monkeypatch.setattr(shapley, "EXACT_MAX", 4)  # sampled SHAP: other batch sizes
    last_item = str(dataset.item_encoder.inverse_transform([dataset.n_items - 1])[0])
    for user_id, item_id in ((ids[1], None), (ids[0], last_item), (ids[1], last_item)):
        explain_item(rec, dataset, TINY_MODEL, user_id, item_id=item_id, rank=None if item_id else 3, k=5)
    assert rec.traces() == first


@pytest.mark.slow
def test_warm_up_traces_every_graph_an_explanation_uses(dataset, trained):
    rec = _recommender(dataset, trained)
    timings = warm_up(rec, TINY_MODEL)
    assert {"ranking", "history edits", "attention", "side features", "total"} == set(timings)
    warmed = rec.traces()
    assert set(warmed) == GRAPHS and set(warmed.values()) == {1}
    user = dataset.user_encoder.inverse_transform([_long_and_short_users(rec)[1]])[0]
    explain_item(rec, dataset, TINY_MODEL, user, rank=2, k=5)
    assert rec.traces() == warmed  # nothing left to trace


@pytest.mark.slow
def test_background_warm_up_and_an_explanation_at_the_same_time(dataset, trained):
    rec = _recommender(dataset, trained)
    job = start_warm_up(rec, TINY_MODEL)
    e = explain_item(rec, dataset, TINY_MODEL, dataset.user_encoder.classes_[0], rank=1, k=5)  # does not wait
    assert job.wait(timeout=300) and job.done and job.error is None
    assert job.timings_ms["total"] > 0
    assert set(rec.traces().values()) == {1}  # each graph traced once, by whichever thread came first
    assert e.history_shap.values.sum() + e.history_shap.base_values == pytest.approx(e.score, abs=1e-4)


@pytest.mark.slow
def test_first_traces_from_two_threads_take_turns(dataset, trained):
    """Fresh recommenders (nothing traced yet), each warmed up in the background while the main
    thread asks for an explanation of another user: tracing the same layers from two threads at
    once could fail inside TensorFlow; first calls now take turns."""
    for user in dataset.user_encoder.classes_[1:4]:
        rec = _recommender(dataset, trained)
        job = start_warm_up(rec, TINY_MODEL)
        e = explain_item(rec, dataset, TINY_MODEL, user, rank=1, k=5)
        assert job.wait(timeout=300) and job.error is None, job.error
        assert e.history_shap.values.sum() + e.history_shap.base_values == pytest.approx(e.score, abs=1e-4)


def test_a_failed_warm_up_keeps_its_reason():
    class Broken:
        sequences: dict = {}

    job = start_warm_up(Broken(), TINY_MODEL)
    assert job.wait(timeout=30) and job.error is not None and job.error.startswith("ValueError")
