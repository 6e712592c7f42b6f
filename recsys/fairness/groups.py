"""User groups for the audit: a user attribute as is (categorical), bucketed into quantiles
(numeric), or derived from behaviour: activity level and mainstreamness.

Derived groups (Abdollahpouri et al. 2019 and the RecList/EvalRS slices use the same idea):

- ``activity``: quantiles of the number of interactions in the user's history.
- ``mainstreamness``: quantiles of the mean popularity percentile of the items in the user's
  history (0 = only the least popular items, 1 = only the most popular).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recsys.data.dataset import Dataset
from recsys.data.side import UNKNOWN, UserTable
from recsys.errors import DataError
from recsys.fairness.messages import FairnessMsg

__all__ = [
    "DERIVED_ATTRIBUTES",
    "activity",
    "history_matrix",
    "item_popularity",
    "mainstreamness",
    "popularity_percentile",
    "quantile_groups",
    "user_attributes",
    "user_groups",
]

DERIVED_ATTRIBUTES = ("activity", "mainstreamness")


def history_matrix(history: pd.DataFrame, users, n_items: int) -> sp.csr_matrix:
    """``[U, N]`` binary CSR matrix: row ``r`` marks the items user ``users[r]`` has in ``history``."""
    users = np.asarray(users)
    row_of = pd.Series(np.arange(len(users)), index=users)
    frame = history[history["user_idx"].isin(users)]
    rows = row_of.reindex(frame["user_idx"].to_numpy()).to_numpy()
    m = sp.csr_matrix((np.ones(len(frame), np.float32), (rows, frame["item_idx"].to_numpy())),
                      shape=(len(users), n_items))
    m.data[:] = 1.0  # repeated interactions count once
    return m


def item_popularity(history: pd.DataFrame, n_items: int) -> np.ndarray:
    """``[N]`` number of distinct users who interacted with each item in ``history``."""
    pairs = history[["user_idx", "item_idx"]].drop_duplicates()
    return np.bincount(pairs["item_idx"].to_numpy(), minlength=n_items).astype(float)


def popularity_percentile(popularity) -> np.ndarray:
    """``[N]`` percentile rank of each item's popularity in ``(0, 1]`` (ties share the mean rank)."""
    return pd.Series(np.asarray(popularity, float)).rank(pct=True).to_numpy()


def activity(history: pd.DataFrame, users) -> np.ndarray:
    """``[U]`` number of interactions of each user in ``history``."""
    counts = history.groupby("user_idx").size()
    return counts.reindex(np.asarray(users), fill_value=0).to_numpy().astype(float)


def mainstreamness(hist: sp.csr_matrix, popularity) -> np.ndarray:
    """``[U]`` mean popularity percentile of each user's history items (NaN for an empty history).

    Args:
        hist: ``[U, N]`` binary history matrix (``history_matrix``).
        popularity: ``[N]`` item popularity.
    """
    pct = popularity_percentile(popularity)
    n = np.asarray(hist.sum(1)).ravel()
    total = hist @ pct
    return np.divide(total, n, out=np.full(len(n), np.nan), where=n > 0)


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e9 else f"{x:.3g}"


def quantile_groups(values, n_bins: int = 4) -> np.ndarray:
    """Bucket numbers into (up to) ``n_bins`` quantile groups labelled ``"Q1 [lo, hi]"``.

    ``lo``/``hi`` are the smallest and largest value in the bucket; tied values never straddle two
    buckets, so heavily tied data gives fewer buckets. Missing values go to ``"unknown"``.

    Returns:
        ``[U]`` object array of labels.
    """
    values = pd.Series(np.asarray(values, dtype=float))
    out = np.full(len(values), UNKNOWN, dtype=object)
    known = values.notna().to_numpy()
    if not known.any():
        return out
    # bucket of a value = where its first tied copy falls in the sorted order, so ties share one
    first = values[known].rank(method="min").to_numpy()
    codes = np.floor((first - 1) * n_bins / known.sum()).astype(int)
    present = values[known].to_numpy()
    labels = np.empty(len(codes), dtype=object)
    for i, code in enumerate(np.unique(codes)):
        member = codes == code
        labels[member] = f"Q{i + 1} [{_number(present[member].min())}, {_number(present[member].max())}]"
    out[known] = labels
    return out


def user_attributes(dataset: Dataset, users: UserTable | None = None) -> list[str]:
    """Attributes ``user_groups`` accepts: the users file's columns, then the derived ones."""
    table = users if users is not None else dataset.users
    return (table.attributes if table is not None else []) + list(DERIVED_ATTRIBUTES)


def user_groups(
    dataset: Dataset,
    attribute: str,
    users,
    history: pd.DataFrame,
    *,
    n_bins: int = 4,
    table: UserTable | None = None,
) -> pd.Series:
    """The group label of each user for one attribute.

    Args:
        dataset: The loaded dataset (its users table and encoders).
        attribute: A user attribute (categorical as is, numeric bucketed into ``n_bins``
            quantiles) or a derived one (``"activity"``, ``"mainstreamness"``).
        users: ``[U]`` user indices.
        history: The interactions the recommendations were made from (derived groups use it).
        table: User attributes to use instead of ``dataset.users`` (e.g. a separately loaded file).

    Returns:
        ``[U]`` labels (str) indexed by raw user id, named ``attribute``; users missing from the
        users file read as ``"unknown"``.

    Raises:
        DataError: the attribute is not available.
    """
    users = np.asarray(users)
    table = table if table is not None else dataset.users
    raw = dataset.user_encoder.inverse_transform(users)
    if table is not None and attribute in table.attributes:
        column = table.frame[attribute].reindex(pd.Index(raw))
        if attribute in table.schema.numeric:
            labels = quantile_groups(column.to_numpy(), n_bins)
        else:
            labels = column.fillna(UNKNOWN).astype(str).to_numpy(dtype=object)
    elif attribute == "activity":
        labels = quantile_groups(activity(history, users), n_bins)
    elif attribute == "mainstreamness":
        hist = history_matrix(history, users, dataset.n_items)
        labels = quantile_groups(mainstreamness(hist, item_popularity(history, dataset.n_items)), n_bins)
    else:
        choices = ", ".join(user_attributes(dataset, table))
        raise DataError(FairnessMsg.UNKNOWN_USER_ATTRIBUTE.format(attribute=attribute, choices=choices))
    return pd.Series(labels, index=pd.Index(raw, name="user"), name=attribute, dtype=object)
