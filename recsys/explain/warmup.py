"""Warm-up: trace every graph an explanation runs as soon as a run is loaded, so the first
explanation a user asks for costs what later ones cost.

TensorFlow traces a ``tf.function`` (Python through every Keras layer, then graph optimisation)
on its first call; the recommender's graphs have input signatures with free batch and candidate
axes (``recsys.model.scoring.input_signature``), so one trace per graph serves every later user, item
and batch. ``start_warm_up`` does this in a background thread: a page that asks for an
explanation meanwhile does not wait for the whole warm-up, it shares each graph's trace (sub-model
building is locked per graph, and first calls, which trace, take turns: ``recsys.model.scoring``).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import numpy as np

from recsys.explain.attention import attention_maps
from recsys.explain.scoring import ItemScorer
from recsys.explain.side import side_feature_shap

__all__ = ["WarmUp", "start_warm_up", "warm_up"]

_ROWS = 64  # coalitions scored once, so the batched path (not only one row) has run


def warm_up(recommender, model_config) -> dict[str, float]:
    """Trace and run once every graph one explanation uses: the ranking over the catalogue, the
    scores under edited histories (``recsys.model.edits``), the attention maps and the side-feature
    what-if model.

    Args:
        recommender: ``Recommender`` of the run (``Run.recommender()``).
        model_config: The run's ``ModelConfig``.

    Returns:
        Milliseconds per step: ``ranking``, ``history edits``, ``attention``, ``side features``, ``total``.
    """
    t_start = time.perf_counter()
    user = max(recommender.sequences, key=lambda u: len(recommender.sequences[u]))
    scorer = ItemScorer(recommender, model_config, user, 0)
    keep = np.random.default_rng(0).random((_ROWS, scorer.n)) < 0.5
    steps = {
        "ranking": lambda: recommender.recommend_indices([user], k=10),
        "history edits": lambda: (scorer.score(keep), scorer.rank(keep[:2])),
        "attention": lambda: attention_maps(scorer),
        "side features": lambda: side_feature_shap(scorer),
    }
    timings = {}
    for name, step in steps.items():
        t0 = time.perf_counter()
        step()
        timings[name] = 1000 * (time.perf_counter() - t0)
    timings["total"] = 1000 * (time.perf_counter() - t_start)
    return {k: round(v, 1) for k, v in timings.items()}


@dataclass
class WarmUp:
    """A warm-up running in a background thread (``start_warm_up``).

    Attributes:
        thread: The thread running it.
        timings_ms: ``warm_up``'s timings once it has finished.
        error: Why it failed (the explanation then traces its graphs itself), or None.
    """

    thread: threading.Thread | None = None
    timings_ms: dict = field(default_factory=dict)
    error: str | None = None

    @property
    def done(self) -> bool:
        return self.thread is not None and not self.thread.is_alive()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait up to ``timeout`` seconds; True when the warm-up has finished."""
        self.thread.join(timeout)
        return self.done


def start_warm_up(recommender, model_config) -> WarmUp:
    """Start ``warm_up`` in a daemon thread and return at once."""
    job = WarmUp()

    def run() -> None:
        try:
            job.timings_ms = warm_up(recommender, model_config)
        except Exception as err:  # noqa: BLE001 - a failed warm-up only costs speed; keep the reason
            job.error = f"{type(err).__name__}: {err}"

    job.thread = threading.Thread(name="reclens-warm-up", daemon=True, target=run)
    job.thread.start()
    return job
