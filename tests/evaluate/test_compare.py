"""compare_runs / compare_top_k on two tiny trained runs, and ``python -m recsys compare``."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest

from recsys.cli import main
from recsys.errors import RecLensError
from recsys.evaluate import MostPopular, SequenceScorer, evaluate
from recsys.evaluate.compare import NOT_A_RUN, UNKNOWN_USER, compare_runs, compare_top_k, run_models
from recsys.evaluate.experiment import Experiment, metrics_json, run_experiment
from recsys.recommend import Recommender
from recsys.train import load_run, save_run
from tests.tiny import TINY_MODEL, TINY_TRAIN

MODEL_B = dataclasses.replace(TINY_MODEL, dim=8, blocks=1, target_attention=False)
TRAIN_B = dataclasses.replace(TINY_TRAIN, epochs=1)


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory, dataset, split, trained):
    """Run A: the session's tiny model (2 epochs); run B: 8-d, one block, no target attention, 1 epoch.
    Both saved with MostPopular beside, as the app saves them."""
    folder = tmp_path_factory.mktemp("runs")
    rec = Recommender(trained.model, trained.tables, TINY_MODEL.max_len, trained.sequences, TINY_MODEL.heads, TINY_MODEL)
    scorers = {"sasrec": SequenceScorer(rec), "pop": MostPopular().fit(split.train, dataset.n_users, dataset.n_items)}
    exp_a = Experiment(split, evaluate(split, scorers, dataset.n_items, dataset.n_users), {"sasrec": 1.0}, trained)
    exp_b = run_experiment(dataset, ("sasrec", "pop"), MODEL_B, TRAIN_B, split=split)
    return [save_run(exp.result, dataset, folder / name, metrics=metrics_json(exp, dataset))
            for name, exp in (("a", exp_a), ("b", exp_b))]


def _value(path, model, metric):
    return json.loads((path / "run.json").read_text())["metrics"]["models"][model]["test"][metric]


@pytest.mark.slow
def test_compare_runs_lists_what_differs_and_every_metric_with_the_difference(two_runs):
    a, b = two_runs
    c = compare_runs(a, b)
    changed = c.changed.set_index("setting")
    assert changed.loc["dim", "run A"] == "16" and changed.loc["dim", "run B"] == "8"
    assert changed.loc["blocks", "run A"] == "2" and changed.loc["blocks", "run B"] == "1"
    assert changed.loc["target_attention", "run A"] == "yes" and changed.loc["target_attention", "run B"] == "no"
    assert changed.loc["epochs", "run A"] == "2" and changed.loc["epochs", "run B"] == "1"
    assert changed.loc["epochs trained", "run A"] == "2" and changed.loc["epochs trained", "run B"] == "1"
    same = c.settings.set_index("setting")
    assert not same.loc["heads", "changed"] and not same.loc["learning_rate", "changed"]
    assert not same.loc["dataset", "changed"] and same.loc["dataset", "run A"] == "tiny"

    metrics = c.metrics.set_index(["model", "metric"])
    assert list(dict.fromkeys(c.metrics["model"])) == ["sasrec", "pop"]  # the Transformer first
    for model in ("sasrec", "pop"):
        for metric in ("ndcg@10", "hr@10", "precision@10", "f1@10"):
            va, vb = _value(a, model, metric), _value(b, model, metric)
            row = metrics.loc[(model, metric)]
            assert (row["run A"], row["run B"]) == (va, vb)
            assert row["difference"] == pytest.approx(vb - va)
    assert metrics.loc[("pop", "ndcg@10"), "difference"] == 0.0  # same data and split: MostPopular ties
    assert [len(curve) for curve in c.curves] == [2, 1]
    assert c.best_epochs[1] == 1


def test_compare_runs_reads_cli_runs_and_old_records():
    cli_run = {"metrics": {"test": {"ndcg@10": 0.2, "hr@10": 0.3}}, "model_config": {"dim": 64}}
    old_app_run = {"metrics": {"models": {"sasrec": {"test": {"ndcg@10": 0.25}}}}, "model_config": {"dim": 32}}
    assert set(run_models(cli_run)) == {"sasrec"}
    c = compare_runs(cli_run, old_app_run, metrics=("ndcg@10", "f1@10"))
    m = c.metrics.set_index("metric")
    assert m.loc["ndcg@10", "difference"] == pytest.approx(0.05)
    assert np.isnan(m.loc["f1@10", "run A"]) and np.isnan(m.loc["f1@10", "difference"])  # never measured
    assert c.to_dict()["metrics"][1]["difference"] is None  # JSON gets null, not NaN


def test_a_folder_without_a_run_is_a_plain_error(tmp_path):
    with pytest.raises(RecLensError) as err:
        compare_runs(tmp_path, tmp_path)
    assert str(err.value) == NOT_A_RUN.format(path=tmp_path)


def test_compare_top_k_marks_the_shared_items():
    a = pd.DataFrame({"rank": [1, 2, 3], "item_id": ["x", "y", "z"], "title": ["X", "Y", "Z"], "score": [3.0, 2, 1]})
    b = pd.DataFrame({"rank": [1, 2, 3], "item_id": ["z", "w", "x"], "title": ["Z", "W", "X"], "score": [5.0, 4, 3]})
    top = compare_top_k(a, b)
    assert top.overlap == 2 and top.shared == ["x", "z"]
    np.testing.assert_array_equal(top.a["other rank"], [3, np.nan, 1])  # x is 3rd in B, z 1st
    np.testing.assert_array_equal(top.b["other rank"], [3, np.nan, 1])


@pytest.mark.slow
def test_compare_top_k_on_the_two_trained_runs(two_runs):
    run_a, run_b = (load_run(p) for p in two_runs)
    user = run_a.dataset.user_encoder.to_list()[0]
    recs = [Recommender.from_run(r).recommend(r.dataset, user, k=10) for r in (run_a, run_b)]
    top = compare_top_k(*recs)
    assert top.overlap == len(set(recs[0]["item_id"]) & set(recs[1]["item_id"]))
    shared = top.a[top.a["other rank"].notna()]
    for item, other in zip(shared["item_id"], shared["other rank"]):
        assert recs[1].set_index("item_id").loc[item, "rank"] == other


@pytest.mark.slow
def test_cli_compare_prints_the_tables(two_runs, tmp_path, capsys):
    a, b = two_runs
    user = load_run(a).dataset.user_encoder.to_list()[0]
    out_json = tmp_path / "compare.json"
    assert main(["compare", "--run", str(a), "--run", str(b), "--user", user, "--k", "5", "--json", str(out_json)]) == 0
    out = capsys.readouterr().out
    assert "settings that differ:" in out and "dim" in out and "blocks" in out
    ndcg_a, ndcg_b = _value(a, "sasrec", "ndcg@10"), _value(b, "sasrec", "ndcg@10")
    row = next(line for line in out.splitlines() if line.split()[:2] == ["sasrec", "ndcg@10"])
    difference = ndcg_b - ndcg_a
    assert row.split()[2:] == [f"{ndcg_a:.4f}", f"{ndcg_b:.4f}", f"{difference:+.4f}" if difference else "0.0000"]
    assert "f1@10" in out and "precision@10" in out
    assert "run A: 2 epochs" in out and "run B: 1 epochs" in out
    assert f"top-5 of user {user}" in out
    saved = json.loads(out_json.read_text())
    assert {"settings", "metrics", "curves"} <= set(saved)


@pytest.mark.slow
def test_cli_compare_errors_are_plain(two_runs, capsys):
    a, b = two_runs
    assert main(["compare", "--run", str(a)]) == 2
    assert "--run A --run B" in capsys.readouterr().err
    assert main(["compare", "--run", str(a), "--run", str(b), "--user", "nobody"]) == 2
    assert capsys.readouterr().err.strip() == "error: " + UNKNOWN_USER.format(user="nobody", path=a)
