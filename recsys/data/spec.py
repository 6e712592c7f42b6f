"""Column names and types chosen by the user for an items or users file: ``ColumnSpec``.

A headerless file's columns are ``column_1``, ``column_2``... (see ``read_table``); those names
would otherwise reach the explanations, the Fairness page and the CSV exports. A ``ColumnSpec``
names the columns (or renames a header's), sets a column's type, reads a group of 0/1 flag
columns as ONE multi-valued column, and sets the file's text encoding. The CLI
(``--item-names``, ``--item-types``, ``--columns-json``, see ``recsys.cli.data``) and the Data
page build the same object; ``load_items`` / ``load_users`` apply it before detecting the other
columns, note every choice in the load report, and saved runs keep it in ``schemas.json``.

Names, in file order, comma-separated; an empty name keeps the column's own name; a flag group
``genres[unknown|Action|Adventure]`` names as many 0/1 columns as it has values, and they are read
as one column ``genres`` whose values are the flag columns' names::

    id,title,release date,video release date,IMDb URL,genres[unknown|Action|...|Western]

Types: items ``id title text categorical multi numeric date ignore``; users ``id categorical
numeric ignore``. Columns without a type are detected as before.

Placeholders such as ``unknown``, ``(no genres listed)`` or ``n/a`` say that a value is missing:
they are never a category (``is_placeholder``), whether they come as a value or as a flag's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from recsys.data.columns import ItemSchema, UserSchema, detect_item_columns, detect_user_columns
from recsys.data.profile import multi_separator, profile
from recsys.data.readers import RawTable
from recsys.errors import DataError, Msg

__all__ = [
    "ColumnSpec", "FlagGroup", "GENERATED", "ITEM_TYPES", "USER_TYPES", "FLAG_SEP", "apply_names", "is_placeholder",
    "item_schema", "user_schema", "split_names",
]

ITEM_TYPES = ("id", "title", "text", "categorical", "multi", "numeric", "date", "ignore")
USER_TYPES = ("id", "categorical", "numeric", "ignore")
FLAG_SEP = "|"
_SYNONYMS = {"category": "categorical", "number": "numeric", "ignored": "ignore", "multi-valued": "multi",
             "description": "text", "dates": "date"}
_PLACEHOLDER = re.compile(
    r"^[(\[]?\s*(unknown|n/?a|none|no .+ listed|not (available|specified|known|listed)|unspecified|undefined)"
    r"\s*[)\]]?$", re.IGNORECASE)
GENERATED = re.compile(r"^column_\d+$")
"""Names ``read_table`` gives the columns of a headerless file."""
_GROUP = re.compile(r"^(?P<name>[^\[\]]+)\[(?P<values>[^\[\]]*)\]$")


def is_placeholder(value) -> bool:
    """``unknown``, ``(no genres listed)``, ``n/a``... : a missing value, not a category."""
    return isinstance(value, str) and bool(_PLACEHOLDER.match(value.strip()))


@dataclass(frozen=True)
class FlagGroup:
    """0/1 columns read together as the multi-valued column ``name``; each flag column's name is
    the value it stands for (``Action``), so an item with flags Action=1, Comedy=1 gets
    ``["Action", "Comedy"]``."""

    name: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class ColumnSpec:
    """A user's column choices for one file. Empty fields mean "detect".

    Attributes:
        names: New column names in file order (``""`` keeps a column's name); fewer names than
            columns leave the rest as they are.
        types: ``(column, type)`` pairs, the column by its (new) name; see ``ITEM_TYPES``.
        flags: Groups of 0/1 columns (by their new names) read as one multi-valued column each.
        encoding: The file's text encoding (``None``: UTF-8, falling back to latin-1).
    """

    names: tuple[str, ...] = ()
    types: tuple[tuple[str, str], ...] = ()
    flags: tuple[FlagGroup, ...] = ()
    encoding: str | None = None

    @property
    def type_map(self) -> dict[str, str]:
        return dict(self.types)

    @property
    def empty(self) -> bool:
        return not (self.names or self.types or self.flags or self.encoding)

    def to_dict(self) -> dict:
        """JSON-ready; ``ColumnSpec.from_dict`` reads it back (and the ``--columns-json`` file)."""
        return {"names": list(self.names), "types": dict(self.types),
                "flags": {g.name: list(g.columns) for g in self.flags}, "encoding": self.encoding}

    @classmethod
    def from_dict(cls, data: dict) -> ColumnSpec:
        """From ``{"names": [...] or "a,b,...", "types": {col: type} or "col=type,...",
        "flags": {group: [columns]}, "encoding": "latin-1"}`` (every key optional)."""
        raw_names = data.get("names") or []
        names, flags = _parse_names(split_names(raw_names) if isinstance(raw_names, str) else list(raw_names))
        flags += tuple(FlagGroup(str(k), tuple(map(str, v))) for k, v in (data.get("flags") or {}).items())
        types = data.get("types") or {}
        pairs = _parse_types(types) if isinstance(types, str) else [(str(k), _type(v)) for k, v in types.items()]
        return cls(tuple(names), tuple(pairs), flags, data.get("encoding") or None)

    @classmethod
    def from_options(cls, names: str | None = None, types: str | None = None, encoding: str | None = None,
                     base: ColumnSpec | None = None) -> ColumnSpec | None:
        """From CLI strings (``--item-names``, ``--item-types``, ``--item-encoding``) over ``base``
        (from the JSON file); ``None`` when nothing is given."""
        spec = base or cls()
        if names:
            parsed, flags = _parse_names(split_names(names))
            spec = replace(spec, names=tuple(parsed), flags=flags)
        if types:
            spec = replace(spec, types=tuple((dict(spec.types) | dict(_parse_types(types))).items()))
        if encoding:
            spec = replace(spec, encoding=encoding)
        return None if spec.empty else spec


def split_names(text: str) -> list[str]:
    """Comma-separated names, keeping the commas inside ``group[...]`` brackets together."""
    out, depth, current = [], 0, ""
    for ch in text:
        depth += (ch == "[") - (ch == "]")
        if ch == "," and depth == 0:
            out.append(current)
            current = ""
        else:
            current += ch
    return [*out, current]


def _parse_names(entries: list[str]) -> tuple[list[str], tuple[FlagGroup, ...]]:
    names, flags = [], []
    for entry in entries:
        entry = str(entry).strip()
        match = _GROUP.match(entry)
        if match:
            values = [v.strip() for v in re.split(r"[|;]", match["values"]) if v.strip()]
            names += values
            flags.append(FlagGroup(match["name"].strip(), tuple(values)))
        else:
            names.append(entry)
    return names, tuple(flags)


def _type(value) -> str:
    value = str(value).strip().lower()
    return _SYNONYMS.get(value, value)


def _parse_types(text: str) -> list[tuple[str, str]]:
    pairs = []
    for part in (p for p in text.split(",") if p.strip()):
        column, _, kind = part.rpartition("=")
        pairs.append((column.strip(), _type(kind)))
    return pairs


# ---------------------------------------------------------------- applying a spec to a table


def _rename(frame: pd.DataFrame, names, kind: str, file: str, flags) -> tuple[pd.DataFrame, str]:
    if len(names) > frame.shape[1]:
        raise DataError(Msg.TOO_MANY_NAMES.format(given=len(names), kind=kind, name=file, count=frame.shape[1]))
    old = [str(c) for c in frame.columns]
    new = [n.strip() or o for n, o in zip([*names, *[""] * (len(old) - len(names))], old)]
    repeated = next((n for i, n in enumerate(new) if n in new[:i]), None)
    if repeated is not None:
        raise DataError(Msg.REPEATED_NAME.format(column=repeated, kind=kind, name=file))
    in_groups = {c for g in flags for c in g.columns}  # the group's own note names them
    renamed = [f"{o} = '{n}'" for o, n in zip(old, new) if o != n and n not in in_groups]
    return frame.set_axis(new, axis=1), "columns named by you: " + ", ".join(renamed)


def _collapse(frame: pd.DataFrame, group: FlagGroup, file: str, rows) -> tuple[pd.DataFrame, str]:
    """The group's 0/1 columns replaced by one column of ``FLAG_SEP``-joined names, in place of the first."""
    cols = list(group.columns)
    for c in cols:
        if c not in frame.columns:
            raise DataError(Msg.UNKNOWN_COLUMN.format(column=c, role=f"a flag of '{group.name}'", name=file,
                                                      columns=", ".join(map(str, frame.columns))))
        if FLAG_SEP in c:
            raise DataError(Msg.BAD_FLAG_NAME.format(column=c, group=group.name))
    if group.name in frame.columns and group.name not in cols:
        raise DataError(Msg.REPEATED_NAME.format(column=group.name, kind="items", name=file))
    values = frame[cols].apply(lambda col: pd.to_numeric(col, errors="coerce"))
    bad = ~(values.isin([0, 1]) | frame[cols].isna()).to_numpy()
    if bad.any():
        r, c = (int(x[0]) for x in np.nonzero(bad))
        raise DataError(Msg.NOT_FLAGS.format(column=cols[c], name=file, group=group.name,
                                             value=frame[cols[c]].iloc[r], row=int(rows[r])))
    on = values.fillna(0).to_numpy() > 0
    names = np.asarray(cols, dtype=object)
    position = list(frame.columns).index(cols[0])
    position -= sum(list(frame.columns).index(c) < position for c in cols)
    joined = [FLAG_SEP.join(names[row]) for row in on]
    frame = frame.drop(columns=cols)
    frame.insert(position, group.name, joined)
    return frame, f"'{group.name}': {len(cols)} 0/1 columns read as one category, a value per column ({', '.join(cols)})"


def apply_names(table: RawTable, spec: ColumnSpec | None, kind: str) -> tuple[RawTable, list[str]]:
    """Rename the columns and collapse the flag groups; returns the table and report notes.

    Raises:
        DataError: too many or repeated names, a flag column that is missing or not 0/1, or flag
            groups in a users file.
    """
    if spec is None:
        return table, []
    frame, notes = table.frame, []
    if spec.names:
        frame, note = _rename(frame, spec.names, kind, table.name, spec.flags)
        notes.append(note)
    if spec.flags and kind != "items":
        raise DataError(Msg.FLAGS_ONLY_FOR_ITEMS)
    for group in spec.flags:
        frame, note = _collapse(frame, group, table.name, table.row_numbers)
        notes.append(note)
    if spec.types:
        notes.append("types set by you: " + ", ".join(f"'{c}' {t}" for c, t in spec.types))
    return replace(table, frame=frame), notes


def _typed(frame: pd.DataFrame, spec: ColumnSpec | None, allowed, kind: str, file: str) -> dict[str, str]:
    types = {g.name: "multi" for g in spec.flags} if spec else {}
    for column, kind_of in (spec.types if spec else ()):
        if kind_of not in allowed:
            raise DataError(Msg.BAD_COLUMN_TYPE.format(type=kind_of, kind=kind, column=column,
                                                       allowed=", ".join(allowed)))
        if column not in frame.columns:
            raise DataError(Msg.UNKNOWN_COLUMN.format(column=column, role=kind_of, name=file,
                                                      columns=", ".join(map(str, frame.columns))))
        types[column] = kind_of
    return types


def _separator(frame: pd.DataFrame, column: str, file_sep: str | None, flag_groups) -> str:
    if column in flag_groups:
        return FLAG_SEP
    found = multi_separator(profile(frame[column]), file_sep)
    text = frame[column].dropna().astype(str)
    return found or next((s for s in (FLAG_SEP, ",", ";", "/") if text.str.contains(s, regex=False).any()), FLAG_SEP)


def item_schema(frame: pd.DataFrame, given: ItemSchema | None, spec: ColumnSpec | None, name: str = "items",
                file_sep: str | None = None) -> ItemSchema:
    """The items file's column roles: the spec's types, the rest detected (``detect_item_columns``)."""
    types = _typed(frame, spec, ITEM_TYPES, "items", name)
    given = given or ItemSchema()
    for role in ("id", "title"):
        chosen = [c for c, t in types.items() if t == role]
        if chosen:
            given = replace(given, **{role: chosen[0]})
    rest = [c for c, t in types.items() if t not in ("id", "title")]
    schema = detect_item_columns(frame.drop(columns=rest), given, name, file_sep)
    pick = {t: tuple(c for c in rest if types[c] == t) for t in ("text", "categorical", "numeric", "date")}
    groups = {g.name for g in spec.flags} if spec else set()
    return replace(
        schema, text=schema.text + pick["text"], categorical=schema.categorical + pick["categorical"],
        numeric=schema.numeric + pick["numeric"], dates=schema.dates + pick["date"],
        multi=schema.multi | {c: _separator(frame, c, file_sep, groups) for c in rest if types[c] == "multi"},
        ignored=schema.ignored | {c: "type set to ignore" for c in rest if types[c] == "ignore"},
    )


def user_schema(frame: pd.DataFrame, given: UserSchema | None, spec: ColumnSpec | None,
                name: str = "users") -> UserSchema:
    """The users file's column roles: the spec's types, the rest detected (``detect_user_columns``)."""
    types = _typed(frame, spec, USER_TYPES, "users", name)
    given = given or UserSchema()
    chosen = [c for c, t in types.items() if t == "id"]
    if chosen:
        given = replace(given, id=chosen[0])
    rest = [c for c, t in types.items() if t != "id"]
    schema = detect_user_columns(frame.drop(columns=rest), given, name)
    return replace(
        schema, categorical=schema.categorical + tuple(c for c in rest if types[c] == "categorical"),
        numeric=schema.numeric + tuple(c for c in rest if types[c] == "numeric"),
        ignored=schema.ignored | {c: "type set to ignore" for c in rest if types[c] == "ignore"},
    )
