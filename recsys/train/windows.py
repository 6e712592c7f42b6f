"""Turn each user's chronological training items into fixed-length training windows.

A user's sequence ``s_0 .. s_{n-1}`` is cut from the end into windows of ``L`` targets: the
window ending at target ``s_e`` has history ``s_{e-L} .. s_{e-1}`` (left-padded with 0) and
per-position targets ``s_{e-L+1} .. s_e``. Every item but the first is a target exactly once
per epoch. Model ids are ``item_idx + 1``.

Without a time order (a random split) the model is trained as a set model: ``shuffle_sequences``
puts each user's items in a new random order every epoch, drawn from the seed and the epoch
number alone, so no order is learnt and the same settings give the same model.
"""

from __future__ import annotations

import numpy as np

from recsys.model.sequences import last_items, user_sequences

__all__ = ["user_sequences", "make_windows", "last_items", "shuffle_sequences", "Windows"]


class Windows:
    """Training windows: ``history [n, L]``, ``targets [n, L]`` (model ids, 0 = none),
    ``users [n]`` and, for rating data, ``ratings [n, L]``."""

    def __init__(self, history, targets, users, ratings=None):
        self.history, self.targets, self.users, self.ratings = history, targets, users, ratings

    def __len__(self) -> int:
        return len(self.history)


def make_windows(
    sequences: dict[int, np.ndarray], max_len: int, ratings: dict[int, np.ndarray] | None = None,
    every_position: bool = False,
) -> Windows:
    """Cut sequences into windows (see module docstring).

    Args:
        every_position: One window per target (for the rating loss, which scores only the last
            position) instead of non-overlapping windows.
    """
    hist, targ, users, rats = [], [], [], []
    for u, seq in sequences.items():
        ends = range(len(seq) - 1, 0, -1) if every_position else range(len(seq) - 1, 0, -max_len)
        for e in ends:
            start = max(0, e - max_len)
            h = np.zeros(max_len, np.int32)
            t = np.zeros(max_len, np.int32)
            h[max_len - (e - start):] = seq[start:e]
            t[max_len - (e - start):] = seq[start + 1 : e + 1]
            hist.append(h)
            targ.append(t)
            users.append(u)
            if ratings is not None:
                r = np.zeros(max_len, np.float32)
                r[max_len - (e - start):] = ratings[u][start + 1 : e + 1]
                rats.append(r)
    empty = np.zeros((0, max_len), np.int32)
    return Windows(
        np.stack(hist) if hist else empty,
        np.stack(targ) if targ else empty,
        np.asarray(users, dtype=np.int64),
        np.stack(rats) if rats else None,
    )


def shuffle_sequences(
    sequences: dict[int, np.ndarray], seed: int, epoch: int, ratings: dict[int, np.ndarray] | None = None,
    stream: int = 0,
) -> tuple[dict[int, np.ndarray], dict[int, np.ndarray] | None]:
    """Each user's sequence (and ratings, in step) in a random order drawn from ``(seed, epoch,
    stream)`` only (users in index order), so an epoch's order never depends on what ran before it.
    ``stream`` tells apart chunks of users shuffled separately (the Parquet input's blocks).

    Returns:
        ``(sequences, ratings)``, the same users and lengths; ``ratings`` is ``None`` when not given.
    """
    rng = np.random.default_rng(np.random.SeedSequence([seed % 2**32, epoch, stream]))
    shuffled, rated = {}, ({} if ratings is not None else None)
    for u in sorted(sequences):
        order = rng.permutation(len(sequences[u]))
        shuffled[u] = sequences[u][order]
        if rated is not None:
            rated[u] = ratings[u][order]
    return shuffled, rated
