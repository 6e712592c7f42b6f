"""Explanations of recommendations: attention, SHAP over history items and side features,
counterfactuals, faithfulness, plain-language reasons."""

from recsys.explain.attention import AttentionMaps, attention_maps
from recsys.explain.counterfactual import Counterfactual, counterfactual
from recsys.explain.explanation import ItemExplanation, explain_item
from recsys.explain.faithfulness import DeletionCurve, deletion_curve, eraser, faithfulness
from recsys.explain.reason import plain_reason
from recsys.explain.scoring import ItemScorer
from recsys.explain.shapley import EXACT_MAX, exact_shapley, history_shap
from recsys.explain.side import side_feature_shap, side_players

__all__ = [
    "EXACT_MAX",
    "AttentionMaps",
    "Counterfactual",
    "DeletionCurve",
    "ItemExplanation",
    "ItemScorer",
    "attention_maps",
    "counterfactual",
    "deletion_curve",
    "eraser",
    "exact_shapley",
    "explain_item",
    "faithfulness",
    "history_shap",
    "plain_reason",
    "side_feature_shap",
    "side_players",
]
