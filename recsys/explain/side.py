"""Shapley values of side features for one recommended item: the user's attributes, the
candidate's category columns, its numeric columns and its text vector ("text match with your
history": the text only acts through its fit with the history the model attends to).

Hiding a user attribute sets it to the unknown token; hiding an item feature zeroes it for the
candidate only (``recsys.model.gated_model``). Few players, so values are exact.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shap

from recsys.explain.scoring import ItemScorer
from recsys.explain.shapley import exact_shapley

__all__ = ["SidePlayer", "side_inputs", "side_players", "side_feature_shap"]


@dataclass(frozen=True)
class SidePlayer:
    """One side feature, named ``your <attribute>``, ``item <column>`` or ``text match``;
    ``kind`` in ``user``, ``category``, ``numeric``, ``text``; ``index`` is the user field, the
    numeric column, or the feature-token columns of the category."""

    name: str
    kind: str
    index: tuple
    value: str


def side_players(scorer: ItemScorer) -> list[SidePlayer]:
    """The side features the model actually uses for this user and item."""
    tables, players = scorer.rec.tables, []
    names = scorer._gated()[1]
    if "user_features" in names:
        tokens = tables.user_features([scorer.user])[0]
        for f, field in enumerate(tables.user_fields):
            value = tables.user_tokens[tokens[f]].split("=", 1)[-1] if tokens[f] else "unknown"
            players.append(SidePlayer(f"your {field}", "user", (f,), value))
    row = scorer.item + 1
    if "features_gate" in names and tables.item_features is not None:
        by_column: dict[str, list[int]] = {}
        for j, token in enumerate(tables.feature_names):
            by_column.setdefault(token.split("=", 1)[0], []).append(j)
        for column, cols in by_column.items():
            present = [tables.feature_names[j].split("=", 1)[1] for j in cols if tables.item_features[row, j] > 0]
            if present:
                players.append(SidePlayer(f"item {column}", "category", tuple(cols), ", ".join(present)))
    if "numeric_gate" in names and tables.item_numeric is not None:
        for j, column in enumerate(tables.numeric_names):
            players.append(SidePlayer(f"item {column}", "numeric", (j,), f"{tables.item_numeric[row, j]:+.2f} sd"))
    if "text_gate" in names:
        players.append(SidePlayer("text match", "text", (0,), "item text"))
    return players


def side_inputs(scorer: ItemScorer, players: list[SidePlayer], keep: np.ndarray) -> tuple[np.ndarray, dict]:
    """Model inputs that hide the players not kept.

    Args:
        keep: ``[M, P]`` bool, True = keep the player.

    Returns:
        ``(user_features [M, F], gates)``: ``gates`` maps ``features``, ``numeric``, ``text`` to
        ``[M, 1, width]`` float (those with a width; see ``recsys.model.gated_model``).
    """
    tables = scorer.rec.tables
    keep = np.atleast_2d(keep).astype(bool)
    m = len(keep)
    widths = {"features": len(tables.feature_names), "numeric": len(tables.numeric_names), "text": 1}
    user = np.repeat(tables.user_features([scorer.user]), m, 0)
    gates = {k: np.ones((m, 1, w), np.float32) for k, w in widths.items() if w}
    for p_idx, p in enumerate(players):
        hide = ~keep[:, p_idx]
        if p.kind == "user":
            user[hide, p.index[0]] = 0
        else:
            key = {"category": "features", "numeric": "numeric", "text": "text"}[p.kind]
            for col in p.index:
                gates[key][hide, 0, col] = 0.0
    return user, gates


def _value_fn(scorer: ItemScorer, players: list[SidePlayer]):
    def value(keep: np.ndarray) -> np.ndarray:
        return scorer.side_score(*side_inputs(scorer, players, keep))

    return value


def side_feature_shap(scorer: ItemScorer) -> shap.Explanation:
    """Exact Shapley values of the side features (the history held fixed).

    Returns:
        ``shap.Explanation`` with ``values [P]``, ``base_values`` (all side features hidden),
        ``data`` (each feature's value as text) and ``feature_names``.
    """
    players = side_players(scorer)
    if not players:
        return shap.Explanation(values=np.zeros(0), base_values=scorer.full_score(), data=None, feature_names=[])
    values, base = exact_shapley(_value_fn(scorer, players), len(players))
    return shap.Explanation(values=values, base_values=base, data=np.array([p.value for p in players], dtype=object),
                            feature_names=[p.name for p in players])
