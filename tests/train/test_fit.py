import dataclasses
import subprocess
import sys
import threading

import numpy as np
import pytest

from recsys.recommend import Recommender
from recsys.train import TrainConfig, fit, load_run, save_run
from recsys.train.fit import sampled_sequence
from tests.tiny import TINY_MODEL, TINY_TRAIN


def test_softmax_loss_reads_the_compact_layout_like_the_full_one():
    """MaskedSoftmaxCE on [M, C] logits at the real positions equals it on [B, L, C] with padding."""
    from recsys.train.fit import MaskedSoftmaxCE

    rng = np.random.default_rng(0)
    labels = np.array([[-1, -1, 2, 0], [1, 3, 3, 2]], "int32")  # [B=2, L=4], -1 = padding
    logits = rng.normal(size=(2, 4, 5)).astype("float32")  # [B, L, C]
    full = float(MaskedSoftmaxCE()(labels, logits))
    compact = float(MaskedSoftmaxCE()(labels, logits[labels >= 0]))  # [M=6, C], row by row
    logp = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    by_hand = -np.mean([logp[b, t, labels[b, t]] for b in range(2) for t in range(4) if labels[b, t] >= 0])
    assert full == pytest.approx(by_hand, rel=1e-5) and compact == pytest.approx(by_hand, rel=1e-5)


def test_fit_records_a_curve_and_keeps_the_best_epoch(trained):
    assert len(trained.curve) == TINY_TRAIN.epochs
    assert {"epoch", "loss", "valid_ndcg@10", "valid_hr@10", "seconds"} <= set(trained.curve[0])
    best = max(trained.curve, key=lambda r: r["valid_ndcg@10"])
    assert trained.best_epoch == best["epoch"]
    assert np.isfinite(trained.curve[-1]["loss"])


@pytest.mark.slow
def test_training_lowers_the_loss(dataset, split):
    result = fit(dataset, split, TINY_MODEL, TrainConfig(epochs=4, batch_size=32, learning_rate=5e-3, patience=10))
    losses = [r["loss"] for r in result.curve]
    assert losses[-1] < losses[0]


@pytest.mark.slow
def test_same_seed_same_model(dataset, split):
    cfg = TrainConfig(epochs=1, batch_size=32, seed=3)
    a = fit(dataset, split, TINY_MODEL, cfg)
    b = fit(dataset, split, TINY_MODEL, cfg)
    for wa, wb in zip(a.model.get_weights(), b.model.get_weights()):
        np.testing.assert_allclose(wa, wb, atol=1e-6)


@pytest.mark.slow
def test_progress_events_and_cancellation(dataset, split):
    cancel = threading.Event()
    events = []

    def progress(event):
        events.append(event)
        if event["stage"] == "batch" and event["batch"] == 1:
            cancel.set()

    result = fit(dataset, split, TINY_MODEL, TrainConfig(epochs=5, batch_size=16), progress=progress, cancel=cancel)
    assert result.cancelled and result.stop_reason == "cancelled"
    assert len(result.curve) == 1  # stopped during the first epoch
    # preparation is announced before the first batch, so a progress display can name it
    assert [e["phase"] for e in events if e["stage"] == "phase"] == ["model", "windows", "compile"]
    batches = [e for e in events if e["stage"] == "batch"]
    assert batches[0]["batch"] == 1 and batches[0]["batches"] > 1


@pytest.mark.slow
def test_same_seed_same_model_on_a_busy_machine(dataset, split):
    # Results must not depend on machine load: the clock never decides how long training runs.
    cfg = TrainConfig(epochs=2, batch_size=32, seed=5, patience=1)
    quiet = fit(dataset, split, TINY_MODEL, cfg)
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(3)]
    try:
        busy = fit(dataset, split, TINY_MODEL, cfg)
    finally:
        for b in burners:
            b.kill()
    assert [r["valid_ndcg@10"] for r in busy.curve] == [r["valid_ndcg@10"] for r in quiet.curve]
    for wa, wb in zip(quiet.model.get_weights(), busy.model.get_weights()):
        np.testing.assert_array_equal(wa, wb)


@pytest.mark.slow
def test_the_time_limit_is_a_loud_safety_cap(dataset, split):
    result = fit(dataset, split, TINY_MODEL, TrainConfig(epochs=5, batch_size=32, time_budget_s=1e-6))
    assert result.stop_reason == "time limit" and result.stopped_for_time
    assert len(result.curve) == 1  # the limit is checked after each epoch, never before the first
    assert result.stop_message == "stopped after 1 of 5 epochs: time limit (0 s of training)"
    assert result.setup_seconds > 0  # building and tracing, not counted against the limit
    early = fit(dataset, split, TINY_MODEL, TrainConfig(epochs=3, batch_size=32, patience=1, time_budget_s=None))
    assert early.stop_reason in ("early stopping", "max epochs") and early.stop_message is None


@pytest.mark.slow
def test_large_catalogues_sample_the_per_position_softmax(dataset, split):
    # 60 items > 4 x 8 samples: each step scores the batch's targets plus 8 random items
    result = fit(dataset, split, TINY_MODEL, TrainConfig(epochs=1, batch_size=16, sequence_samples=8))
    assert np.isfinite(result.curve[0]["loss"])
    assert sampled_sequence(TrainConfig(sequence_samples=8), dataset.n_items)
    assert not sampled_sequence(TrainConfig(), dataset.n_items)  # small catalogues keep the full softmax


@pytest.mark.slow
def test_rating_loss_trains_a_regression_head(dataset, split):
    result = fit(dataset, split, TINY_MODEL, TrainConfig(epochs=1, batch_size=64, loss="mse"))
    assert result.rating_mean == pytest.approx(split.train["rating"].mean())
    assert np.isfinite(result.curve[0]["loss"])


@pytest.mark.slow
def test_sampled_softmax_trains(dataset, split):
    result = fit(dataset, split, TINY_MODEL, TrainConfig(epochs=1, batch_size=16, loss="sampled", num_negatives=8))
    assert np.isfinite(result.curve[0]["loss"])


def test_seen_items_are_never_recommended(dataset, trained):
    rec = Recommender(trained.model, trained.tables, TINY_MODEL.max_len, trained.sequences, TINY_MODEL.heads)
    users = np.arange(dataset.n_users)
    items, scores = rec.recommend_indices(users, k=10)
    for u, row in zip(users, items):
        assert not set(row) & set(rec.seen([u])[0])
    assert (items == -1).any(), "the tiny fixture has users who saw almost everything"
    assert np.all(np.isneginf(scores[items == -1]))
    finite = np.where(np.isfinite(scores), scores, -1e30)
    assert np.all(np.diff(finite, axis=1) <= 0)  # best first


def test_run_round_trip_gives_identical_scores(tmp_path, dataset, split, trained):
    path = save_run(trained, dataset, tmp_path / "run", metrics={"test": {"ndcg@10": 0.1}})
    run = load_run(path)
    users = np.arange(10)
    before = Recommender(trained.model, trained.tables, TINY_MODEL.max_len, trained.sequences).recommend_indices(users)
    loaded = Recommender(run.model, run.tables, run.model_config.max_len, trained.sequences).recommend_indices(users)
    np.testing.assert_array_equal(before[0], loaded[0])
    np.testing.assert_allclose(before[1], loaded[1], atol=1e-5)
    assert run.metrics == {"test": {"ndcg@10": 0.1}}
    assert run.dataset.n_items == dataset.n_items
    assert run.dataset.items.frame["genres"].iloc[0] == dataset.items.frame["genres"].iloc[0]
    recs = Recommender.from_run(run).recommend(run.dataset, dataset.user_encoder.classes_[0], k=5)
    assert list(recs.columns) == ["rank", "item_id", "title", "score"] and len(recs) == 5


def test_run_keeps_the_column_names_and_types_the_user_gave(tmp_path, dataset, trained):
    from recsys.data.spec import ColumnSpec, FlagGroup

    spec = ColumnSpec(names=("item_id", "title"), types=(("provider", "ignore"),),
                      flags=(FlagGroup("moods", ("calm", "dark")),), encoding="latin-1")
    run = load_run(save_run(trained, dataclasses.replace(dataset, columns={"items": spec}), tmp_path / "run"))
    assert run.dataset.columns == {"items": spec}


def test_load_run_on_a_wrong_folder_says_what_is_missing(tmp_path):
    from recsys.errors import RecLensError

    with pytest.raises(RecLensError, match="is not a RecLens run"):
        load_run(tmp_path)
