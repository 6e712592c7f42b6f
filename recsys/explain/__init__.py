"""Explanations of recommendations: attention, SHAP over history items and side features,
counterfactuals, faithfulness, plain-language reasons."""

from recsys.explain.attention import AttentionMaps, attention_maps
from recsys.explain.counterfactual import Counterfactual, counterfactual
from recsys.explain.explanation import ItemExplanation, explain_item
from recsys.explain.faithfulness import DeletionCurve, deletion_curve, eraser, faithfulness
from recsys.explain.maps import EmbeddingMap, embedding_map, item_vectors
from recsys.explain.reason import plain_reason
from recsys.explain.scoring import ItemScorer
from recsys.explain.shapley import EXACT_MAX, exact_shapley, history_shap
from recsys.explain.side import side_feature_shap, side_players
from recsys.explain.summary import (
    GlobalSummary,
    SamplePairs,
    global_summary,
    history_contributions,
    influential_history_items,
    sample_pairs,
    side_feature_summary,
)

__all__ = [
    "EXACT_MAX",
    "AttentionMaps",
    "Counterfactual",
    "DeletionCurve",
    "EmbeddingMap",
    "GlobalSummary",
    "ItemExplanation",
    "ItemScorer",
    "SamplePairs",
    "attention_maps",
    "counterfactual",
    "deletion_curve",
    "embedding_map",
    "eraser",
    "exact_shapley",
    "explain_item",
    "faithfulness",
    "global_summary",
    "history_contributions",
    "history_shap",
    "influential_history_items",
    "item_vectors",
    "plain_reason",
    "sample_pairs",
    "side_feature_shap",
    "side_feature_summary",
    "side_players",
]
