"""Why not X? A hand-built scorer with known answers, then the real model end to end and the CLI."""

import argparse
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from recsys.cli.explain import explain_command
from recsys.explain import ItemScorer, counterfactual, explain_item, history_shap, why_not
from recsys.explain.why_not import why_not_reason
from recsys.model.sequences import user_sequences
from recsys.recommend import Recommender
from recsys.train import save_run
from tests.tiny import TINY_MODEL

# Catalogue of 6 items; the user's history is items 4 and 5 (players 0 and 1); the item asked
# about is 3. Scores are additive: item 3 starts at 6 and loses 3 to item 4 and 1 to item 5.
BASE = np.array([5.5, 4.0, 2.5, 6.0, 0.0, 0.0])
EFFECT = np.array([[0, 0, 0, -3.0, 0, 0],  # player 0 (item 4)
                   [0, 0, 0, -1.0, 0, 0]])  # player 1 (item 5)


class HandScorer(ItemScorer):
    """``ItemScorer`` over the additive model above (everything but the model is the real code)."""

    def __init__(self, item: int = 3):
        self.rec = SimpleNamespace(n_items=6)
        self.user, self.item = 0, item
        self.history = np.array([0, 5, 6])  # model ids, left-padded
        self.positions = np.array([1, 2])
        self.items = np.array([4, 5])
        self.seen = np.array([4, 5])
        self._scores, self._catalogue = {}, {}

    def edited_scores(self, keep, candidates=None):
        scores = BASE + np.atleast_2d(keep).astype(float) @ EFFECT
        return scores if candidates is None else scores[:, candidates]


def test_why_not_of_a_hand_built_case():
    scorer = HandScorer()
    shap_values = history_shap(scorer).values  # exact, additive: the effects on item 3
    np.testing.assert_allclose(shap_values, [-3.0, -1.0])
    w = why_not(scorer, shap_values, k=2)
    # Full history: item 3 scores 2.0, below 5.5 (item 0), 4.0 (item 1) and 2.5 (item 2): rank 4.
    assert (w.rank, w.score, w.cutoff_item, w.cutoff_score, w.gap) == (4, 2.0, 1, 4.0, -2.0)
    assert not w.in_top_k and not w.in_history
    # Without item 4 it scores 5.0 (rank 2, behind item 0); without item 5 it scores 3.0 (rank 3).
    expected = pd.DataFrame({"history_item": [4, 5], "shap": [-3.0, -1.0], "rank_without": [2, 3]})
    pd.testing.assert_frame_equal(w.holding_down, expected, check_dtype=False)
    cf = counterfactual(scorer, shap_values, k=2)
    assert (cf.direction, cf.removed, cf.original_rank, cf.new_rank, cf.found) == ("rise", [4], 4, 2, True)
    # Into the top 1 it takes both: without item 4 it still trails item 0 (5.0 < 5.5), without both it leads (6.0).
    cf = counterfactual(scorer, shap_values, k=1)
    assert (cf.removed, cf.new_rank, cf.found) == ([4, 5], 1, True)


def test_why_not_of_a_top_item_and_of_a_history_item():
    top = why_not(HandScorer(item=0), np.zeros(2), k=2)
    assert (top.rank, top.in_top_k, top.cutoff_item, top.gap) == (1, True, 1, 1.5)
    assert top.holding_down.empty
    owned = why_not(HandScorer(item=4), np.zeros(2), k=2)
    assert owned.in_history


def test_why_not_reason_names_the_items_holding_it_down():
    names = ["A", "B", "C"]
    assert why_not_reason(np.array([-3.0, 0.2, -1.0]), names, 57, 10) == (
        "Ranked 57, outside your top 10: 'A' and 'C' in your history hold it down.")
    assert why_not_reason(np.array([-3.0, 0.2, -0.1]), names, 12, 10) == (
        "Ranked 12, outside your top 10: 'A' in your history holds it down.")
    assert why_not_reason(np.array([0.1, 0.2, 0.0]), names, 1200, 10).startswith(
        "Ranked 1,200, outside your top 10: nothing in your history holds it down")


@pytest.fixture(scope="module")
def rec(dataset, trained):
    return Recommender(trained.model, trained.tables, TINY_MODEL.max_len, user_sequences(dataset.interactions),
                       TINY_MODEL.heads, TINY_MODEL)


def _low_item(rec, user: int, rank: int = 30) -> int:
    items, _ = rec.recommend_indices([user], k=rank)
    assert items[0, rank - 1] >= 0, "the user has fewer items to recommend than the test needs"
    return int(items[0, rank - 1])


USER = 6  # 8 history items: 52 of the 60 items can be recommended


def test_explaining_any_item_gives_its_rank_and_what_holds_it_down(dataset, rec):
    user = USER
    item = _low_item(rec, user)
    user_id, item_id = dataset.user_encoder.classes_[user], str(dataset.item_encoder.inverse_transform([item])[0])
    e = explain_item(rec, dataset, TINY_MODEL, user_id, item_id=item_id, k=10)
    w = e.why_not
    assert e.rank == w.rank == 30 and not w.in_top_k and e.counterfactual.direction == "rise"
    top, scores = rec.recommend_indices([user], k=10)
    assert w.cutoff_item == top[0, -1] and w.cutoff_score == pytest.approx(scores[0, -1], abs=1e-4)
    assert w.gap == pytest.approx(e.score - scores[0, -1], abs=1e-4) and w.gap < 0
    assert e.reason.startswith("Ranked 30, outside your top 10")
    held = w.holding_down
    assert (held["shap"] < 0).all() and held["shap"].is_monotonic_increasing
    scorer = ItemScorer(rec, TINY_MODEL, user, item)
    for row in held.itertuples():  # each "rank without it" is re-scored by hand
        keep = scorer.items != row.history_item
        scores_without = rec.score_histories(scorer.histories(keep[None]), [user])[0]
        allowed = np.ones(rec.n_items, bool)
        allowed[np.setdiff1d(rec.seen([user])[0], [row.history_item])] = False
        assert row.rank_without == 1 + int((scores_without[allowed] > scores_without[item]).sum())


def test_the_cli_explains_any_item_and_prints_its_rank(trained, dataset, rec, tmp_path, capsys):
    run = save_run(trained, dataset, tmp_path / "run")
    user = USER
    item_id = str(dataset.item_encoder.inverse_transform([_low_item(rec, user)])[0])
    args = argparse.Namespace(run=str(run), user=dataset.user_encoder.classes_[user], item=item_id, rank=1, k=10,
                              json=str(tmp_path / "e.json"))
    assert explain_command(args) == 0
    out = capsys.readouterr().out
    assert "at rank 30," in out and "rank 30 (outside the top 10)" in out
    assert "Ranked 30, outside your top 10" in out and "counterfactual: without" in out
    from recsys.cli import build_parser

    parsed = build_parser().parse_args(["explain", "--run", "r", "--user", "u", "--item", "x"])
    assert parsed.item == "x" and parsed.func is explain_command
