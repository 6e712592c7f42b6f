"""The cold-item protocol (after ALDI, Huang et al., SIGIR 2023, and the ColdRec benchmark): a seeded
share of the items is cold, none of their interactions is trained on, and cold and warm test
interactions are measured apart.

Split (``cold_item_split``): of the items with at least one interaction, a seeded share (default
0.2) is cold; the cold items are halved at random into validation and test items, and every
interaction with them becomes a cold validation or cold test interaction. The interactions with the
other (warm) items keep the default protocol: leave-last-out per user by time
(``recsys.data.split.leave_last_out``), so training never sees a cold item.

Test cases (``cold_cases``), the user-level formulation of ALDI and ColdRec: a user's input is
their whole warm history (warm train + warm validation, in time order; it can hold interactions
later than a cold one, since cold interactions are set apart by item, not by time) and the
relevant items of each group are

- ``warm``: the user's warm test item (leave-last-out), all items ranked;
- ``cold``: every item of the user's cold test interactions, all items ranked;
- ``cold among cold``: the same, only the cold test items ranked (ALDI's cold-start setting);
- ``all``: the warm test item and the cold test items together, all items ranked.

Items of the user's history are never ranked; equal scores are ordered at random (seeded, the same
for every model), not by item index. Users without a warm history have no input and are
left out. Metrics are the mean over users of NDCG@10, HR@10 and Recall@20 (several relevant
items: HR counts a user once, Recall divides the hits by the number relevant, NDCG's ideal
places them first). Validation cases are formed the same way with warm train as history.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from recsys.data.split import Split, chronological, leave_last_out
from recsys.errors import DataError, Msg
from recsys.ranking import metrics as M

__all__ = [
    "COLD_GROUPS",
    "COLD_METRICS",
    "COLD_PROTOCOL",
    "ColdSplit",
    "Cases",
    "cold_item_split",
    "cold_cases",
    "evaluate_cold",
    "cold_tables",
]

COLD_GROUPS = ("all", "warm", "cold", "cold among cold")
COLD_METRICS = ("ndcg@10", "hr@10", "recall@20")
COLD_PROTOCOL = {
    "split": "cold items: a seeded share of the items, halved into validation and test items, never trained on; "
    "warm items' interactions: leave-last-out per user by time",
    "cases": "per user (ALDI / ColdRec): input = the user's warm history (train + warm validation); relevant = "
    "the user's warm test item (warm), cold test items (cold), or both (all)",
    "ranking": "all items ranked (warm, cold, all) or only the cold test items (cold among cold); "
    "the user's history items excluded",
    "metrics": "NDCG@10, HR@10, Recall@20, mean over users",
}


@dataclass
class ColdSplit:
    """A cold-item split.

    Attributes:
        warm: Leave-last-out ``Split`` of the warm items' interactions (``warm.train`` is all a model
            is trained on; ``warm.valid`` serves early stopping and tuning).
        cold_valid, cold_test: Every interaction with a validation / test cold item.
        valid_items, test_items: Sorted ``[C]`` item indices of the two cold halves (disjoint).
        params: ``share`` and ``seed``. notes: what a user should know.
    """

    warm: Split
    cold_valid: pd.DataFrame
    cold_test: pd.DataFrame
    valid_items: np.ndarray
    test_items: np.ndarray
    params: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def cold_items(self) -> np.ndarray:
        return np.union1d(self.valid_items, self.test_items)


def cold_item_split(interactions: pd.DataFrame, share: float = 0.2, seed: int = 0) -> ColdSplit:
    """Split ``interactions`` (``user_idx``, ``item_idx`` and optional ``timestamp``) by the protocol above.

    Raises:
        DataError: ``share`` outside (0, 1), fewer than 2 cold items, or too little warm data to split.
    """
    if not 0.0 < share < 1.0:
        raise DataError(Msg.BAD_SPLIT_FRACTION.format(name="cold-item", value=share))
    items = np.unique(interactions["item_idx"].to_numpy())
    n_cold = int(round(share * len(items)))
    if n_cold < 2 or n_cold >= len(items):
        raise DataError(Msg.COLD_TOO_FEW.format(share=share, n_cold=n_cold, n_items=len(items)))
    cold = np.random.default_rng(seed).permutation(items)[:n_cold]
    valid_items, test_items = np.sort(cold[: n_cold // 2]), np.sort(cold[n_cold // 2 :])
    is_cold = interactions["item_idx"].isin(cold)
    warm_rows = interactions[~is_cold]
    if warm_rows["user_idx"].value_counts().ge(3).sum() < 2:
        raise DataError(
            Msg.TOO_SMALL.format(
                detail="fewer than 2 users with 3 or more warm interactions", min_users=2, min_per_user=3
            )
        )
    warm = leave_last_out(warm_rows)
    cold_rows = chronological(interactions[is_cold])
    split = ColdSplit(
        warm,
        cold_rows[cold_rows["item_idx"].isin(valid_items)],
        cold_rows[cold_rows["item_idx"].isin(test_items)],
        valid_items,
        test_items,
        params={"share": share, "seed": seed},
    )
    split.notes.append(
        f"{n_cold} of {len(items)} items are cold ({len(valid_items)} validation, {len(test_items)} "
        f"test): {len(split.cold_valid)} + {len(split.cold_test)} interactions never trained on"
    )
    return split


@dataclass
class Cases:
    """One part's test cases: ``users`` ``[U]``, their ``history`` rows, and per group the ``[U]``
    bool mask of users in the group and their ``U`` relevant item arrays."""

    users: np.ndarray
    history: pd.DataFrame
    candidates: np.ndarray
    relevant: dict[str, list[np.ndarray]]
    members: dict[str, np.ndarray]


def cold_cases(split: ColdSplit, part: str = "test") -> Cases:
    """The ``part`` (``"test"`` or ``"valid"``) cases of every group (module docstring)."""
    if part == "test":
        history, warm, cold = pd.concat([split.warm.train, split.warm.valid]), split.warm.test, split.cold_test
        candidates = split.test_items
    else:
        history, warm, cold, candidates = split.warm.train, split.warm.valid, split.cold_valid, split.valid_items
    known = np.unique(history["user_idx"].to_numpy())
    cold = cold[cold["user_idx"].isin(known)]
    by_warm = warm.groupby("user_idx")["item_idx"].apply(np.asarray)
    by_cold = cold.groupby("user_idx")["item_idx"].apply(lambda s: np.unique(s.to_numpy()))
    users = np.union1d(by_warm.index.to_numpy(), by_cold.index.to_numpy()).astype(np.int64)
    empty = np.zeros(0, np.int64)
    warm_rel = [by_warm.get(u, empty) for u in users]
    cold_rel = [by_cold.get(u, empty) for u in users]
    has_warm = np.array([len(r) > 0 for r in warm_rel], dtype=bool)
    has_cold = np.array([len(r) > 0 for r in cold_rel], dtype=bool)
    relevant = {
        "all": [np.union1d(w, c) for w, c in zip(warm_rel, cold_rel)],
        "warm": warm_rel,
        "cold": cold_rel,
        "cold among cold": cold_rel,
    }
    members = {"all": np.ones(len(users), dtype=bool), "warm": has_warm, "cold": has_cold, "cold among cold": has_cold}
    return Cases(users, history, np.asarray(candidates, np.int64), relevant, members)


def _top(scores: np.ndarray, k: int, banned: np.ndarray, tie: np.ndarray) -> np.ndarray:
    """``[U, k]`` best allowed items, best first; equal scores in the order of the ``[U, N]`` random
    ``tie`` keys; -1 once a user's allowed items run out. Allowed items scored -inf still rank, last."""
    scores = np.where(np.isneginf(scores), -np.finfo(np.float64).max, scores)
    scores[banned] = -np.inf
    order = np.lexsort((tie, -scores), axis=1)[:, :k]
    return np.where(np.isneginf(np.take_along_axis(scores, order, axis=1)), -1, order)


def _rank(scorer, cases: Cases, k: int, chunk: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``[U, k]`` top items among all items and ``[U, k]`` among the cold candidates only.

    Ties break at random, with the same keys for every model: a model that cannot tell cold items
    apart scores them all alike, and breaking its ties by item index would rank by whatever order
    the ids were given in (often popularity or release date)."""
    by_user = cases.history.groupby("user_idx")["item_idx"].apply(np.asarray)
    rng = np.random.default_rng(seed)
    everything, cold_only = [], []
    for start in range(0, len(cases.users), chunk):
        part = cases.users[start : start + chunk]
        scores = np.asarray(scorer.scores(part, cases.history), dtype=np.float64)
        seen = np.zeros(scores.shape, dtype=bool)
        for row, u in enumerate(part):
            seen[row, by_user.get(u, np.zeros(0, np.int64))] = True
        tie = rng.random(scores.shape)
        everything.append(_top(scores, k, seen, tie))
        not_candidate = np.ones(scores.shape[1], dtype=bool)
        not_candidate[cases.candidates] = False
        cold_only.append(_top(scores, k, seen | not_candidate, tie))
    empty = np.zeros((0, k), np.int64)
    return (np.concatenate(everything) if everything else empty), (np.concatenate(cold_only) if cold_only else empty)


def _metric(name: str) -> tuple[str, int]:
    metric, k = name.split("@")
    return metric, int(k)


def evaluate_cold(
    split: ColdSplit, scorers: dict, *, parts=("test",), metrics=COLD_METRICS, chunk: int = 1024
) -> pd.DataFrame:
    """Evaluate fitted ``scorers`` (``name -> scores(user_idx, history) -> [U, N]``) on the cold split.

    Returns:
        Columns ``model, split, group, metric, value, users`` (``users``: how many users the mean is over).
    """
    k = max(_metric(m)[1] for m in metrics)
    rows = []
    for part in parts:
        cases = cold_cases(split, part)
        for name, scorer in scorers.items():
            ranked_all, ranked_cold = _rank(scorer, cases, k, chunk)
            for group in COLD_GROUPS:
                mask = cases.members[group]
                ranked = (ranked_cold if group == "cold among cold" else ranked_all)[mask]
                relevant = [r for r, m in zip(cases.relevant[group], mask) if m]
                for metric in metrics:
                    base, cut = _metric(metric)
                    values = M.per_user(base, ranked, relevant, k=cut) if len(relevant) else np.zeros(0)
                    rows.append(
                        (
                            name,
                            part,
                            group,
                            metric,
                            float(values.mean()) if len(values) else float("nan"),
                            int(mask.sum()),
                        )
                    )
    return pd.DataFrame(rows, columns=["model", "split", "group", "metric", "value", "users"])


def cold_tables(table: pd.DataFrame, part: str = "test", metrics=COLD_METRICS) -> dict[str, pd.DataFrame]:
    """Per group, models as rows and ``metrics`` as columns, best first (by the first metric)."""
    out = {}
    for group in COLD_GROUPS:
        t = table[(table["split"] == part) & (table["group"] == group)]
        if len(t):
            wide = t.pivot(index="model", columns="metric", values="value")[list(metrics)]
            out[group] = wide.sort_values(metrics[0], ascending=False)
    return out
