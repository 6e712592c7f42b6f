"""The training monitor: validation NDCG@10 after each epoch, early stopping with the best
weights, progress events, cancellation and the time limit."""

from __future__ import annotations

import time

import keras
import numpy as np

from recsys.data.split import Split
from recsys.model.scoring import CatalogueScorer
from recsys.ranking.metrics import hit_rate, ndcg
from recsys.train.config import TrainConfig

__all__ = ["Monitor", "valid_sample"]


class Monitor(keras.callbacks.Callback):
    """Validation NDCG@10 each epoch, early stopping with best weights, progress, cancellation and
    the time limit, a safety cap counted from the end of the first training step (so preparing the
    model and tracing its graph, which a busy machine slows most, never cut training short)."""

    def __init__(self, scorer: CatalogueScorer, valid_users, valid_items, patience, progress, cancel, n_batches, epochs,
                 time_budget_s=None, started: float | None = None):
        super().__init__()
        self.time_budget_s = time_budget_s
        self.scorer, self.users, self.items = scorer, valid_users, valid_items
        self.patience, self.progress, self.cancel = patience, progress, cancel
        self.n_batches, self.epochs = n_batches, epochs
        self.curve, self.best, self.best_epoch, self.best_weights, self.wait = [], -1.0, 0, None, 0
        self.started = started if started is not None else time.perf_counter()
        self.t0, self.clock, self.setup_seconds = time.perf_counter(), None, 0.0
        self.stop_reason = "max epochs"

    def _emit(self, event: dict) -> None:
        if self.progress is not None:
            self.progress(event)

    def _stop(self, reason: str) -> None:
        if self.stop_reason == "max epochs":
            self.stop_reason = reason
        self.model.stop_training = True

    def on_train_batch_end(self, batch, logs=None):
        if self.clock is None:  # the first step traced the graph: the time limit starts now
            self.clock = time.perf_counter()
            self.setup_seconds = self.clock - self.started
        self._emit({"stage": "batch", "batch": batch + 1, "batches": self.n_batches, "epoch": len(self.curve) + 1,
                    "epochs": self.epochs, "loss": float((logs or {}).get("loss", np.nan))})
        if self.cancel is not None and self.cancel.is_set():
            self._stop("cancelled")

    @property
    def cancelled(self) -> bool:
        return self.stop_reason == "cancelled"

    def on_epoch_end(self, epoch, logs=None):
        ranked, _ = self.scorer.recommend_indices(self.users, k=10)
        row = {
            "epoch": epoch + 1,
            "loss": float((logs or {}).get("loss", np.nan)),
            "valid_ndcg@10": ndcg(ranked, self.items, k=10),
            "valid_hr@10": hit_rate(ranked, self.items, k=10),
            "seconds": time.perf_counter() - self.t0,
        }
        self.curve.append(row)
        if row["valid_ndcg@10"] > self.best:
            self.best, self.best_epoch, self.wait = row["valid_ndcg@10"], epoch + 1, 0
            self.best_weights = self.scorer.model.get_weights()
        else:
            self.wait += 1
            if self.wait >= self.patience:
                self._stop("early stopping")
        if self.time_budget_s is not None and self.clock is not None and epoch + 1 < self.epochs:
            elapsed = time.perf_counter() - self.clock
            last = row["seconds"] - (self.curve[-2]["seconds"] if len(self.curve) > 1 else 0.0)
            if elapsed + last > self.time_budget_s:  # the next epoch would end past the limit
                self._stop("time limit")
        self._emit({"stage": "epoch", **row, "epochs": self.epochs, "best_epoch": self.best_epoch})

    def restore_best(self, model: keras.Model) -> None:
        """Give ``model`` the weights of the best validation epoch."""
        if self.best_weights is not None:
            model.set_weights(self.best_weights)


def valid_sample(split: Split, tcfg: TrainConfig):
    """The validation users and their held-out items, at most ``tcfg.max_eval_users`` of them."""
    valid = split.valid
    if tcfg.max_eval_users and len(valid) > tcfg.max_eval_users:
        valid = valid.sample(tcfg.max_eval_users, random_state=tcfg.seed)
    return valid["user_idx"].to_numpy(), valid["item_idx"].to_numpy()
