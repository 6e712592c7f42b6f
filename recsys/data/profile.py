"""Content profiles of a column: cheap facts (numeric share, distinct values, lengths) that
column detection reads to tell ids, timestamps, ratings, counts, dates, codes and categories apart.

Codes are not numbers: a zip code such as ``01002`` keeps its leading zero only as text and
``T8H1N`` is no number at all, so a column of digit strings with leading zeros, a mostly-numeric
column whose other values are letter-digit codes, or a column named like a postal code is
categorical.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["profile", "looks_epoch", "looks_date", "looks_code", "looks_counts", "multi_separator", "CODE_NAMES"]

_MULTI_SEPS = ("|", ",", ";", "/")
_EPOCH_MIN, _EPOCH_MAX_MS = 1e8, 1e13  # 1973-03 in seconds .. 2286 in milliseconds
CODE_NAMES = {"zip", "zipcode", "postcode", "postalcode", "postal", "plz", "postleitzahl", "cp", "codepostal"}


def profile(col: pd.Series) -> dict:
    """Cheap facts about a column, computed on a sample."""
    s = col.dropna()
    if len(s) > 5000:
        s = s.sample(5000, random_state=0)
    n = max(len(s), 1)
    if pd.api.types.is_numeric_dtype(s):
        num = s.astype(float)
    else:
        num = pd.to_numeric(s.astype(str).str.strip(), errors="coerce")
    numeric_share = float(num.notna().sum() / n)
    num = num.dropna()
    integer = bool(len(num) and np.all(np.mod(num, 1) == 0))
    text = s.astype(str)
    return {
        "n": len(s),
        "numeric": numeric_share,
        "integer": integer,
        "min": float(num.min()) if len(num) else np.nan,
        "max": float(num.max()) if len(num) else np.nan,
        "median": float(num.median()) if len(num) else np.nan,
        "nunique": int(s.nunique()),
        "unique_share": float(s.nunique() / n),
        "mean_len": float(text.str.len().mean()) if len(s) else 0.0,
        "words": float(text.str.count(" ").mean()) if len(s) else 0.0,
        "values": set(num.unique()[:3].tolist()) if numeric_share == 1 and s.nunique() <= 2 else None,
        "sample": text,
    }


def looks_epoch(p: dict) -> bool:
    return p["numeric"] > 0.95 and p["integer"] and p["min"] >= _EPOCH_MIN and p["max"] < _EPOCH_MAX_MS


def looks_counts(p: dict, strict: bool = False) -> bool:
    """Whether a numeric column holds counts (plays, clicks) rather than ratings.

    Counts are whole numbers of 0 or more with more than ten distinct values and a maximum above
    10 (no 1-5 or 1-10 scale), and either reach above 100 (beyond any common rating scale) or have
    a long right tail (maximum at least ten times the median). ``strict`` asks for the long tail
    in every case: used when the column is not yet known to be the value column, since id columns
    also hold many whole numbers above 100, but evenly spread.
    """
    if not (p["n"] and p["numeric"] > 0.95 and p["integer"] and p["min"] >= 0):
        return False
    if p["nunique"] <= 10 or p["max"] <= 10:
        return False
    tail = p["max"] >= 10 * max(p["median"], 1)
    return tail or (not strict and p["max"] > 100)


def looks_date(p: dict) -> bool:
    if p["numeric"] > 0.5 or p["n"] == 0:
        return False
    sample = p["sample"].head(200)
    if not sample.str.contains(r"\d", regex=True).all():
        return False
    parsed = pd.to_datetime(sample, errors="coerce", format="mixed", utc=True)  # utc: mixed offsets
    return bool(parsed.notna().mean() > 0.95)


def multi_separator(p: dict, file_sep: str | None) -> str | None:
    if p["numeric"] > 0.5 or p["n"] == 0 or p["words"] > 6:
        return None
    for sep in _MULTI_SEPS:
        if sep == file_sep:
            continue
        has = p["sample"].str.contains(sep, regex=False)
        if has.mean() >= 0.2:
            tokens = p["sample"].str.split(sep, regex=False).explode().str.strip()
            if tokens.nunique() <= max(50, 0.2 * len(tokens)):
                return sep
    return None


def looks_code(name, p: dict) -> bool:
    """Whether a column holds codes (zip codes, product codes) rather than quantities."""
    if re.sub(r"[^a-z0-9]", "", str(name).lower()) in CODE_NAMES:
        return True
    if p["n"] == 0 or p["numeric"] < 0.5:
        return False
    sample = p["sample"].str.strip()
    digits = sample.str.fullmatch(r"\d+")
    if (digits & (sample.str.len() > 1) & sample.str.startswith("0")).any():
        return True  # a leading zero is written only when the digits are a code
    mixed = sample.str.fullmatch(r"(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9]+(-[A-Za-z0-9]+)?")
    return bool(mixed.any() and (digits | mixed).all())
