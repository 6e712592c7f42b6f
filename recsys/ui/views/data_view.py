"""Rendering for the Data page (and the dataset card on Home): column mapping, load
reports, statistics. The page calls these in order; each reads what it needs from the outcome.
A section that fails shows a plain message in its place (``recsys.ui.views.failures``), never an
exception element.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import streamlit as st

from recsys.data import ColumnMapping, Dataset, DatasetStats, LoadReport
from recsys.ui import charts
from recsys.ui.session import state
from recsys.ui.session.loading import ROLES, Choice, LoadOutcome
from recsys.ui.views.failures import guarded, render_message
from recsys.ui.views.text import md_escape

__all__ = [
    "render_dataset_card",
    "render_date_order",
    "render_error",
    "render_mapping",
    "render_preview",
    "render_reports",
    "render_stats",
    "render_value_kind",
]

ROLE_LABELS = {
    "user": "User id",
    "item": "Item id",
    "rating": "Rating or weight",
    "timestamp": "Timestamp",
}
SIDE_ID = {"items": state.ITEM_ID, "users": state.USER_ID}
VALUE_KINDS = {
    "detect from the data": "auto",
    "ratings (a scale, e.g. 1-5 stars)": "rating",
    "weights (counts, e.g. plays)": "weight",
}
DATE_ORDERS = {
    "detect from the data": None,
    "month first (03/04 = 4 March)": False,
    "day first (03/04 = 3 April)": True,
}


# ---------------------------------------------------------------- callbacks (run before the rerun)


def _held_choice() -> tuple[tuple, Choice]:
    outcome: LoadOutcome = st.session_state[state.LOADED]
    return outcome.key[0], outcome.key[1]


def _on_mapping_change() -> None:
    sources_key, choice = _held_choice()
    values = {role: st.session_state.get(state.MAP[role]) for role in ROLES}
    mapping = ColumnMapping(**{r: None if v in (None, state.NONE_OPTION) else v for r, v in values.items()})
    st.session_state[state.MAPPING] = (sources_key, dataclasses.replace(choice, interactions=mapping))


def _on_id_change(kind: str) -> None:
    sources_key, choice = _held_choice()
    field = "item_id" if kind == "items" else "user_id"
    changes = {field: st.session_state.get(SIDE_ID[kind])}
    spec = choice.columns(kind)
    if spec is not None and "id" in spec.type_map.values():  # the selectbox now decides the id
        changes[field.replace("_id", "_columns")] = dataclasses.replace(
            spec, types=tuple((c, t) for c, t in spec.types if t != "id")
        )
    st.session_state[state.MAPPING] = (sources_key, dataclasses.replace(choice, **changes))


def _on_dayfirst_change() -> None:
    sources_key, choice = _held_choice()
    dayfirst = DATE_ORDERS.get(st.session_state.get(state.DAYFIRST))
    st.session_state[state.MAPPING] = (sources_key, dataclasses.replace(choice, dayfirst=dayfirst))


def _on_value_kind_change() -> None:
    sources_key, choice = _held_choice()
    kind = VALUE_KINDS.get(st.session_state.get(state.VALUE_KIND), "auto")
    st.session_state[state.MAPPING] = (sources_key, dataclasses.replace(choice, value_kind=kind))


def _reset_mapping() -> None:
    st.session_state.pop(state.MAPPING, None)


# ---------------------------------------------------------------- sections


def _how(role: str, mapping: ColumnMapping, explicit: bool) -> str:
    if explicit:
        return "chosen by you" if getattr(mapping, role) else "not used"
    found = mapping.how.get(role)
    return f"detected {found}" if found else "none found"


@guarded("the column mapping")
def render_mapping(outcome: LoadOutcome) -> None:
    """Selectboxes for the interactions' columns (and the side files' id columns)."""
    columns = outcome.columns.get("interactions")
    if not columns:
        return
    choice: Choice = outcome.key[1]
    explicit = choice.interactions is not None
    shown = choice.interactions or (outcome.dataset.mapping if outcome.ok else outcome.detected) or ColumnMapping()
    st.subheader("Column mapping")
    st.caption("Detected from the column names and their contents. Change any choice and the data reloads.")
    for role, column in zip(ROLES, st.columns(4)):
        options = columns if role in ("user", "item") else [state.NONE_OPTION, *columns]
        value = getattr(shown, role) or state.NONE_OPTION
        # Set before the widget exists: keeps it in step with the choice across pages and uploads.
        st.session_state[state.MAP[role]] = value if value in options else options[0]
        column.selectbox(ROLE_LABELS[role], options, key=state.MAP[role], on_change=_on_mapping_change)
        column.caption(_how(role, shown, explicit))
    side = [k for k in ("items", "users") if outcome.columns.get(k)]
    for kind, column in zip(side, st.columns(4)[: len(side)]):
        options = outcome.columns[kind]
        value = choice.side_id(kind) or _side_id(outcome, kind)
        st.session_state[SIDE_ID[kind]] = value if value in options else options[0]
        column.selectbox(
            f"Id column of the {kind} file", options, key=SIDE_ID[kind], on_change=_on_id_change, args=(kind,)
        )
    row = st.columns(4)
    render_date_order(choice, row[0])
    if shown.rating:
        render_value_kind(choice, outcome, row[1])
    if choice != Choice():
        st.button("Detect the columns again", on_click=_reset_mapping, icon=":material/restart_alt:")


def render_date_order(choice: Choice, column=None) -> None:
    """How dates such as 03/04/2021 are read (``DataConfig.dayfirst``); the load report says what
    was decided when this is left to the data."""
    value = next(label for label, v in DATE_ORDERS.items() if v == choice.dayfirst)
    st.session_state[state.DAYFIRST] = value
    (column or st.columns(4)[0]).selectbox(
        "Dates like 03/04/2021",
        list(DATE_ORDERS),
        key=state.DAYFIRST,
        on_change=_on_dayfirst_change,
        help="Dates with two numbers up to 12 can be read month first or day first. Left to the data, a first "
        "number above 12 means day first, a second one month first; otherwise month first is assumed and the "
        "load report says so.",
    )


def render_value_kind(choice: Choice, outcome: LoadOutcome, column) -> None:
    """Whether the rating-or-weight column holds ratings or weights such as play counts
    (``DataConfig.value_kind``), with the reading in use under it."""
    st.session_state[state.VALUE_KIND] = next(k for k, v in VALUE_KINDS.items() if v == choice.value_kind)
    column.selectbox(
        "Read the values as",
        list(VALUE_KINDS),
        key=state.VALUE_KIND,
        on_change=_on_value_kind_change,
        help="Ratings are a scale (stars, scores) and are charted per value; weights are counts (plays, clicks), "
        "charted on a log scale and used as confidence. Left to the data, whole numbers with a long tail "
        "far above a rating scale are weights; the load report says which reading was chosen and why.",
    )
    if outcome.ok:
        column.caption(f"read as {'weights' if outcome.dataset.has_weights else 'ratings'}")


def _side_id(outcome: LoadOutcome, kind: str) -> str | None:
    table = getattr(outcome.dataset, kind, None) if outcome.ok else None
    return table.schema.id if table is not None else outcome.detected_ids.get(kind)


def _render_details(kind: str, report: LoadReport) -> None:
    changed = report.rows_dropped + report.rows_fixed
    label = f"{kind.capitalize()}: {md_escape(report.source)}, what was dropped or fixed and why"
    with st.expander(label, expanded=bool(changed)):
        for warning in report.warnings:
            st.warning(md_escape(warning), icon=":material/warning:")
        changes = report.to_frame()
        changes = changes[~changes["action"].isin(["note", "warning"])]
        if changes.empty:
            st.caption("Nothing dropped or fixed.")
        else:
            st.dataframe(changes, hide_index=True, column_config={"examples": "examples (file rows or values)"})
        notes = [e for e in report.entries if e.action == "note"]
        if notes:
            st.markdown(
                "\n".join(f"- {md_escape(e.reason)}" + (f" ({e.count:,} rows)" if e.count else "") for e in notes)
            )


@guarded("the load report")
def render_reports(dataset: Dataset) -> None:
    """A row per file with its counts, then every drop/fix with its reason and the reader's notes."""
    st.subheader("Load report")
    st.caption(
        "What happened to each row on its way in; nothing is dropped silently. The policy is in the "
        "docstrings of recsys.data.interactions and recsys.data.side."
    )
    summary = pd.DataFrame(
        [
            {
                "file": kind,
                "name": r.source,
                "rows read": r.rows_read,
                "kept": r.rows_kept,
                "dropped": r.rows_dropped,
                "fixed": r.rows_fixed,
            }
            for kind, r in dataset.reports.items()
        ]
    )
    counts = {c: st.column_config.NumberColumn(format="localized") for c in ("rows read", "kept", "dropped", "fixed")}
    st.dataframe(summary, hide_index=True, key="report_summary", column_config=counts)
    for kind, report in dataset.reports.items():
        _render_details(kind, report)


@guarded("the statistics")
def render_stats(stats: DatasetStats) -> None:
    """Headline numbers, then long tail, activity, ratings (or weights) and time charts."""
    st.subheader("Statistics")
    for label, value, column in zip(
        ("users", "items with interactions", "interactions", "density"),
        (f"{stats.n_users:,}", f"{stats.n_items:,}", f"{stats.n_interactions:,}", f"{stats.density:.2%}"),
        st.columns(4),
    ):
        column.metric(label, value)
    figures = charts.stats_figures(stats)
    for pair in (("long_tail", "activity"), ("values", "timeline")):
        for name, column in zip(pair, st.columns(2)):
            column.plotly_chart(figures[name], key=f"chart_{name}")
    with st.expander("All statistics as a table"):
        st.dataframe(stats.table(), hide_index=True)


@guarded("the preview")
def render_preview(dataset: Dataset, rows: int = 200) -> None:
    """The first rows of each table as loaded (text cells: titles are never rendered as HTML)."""
    with st.expander("Preview the loaded tables"):
        tabs = ["interactions"] + [k for k in ("items", "users") if getattr(dataset, k) is not None]
        for name, tab in zip(tabs, st.tabs(tabs)):
            frame = dataset.interactions if name == "interactions" else getattr(dataset, name).frame
            tab.dataframe(frame.head(rows))


def render_error(outcome: LoadOutcome) -> None:
    """The loading error in plain words (the message says what to fix); a bug's traceback folded
    away under "Details"."""
    render_message(outcome.error, outcome.details)


def render_dataset_card(outcome: LoadOutcome) -> None:
    """The current dataset in a few numbers (Home page)."""
    if not outcome.ok:
        render_message(outcome.error, outcome.details)
        st.page_link("app_pages/data.py", label="Fix it on the Data page", icon=":material/table:")
        return
    dataset, stats = outcome.dataset, outcome.stats
    with st.container(border=True):
        origin = "bundled demo data" if outcome.demo else "your upload"
        st.markdown(f"**{md_escape(dataset.name)}** ({origin})")
        for label, value, column in zip(
            ("users", "items", "interactions", "time span"),
            (f"{stats.n_users:,}", f"{dataset.n_items:,}", f"{stats.n_interactions:,}", _span(stats)),
            st.columns(4),
        ):
            column.metric(label, value)
        extras = []
        if dataset.items is not None:
            extras.append("item metadata (" + ", ".join(map(md_escape, dataset.items.frame.columns)) + ")")
        if dataset.users is not None:
            extras.append("user attributes (" + ", ".join(map(md_escape, dataset.users.attributes)) + ")")
        span = (
            f"From {stats.time_start:%Y-%m-%d} to {stats.time_end:%Y-%m-%d}. " if stats.time_start is not None else ""
        )
        st.caption(span + ("With " + " and ".join(extras) + "." if extras else "Interactions only."))


def _span(stats: DatasetStats) -> str:
    if stats.time_start is None:
        return "no timestamps"
    days = (stats.time_end - stats.time_start).days
    if days >= 365:
        return f"{days / 365.25:.1f} years"
    return f"{days / 30.44:.1f} months" if days >= 60 else f"{days} days"
