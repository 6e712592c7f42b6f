"""Train / validation / test splits, each free of leakage by construction (and tested).

- ``leave_last_out``: per user, by time, the last interaction is the test item and the second
  to last the validation item (ties keep file order). The default protocol.
- ``random_leave_one_out``: per user, a seeded random interaction is the test item and another
  the validation item: the protocol for data without a time order.
- ``temporal_split``: one global cut-off in time (two, with validation).
- ``random_split``: a seeded random hold-out of rows.

``make_split`` is the one place the app, the CLI and the experiment runner choose between the
first two (``SPLITS``: ``"auto"``, ``"time"``, ``"random"``); ``split_record`` is what a run saves
and ``rebuild_split`` makes the same split again from it (pages that audit a saved run).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from recsys.data.order import usable_time_order
from recsys.errors import DataError, Msg

__all__ = [
    "Split", "leave_last_out", "random_leave_one_out", "temporal_split", "random_split", "chronological", "SPLITS",
    "choose_split", "make_split", "split_record", "rebuild_split", "describe_split",
]

SPLITS = ("auto", "time", "random")
AUTO_RANDOM = ("split: auto chose the random leave-one-out split because the data has no usable time order "
               "({time_order}); choose the time split to hold out each user's last rows instead")
TIME_WITHOUT_TIME = ("split: the time split was asked for, but the data has no usable time order ({time_order}): "
                     "each user's test item is the last row in file order, not the most recent one; choose the "
                     "random (or auto) split for a meaningful test")
DESCRIPTIONS = {
    "leave_last_out": "leave-last-out per user by time (ties in file order): last item = test, second to last = "
                      "validation",
    "random_leave_one_out": "random leave-one-out per user (seeded, time order not used): one random item = test, "
                            "another = validation",
    "temporal": "global time cut-offs: interactions after the test cut-off = test, between the two cut-offs = "
                "validation",
    "random": "random rows (seeded): a share of all interactions = test, another = validation",
}


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


def _hold_out(ordered: pd.DataFrame, position: np.ndarray, strategy: str) -> Split:
    """Per user of ``ordered`` (grouped by user): ``position`` 0 -> test, 1 -> validation, the rest ->
    train; users with fewer than 3 interactions stay entirely in train (noted).

    Raises:
        DataError: fewer than 2 users can be split.
    """
    size = ordered.groupby("user_idx", sort=False)["item_idx"].transform("size").to_numpy()
    eligible = size >= 3
    if np.unique(ordered["user_idx"].to_numpy()[eligible]).size < 2:
        raise DataError(Msg.TOO_SMALL.format(detail="fewer than 2 users with 3 or more interactions", min_users=2, min_per_user=3))
    test = eligible & (position == 0)
    valid = eligible & (position == 1)
    train = ~(test | valid)
    split = Split(ordered[train], ordered[valid], ordered[test], strategy)
    short = int(np.unique(ordered["user_idx"].to_numpy()[~eligible]).size)
    if short:
        split.notes.append(f"{short} users with fewer than 3 interactions are used for training only")
    split.notes += _notes(split.train, split.test)
    return split


def leave_last_out(frame: pd.DataFrame) -> Split:
    """Per user: last interaction -> test, second to last -> validation, the rest -> train.

    Users with fewer than 3 interactions stay entirely in train (noted).

    Raises:
        DataError: fewer than 2 users can be split.
    """
    ordered = chronological(frame)
    from_end = ordered.groupby("user_idx", sort=False).cumcount(ascending=False).to_numpy()
    return _hold_out(ordered, from_end, "leave_last_out")


def random_leave_one_out(frame: pd.DataFrame, seed: int = 0) -> Split:
    """Per user, seeded: one random interaction -> test, another -> validation, the rest -> train.

    The same interactions in the same order and ``seed`` give the same split. Users with fewer
    than 3 interactions stay entirely in train (noted); the parts keep the rows' time (or file) order.

    Raises:
        DataError: fewer than 2 users can be split.
    """
    ordered = chronological(frame)
    key = np.random.default_rng(seed).random(len(ordered))
    by_key = np.lexsort((key, ordered["user_idx"].to_numpy()))  # users together, each in random order
    users = ordered["user_idx"].to_numpy()[by_key]
    starts = np.r_[0, np.flatnonzero(users[1:] != users[:-1]) + 1]
    rank = np.arange(len(users)) - np.repeat(starts, np.diff(np.r_[starts, len(users)]))
    position = np.empty(len(ordered), np.int64)
    position[by_key] = rank
    split = _hold_out(ordered, position, "random_leave_one_out")
    split.params["seed"] = int(seed)
    return split


def choose_split(how: str, time_order: str) -> str:
    """``"time"`` or ``"random"``: what ``how`` (one of ``SPLITS``) means for data whose time order is
    ``time_order`` (``recsys.data.order.TIME_ORDERS``); ``"auto"`` is random without a usable time order.

    Raises:
        DataError: ``how`` is not one of ``SPLITS``.
    """
    if how not in SPLITS:
        raise DataError(Msg.BAD_SPLIT.format(how=how))
    if how != "auto":
        return how
    return "time" if usable_time_order(time_order) else "random"


def make_split(frame: pd.DataFrame, how: str = "auto", seed: int = 0, time_order: str = "timestamp") -> Split:
    """The protocol's split of ``frame``: ``leave_last_out`` (``"time"``) or ``random_leave_one_out``
    (``"random"``, seeded), ``"auto"`` choosing by ``time_order`` (``Dataset.time_order``) with a note.
    ``params`` records ``how`` and ``time_order`` (and the seed): ``split_record`` saves them with a run.

    Raises:
        DataError: unknown ``how``, or fewer than 2 users can be split.
    """
    choice = choose_split(how, time_order)
    split = random_leave_one_out(frame, seed) if choice == "random" else leave_last_out(frame)
    split.params |= {"how": how, "time_order": time_order}
    if how == "auto" and choice == "random":
        split.notes.insert(0, AUTO_RANDOM.format(time_order=time_order))
    elif choice == "time" and not usable_time_order(time_order):
        split.notes.insert(0, TIME_WITHOUT_TIME.format(time_order=time_order))
    return split


def split_record(split: Split) -> dict:
    """What a run saves about its split (JSON-safe): ``strategy`` and ``params``."""
    return {"strategy": split.strategy, **split.params}


def rebuild_split(frame: pd.DataFrame, record: dict | None) -> Split:
    """The split ``split_record`` described, made again from the same interactions; ``None`` or an
    empty record (runs saved before splits were recorded) is ``leave_last_out``.

    Raises:
        DataError: a strategy this version does not know.
    """
    record = dict(record or {})
    strategy = record.pop("strategy", "leave_last_out")
    if strategy == "leave_last_out":
        split = leave_last_out(frame)
    elif strategy == "random_leave_one_out":
        split = random_leave_one_out(frame, int(record.get("seed", 0)))
    elif strategy == "random":
        split = random_split(frame, **{k: record[k] for k in ("seed", "valid_frac", "test_frac") if k in record})
    elif strategy == "temporal":
        split = temporal_split(frame, record.get("test_cutoff"), record.get("valid_cutoff"))
    else:
        raise DataError(Msg.UNKNOWN_SPLIT_RECORD.format(record={"strategy": strategy, **record}))
    split.params = record
    return split


def describe_split(split: Split | dict | None) -> str:
    """One sentence for the protocol text above results: which split (a ``Split`` or a ``split_record``;
    ``None`` = leave-last-out) and, when ``"auto"`` chose it, why."""
    record = split_record(split) if isinstance(split, Split) else dict(split or {})
    text = DESCRIPTIONS.get(record.get("strategy", "leave_last_out"), str(record.get("strategy")))
    if record.get("how") == "auto" and record.get("strategy") == "random_leave_one_out":
        text += f" (chosen by the auto split setting: the data's order is '{record.get('time_order')}')"
    return text


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
