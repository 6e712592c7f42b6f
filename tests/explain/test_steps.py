"""explain_item(parts=...): only the asked-for parts and the steps they need run, each timed."""

import numpy as np
import pytest

from recsys.explain import PARTS, STEPS, explain_item, explanation_json, explanation_table
from recsys.explain.steps import REGISTRY, plan
from recsys.model.sequences import user_sequences
from recsys.recommend import Recommender
from tests.tiny import TINY_MODEL


@pytest.fixture(scope="module")
def rec(dataset, trained):
    return Recommender(trained.model, trained.tables, TINY_MODEL.max_len, user_sequences(dataset.interactions))


def test_every_step_needs_only_earlier_steps():
    for i, name in enumerate(PARTS):
        assert set(REGISTRY[name].needs) <= set(PARTS[:i]), name
    assert plan() == list(PARTS)
    assert plan(["reason"]) == ["shap", "side_shap", "counterfactual", "reason"]
    assert plan(["faithfulness", "attention"]) == ["attention", "shap", "faithfulness"]
    with pytest.raises(ValueError, match="colour"):
        plan(["colour"])


def test_a_partial_explanation_runs_only_its_steps_with_the_same_numbers(dataset, rec):
    user_id = dataset.user_encoder.classes_[1]
    full = explain_item(rec, dataset, TINY_MODEL, user_id, rank=2, k=5)
    steps = []
    part = explain_item(rec, dataset, TINY_MODEL, user_id, rank=2, k=5, parts=["faithfulness"],
                        progress=lambda step, done, total: steps.append((step, done, total)))
    assert steps == [(STEPS["attention"], 0, 3), (STEPS["shap"], 1, 3), (STEPS["faithfulness"], 2, 3), ("done", 3, 3)]
    assert set(part.timings_ms) == {"attention", "shap", "faithfulness", "total"}
    assert set(full.timings_ms) == {*PARTS, "total"}
    assert (part.side_shap, part.counterfactual, part.why_not, part.reason, part.rank) == (None,) * 5
    assert part.item_id == full.item_id and part.score == pytest.approx(full.score)
    np.testing.assert_allclose(part.history_shap.values, full.history_shap.values)
    assert part.faithfulness.shap_auc == pytest.approx(full.faithfulness.shap_auc)

    d = part.to_dict()
    assert (d["side_features"], d["counterfactual"], d["why_not"], d["reason"]) == (None,) * 4
    assert [h["shap"] for h in d["history"]] == pytest.approx(list(full.history_shap.values))
    assert explanation_json(part)  # strict JSON with the missing parts as null
    sections = set(explanation_table(part)["section"])
    assert {"history", "faithfulness"} <= sections and not sections & {"counterfactual", "side feature", "rank"}


def test_the_counterfactual_alone_gives_the_rank(dataset, rec):
    user_id = dataset.user_encoder.classes_[3]
    e = explain_item(rec, dataset, TINY_MODEL, user_id, rank=3, k=5, parts=["counterfactual"])
    assert e.rank == 3 and e.attention is None and e.faithfulness is None
    assert [h["attention"] for h in e.to_dict()["history"]] == [None] * len(e.history_ids)
