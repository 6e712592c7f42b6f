"""Timestamps to epoch seconds, each decision stated with its rule and the rows it touched.

- Numbers are epoch times whose unit is decided per value by its magnitude: below 1e11 seconds,
  below 1e14 milliseconds, below 1e17 microseconds, above that nanoseconds (no date between 1973
  and 5138 has two readings). A column of 8-digit numbers that are all valid ``YYYYMMDD`` dates
  is read as dates.
- Text is read as dates (ISO 8601 first, then other common forms). Dates such as ``03/04/2021``
  have two readings: a first number above 12 means day first, a second one above 12 month
  first; when no value decides, month first is assumed and said so; ``DataConfig.dayfirst``
  overrides; a column with both kinds is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from recsys.errors import DataError, Msg

__all__ = ["Converted", "to_epoch_seconds", "parse_dates", "day_month_order"]

_EPOCH = pd.Timestamp("1970-01-01", tz="UTC")
_UNITS = [
    (1e11, 1e14, 1e3, "timestamp in milliseconds (from 1e11 to 1e14), divided by 1,000"),
    (1e14, 1e17, 1e6, "timestamp in microseconds (from 1e14 to 1e17), divided by 1,000,000"),
    (1e17, np.inf, 1e9, "timestamp in nanoseconds (1e17 and above), divided by 1,000,000,000"),
]
_DAY_MONTH = r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-]\d{2,4}(?:\D|$)"
DATES_NOTE = "dates converted to epoch seconds (UTC)"


@dataclass
class Converted:
    """Epoch seconds (float, NaN where a value could not be read) and what was decided.

    Attributes:
        fixes: ``(reason, mask)`` for values changed by a rule (e.g. milliseconds divided).
        notes: ``(reason, count)`` for how the column was read.
    """

    seconds: pd.Series
    fixes: list = field(default_factory=list)
    notes: list = field(default_factory=list)


def day_month_order(text: pd.Series, dayfirst: bool | None, column: str) -> tuple[bool, str | None, int]:
    """``(dayfirst, note, values concerned)`` for dates written as ``dd/mm/yyyy`` or ``mm/dd/yyyy``.

    Raises:
        DataError: ``dayfirst`` is ``None`` and some values can only be day first, others only
            month first.
    """
    parts = text.str.extract(_DAY_MONTH)
    found = parts[0].notna()
    n = int(found.sum())
    if not n:
        return bool(dayfirst), None, 0
    first, second = parts.loc[found, 0].astype(int), parts.loc[found, 1].astype(int)
    example = text[found].iloc[0].strip()
    if dayfirst is not None:
        order = "day" if dayfirst else "month"
        return dayfirst, f"'{column}': dates such as '{example}' read {order} first (DataConfig.dayfirst)", n
    day, month = first > 12, second > 12
    if day.any() and month.any():
        a, b = text[found][day.to_numpy()].iloc[0].strip(), text[found][month.to_numpy()].iloc[0].strip()
        raise DataError(Msg.MIXED_DATE_ORDER.format(column=column, day=a, month=b))
    if day.any():
        shown = text[found][day.to_numpy()].iloc[0].strip()
        return True, f"'{column}': dates read day first ({int(day.sum())} values such as '{shown}' have a first " \
                     "number above 12)", n
    if month.any():
        shown = text[found][month.to_numpy()].iloc[0].strip()
        return False, f"'{column}': dates read month first ({int(month.sum())} values such as '{shown}' have a " \
                      "second number above 12)", n
    note = (f"'{column}': dates such as '{example}' could be day or month first and no value decides; read month "
            "first (03/04 = 4 March). If they are day first, set DataConfig.dayfirst=True (--dayfirst, or "
            "'Dates like 03/04' on the Data page)")
    return False, note, n


def parse_dates(values: pd.Series, dayfirst: bool | None = None, column: str = "date") -> tuple[pd.Series, list]:
    """Text to UTC datetimes (NaT where unreadable) and notes ``(reason, count)``."""
    text = values.astype("string").str.strip()
    dates = pd.to_datetime(text, errors="coerce", format="ISO8601", utc=True)
    rest = dates.isna() & text.notna()
    notes = []
    if rest.any():
        first, note, n = day_month_order(text[rest], dayfirst, column)
        if note:
            notes.append((note, n))
        dates[rest] = pd.to_datetime(text[rest], errors="coerce", format="mixed", dayfirst=first, utc=True)
    return dates, notes


def _yyyymmdd(numeric: pd.Series) -> pd.Series | None:
    present = numeric.dropna()
    if present.empty or not present.between(19000101, 21001231).all() or not (present % 1 == 0).all():
        return None
    dates = pd.to_datetime(present.astype("int64").astype(str), format="%Y%m%d", errors="coerce", utc=True)
    if dates.isna().any():
        return None
    return ((dates - _EPOCH) / pd.Timedelta(seconds=1)).reindex(numeric.index)


def to_epoch_seconds(values: pd.Series, dayfirst: bool | None = None, column: str = "timestamp") -> Converted:
    """A timestamp column as epoch seconds (see the module docstring for the rules)."""
    if pd.api.types.is_datetime64_any_dtype(values):  # Parquet / DataFrame datetime columns
        seconds = (pd.to_datetime(values, utc=True) - _EPOCH) / pd.Timedelta(seconds=1)
        return Converted(seconds.astype(float), notes=[(DATES_NOTE, int(values.notna().sum()))])
    numeric = pd.to_numeric(values, errors="coerce") if not pd.api.types.is_numeric_dtype(values) else values
    numeric = numeric.astype(float)
    present = values.notna()
    if numeric[present].notna().mean() > 0.5:
        compact = _yyyymmdd(numeric)
        if compact is not None:
            note = f"'{column}': 8-digit numbers read as dates written YYYYMMDD (e.g. {int(numeric.dropna().iloc[0])})"
            return Converted(compact.astype(float), notes=[(note, int(compact.notna().sum()))])
        out, size = Converted(numeric.copy()), numeric.abs()
        for low, high, factor, reason in _UNITS:
            mask = (size >= low) & (size < high)
            if mask.any():
                out.seconds[mask] = numeric[mask] / factor
                out.fixes.append((reason, mask))
        return out
    dates, notes = parse_dates(values, dayfirst, column)
    seconds = (dates - _EPOCH) / pd.Timedelta(seconds=1)
    return Converted(seconds.astype(float), notes=[(DATES_NOTE, int(dates.notna().sum())), *notes])
