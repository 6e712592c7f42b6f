"""Downloads of an explanation: strict JSON that reads back to the same numbers, and a long table
that the page writes through the formula-safe CSV writer."""

import copy
import csv
import dataclasses
import io
import json

import numpy as np
import pytest

from recsys.explain import explain_item, explanation_json, explanation_table
from recsys.explain.report import TABLE_COLUMNS
from recsys.model.sequences import user_sequences
from recsys.recommend import Recommender
from recsys.ui.views.export import safe_csv
from tests.tiny import TINY_MODEL


def _strict(text: str) -> dict:
    def refuse(name):
        raise ValueError(f"not strict JSON: {name}")

    return json.loads(text, parse_constant=refuse)


@pytest.fixture(scope="module")
def explanation(dataset, trained):
    rec = Recommender(trained.model, trained.tables, TINY_MODEL.max_len, user_sequences(dataset.interactions),
                      TINY_MODEL.heads, TINY_MODEL)
    return explain_item(rec, dataset, TINY_MODEL, dataset.user_encoder.classes_[2], rank=1, k=5)


def test_json_reads_back_to_the_explanations_numbers(explanation):
    e = explanation
    d = _strict(explanation_json(e))
    assert d["user"] == e.user_id and d["item"] == {"id": e.item_id, "title": e.item_title, "rank": e.rank}
    np.testing.assert_allclose([h["shap"] for h in d["history"]], e.history_shap.values)
    np.testing.assert_allclose([h["attention"] for h in d["history"]], e.attention.history_weights)
    assert [h["item_id"] for h in d["history"]] == e.history_ids
    np.testing.assert_allclose([f["shap"] for f in d["side_features"]], e.side_shap.values)
    np.testing.assert_allclose(d["attention"]["target"], e.attention.target)
    for name, matrix in e.attention.self_attention.items():
        np.testing.assert_allclose(d["attention"]["self_attention"][name], matrix)
    assert d["counterfactual"]["removed"] == e.counterfactual_ids and d["counterfactual"]["direction"] == "drop"
    assert d["why_not"]["rank"] == e.rank and d["why_not"]["gap"] == pytest.approx(e.why_not.gap)
    assert d["faithfulness"]["shap_auc"] == pytest.approx(e.faithfulness.shap_auc)
    np.testing.assert_allclose(d["faithfulness"]["curves"]["random"], e.faithfulness.curves["random"])
    assert d["reason"] == e.reason


def test_json_writes_missing_numbers_as_null(explanation):
    e = copy.copy(explanation)
    curves = e.faithfulness.curves
    e.faithfulness = dataclasses.replace(e.faithfulness, curves=curves | {"shap": np.full_like(curves["shap"], np.nan)})
    assert _strict(explanation_json(e))["faithfulness"]["shap_auc"] is None


def test_table_has_one_row_per_number(explanation):
    e = explanation
    table = explanation_table(e)
    assert list(table.columns) == TABLE_COLUMNS
    history = table[table["section"] == "history"]
    assert list(history["item_id"]) == e.history_ids and list(history["value"]) == list(range(1, len(e.history_ids) + 1))
    np.testing.assert_allclose(history["shap"].astype(float), e.history_shap.values)
    side = table[(table["section"] == "side feature") & table["shap"].notna()]
    assert list(side["name"]) == list(e.side_shap.feature_names)
    summary = table[table["section"] == "summary"].set_index("name")["value"]
    assert summary["rank"] == e.rank and summary["reason"] == e.reason
    faith = table[table["section"] == "faithfulness"].set_index("name")["value"]
    assert faith["deletion area, shap"] == pytest.approx(e.faithfulness.shap_auc)


def test_csv_download_is_formula_safe(explanation):
    e = copy.copy(explanation)
    e.item_title = '=HYPERLINK("http://x","click")'
    e.history_titles = ["@SUM(A1)", *e.history_titles[1:]]
    e.user_id = "-2+3"
    e.score = -1.5
    rows = list(csv.DictReader(io.StringIO(safe_csv(explanation_table(e)).decode())))
    by_name = {(r["section"], r["name"]): r for r in rows}
    assert by_name[("summary", "item")]["title"] == "'" + e.item_title
    assert by_name[("summary", "user")]["value"] == "'-2+3"
    assert [r for r in rows if r["section"] == "history"][0]["title"] == "'@SUM(A1)"
    assert by_name[("summary", "score")]["value"] == "-1.5"  # a negative number is not a formula
    assert not any(cell.startswith(("=", "+", "@")) for r in rows for cell in r.values() if cell)
