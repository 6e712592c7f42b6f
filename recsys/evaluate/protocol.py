"""The evaluation protocol: full ranking of all items, the user's earlier items excluded.

Validation ranks with the training interactions as history; test with training + validation.
Returns a tidy table (one row per model, split part and metric).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from recsys.data.split import Split, describe_split
from recsys.model.sequences import last_items, user_sequences
from recsys.ranking import metrics as M
from recsys.ranking import top_k

__all__ = ["evaluate", "HEADLINE_METRICS", "PROTOCOL", "SET_MODEL", "SequenceScorer", "protocol", "rank_users"]

PROTOCOL = {
    "split": describe_split(None),
    "ranking": "all items ranked; items the user interacted with earlier are excluded",
    "metrics": "HR@K, Recall@K, Precision@K, F1@K, NDCG@K, MRR, MAP@K, coverage@K, novelty@K, ILD@K (K = 10, 20)",
    "negatives": "none sampled (full ranking)",
}

SET_MODEL = "the Transformer was trained on histories shuffled every epoch (a set model: no order learnt)"


def protocol(split: Split | dict | None = None, set_model: bool = False) -> dict:
    """``PROTOCOL`` with the sentence of the split used (a ``Split`` or its ``split_record``; ``None``
    = leave-last-out) and, for a Transformer trained as a set model, a ``training`` line."""
    out = PROTOCOL | {"split": describe_split(split)}
    return out | {"training": SET_MODEL} if set_model else out


# The metrics tables print first (leaderboards, run comparisons); the JSON keeps them all.
HEADLINE_METRICS = ("ndcg@10", "hr@10", "precision@10", "f1@10", "recall@20", "mrr", "coverage@10")


class SequenceScorer:
    """Adapts a trained ``Recommender`` to the protocol's ``scores(user_idx, history)``."""

    name = "sasrec"

    def __init__(self, recommender):
        self.recommender = recommender

    def scores(self, user_idx, history: pd.DataFrame) -> np.ndarray:
        seqs = user_sequences(history)
        return self.recommender.score_histories(last_items(seqs, user_idx, self.recommender.max_len), user_idx)


def rank_users(scorer, users: np.ndarray, history: pd.DataFrame, k: int, chunk: int = 2048) -> np.ndarray:
    """``[U, k]`` top-``k`` item indices per user, excluding each user's items in ``history``."""
    by_user = history.groupby("user_idx")["item_idx"].apply(np.asarray)
    out = []
    for start in range(0, len(users), chunk):
        part = users[start : start + chunk]
        exclude = [by_user.get(u, np.zeros(0, np.int64)) for u in part]
        ranked, _ = top_k(scorer.scores(part, history), k, exclude)
        out.append(ranked)
    return np.concatenate(out) if out else np.zeros((0, k), np.int64)


def evaluate(
    split: Split,
    scorers: dict,
    n_items: int,
    n_users: int,
    *,
    ks=(10, 20),
    item_vectors: np.ndarray | None = None,
    parts=("valid", "test"),
) -> pd.DataFrame:
    """Evaluate fitted scorers on the validation and test parts.

    Args:
        split: The split the scorers were trained on.
        scorers: ``name -> object with scores(user_idx, history) -> [U, N]``.
        item_vectors: ``[N, D]`` item features or text vectors for intra-list diversity.

    Returns:
        Columns ``model, split, metric, value``; metric names lower-case with ``@K``.
    """
    histories = {"valid": split.train, "test": pd.concat([split.train, split.valid])}
    targets = {"valid": split.valid, "test": split.test}
    popularity = np.bincount(split.train["item_idx"].to_numpy(), minlength=n_items)
    rows = []
    for name, scorer in scorers.items():
        for part in parts:
            target = targets[part]
            grouped = target.groupby("user_idx")["item_idx"].apply(np.asarray)
            users = grouped.index.to_numpy()
            relevant = list(grouped.to_numpy())
            if all(len(r) == 1 for r in relevant):
                relevant = np.array([r[0] for r in relevant])
            ranked = rank_users(scorer, users, histories[part], max(ks))
            for k in ks:
                for metric in M.RANKING_METRICS:
                    value = float(M.per_user(metric, ranked, relevant, k=k).mean())
                    rows.append((name, part, f"{metric}@{k}", value))
                rows.append((name, part, f"coverage@{k}", M.coverage(ranked, n_items, k=k)))
                rows.append((name, part, f"novelty@{k}", M.novelty(ranked, popularity, n_users, k=k)))
                if item_vectors is not None:
                    rows.append((name, part, f"ild@{k}", M.intra_list_diversity(ranked, item_vectors, k=k)))
            rows.append((name, part, "mrr", float(M.per_user("mrr", ranked, relevant, k=ranked.shape[1]).mean())))
    return pd.DataFrame(rows, columns=["model", "split", "metric", "value"])
