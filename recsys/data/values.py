"""Ratings or weights: how the numeric value column of an interactions file is read.

A value column holds either ratings (a scale such as 1-5 stars, 0.5 steps, 1-10 or 1-100) or
weights (counts such as plays or clicks, from 1 to hundreds of thousands). The cleaned frame
carries it as ``rating`` or as ``weight`` (float64); never both. The rule, in order:

1. ``DataConfig.value_kind`` ``"rating"`` or ``"weight"`` decides (``"auto"`` leaves it to 2-4);
2. a name that says counts (``COUNT_NAMES``: plays, playcount, count, listens, clicks, weight,
   ...) reads as weights, unless a value is negative;
3. a name that says ratings (``RATING_NAMES``: rating, stars, score, ...) reads as ratings, unless
   the values are counts far above any rating scale (``looks_counts`` including its "above 100"
   case, and a long tail: maximum at least ten times the median);
4. otherwise the content decides: ``recsys.data.profile.looks_counts`` (whole numbers of 0 or
   more, more than ten distinct values, maximum above 10, and either above 100 or at least ten
   times the median) means weights, anything else ratings.

So 1-5 stars, 0.5-step ratings and 1-10 scales are ratings (maximum 10 or less, or fractions);
1-100 scores are ratings unless most of them sit near the bottom of the scale; play counts are
weights. A weight is 0 or more (negative ones are dropped when the reading is forced) and
``min_rating`` does not apply to it (the load report warns when it was set).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from recsys.data.columns import COUNT_NAMES, RATING_NAMES, normalize_name
from recsys.data.profile import looks_counts, profile

__all__ = ["COUNT_NAMES", "RATING_NAMES", "VALUE_KINDS", "ValueReading", "read_values_as"]

VALUE_KINDS = ("auto", "rating", "weight")
_OVERRIDE = "{flag}, DataConfig(value_kind='{kind}') or 'Read the values as' on the Data page"
_WEIGHT_NOTE = (
    "column '{column}' read as weights, not ratings ({why}): the statistics show them on a log scale and "
    "models that use weights take them as confidence. To read them as ratings: {override}"
)
_RATING_NOTE = "column '{column}' read as ratings ({why}). If they are counts such as plays or clicks: {override}"


@dataclass(frozen=True)
class ValueReading:
    """How a value column is read.

    Attributes:
        kind: ``"rating"`` or ``"weight"``.
        how: ``"given"`` (``value_kind``), ``"by name"`` or ``"by content"``.
        why: The reason in words, for the load report.
    """

    kind: str
    how: str
    why: str

    def note(self, column) -> str:
        """The load report's note: the reading, why, and how to choose the other one."""
        other = "rating" if self.kind == "weight" else "weight"
        override = _OVERRIDE.format(flag=f"--value-kind {other}", kind=other)
        template = _WEIGHT_NOTE if self.kind == "weight" else _RATING_NOTE
        return template.format(column=column, why=self.why, override=override)


def _fmt(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() and abs(x) < 1e15 else f"{x:,.4g}"


def _span(values: pd.Series) -> str:
    return f"{_fmt(values.min())} to {_fmt(values.max())}, median {_fmt(values.median())}"


def _content(values: pd.Series) -> ValueReading:
    """The reading decided by the values alone (rule 4)."""
    if looks_counts(profile(values)):
        return ValueReading("weight", "by content", f"whole numbers from {_span(values)}: counts, not a rating scale")
    if not np.all(np.mod(values, 1) == 0):
        reason = "values with fractions"
    elif values.min() < 0:
        reason = "negative values"
    elif values.max() <= 10:
        reason = "values on a scale up to 10"
    elif values.nunique() <= 10:
        reason = f"only {values.nunique()} distinct values"
    else:
        reason = "values without the long tail of counts"
    return ValueReading("rating", "by content", f"{reason}: {_span(values)}")


def read_values_as(column, values: pd.Series, wanted: str = "auto") -> ValueReading:
    """Decide whether ``values`` are ratings or weights (the rule in the module docstring).

    Args:
        column: The column's name in the file (its name is a hint).
        values: ``[n]`` the column's numeric values, missing and non-finite ones removed.
        wanted: ``DataConfig.value_kind``: ``"auto"``, ``"rating"`` or ``"weight"``.
    """
    if wanted != "auto":
        return ValueReading(wanted, "given", f"value_kind='{wanted}' was chosen")
    name = normalize_name(column)
    if not len(values):
        return ValueReading("rating", "by content", "no values to decide from")
    if name in COUNT_NAMES and values.min() >= 0:
        return ValueReading("weight", "by name", f"the name '{column}' says counts; {_span(values)}")
    if name in RATING_NAMES:
        if values.max() > 100 and looks_counts(profile(values), strict=True):
            return ValueReading(
                "weight",
                "by content",
                f"named like ratings, but whole numbers from {_span(values)} are far above any rating scale",
            )
        return ValueReading("rating", "by name", f"the name '{column}' says ratings; {_span(values)}")
    return _content(values)
