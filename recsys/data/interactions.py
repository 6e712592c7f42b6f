"""Load and clean an interactions file: ``user, item[, rating][, timestamp]`` rows.

Cleaning policy (each step reported in the ``LoadReport`` with its count and example rows):

1. rows with a missing user or item id are dropped;
2. ratings must be numbers: a few bad values (<= ``max_bad_share``) are dropped, more stop the
   load with an error; missing ratings are dropped; ``min_rating`` drops rows below it;
3. timestamps may be epoch seconds, epoch milliseconds (converted) or dates (converted to epoch
   seconds, UTC); bad values as for ratings; values before 1970 or after 2100 are dropped;
4. exact duplicate rows are dropped; a repeated user-item pair keeps the latest row
   (``DataConfig.duplicates``);
5. users with fewer than ``min_user_interactions`` rows are dropped (they cannot be split).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from recsys.data.columns import ColumnMapping, detect_interaction_columns
from recsys.data.config import DataConfig
from recsys.data.readers import RawTable, read_table
from recsys.data.report import LoadReport
from recsys.errors import DataError, Msg

__all__ = ["load_interactions", "clean_interactions", "normalize_ids", "parse_timestamps"]

_MAX_EPOCH = 4102444800  # 2100-01-01


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


def parse_timestamps(values: pd.Series) -> tuple[pd.Series, str | None]:
    """Epoch seconds (float, NaN where unparseable) and a note on the unit found.

    Numbers above 1e11 are read as milliseconds; text is parsed as dates (ISO and common forms).
    """
    epoch = pd.Timestamp("1970-01-01", tz="UTC")
    if pd.api.types.is_datetime64_any_dtype(values):  # Parquet / DataFrame datetime columns
        seconds = (pd.to_datetime(values, utc=True) - epoch) / pd.Timedelta(seconds=1)
        return seconds.astype(float), "dates converted to epoch seconds (UTC)"
    numeric = pd.to_numeric(values, errors="coerce")
    present = values.notna()
    if numeric[present].notna().mean() > 0.5:
        if numeric.median() > 1e11:
            return numeric / 1000.0, "timestamps in milliseconds converted to seconds"
        return numeric, None
    dates = pd.to_datetime(values.astype("string"), errors="coerce", format="mixed", utc=True)
    seconds = (dates - epoch) / pd.Timedelta(seconds=1)
    return seconds.astype(float), "dates converted to epoch seconds (UTC)"


def clean_interactions(
    table: RawTable, mapping: ColumnMapping | None = None, config: DataConfig = DataConfig()
) -> tuple[pd.DataFrame, LoadReport, ColumnMapping]:
    """Apply the cleaning policy to a table read by ``read_table``.

    Returns:
        ``(frame, report, mapping)``; ``frame`` has columns ``user`` and ``item`` (str), and
        ``rating`` (float64) and ``timestamp`` (int64 epoch seconds) when mapped, in file order.
    """
    name = table.name
    report = LoadReport(source=name, kind="interactions", rows_read=len(table.frame) + len(table.bad_lines))
    for note in table.notes:
        report.note(note)
    report.drop("lines with more fields than the header", len(table.bad_lines), table.bad_lines)
    if table.frame.shape[1] < 2 and table.sep is not None:  # most likely a wrong delimiter
        raise DataError(Msg.SINGLE_COLUMN.format(name=name, sep=table.sep))
    mapping = detect_interaction_columns(table.frame, mapping, name)
    roles = {r: c for r, c in mapping.as_dict().items() if c is not None}
    report.note("columns: " + ", ".join(f"{r} = '{c}' ({mapping.how.get(r, 'given')})" for r, c in roles.items()))
    frame = pd.DataFrame({r: table.frame[c] for r, c in roles.items()}, index=table.frame.index)
    frame = frame.reset_index(drop=True)
    frame.index = table.row_numbers  # index = file row number, used in messages

    for role in ("user", "item"):
        frame[role] = normalize_ids(frame[role])
        missing = frame[role].isna()
        report.drop(f"missing {role} id", int(missing.sum()), list(frame.index[missing][:5]))
        frame = frame[~missing]

    if "rating" in frame:
        raw = frame["rating"]
        missing = raw.isna()
        report.drop("missing rating", int(missing.sum()), list(frame.index[missing][:5]))
        frame = frame[~missing]
        values = pd.to_numeric(frame["rating"], errors="coerce")
        bad = values.isna() | ~np.isfinite(values.fillna(0))
        original = frame["rating"]
        frame = _screen_bad(frame.assign(rating=values), bad, original, mapping.rating,
                            Msg.NON_NUMERIC_RATING, report, "rating is not a number", config)
        frame = frame.assign(rating=frame["rating"].astype("float64"))
        if config.min_rating is not None:
            low = frame["rating"] < config.min_rating
            report.drop(f"rating below min_rating={config.min_rating}", int(low.sum()), list(frame.index[low][:5]))
            frame = frame[~low]

    if "timestamp" in frame:
        missing = frame["timestamp"].isna()
        report.drop("missing timestamp", int(missing.sum()), list(frame.index[missing][:5]))
        frame = frame[~missing]
        seconds, unit_note = parse_timestamps(frame["timestamp"])
        if unit_note:
            report.note(unit_note)
        frame = _screen_bad(frame.assign(timestamp=seconds), seconds.isna(), frame["timestamp"],
                            mapping.timestamp, Msg.BAD_TIMESTAMP, report, "timestamp could not be parsed", config)
        out = (frame["timestamp"] < 0) | (frame["timestamp"] >= _MAX_EPOCH)
        report.drop("timestamp before 1970 or after 2100", int(out.sum()), list(frame.index[out][:5]))
        frame = frame[~out]
        frame = frame.assign(timestamp=np.floor(frame["timestamp"]).astype("int64"))

    # Which copy stays matters for file-order sequences: follow the repeated-pair policy.
    dup = frame.duplicated(keep="last" if config.duplicates == "last" else "first")
    report.drop("exact duplicate row", int(dup.sum()), list(frame.index[dup][:5]))
    frame = frame[~dup]
    if config.duplicates != "keep":
        ordered = frame.sort_values("timestamp", kind="stable") if "timestamp" in frame else frame
        repeat = ordered.duplicated(["user", "item"], keep="last" if config.duplicates == "last" else "first")
        which = "latest" if config.duplicates == "last" else "earliest"
        report.drop(f"repeated user-item pair (kept the {which})", int(repeat.sum()), list(ordered.index[repeat][:5]))
        frame = frame.drop(index=ordered.index[repeat])

    counts = frame.groupby("user", sort=False)["item"].transform("size")
    few = counts < config.min_user_interactions
    if few.any():
        report.drop(
            f"user has fewer than {config.min_user_interactions} interactions (cannot be split)",
            int(few.sum()), list(frame.index[few][:5]),
        )
        frame = frame[~few]
    if frame.empty:
        reasons = "; ".join(f"{e.count} {e.reason}" for e in report.entries if e.action == "dropped") or "no rows"
        raise DataError(Msg.ALL_ROWS_DROPPED.format(name=name, reasons=reasons))
    frame = frame.assign(user=frame["user"].astype(str), item=frame["item"].astype(str)).reset_index(drop=True)
    report.rows_kept = len(frame)
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
    return clean_interactions(read_table(source, **opts), mapping, config)
