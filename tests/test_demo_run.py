"""The bundled demo run (assets/demo/run) loads with the current code and still scores what it
recorded; the app lists it for the bundled demo data only. Regenerate it with
``python -m recsys demo-run`` when a change makes this test fail."""

import json

import numpy as np
import pytest

from recsys.data import leave_last_out
from recsys.data.fingerprint import fingerprint_files
from recsys.evaluate import evaluate
from recsys.evaluate.demo_run import DEMO_DIR, DEMO_RUN
from recsys.evaluate.protocol import SequenceScorer
from recsys.recommend import Recommender
from recsys.train import load_run


@pytest.fixture(scope="module")
def run():
    return load_run(DEMO_RUN)


def test_the_bundled_run_is_small_and_of_the_bundled_data(run):
    size = sum(f.stat().st_size for f in DEMO_RUN.iterdir())
    assert size < 8e6, f"{size / 1e6:.1f} MB"
    files = [DEMO_DIR / f"{k}.csv" for k in ("interactions", "items", "users")]
    assert run.info["info"]["data_key"] == fingerprint_files(*files)
    assert run.info["info"]["bundled"] is True and run.dataset.name == "demo data"


@pytest.mark.slow
def test_the_bundled_run_scores_what_it_recorded(run):
    recorded = run.metrics["models"]
    # the Transformer above every baseline it was trained beside (the first visit's leaderboard)
    assert recorded["sasrec"]["test"]["ndcg@10"] > max(m["test"]["ndcg@10"] for k, m in recorded.items() if k != "sasrec")
    split = leave_last_out(run.dataset.interactions)
    # the protocol's scorer reads each user's history from the split, as when the run was evaluated
    scorer = SequenceScorer(Recommender(run.model, run.tables, run.model_config.max_len, {}, run.model_config.heads,
                                        run.model_config))
    table = evaluate(split, {"sasrec": scorer}, run.dataset.n_items, run.dataset.n_users, parts=("test",))
    got = table.set_index("metric")["value"]
    assert got["ndcg@10"] == pytest.approx(recorded["sasrec"]["test"]["ndcg@10"], abs=1e-4)


def test_the_bundled_run_recommends_and_keeps_its_graph_vectors(run):
    recs = Recommender.from_run(run).recommend(run.dataset, run.dataset.user_encoder.inverse_transform(np.array([0]))[0], k=10)
    assert len(recs) == 10 and recs["score"].is_monotonic_decreasing
    assert (DEMO_RUN / "graph.npz").is_file()  # the Model page's LightGCN map
    assert json.loads((DEMO_RUN / "run.json").read_text())["stop_reason"] in ("early stopping", "max epochs")

