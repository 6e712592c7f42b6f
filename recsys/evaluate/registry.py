"""The models RecLens trains and compares, by name, and the protocol every baseline follows.

A baseline is fitted on the training interactions (``valid``: validation interactions for early
stopping or tuning, or None) and scores users from a *history* of interactions (train for
validation, train + validation for test). MostPopular, ItemKNN, UserKNN and EASE
(``recsys.evaluate.baselines``), ``ease_text`` (``recsys.evaluate.ease_text``, made with the item
text vectors) and LightGCN (``recsys.graph``) follow ``Baseline``; the
Transformer (``"sasrec"``) is trained by ``recsys.train.fit`` and scored through
``recsys.evaluate.SequenceScorer``.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import pandas as pd

from recsys.evaluate.baselines import EASE, ItemKNN, MostPopular, UserKNN
from recsys.evaluate.ease_text import NO_TEXT, EASEText
from recsys.graph.lightgcn import LightGCN, LightGCNConfig

__all__ = ["BASELINES", "BASELINE_ORDER", "DEFAULT_BASELINES", "MODEL_NAMES", "NEEDS_TEXT", "Baseline", "make_baseline",
           "skip_notes"]


class Baseline(Protocol):
    """``fit(train, n_users, n_items, valid) -> self``, then ``scores(user_idx, history) -> [U, N]``."""

    name: str

    def fit(self, train: pd.DataFrame, n_users: int, n_items: int, valid: pd.DataFrame | None = None) -> Baseline: ...

    def scores(self, user_idx, history: pd.DataFrame) -> np.ndarray: ...


BASELINES: dict[str, type[Baseline]] = {"pop": MostPopular, "itemknn": ItemKNN, "userknn": UserKNN, "ease": EASE,
                                        "ease_text": EASEText, "lightgcn": LightGCN}
BASELINE_ORDER = ("pop", "itemknn", "userknn", "ease", "ease_text", "lightgcn")  # fast to slow: the slowest can be skipped
DEFAULT_BASELINES = ("pop", "itemknn", "userknn", "ease", "lightgcn")  # the Train page's and demo-run's default
NEEDS_TEXT = frozenset({"ease_text"})  # made only when item text vectors are at hand
MODEL_NAMES = ("sasrec", "ease", "ease_text", "lightgcn", "itemknn", "userknn", "pop")


def make_baseline(name: str, lightgcn_config: LightGCNConfig | None = None,
                  text_vectors: np.ndarray | None = None) -> Baseline:
    """A new, unfitted baseline by its ``BASELINES`` name (LightGCN with ``lightgcn_config``,
    ``ease_text`` with the ``[N, d]`` item ``text_vectors``)."""
    if name == "lightgcn":
        return LightGCN(lightgcn_config)
    return EASEText(text_vectors) if name == "ease_text" else BASELINES[name]()


def skip_notes(models, n_users: int, n_items: int, text_vectors: np.ndarray | None = None) -> dict[str, str]:
    """``model name -> why it is skipped`` for the ``models`` that must not start: ``ease_text``
    without item text vectors, and every baseline whose ``skip_note`` finds the data too large for
    this machine (EASE, ``ease_text``)."""
    notes = {}
    for name in models:
        if name in NEEDS_TEXT and text_vectors is None:
            notes[name] = NO_TEXT
        elif hasattr(BASELINES.get(name), "skip_note"):
            note = BASELINES[name]().skip_note(n_users, n_items)
            if note:
                notes[name] = note
    return notes
