"""The Data page's column tables and side-file warnings.

For the items and users files: one editable row per column (name, type; what detection made of
it and example values beside), the name and values of a group of 0/1 flag columns, and the text
encoding, applied together with one button (every apply reloads the data). The choices become a
``recsys.data.ColumnSpec`` in the session's ``Choice``, the same object the CLI builds from
``--item-names`` and friends. When an items or users file matches few ids of the interactions
(typically one left over from an earlier upload), a warning offers to drop it.
"""

from __future__ import annotations

import dataclasses

import streamlit as st

from recsys.cli.data import spec_flags
from recsys.data.layout import FLAG, ColumnLayout, spec_from_layout
from recsys.data.spec import GENERATED, ITEM_TYPES, USER_TYPES
from recsys.ui.session import state
from recsys.ui.session.loading import LoadOutcome, current_sources
from recsys.ui.views.text import md_escape

__all__ = ["AUTO_ENCODING", "ENCODINGS", "VALUES_MISMATCH", "render_columns", "render_side_warnings"]

AUTO_ENCODING = "automatic (UTF-8, else latin-1)"
ENCODINGS = [AUTO_ENCODING, "utf-8", "latin-1", "cp1252", "utf-16"]
TYPES = {"items": [*ITEM_TYPES, FLAG], "users": list(USER_TYPES)}
VALUES_MISMATCH = (
    "{given} values were given for {count} flag columns. Give one value per flag column, in their order, "
    "separated by commas."
)
_FIELD = {"items": "item", "users": "user"}
_ROW_PX, _MAX_ROWS = 35, 25  # the table shows up to 25 rows (u.item's 24 columns) without scrolling


def _generation() -> int:
    return st.session_state.get(state.COLUMNS_GENERATION, 0)


def _flag_names(layout: ColumnLayout) -> list[str]:
    return layout.table.loc[layout.table["type"] == FLAG, "name"].tolist()


def _edited(layout: ColumnLayout, kind: str):
    """The layout table with the data editor's edits and the flag values typed in the text box."""
    edits = st.session_state.get(state.columns_key(kind, _generation())) or {}
    table = layout.table.copy()
    for row, change in (edits.get("edited_rows") or {}).items():
        for column, value in change.items():
            table.loc[int(row), column] = value
    typed = (st.session_state.get(state.FLAG_VALUES[kind]) or "") if kind in state.FLAG_VALUES else ""
    values = [v.strip() for v in typed.split(",")] if typed.strip() else []
    if values and values != _flag_names(layout):  # the box was changed: its values name the flag rows
        rows = table.index[table["type"] == FLAG]
        if len(values) != len(rows):
            return None, VALUES_MISMATCH.format(given=len(values), count=len(rows))
        table.loc[rows, "name"] = values
    return table, None


def _on_apply(kind: str) -> None:
    outcome: LoadOutcome = st.session_state[state.LOADED]
    sources_key, choice = outcome.key
    layout = outcome.layouts[kind]
    table, error = _edited(layout, kind)
    if error:
        st.session_state[state.COLUMNS_ERROR] = (kind, error)
        return
    encoding = st.session_state.get(state.ENCODING[kind])
    group = st.session_state.get(state.FLAG_GROUP[kind]) if kind in state.FLAG_GROUP else None
    spec = spec_from_layout(layout, table, group, None if encoding in (None, AUTO_ENCODING) else encoding)
    changes = {f"{_FIELD[kind]}_columns": spec}
    chosen_id = choice.side_id(kind)
    if spec is not None and "id" in spec.type_map.values():
        changes[f"{_FIELD[kind]}_id"] = None  # the table's id wins over the id selectbox
    elif chosen_id in layout.table["name"].tolist():  # the id chosen in the selectbox, under its new name
        changes[f"{_FIELD[kind]}_id"] = table["name"].iloc[layout.table["name"].tolist().index(chosen_id)] or None
    st.session_state[state.MAPPING] = (sources_key, dataclasses.replace(choice, **changes))
    st.session_state[state.COLUMNS_GENERATION] = _generation() + 1
    st.session_state.pop(state.COLUMNS_ERROR, None)


def _flag_note(layout: ColumnLayout) -> str | None:
    rows = layout.table[layout.table["type"] == FLAG]
    if rows.empty:
        return None
    span = f"{rows['column'].iloc[0]} to {rows['column'].iloc[-1]}" if len(rows) > 1 else rows["column"].iloc[0]
    text = (f"Columns {span} ({len(rows)}) hold only 0 and 1: they are read as ONE multi-valued category, "
            f"'{layout.flag_group}', whose values are the columns' names.")
    if any(GENERATED.match(n) for n in rows["name"]):
        text += " Name the category and its values below (one value per column, in order)."
    return text


def _render_form(kind: str, layout: ColumnLayout, encoding: str | None) -> None:
    has_flags = bool(_flag_names(layout))
    if kind in state.FLAG_GROUP:
        st.session_state[state.FLAG_GROUP[kind]] = layout.flag_group or "genres"
        st.session_state[state.FLAG_VALUES[kind]] = ", ".join(_flag_names(layout))
    st.session_state[state.ENCODING[kind]] = encoding if encoding in ENCODINGS else AUTO_ENCODING
    with st.form(f"columns_form_{kind}", border=False):
        st.data_editor(
            layout.table, key=state.columns_key(kind, _generation()), hide_index=True, num_rows="fixed",
            height=_ROW_PX * (min(len(layout.table), _MAX_ROWS) + 1) + 3,
            disabled=["column", "detected", "examples"], width="stretch",
            column_config={
                "column": "in the file",
                "name": st.column_config.TextColumn("name", help="The name shown everywhere (empty: the file's)"),
                "type": st.column_config.SelectboxColumn("type", options=TYPES[kind], required=True),
                "detected": "detected as",
            },
        )
        left, middle, right = st.columns([1, 3, 1])
        if kind in state.FLAG_GROUP:
            left.text_input("Name of the flag group", key=state.FLAG_GROUP[kind],
                            help="The one category the 0/1 columns (type 'flag') are read as, e.g. genres")
            middle.text_input("Its values, comma-separated", key=state.FLAG_VALUES[kind], disabled=not has_flags,
                              help="One per flag column, in their order: the category value each column stands for")
        right.selectbox("Text encoding", ENCODINGS, key=state.ENCODING[kind])
        st.form_submit_button("Apply names and types", key=state.COLUMNS_APPLY[kind], on_click=_on_apply,
                              args=(kind,), icon=":material/check:")


def render_columns(outcome: LoadOutcome) -> None:
    """An expander per side file with its column table (open when the file had no header)."""
    choice = outcome.key[1] if len(outcome.key) > 1 else None
    for kind in ("items", "users"):
        layout: ColumnLayout | None = outcome.layouts.get(kind)
        if layout is None:
            continue
        headerless = any(GENERATED.match(str(c)) for c in layout.table["column"])
        spec = choice.columns(kind) if choice is not None else None
        with st.expander(f"Columns of the {kind} file: names and types", expanded=headerless):
            st.caption(
                "Name the columns (a file without a header line has only column_1, column_2, ...), set a column's "
                "type (ignore leaves it out) and the text encoding, then apply: the data reloads. Placeholders "
                "such as 'unknown' or '(no genres listed)' are never a category."
            )
            if layout.error:
                st.error(md_escape(layout.error), icon=":material/error:")
            if note := _flag_note(layout):
                st.info(md_escape(note), icon=":material/lightbulb:")
            _render_form(kind, layout, spec.encoding if spec is not None else None)
            if flags := spec_flags(spec, kind):
                st.caption("The same on the command line (python -m recsys ...):")
                st.code(flags, language="bash", wrap_lines=True)
            held = st.session_state.get(state.COLUMNS_ERROR)
            if held and held[0] == kind:
                st.error(md_escape(held[1]), icon=":material/error:")


def _drop_side(kind: str) -> None:
    sources = dict(st.session_state.get(state.SOURCES) or {})
    sources.pop(kind, None)
    held = st.session_state.get(state.MAPPING)
    st.session_state[state.SOURCES] = sources
    if held is not None:  # keep the other choices, now for the files without this one
        changes = {f"{_FIELD[kind]}_id": None, f"{_FIELD[kind]}_columns": None}
        st.session_state[state.MAPPING] = (current_sources().key, dataclasses.replace(held[1], **changes))
    st.session_state[state.UPLOAD_GENERATION] = st.session_state.get(state.UPLOAD_GENERATION, 0) + 1


def render_side_warnings(outcome: LoadOutcome) -> None:
    """Each side file's load warnings, with a button that drops an uploaded file from the session."""
    for kind in ("items", "users"):
        report = outcome.dataset.reports.get(kind)
        if report is None or not report.warnings:
            continue
        for warning in report.warnings:
            st.warning(md_escape(warning), icon=":material/warning:")
        if not outcome.demo:
            st.button(f"Drop the {kind} file", key=state.DROP_SIDE[kind], on_click=_drop_side, args=(kind,),
                      icon=":material/delete:")
