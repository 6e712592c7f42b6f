"""Explanations of recommendations: attention, SHAP over history items and side features,
counterfactuals, why-not (rank and gap of any item), faithfulness, plain-language reasons,
JSON / table exports, and the warm-up that traces the graphs when a run is loaded."""

from recsys.explain.attention import AttentionMaps, attention_maps
from recsys.explain.counterfactual import Counterfactual, counterfactual
from recsys.explain.explanation import PARTS, STEPS, ItemExplanation, explain_item
from recsys.explain.faithfulness import DeletionCurve, Faithfulness, deletion_curve, eraser, faithfulness
from recsys.explain.maps import EmbeddingMap, embedding_map, item_vectors
from recsys.explain.reason import plain_reason
from recsys.explain.report import explanation_json, explanation_table
from recsys.explain.scoring import ItemScorer
from recsys.explain.shapley import EXACT_MAX, exact_shapley, history_shap, permutation_shapley
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
from recsys.explain.warmup import WarmUp, start_warm_up, warm_up
from recsys.explain.why_not import WhyNot, why_not

__all__ = [
    "EXACT_MAX",
    "PARTS",
    "STEPS",
    "AttentionMaps",
    "Counterfactual",
    "DeletionCurve",
    "EmbeddingMap",
    "Faithfulness",
    "GlobalSummary",
    "ItemExplanation",
    "ItemScorer",
    "SamplePairs",
    "WarmUp",
    "WhyNot",
    "attention_maps",
    "counterfactual",
    "deletion_curve",
    "embedding_map",
    "eraser",
    "exact_shapley",
    "explain_item",
    "explanation_json",
    "explanation_table",
    "faithfulness",
    "global_summary",
    "history_contributions",
    "history_shap",
    "influential_history_items",
    "item_vectors",
    "permutation_shapley",
    "plain_reason",
    "sample_pairs",
    "side_feature_shap",
    "side_feature_summary",
    "side_players",
    "start_warm_up",
    "warm_up",
    "why_not",
]
