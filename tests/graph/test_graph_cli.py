"""``python -m recsys evaluate --models lightgcn,userknn`` end to end, under the same protocol."""

import json

import pytest

from recsys.cli import main
from recsys.evaluate.registry import MODEL_NAMES
from tests.tiny import tiny_frames


def test_evaluate_lightgcn_and_userknn(tmp_path, capsys):
    inter, _, _ = tiny_frames()
    inter.to_csv(tmp_path / "ratings.csv", index=False)
    out = tmp_path / "metrics.json"
    assert main(["evaluate", "--interactions", str(tmp_path / "ratings.csv"), "--models", "lightgcn,userknn,ease",
                 "--json", str(out)]) == 0
    report = json.loads(out.read_text())
    assert set(report["models"]) == {"lightgcn", "userknn", "ease"}
    for model in report["models"].values():
        assert 0.0 <= model["test"]["ndcg@10"] <= 1.0 and model["valid"]["hr@10"] >= 0.0
    printed = capsys.readouterr().out
    assert "lightgcn" in printed and "userknn" in printed
    assert {"lightgcn", "userknn"} <= set(MODEL_NAMES)  # the app's leaderboard runs MODEL_NAMES


@pytest.mark.slow
def test_train_with_graph_vectors(tmp_path):
    from recsys.train import load_run

    inter, _, _ = tiny_frames()
    inter.to_csv(tmp_path / "ratings.csv", index=False)
    small = ["--epochs", "1", "--dim", "16", "--max-len", "10", "--blocks", "1", "--batch-size", "32"]
    assert main(["train", "--interactions", str(tmp_path / "ratings.csv"), "--graph", "--out", str(tmp_path / "run"),
                 *small]) == 0
    run = load_run(tmp_path / "run")
    assert run.model_config.use_graph and run.tables.item_graph.shape[0] == run.dataset.n_items + 1
    assert not run.tables.item_graph[0].any() and run.tables.item_graph[1:].any(axis=1).all()  # row 0: padding
    assert any(layer.name == "graph_projection" for layer in run.model.layers)
