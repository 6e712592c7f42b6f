"""Item groups: which group(s) each item belongs to, as a ``[N, G]`` weight matrix.

- A categorical column (provider): weight 1 in the item's group.
- A multi-valued column (genres): the item's weight is split equally over its values, so an
  item in Action and Comedy counts 1/2 in each and every item counts once in total.
- A numeric column (year): quantile buckets.
- ``"popularity"``: ``head`` / ``mid`` / ``tail`` by the items' share of interactions
  (Abdollahpouri et al. 2021): head = the most popular items that together take the first 20%
  of interactions, tail = the least popular items that take the last 20% (items nobody
  interacted with included), mid = the rest.

Items with no value go to ``"unknown"``, so group shares sum to 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from recsys.data.dataset import Dataset
from recsys.data.side import UNKNOWN
from recsys.errors import DataError
from recsys.fairness.groups import quantile_groups
from recsys.fairness.messages import FairnessMsg

__all__ = ["POPULARITY", "ItemGroups", "item_attributes", "item_groups", "popularity_groups", "membership"]

POPULARITY = "popularity"


@dataclass
class ItemGroups:
    """Item group membership.

    Attributes:
        attribute: The item column (or ``"popularity"``) the groups come from.
        names: ``[G]`` group names.
        matrix: ``[N, G]`` weights; each row sums to 1.
    """

    attribute: str
    names: list[str]
    matrix: np.ndarray

    def without_unknown(self) -> np.ndarray:
        """``[N, G']`` weights over the known groups only (rows of unknown-only items are 0)."""
        keep = [i for i, n in enumerate(self.names) if n != UNKNOWN]
        return self.matrix[:, keep]

    @property
    def known_names(self) -> list[str]:
        return [n for n in self.names if n != UNKNOWN]


def membership(values: list[list[str]], attribute: str) -> ItemGroups:
    """``ItemGroups`` from each item's list of group values (empty list = ``"unknown"``)."""
    values = [list(v) if len(v) else [UNKNOWN] for v in values]
    names = sorted({g for v in values for g in v}, key=lambda g: (g == UNKNOWN, g))
    col = {g: j for j, g in enumerate(names)}
    matrix = np.zeros((len(values), len(names)))
    for i, v in enumerate(values):
        for g in set(v):
            matrix[i, col[g]] += 1.0 / len(set(v))
    return ItemGroups(attribute, names, matrix)


def popularity_groups(popularity, *, head_share: float = 0.2, tail_share: float = 0.2) -> ItemGroups:
    """``head`` / ``mid`` / ``tail`` by cumulative share of interactions (most popular first).

    Args:
        popularity: ``[N]`` interaction counts per item.
        head_share, tail_share: Share of interactions taken by the head and by the tail.
    """
    pop = np.asarray(popularity, float)
    order = np.argsort(-pop, kind="stable")
    total = max(pop.sum(), 1e-12)
    before = (np.cumsum(pop[order]) - pop[order]) / total  # share of interactions before each item
    labels = np.where(before < head_share, "head", np.where(before < 1 - tail_share, "mid", "tail"))
    labels[pop[order] == 0] = "tail"
    out = np.empty(len(pop), dtype=object)
    out[order] = labels
    names = ["head", "mid", "tail"]
    matrix = (out[:, None] == np.array(names)[None, :]).astype(float)
    return ItemGroups(POPULARITY, names, matrix)


def item_attributes(dataset: Dataset) -> list[str]:
    """Item attributes ``item_groups`` accepts: category columns (multi-valued first), numeric
    columns, then ``"popularity"``."""
    items = dataset.items
    return ((items.category_columns + items.numeric_columns) if items is not None else []) + [POPULARITY]


def item_groups(dataset: Dataset, attribute: str, *, popularity=None, n_bins: int = 4) -> ItemGroups:
    """Group membership of every item (in item-index order) for one item attribute.

    Args:
        dataset: The loaded dataset (items table and item encoder).
        attribute: An item column or ``"popularity"``.
        popularity: ``[N]`` interaction counts, needed for ``"popularity"``.
        n_bins: Quantile buckets for a numeric column.

    Raises:
        DataError: the attribute is not available.
    """
    if attribute == POPULARITY:
        if popularity is None:
            raise ValueError("popularity groups need the item popularity counts")
        return popularity_groups(popularity)
    items = dataset.items
    if items is None or attribute not in items.category_columns + items.numeric_columns:
        choices = ", ".join(item_attributes(dataset))
        raise DataError(FairnessMsg.UNKNOWN_ITEM_ATTRIBUTE.format(attribute=attribute, choices=choices))
    raw = pd.Index(dataset.item_encoder.classes_)
    if attribute in items.numeric_columns:
        labels = quantile_groups(items.frame[attribute].reindex(raw).to_numpy(), n_bins)
        return membership([[g] for g in labels], attribute)
    cats = items.categories(attribute).reindex(raw)
    return membership([v if isinstance(v, list) else [] for v in cats], attribute)
