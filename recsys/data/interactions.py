"""Load and clean an interactions file: ``user, item[, rating][, timestamp]`` rows.

Cleaning policy (each step reported in the ``LoadReport`` with its count and example rows):

1. rows with a missing user or item id are dropped;
2. the value column is read as ratings or as weights (counts such as plays; ``recsys.data.values``
   says how, the report which); values must be numbers: a few bad values (<= ``max_bad_share``)
   are dropped, more stop the load with an error; missing values are dropped; ``min_rating``
   drops ratings below it (not weights: the report warns); negative weights are dropped;
3. timestamps may be epoch seconds, milliseconds, microseconds or nanoseconds (decided per value,
   each conversion counted) or dates (converted to epoch seconds, UTC; the day/month order of
   dates like ``03/04/2021`` is decided from the data or stated as an assumption; see
   ``recsys.data.dates``); bad values as for ratings; values before 1970 or after 2100 are dropped;
4. exact duplicate rows are dropped; a repeated user-item pair keeps the latest row
   (``DataConfig.duplicates``);
5. users with fewer than ``min_user_interactions`` rows are dropped (they cannot be split);
6. what orders each user's rows is checked (``recsys.data.order``): ``LoadReport.time_order``.

Ids keep their spelling except for spaces around them, which are removed and counted (``' u3 '``
and ``'u3'`` are one id). A missing value is an empty cell or one of ``NA_TOKENS``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from recsys.data.columns import ColumnMapping, detect_interaction_columns
from recsys.data.config import DataConfig
from recsys.data.dates import to_epoch_seconds
from recsys.data.order import report_time_order
from recsys.data.readers import NA_TOKENS, RawTable, read_table
from recsys.data.report import LoadReport
from recsys.data.values import read_values_as
from recsys.errors import DataError, Msg

__all__ = ["load_interactions", "clean_interactions", "normalize_ids", "report_spaced_ids", "MISSING_RULE",
           "MIN_RATING_ON_WEIGHTS"]

_MAX_EPOCH = 4102444800  # 2100-01-01
MISSING_RULE = "empty, " + ", ".join(t for t in NA_TOKENS if t)
MIN_RATING_ON_WEIGHTS = (
    "min_rating={min_rating} was not applied: column '{column}' is read as weights (counts), not ratings, so "
    "every row was kept. To drop rows by it, read the column as ratings (DataConfig(value_kind='rating') or "
    "--value-kind rating)."
)


def normalize_ids(values: pd.Series) -> pd.Series:
    """Ids as stripped strings; integral floats from Parquet (``12.0``) become ``"12"``."""
    if pd.api.types.is_float_dtype(values):
        present = values.dropna()
        # beyond 2**53 floats are not exact integers (and beyond 2**63 not int64 at all)
        whole = present.mod(1).eq(0).all() and bool(present.abs().max() < 2**53)
        if whole:
            values = values.astype("Int64")
    out = values.astype("string").str.strip()
    return out.mask(out == "")


def report_spaced_ids(raw: pd.Series, kind: str, report: LoadReport) -> None:
    """Count the ids that ``normalize_ids`` strips (``' u3 '`` becomes ``'u3'``)."""
    if not (pd.api.types.is_string_dtype(raw) or raw.dtype == object):
        return
    text = raw.astype("string")
    spaced = (text != text.str.strip()).fillna(False).to_numpy(dtype=bool)
    if spaced.any():
        first = str(text[spaced].iloc[0])
        reason = (f"spaces around the {kind} id removed, e.g. {first!r} read as {first.strip()!r} (ids that "
                  "differ only by such spaces are one id)")
        report.fix(reason, int(spaced.sum()), list(raw.index[spaced][:5]))


def _screen_bad(
    frame: pd.DataFrame, bad: pd.Series, original: pd.Series, column: str, msg: str,
    report: LoadReport, reason: str, config: DataConfig,
) -> pd.DataFrame:
    """Drop a few bad values with a report entry, or stop with ``msg`` when there are many."""
    n_bad = int(bad.sum())
    if not n_bad:
        return frame
    if n_bad > config.max_bad_share * len(frame):
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(msg.format(column=column, count=n_bad, row=int(frame.index[pos]), value=original.iloc[pos]))
    report.drop(reason, n_bad, list(frame.index[bad][:5]))
    return frame[~bad]


def _drop_repeats(frame: pd.DataFrame, report: LoadReport, config: DataConfig) -> pd.DataFrame:
    """Exact duplicates, repeated user-item pairs and users too short to split, on integer codes
    of the ids (hashing the id strings once, not once per step, keeps big files cheap)."""
    keep = "last" if config.duplicates == "last" else "first"
    users = pd.factorize(frame["user"])[0]
    items = pd.factorize(frame["item"])[0]
    values = {c: frame[c].to_numpy() for c in ("rating", "weight", "timestamp") if c in frame}
    keys = pd.DataFrame({"user": users, "item": items} | values)
    # Which copy stays matters for file-order sequences: follow the repeated-pair policy.
    dup = keys.duplicated(keep=keep).to_numpy()
    report.drop("exact duplicate row", int(dup.sum()), list(frame.index[dup][:5]))
    frame, users, items, keys = frame[~dup], users[~dup], items[~dup], keys[~dup]
    if config.duplicates != "keep":
        order = np.argsort(keys["timestamp"].to_numpy(), kind="stable") if "timestamp" in keys else np.arange(len(keys))
        pairs = users[order].astype(np.int64) * (int(items.max(initial=0)) + 1) + items[order]
        repeat = order[pd.Series(pairs).duplicated(keep=keep).to_numpy()]  # positions, in time order
        which = "latest" if config.duplicates == "last" else "earliest"
        report.drop(f"repeated user-item pair (kept the {which})", len(repeat), list(frame.index[repeat][:5]))
        kept = np.ones(len(frame), dtype=bool)
        kept[repeat] = False
        frame, users = frame[kept], users[kept]
    few = np.bincount(users)[users] < config.min_user_interactions
    report.drop(f"user has fewer than {config.min_user_interactions} interactions (cannot be split)",
                int(few.sum()), list(frame.index[few][:5]))
    return frame[~few]


def _report(table: RawTable) -> LoadReport:
    """The report of ``table`` with what reading it found; stops on a single-column table."""
    report = LoadReport(source=table.name, kind="interactions", rows_read=table.rows_read)
    for note in table.notes:
        report.note(note)
    report.drop("lines with more fields than the header", len(table.bad_lines), table.bad_lines)
    if table.frame.shape[1] < 2 and table.sep is not None:  # most likely a wrong delimiter
        raise DataError(Msg.SINGLE_COLUMN.format(name=table.name, sep=table.sep))
    return report


def _mapped_frame(table: RawTable, mapping: ColumnMapping | None,
                  report: LoadReport) -> tuple[pd.DataFrame, ColumnMapping]:
    """The mapped columns under their role names, indexed by file row number (used in messages)."""
    mapping = detect_interaction_columns(table.frame, mapping, table.name)
    roles = {r: c for r, c in mapping.as_dict().items() if c is not None}
    label = {"rating": "rating or weight"}  # which of the two is decided when the values are cleaned
    report.note("columns: " + ", ".join(f"{label.get(r, r)} = '{c}' ({mapping.how.get(r, 'given')})"
                                        for r, c in roles.items()))
    frame = pd.DataFrame({r: table.frame[c] for r, c in roles.items()}, index=table.frame.index)
    frame = frame.reset_index(drop=True)
    frame.index = table.row_numbers
    return frame, mapping


def _clean_ids(frame: pd.DataFrame, report: LoadReport) -> pd.DataFrame:
    for role in ("user", "item"):
        report_spaced_ids(frame[role], role, report)
        frame[role] = normalize_ids(frame[role])
        frame = _drop_rows(frame, frame[role].isna(), f"missing {role} id", report)
    return frame


def _drop_rows(frame: pd.DataFrame, mask: pd.Series, reason: str, report: LoadReport) -> pd.DataFrame:
    """``frame`` without the rows in ``mask``, counted in ``report`` under ``reason`` (with 5 examples)."""
    report.drop(reason, int(mask.sum()), list(frame.index[mask][:5]))
    return frame[~mask]


def _clean_values(frame: pd.DataFrame, column: str, report: LoadReport, config: DataConfig) -> pd.DataFrame:
    """The value column as ``rating`` or ``weight`` (float64, ``recsys.data.values``): missing and (a
    few) non-numeric values dropped, then ratings below ``min_rating`` or negative weights."""
    values = pd.to_numeric(frame["rating"], errors="coerce")
    reading = read_values_as(column, values[np.isfinite(values)], config.value_kind)
    kind = reading.kind
    report.note(reading.note(column))
    missing = frame["rating"].isna()
    frame, values = _drop_rows(frame, missing, f"missing {kind}", report), values[~missing]
    bad = values.isna() | ~np.isfinite(values.fillna(0))
    original = frame["rating"]
    frame = _screen_bad(frame.assign(rating=values), bad, original, column,
                        Msg.NON_NUMERIC_RATING, report, f"{kind} is not a number", config)
    frame = frame.assign(rating=frame["rating"].astype("float64"))
    if kind == "weight":
        if config.min_rating is not None:
            report.warn(MIN_RATING_ON_WEIGHTS.format(min_rating=config.min_rating, column=column))
        frame = _drop_rows(frame, frame["rating"] < 0, "negative weight (a weight is a count or confidence, 0 or "
                           "more)", report)
        return frame.rename(columns={"rating": "weight"})
    if config.min_rating is not None:
        frame = _drop_rows(frame, frame["rating"] < config.min_rating, f"rating below min_rating={config.min_rating}",
                           report)
    return frame


def _clean_timestamps(frame: pd.DataFrame, column: str, report: LoadReport, config: DataConfig) -> pd.DataFrame:
    """Timestamps as int64 epoch seconds: missing, (a few) unparsable and out-of-range values dropped."""
    frame = _drop_rows(frame, frame["timestamp"].isna(), "missing timestamp", report)
    converted = to_epoch_seconds(frame["timestamp"], config.dayfirst, str(column))
    for reason, count in converted.notes:
        report.note(reason, count)
    for reason, mask in converted.fixes:
        report.fix(reason, int(mask.sum()), list(frame.index[mask.to_numpy()][:5]))
    seconds = converted.seconds
    frame = _screen_bad(frame.assign(timestamp=seconds), seconds.isna(), frame["timestamp"],
                        column, Msg.BAD_TIMESTAMP, report, "timestamp could not be parsed", config)
    out = (frame["timestamp"] < 0) | (frame["timestamp"] >= _MAX_EPOCH)
    frame = _drop_rows(frame, out, "timestamp before 1970 or after 2100", report)
    return frame.assign(timestamp=np.floor(frame["timestamp"]).astype("int64"))


def _finish(frame: pd.DataFrame, report: LoadReport, name: str) -> pd.DataFrame:
    """Ids as str, a fresh index, ``rows_kept``; stops when no row is left."""
    if any(e.action == "dropped" and e.reason.startswith("missing ") for e in report.entries):
        report.note(f"a missing value is a cell that is {MISSING_RULE}")
    if frame.empty:
        reasons = "; ".join(f"{e.count} {e.reason}" for e in report.entries if e.action == "dropped") or "no rows"
        raise DataError(Msg.ALL_ROWS_DROPPED.format(name=name, reasons=reasons))
    frame = frame.assign(user=frame["user"].astype(str), item=frame["item"].astype(str)).reset_index(drop=True)
    report.rows_kept = len(frame)
    return frame


def clean_interactions(
    table: RawTable, mapping: ColumnMapping | None = None, config: DataConfig = DataConfig()
) -> tuple[pd.DataFrame, LoadReport, ColumnMapping]:
    """Apply the cleaning policy to a table read by ``read_table``.

    Returns:
        ``(frame, report, mapping)``; ``frame`` has columns ``user`` and ``item`` (str), and
        ``rating`` or ``weight`` (float64) and ``timestamp`` (int64 epoch seconds) when mapped, in
        file order.
    """
    name = table.name
    report = _report(table)
    frame, mapping = _mapped_frame(table, mapping, report)
    del table  # unless the caller keeps the table, its unused columns are freed before the costly steps
    frame = _clean_ids(frame, report)
    if "rating" in frame:  # the value column: ratings or weights
        frame = _clean_values(frame, mapping.rating, report, config)
    if "timestamp" in frame:
        frame = _clean_timestamps(frame, mapping.timestamp, report, config)
    frame = _finish(_drop_repeats(frame, report, config), report, name)
    report_time_order(frame, report)
    return frame, report, mapping


def load_interactions(
    source, mapping: ColumnMapping | None = None, config: DataConfig = DataConfig(), **read_options
) -> tuple[pd.DataFrame, LoadReport, ColumnMapping]:
    """Read and clean an interactions file (path, bytes, uploaded file or DataFrame).

    Args:
        source: What ``read_table`` accepts.
        mapping: Column choices to force; the rest are detected.
        config: Reading and cleaning policy.
        **read_options: Passed to ``read_table`` (``sep``, ``header``, ``encoding``, ``names``).

    Returns:
        ``(frame, report, mapping)`` as in ``clean_interactions``.
    """
    opts = {"sep": config.sep, "header": config.header, "encoding": config.encoding} | read_options
    return clean_interactions(read_table(source, config=config, **opts), mapping, config)
