"""Fairness and beyond-accuracy audit: user-group disparities, item exposure, popularity bias,
calibration, and mitigation by re-ranking. ``audit(run, attribute)`` runs all of it."""

from recsys.fairness.audit import AUDIT_PROTOCOL, audit, audit_scorer, default_item_attribute
from recsys.fairness.bootstrap import BootstrapSamples, bootstrap_groups, percentile_interval, resample_indices
from recsys.fairness.calibration import (
    ALPHA,
    calibration_kl,
    category_distribution,
    kl_divergence,
    list_distribution,
    miscalibration,
)
from recsys.fairness.candidates import score_candidates
from recsys.fairness.exposure import catalog_coverage, exposure_gini, gini, group_exposure, item_exposure
from recsys.fairness.groups import (
    DERIVED_ATTRIBUTES,
    activity,
    history_matrix,
    item_popularity,
    mainstreamness,
    quantile_groups,
    user_attributes,
    user_groups,
)
from recsys.fairness.item_groups import POPULARITY, ItemGroups, item_attributes, item_groups, popularity_groups
from recsys.fairness.messages import FairnessMsg
from recsys.fairness.popularity import aplt, arp, pop_reo, pop_rsp, popularity_lift, short_head
from recsys.fairness.rerank import calibrated_rerank, exposure_rerank, normalize_scores
from recsys.fairness.result import JSON_KEYS, AuditResult
from recsys.fairness.tradeoff import DEFAULT_LAMBDAS, RERANKERS, apply_reranker, tail_preference, tradeoff_curve
from recsys.fairness.user_side import (
    SMALL_GROUP,
    coverage_metric,
    gap_table,
    group_metric_frame,
    group_table,
    mean_absolute_deviation,
    miss_rate_equality_difference,
    per_user_metrics,
    user_mad_ranking,
)

__all__ = [
    "ALPHA",
    "AUDIT_PROTOCOL",
    "DEFAULT_LAMBDAS",
    "DERIVED_ATTRIBUTES",
    "JSON_KEYS",
    "POPULARITY",
    "RERANKERS",
    "SMALL_GROUP",
    "AuditResult",
    "BootstrapSamples",
    "FairnessMsg",
    "ItemGroups",
    "activity",
    "aplt",
    "apply_reranker",
    "arp",
    "audit",
    "audit_scorer",
    "bootstrap_groups",
    "calibrated_rerank",
    "calibration_kl",
    "catalog_coverage",
    "category_distribution",
    "coverage_metric",
    "default_item_attribute",
    "exposure_gini",
    "exposure_rerank",
    "gap_table",
    "gini",
    "group_exposure",
    "group_metric_frame",
    "group_table",
    "history_matrix",
    "item_attributes",
    "item_exposure",
    "item_groups",
    "item_popularity",
    "kl_divergence",
    "list_distribution",
    "mainstreamness",
    "mean_absolute_deviation",
    "miscalibration",
    "miss_rate_equality_difference",
    "normalize_scores",
    "per_user_metrics",
    "percentile_interval",
    "pop_reo",
    "pop_rsp",
    "popularity_groups",
    "popularity_lift",
    "quantile_groups",
    "resample_indices",
    "score_candidates",
    "short_head",
    "tail_preference",
    "tradeoff_curve",
    "user_attributes",
    "user_groups",
    "user_mad_ranking",
]
