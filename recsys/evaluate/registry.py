"""The models RecLens trains and compares, by name, and the protocol every baseline follows.

A baseline is fitted on the training interactions (``valid``: validation interactions for early
stopping or tuning, or None) and scores users from a *history* of interactions (train for
validation, train + validation for test). MostPopular, ItemKNN, UserKNN and EASE
(``recsys.evaluate.baselines``) and LightGCN (``recsys.graph``) follow ``Baseline``; the
Transformer (``"sasrec"``) is trained by ``recsys.train.fit`` and scored through
``recsys.evaluate.SequenceScorer``.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import pandas as pd

from recsys.evaluate.baselines import EASE, ItemKNN, MostPopular, UserKNN
from recsys.graph.lightgcn import LightGCN, LightGCNConfig

__all__ = ["BASELINES", "BASELINE_ORDER", "MODEL_NAMES", "Baseline", "make_baseline"]


class Baseline(Protocol):
    """``fit(train, n_users, n_items, valid) -> self``, then ``scores(user_idx, history) -> [U, N]``."""

    name: str

    def fit(self, train: pd.DataFrame, n_users: int, n_items: int, valid: pd.DataFrame | None = None) -> Baseline: ...

    def scores(self, user_idx, history: pd.DataFrame) -> np.ndarray: ...


BASELINES: dict[str, type[Baseline]] = {"pop": MostPopular, "itemknn": ItemKNN, "userknn": UserKNN, "ease": EASE,
                                        "lightgcn": LightGCN}
BASELINE_ORDER = ("pop", "itemknn", "userknn", "ease", "lightgcn")  # fast to slow: the slowest can be skipped
MODEL_NAMES = ("sasrec", "ease", "lightgcn", "itemknn", "userknn", "pop")


def make_baseline(name: str, lightgcn_config: LightGCNConfig | None = None) -> Baseline:
    """A new, unfitted baseline by its ``BASELINES`` name (LightGCN with ``lightgcn_config``)."""
    return LightGCN(lightgcn_config) if name == "lightgcn" else BASELINES[name]()
