"""Filter the user picker by attribute and by activity (the Recommend and Explain pages).

A table of the run's users (``user_frame``) holds one column per user attribute, a quartile
column per numeric attribute (labelled as on the Fairness page, ``"Q1 [18, 24]"``) and the number
of interactions. A filter keeps a user when every column's condition holds: a list of values
(empty = any), or an inclusive ``(low, high)`` range (the whole range = any; a narrower range
leaves out users whose value is missing).

The filter values live in ``state.USER_FILTER`` (a plain key) and are copied into the widgets on
every run, so the filter is the same on both pages and survives page switches.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from recsys.data import Dataset
from recsys.data.side import UNKNOWN
from recsys.fairness.groups import quantile_groups
from recsys.ui.session import state

__all__ = ["INTERACTIONS", "QUARTILE", "matching_users", "render_user_filter", "user_frame"]

INTERACTIONS = "number of interactions"
QUARTILE = "{attribute} quartile"
COLUMNS = 3


def user_frame(dataset: Dataset) -> pd.DataFrame:
    """``[U]`` rows indexed by raw user id (encoder order): the users file's attributes (users
    missing from the users file read as ``"unknown"`` / NaN), ``"<attribute> quartile"`` per numeric attribute and
    ``"number of interactions"`` (the user's interactions in the run's data)."""
    ids = pd.Index(dataset.user_encoder.to_list(), name="user")
    counts = dataset.interactions.groupby("user_idx").size().reindex(range(len(ids)), fill_value=0)
    frame = pd.DataFrame(index=ids)
    if dataset.users is not None:
        schema, table = dataset.users.schema, dataset.users.frame
        for attribute in schema.categorical:
            frame[attribute] = table[attribute].reindex(ids).fillna(UNKNOWN).astype(str).to_numpy()
        for attribute in schema.numeric:
            values = table[attribute].reindex(ids).astype(float).to_numpy()
            frame[attribute] = values
            frame[QUARTILE.format(attribute=attribute)] = quantile_groups(values, 4)
    frame[INTERACTIONS] = counts.to_numpy()
    return frame


def matching_users(frame: pd.DataFrame, filters: dict) -> list[str]:
    """Raw ids of the users (rows of ``user_frame``) that pass every filter.

    Args:
        filters: For a numeric column, an inclusive ``(low, high)`` range; for the others, the
            values to keep (empty = any). ``None`` and columns not in ``frame`` (a filter of other
            data) are ignored.
    """
    keep = np.ones(len(frame), dtype=bool)
    for column, condition in filters.items():
        if column not in frame or condition is None:
            continue
        values = frame[column]
        if _numeric(values):
            low, high = condition
            if low <= values.min() and high >= values.max():
                continue  # the whole range: users with a missing value stay too
            keep &= values.between(low, high).to_numpy()
        elif len(condition):
            keep &= values.isin([str(v) for v in condition]).to_numpy()
    return frame.index[keep].tolist()


def _numeric(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values)


def _remember(column: str) -> None:
    st.session_state.setdefault(state.USER_FILTER, {})[column] = st.session_state[state.user_filter_key(column)]
    st.session_state[state.USER_FILTER_CHANGED] = True


def _values(values: pd.Series, column: str, where) -> None:
    counts = values.value_counts()
    options = sorted(counts.index, key=str)
    stored = st.session_state.get(state.USER_FILTER, {}).get(column) or []
    st.session_state[state.user_filter_key(column)] = [v for v in stored if v in counts.index]  # still an option
    where.multiselect(column, options, key=state.user_filter_key(column), on_change=_remember, args=(column,),
                      format_func=lambda v: f"{v} ({counts[v]:,})", placeholder="any")


def _range(values: pd.Series, column: str, where) -> None:
    known = values.dropna()
    if known.empty or known.min() == known.max():
        return  # nothing to narrow
    whole = bool(known.round().eq(known).all())
    low, high = (int(known.min()), int(known.max())) if whole else (float(known.min()), float(known.max()))
    stored = st.session_state.get(state.USER_FILTER, {}).get(column) or (low, high)
    lo, hi = sorted(min(max(v, low), high) for v in stored)  # clamped into this data's range
    st.session_state[state.user_filter_key(column)] = (lo, hi)
    label = column if column == INTERACTIONS else f"{column} (range)"
    where.slider(label, low, high, key=state.user_filter_key(column), on_change=_remember,
                 args=(column,), step=1 if whole else None)


def render_user_filter(dataset: Dataset) -> list[str]:
    """Filters in an expander; returns the raw ids of the users they keep (all users when none is set)."""
    frame = user_frame(dataset)
    with st.expander("Filter users by attribute or activity", icon=":material/filter_list:"):
        if dataset.users is None:
            st.caption("No users file came with this run's data: users can be filtered by their interactions only.")
        columns = st.columns(COLUMNS)
        for i, column in enumerate(frame.columns):
            (_range if _numeric(frame[column]) else _values)(frame[column], column, columns[i % COLUMNS])
        matches = matching_users(frame, {c: st.session_state.get(state.user_filter_key(c)) for c in frame.columns})
        st.caption(f"{len(matches):,} of {len(frame):,} users match.")
    return matches
