"""Evaluation: baselines and their registry, the full-ranking protocol, the experiment runner
(``recsys.evaluate.experiment``), the cold-item protocol (``recsys.evaluate.cold``, runner in
``recsys.evaluate.cold_run``), run comparison and the bundled demo run. The metrics themselves
are in ``recsys.ranking.metrics``."""

from recsys.evaluate.baselines import EASE, ItemKNN, MostPopular, UserKNN
from recsys.evaluate.cold import ColdSplit, cold_item_split, evaluate_cold
from recsys.evaluate.content import CategoryPopularity, TextKNN, TextProfile
from recsys.evaluate.ease_text import EASEText
from recsys.evaluate.protocol import HEADLINE_METRICS, PROTOCOL, SequenceScorer, evaluate, protocol, rank_users
from recsys.evaluate.registry import BASELINE_ORDER, BASELINES, MODEL_NAMES, Baseline, make_baseline

__all__ = [
    "BASELINES",
    "BASELINE_ORDER",
    "EASE",
    "EASEText",
    "HEADLINE_METRICS",
    "MODEL_NAMES",
    "PROTOCOL",
    "Baseline",
    "CategoryPopularity",
    "ColdSplit",
    "ItemKNN",
    "MostPopular",
    "SequenceScorer",
    "TextKNN",
    "TextProfile",
    "UserKNN",
    "cold_item_split",
    "evaluate",
    "evaluate_cold",
    "make_baseline",
    "protocol",
    "rank_users",
]
