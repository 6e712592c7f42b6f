"""Evaluation: ranking and beyond-accuracy metrics, baselines, the full-ranking protocol."""

from recsys.evaluate.baselines import (
    EASE,
    SIMILARITIES,
    ItemKNN,
    MostPopular,
    UserKNN,
    interaction_matrix,
    user_similarity,
)
from recsys.evaluate.metrics import (
    RANKING_METRICS,
    average_precision,
    coverage,
    hit_rate,
    intra_list_diversity,
    mae,
    mrr,
    ndcg,
    novelty,
    per_user,
    precision,
    recall,
    rmse,
)
from recsys.evaluate.protocol import PROTOCOL, SequenceScorer, evaluate, rank_users

__all__ = [
    "EASE",
    "PROTOCOL",
    "RANKING_METRICS",
    "ItemKNN",
    "MostPopular",
    "SIMILARITIES",
    "SequenceScorer",
    "UserKNN",
    "average_precision",
    "coverage",
    "evaluate",
    "hit_rate",
    "interaction_matrix",
    "intra_list_diversity",
    "mae",
    "mrr",
    "ndcg",
    "novelty",
    "per_user",
    "precision",
    "rank_users",
    "recall",
    "rmse",
    "user_similarity",
]
