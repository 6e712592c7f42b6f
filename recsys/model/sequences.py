"""User histories as model inputs: chronological model-id sequences, left-padded windows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from recsys.data.split import chronological
from recsys.model.features import to_model_ids

__all__ = ["user_sequences", "last_items"]


def user_sequences(*frames: pd.DataFrame) -> dict[int, np.ndarray]:
    """``user_idx -> [n] model ids`` in time order over the given split parts together."""
    frame = chronological(pd.concat(frames)) if len(frames) > 1 else chronological(frames[0])
    users = frame["user_idx"].to_numpy()
    ids = to_model_ids(frame["item_idx"].to_numpy())
    cuts = np.flatnonzero(np.diff(users)) + 1
    return {int(u[0]): s for u, s in zip(np.split(users, cuts), np.split(ids, cuts))}


def last_items(sequences: dict[int, np.ndarray], users, max_len: int) -> np.ndarray:
    """``[U, L]`` int32: each user's most recent ``max_len`` items, left-padded with 0."""
    out = np.zeros((len(users), max_len), dtype=np.int32)
    for row, u in enumerate(users):
        seq = sequences.get(int(u), np.zeros(0, np.int64))[-max_len:]
        if len(seq):
            out[row, -len(seq):] = seq
    return out
