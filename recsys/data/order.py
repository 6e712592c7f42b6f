"""Is there a time order? What orders each user's rows: timestamps, the file, or a sort key.

Without a timestamp column the file order within a user stands in for time, which is only
right when the file was written in time order. A file sorted by user and then by item id (or
by rating / weight) is not: its "last" interaction is the one with the highest id. The rule:
among the users with at least ``MIN_ROWS`` rows, if at least ``SORTED_SHARE`` have rows in
monotone (non-decreasing or non-increasing, not constant) order of a column, the file is
sorted by that column. A user with 3 rows in random order is monotone with probability 1/3,
with more rows far less, so files in time order stay well below the threshold.

Timestamps order the rows unless they are equal within nearly every user (again
``SORTED_SHARE`` of the users with ``MIN_ROWS`` rows): then ties fall back to file order,
which nothing vouches for.

The finding is ``LoadReport.time_order`` (and ``Dataset.time_order``), one of ``TIME_ORDERS``;
the split's ``"auto"`` setting reads it (``recsys.data.split.make_split``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from recsys.data.report import LoadReport

__all__ = [
    "TIME_ORDERS",
    "USABLE_TIME_ORDERS",
    "SORTED_SHARE",
    "MIN_ROWS",
    "detect_time_order",
    "report_time_order",
    "usable_time_order",
    "monotone_share",
]

SORTED_SHARE = 0.8
MIN_ROWS = 3
TIMESTAMP, FILE, TIED = "timestamp", "file", "timestamps tied"
TIME_ORDERS = (TIMESTAMP, FILE, "sorted by item id", "sorted by rating", "sorted by weight", TIED)
USABLE_TIME_ORDERS = (TIMESTAMP, FILE)

SORTED_WARNING = (
    "rows are {what} within each user ({share:.0%} of the {users:,} users with {min_rows} or more rows): "
    "file order is not time order. With the split set to auto (the default) RecLens holds out random "
    "interactions per user instead of the last ones and trains the Transformer on shuffled histories; "
    "add a timestamp column to evaluate by time."
)
TIED_WARNING = (
    "the timestamps are equal within each user ({share:.0%} of the {users:,} users with {min_rows} or more rows): "
    "they do not order the rows. With the split set to auto (the default) RecLens holds out random interactions "
    "per user and trains the Transformer on shuffled histories; map a finer timestamp column to evaluate by time."
)


def usable_time_order(time_order: str) -> bool:
    """Whether ``time_order`` (one of ``TIME_ORDERS``) orders interactions in time."""
    return time_order in USABLE_TIME_ORDERS


def _as_ranks(values: pd.Series) -> np.ndarray:
    """``[n]`` float ranks of ``values``: numbers compared as numbers when all of them are, else as strings."""
    numbers = pd.to_numeric(values, errors="coerce")
    if not numbers.isna().any():
        return numbers.to_numpy(np.float64)
    return np.unique(values.astype(str).to_numpy(), return_inverse=True)[1].astype(np.float64)


def monotone_share(users: np.ndarray, values: np.ndarray, min_rows: int = MIN_ROWS) -> tuple[float, int]:
    """``(share, n)``: of the ``n`` users with ``>= min_rows`` rows, the share whose ``values`` are in
    monotone, non-constant order in the given (file) order. ``users``, ``values``: ``[rows]``."""
    if not len(users):
        return 0.0, 0
    order = np.argsort(users, kind="stable")  # each user's rows together, in their file order
    u, v = users[order], values[order]
    starts = np.flatnonzero(np.r_[True, u[1:] != u[:-1]])
    sizes = np.diff(np.r_[starts, len(u)])
    step, same_user = np.diff(v), u[1:] == u[:-1]

    def any_step(mask: np.ndarray) -> np.ndarray:  # [users] whether some step of the user is in mask
        return np.add.reduceat(np.r_[same_user & mask, False], starts) > 0

    falls, rises = any_step(step < 0), any_step(step > 0)
    eligible = sizes >= min_rows
    n = int(eligible.sum())
    monotone = eligible & (falls != rises)  # one direction only (neither = constant)
    return (float(monotone.sum() / n), n) if n else (0.0, 0)


def detect_time_order(frame: pd.DataFrame) -> tuple[str, float, int]:
    """``(time_order, share, users)`` of cleaned interactions in file order (``user``, ``item`` and
    optionally ``timestamp``, ``rating``, ``weight``): one of ``TIME_ORDERS``; ``share`` of the
    ``users`` with ``MIN_ROWS`` rows or more behind a finding other than ``timestamp`` / ``file``."""
    users = pd.factorize(frame["user"])[0]
    if "timestamp" in frame:
        tied, n = _tied_share(users, frame["timestamp"].to_numpy())
        return (TIED, tied, n) if n and tied >= SORTED_SHARE else (TIMESTAMP, 0.0, n)
    n = 0
    for column in ("item", "rating", "weight"):
        if column in frame:
            share, n = monotone_share(users, _as_ranks(frame[column]))
            if n and share >= SORTED_SHARE:
                return ("sorted by item id" if column == "item" else f"sorted by {column}"), share, n
    return FILE, 0.0, n


def _tied_share(users: np.ndarray, values: np.ndarray) -> tuple[float, int]:
    """``(share, n)``: of the ``n`` users with ``>= MIN_ROWS`` rows, the share whose ``values`` are all equal."""
    stats = pd.DataFrame({"u": users, "v": values}).groupby("u")["v"].agg(["size", "nunique"])
    eligible = stats[stats["size"] >= MIN_ROWS]
    return (float((eligible["nunique"] == 1).mean()), len(eligible)) if len(eligible) else (0.0, 0)


def report_time_order(frame: pd.DataFrame, report: LoadReport) -> str:
    """Detect the time order of ``frame``, record it in ``report.time_order`` and warn when there is
    no usable time order (file order standing in for time is the documented default: no entry)."""
    order, share, users = detect_time_order(frame)
    report.time_order = order
    if order == TIED:
        report.warn(TIED_WARNING.format(share=share, users=users, min_rows=MIN_ROWS))
    elif order.startswith("sorted by "):
        report.warn(SORTED_WARNING.format(what=order, share=share, users=users, min_rows=MIN_ROWS))
    return order
