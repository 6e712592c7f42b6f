"""Train / validation / test splits, each free of leakage by construction (and tested).

- ``leave_last_out``: per user, by time, the last interaction is the test item and the second
  to last the validation item (ties keep file order). The default protocol.
- ``temporal_split``: one global cut-off in time (two, with validation).
- ``random_split``: a seeded random hold-out of rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from recsys.errors import DataError, Msg

__all__ = ["Split", "leave_last_out", "temporal_split", "random_split", "chronological"]


@dataclass
class Split:
    """Three disjoint parts of the interactions (same columns as ``Dataset.interactions``).

    Attributes:
        train, valid, test: The parts, each in chronological order per user.
        strategy: ``"leave_last_out"``, ``"temporal"`` or ``"random"``.
        params: What the split was made with (seed, cut-offs), for the run record.
        notes: What a user should know (users only in train, cold-start test items...).
    """

    train: pd.DataFrame
    valid: pd.DataFrame
    test: pd.DataFrame
    strategy: str
    params: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def chronological(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows ordered by user, then time, ties in file order (a stable sort)."""
    keys = ["user_idx", "timestamp"] if "timestamp" in frame else ["user_idx"]
    return frame.sort_values(keys, kind="stable")


def _notes(train: pd.DataFrame, test: pd.DataFrame) -> list[str]:
    notes = []
    cold_items = int((~test["item_idx"].isin(train["item_idx"])).sum())
    if cold_items:
        notes.append(f"{cold_items} test interactions are with items never seen in training (cold start)")
    cold_users = int((~test["user_idx"].isin(train["user_idx"])).sum())
    if cold_users:
        notes.append(f"{cold_users} test interactions are by users with no training history")
    return notes


def leave_last_out(frame: pd.DataFrame) -> Split:
    """Per user: last interaction -> test, second to last -> validation, the rest -> train.

    Users with fewer than 3 interactions stay entirely in train (noted).

    Raises:
        DataError: fewer than 2 users can be split.
    """
    ordered = chronological(frame)
    size = ordered.groupby("user_idx", sort=False)["item_idx"].transform("size").to_numpy()
    from_end = ordered.groupby("user_idx", sort=False).cumcount(ascending=False).to_numpy()
    eligible = size >= 3
    if np.unique(ordered["user_idx"].to_numpy()[eligible]).size < 2:
        raise DataError(Msg.TOO_SMALL.format(detail="fewer than 2 users with 3 or more interactions", min_users=2, min_per_user=3))
    test = eligible & (from_end == 0)
    valid = eligible & (from_end == 1)
    train = ~(test | valid)
    split = Split(ordered[train], ordered[valid], ordered[test], "leave_last_out")
    short = int(np.unique(ordered["user_idx"].to_numpy()[~eligible]).size)
    if short:
        split.notes.append(f"{short} users with fewer than 3 interactions are used for training only")
    split.notes += _notes(split.train, split.test)
    return split


def _check_fraction(name: str, value: float) -> None:
    if not 0 < value < 1:
        raise DataError(Msg.BAD_SPLIT_FRACTION.format(name=name, value=value))


def temporal_split(
    frame: pd.DataFrame,
    test_cutoff: int | None = None,
    valid_cutoff: int | None = None,
    *,
    test_frac: float = 0.1,
    valid_frac: float = 0.1,
) -> Split:
    """Global cut-offs in time: train ``< valid_cutoff <=`` valid ``< test_cutoff <=`` test.

    Cut-offs default to the time quantiles that leave ``test_frac`` and ``valid_frac`` of the
    interactions after them.
    """
    if "timestamp" not in frame:
        raise DataError(Msg.NO_TIMESTAMPS)
    ts = frame["timestamp"].to_numpy()
    if test_cutoff is None:
        _check_fraction("test", test_frac)
        test_cutoff = int(np.quantile(ts, 1 - test_frac))
    if valid_cutoff is None:
        _check_fraction("validation", valid_frac)
        if test_frac + valid_frac >= 1:
            raise DataError(Msg.BAD_SPLIT_FRACTION.format(name="test + validation", value=test_frac + valid_frac))
        valid_cutoff = int(min(np.quantile(ts, 1 - test_frac - valid_frac), test_cutoff))
    start, end = pd.to_datetime([ts.min(), ts.max()], unit="s")
    for cut in (valid_cutoff, test_cutoff):
        if cut <= ts.min() or cut > ts.max():
            raise DataError(Msg.BAD_CUTOFF.format(value=pd.to_datetime(cut, unit="s"), start=start, end=end))
    if valid_cutoff > test_cutoff:  # train (< valid) would overlap test (>= test)
        valid, test = pd.to_datetime([valid_cutoff, test_cutoff], unit="s")
        raise DataError(Msg.BAD_CUTOFF_ORDER.format(valid=valid, test=test))
    ordered = chronological(frame)
    t = ordered["timestamp"].to_numpy()
    split = Split(
        ordered[t < valid_cutoff],
        ordered[(t >= valid_cutoff) & (t < test_cutoff)],
        ordered[t >= test_cutoff],
        "temporal",
        {"valid_cutoff": int(valid_cutoff), "test_cutoff": int(test_cutoff)},
    )
    split.notes += _notes(split.train, split.test)
    return split


def random_split(frame: pd.DataFrame, *, valid_frac: float = 0.1, test_frac: float = 0.1, seed: int = 0) -> Split:
    """Each row goes to test / validation / train at random (seeded). Ignores time."""
    _check_fraction("test", test_frac)
    _check_fraction("validation", valid_frac)
    if test_frac + valid_frac >= 1:
        raise DataError(Msg.BAD_SPLIT_FRACTION.format(name="test + validation", value=test_frac + valid_frac))
    u = np.random.default_rng(seed).random(len(frame))
    ordered = frame.assign(_u=u)
    ordered = chronological(ordered)
    u = ordered.pop("_u").to_numpy()
    split = Split(
        ordered[u >= test_frac + valid_frac],
        ordered[(u >= test_frac) & (u < test_frac + valid_frac)],
        ordered[u < test_frac],
        "random",
        {"seed": seed, "valid_frac": valid_frac, "test_frac": test_frac},
    )
    split.notes += _notes(split.train, split.test)
    return split
