"""The columns of an items or users file as the Data page lists them for naming and typing.

One row per column of the file, in file order: its name in the file, the name and type in use,
what detection alone would make of it, and a few example values. ``spec_from_layout`` turns an
edited copy of that table back into a ``ColumnSpec``: names that differ from the file's, types
that differ from detection's, and the rows typed ``flag`` as one flag group (its values are
those rows' names).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from recsys.data.columns import ItemSchema, UserSchema
from recsys.data.readers import RawTable
from recsys.data.spec import ColumnSpec, FlagGroup, apply_names, item_schema, user_schema
from recsys.errors import DataError

__all__ = ["ColumnLayout", "describe_columns", "spec_from_layout", "FLAG"]

FLAG = "flag"
LAYOUT_COLUMNS = ["column", "name", "type", "detected", "examples"]


@dataclass(frozen=True)
class ColumnLayout:
    """Attributes:
        table: ``column`` (as in the file), ``name``, ``type`` (in use), ``detected`` (detection's
            type, with its reason when a column is not used), ``examples``.
        detected_types: Detection's type per row (``table.detected`` without the reason).
        flag_group: Name of the flag group (``None`` without flag columns).
        error: Why the user's spec could not be applied (the table then shows detection alone).
    """

    table: pd.DataFrame
    detected_types: tuple[str, ...]
    flag_group: str | None = None
    error: str | None = None


def _types(schema, frame_columns) -> dict[str, str]:
    out = {schema.id: "id"}
    if isinstance(schema, ItemSchema):
        out |= {schema.title: "title"} | {c: "text" for c in schema.text} | {c: "multi" for c in schema.multi}
        out |= {c: FLAG for c in schema.flags} | {c: "date" for c in schema.dates}
    out |= {c: "categorical" for c in schema.categorical} | {c: "numeric" for c in schema.numeric}
    out |= {c: "ignore" for c in schema.ignored}
    return {c: out.get(c, "ignore") for c in frame_columns}


def _roles(table: RawTable, spec: ColumnSpec | None, kind: str, given_id: str | None):
    """``(type per column after naming, schema)``, flag-group columns typed ``flag``."""
    named, _ = apply_names(table, spec, kind)
    if kind == "items":
        schema = item_schema(named.frame, ItemSchema(id=given_id), spec, table.name, table.sep)
    else:
        schema = user_schema(named.frame, UserSchema(id=given_id), spec, table.name)
    types = _types(schema, named.frame.columns)
    for group in spec.flags if spec else ():
        types |= {c: FLAG for c in group.columns}
    return types, schema


def describe_columns(table: RawTable, spec: ColumnSpec | None, kind: str, given_id: str | None = None) -> ColumnLayout:
    """The layout of ``table`` (read without the spec's renames) under ``spec``."""
    file_names = [str(c) for c in table.frame.columns]
    error = None
    try:
        names = [n or f for n, f in zip([*(spec.names if spec else ()), *[""] * len(file_names)], file_names)]
        types, schema = _roles(table, spec, kind, given_id)
    except DataError as err:  # shown beside the table; the load itself reports it as the error
        spec, names, error = None, file_names, str(err)
        types, schema = _roles(table, None, kind, given_id)
    plain = ColumnSpec(names=spec.names) if spec else None  # detection alone, on the names in use
    detected_types, detected_schema = _roles(table, plain, kind, given_id)
    named = table.frame.set_axis(names, axis=1)
    groups = [g.name for g in spec.flags] if spec else []
    detected = []
    for n in names:
        why = detected_schema.ignored.get(n)
        detected.append(detected_types.get(n, "ignore") + (f" ({why})" if why and why != "type set to ignore" else ""))
    examples = [", ".join(map(str, pd.unique(named[n].dropna())[:3])) for n in names]
    frame = pd.DataFrame({"column": file_names, "name": names, "type": [types.get(n, "ignore") for n in names],
                          "detected": detected, "examples": examples}, columns=LAYOUT_COLUMNS)
    has_flags = (frame["type"] == FLAG).any()
    group = (groups[0] if groups else getattr(schema, "flag_group", None)) if has_flags else None
    return ColumnLayout(frame, tuple(detected_types.get(n, "ignore") for n in names), group, error)


def spec_from_layout(layout: ColumnLayout, edited: pd.DataFrame, flag_group: str | None = None,
                     encoding: str | None = None) -> ColumnSpec | None:
    """The ``ColumnSpec`` an edited layout table stands for (``None`` when it asks for nothing).

    Args:
        layout: The layout the user saw. edited: Its table with ``name`` and ``type`` edited.
        flag_group: Name for the rows typed ``flag`` (default: the layout's, else ``"genres"``).
        encoding: The file's text encoding (``None``: automatic).
    """
    files = edited["column"].astype(str).tolist()
    names = [str(n).strip() if isinstance(n, str) and n.strip() else f for n, f in zip(edited["name"], files)]
    kinds = [str(t) if isinstance(t, str) and t else d for t, d in zip(edited["type"], layout.detected_types)]
    flags = [n for n, t in zip(names, kinds) if t == FLAG]
    group = (flag_group or "").strip() or layout.flag_group or "genres"
    spec = ColumnSpec(
        names=tuple(n if n != f else "" for n, f in zip(names, files)) if names != files else (),
        types=tuple((n, t) for n, t, d in zip(names, kinds, layout.detected_types) if t != d and t != FLAG),
        flags=(FlagGroup(group, tuple(flags)),) if flags else (),
        encoding=encoding or None,
    )
    return None if spec.empty else spec
