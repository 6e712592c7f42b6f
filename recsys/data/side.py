"""Load item metadata and user attributes, matched against the interactions' ids.

Policy: rows without an id are dropped; a repeated id keeps its first row; if *no* id matches
the interactions the load stops (wrong file or wrong id column), if fewer than
``DataConfig.min_side_match`` of the interactions' ids are in the file the report warns (it may
belong to other data); items that nobody interacted with are kept (cold-start items, they can
still be recommended by their text), users without interactions are dropped; ids in the
interactions missing from the file are noted (their attributes read as unknown). Column names,
types, flag groups and the encoding the user chose (``recsys.data.spec.ColumnSpec``) are applied
first; placeholders such as ``unknown`` or ``(no genres listed)`` are read as no value. Missing
categories (an empty cell or a spelling of "missing" such as ``NA`` or ``?``) read as
``unknown``, counted per column; spaces around ids are removed and counted; dates follow the
rules of ``recsys.data.dates``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from recsys.data.columns import ItemSchema, UserSchema
from recsys.data.config import DataConfig
from recsys.data.dates import parse_dates
from recsys.data.interactions import MISSING_RULE, normalize_ids, report_spaced_ids
from recsys.data.readers import RawTable, read_table
from recsys.data.report import LoadReport
from recsys.data.spec import GENERATED, ColumnSpec, apply_names, is_placeholder, item_schema, user_schema
from recsys.errors import DataError, Msg

__all__ = ["ItemTable", "UserTable", "load_items", "load_users"]

UNKNOWN = "unknown"


@dataclass
class ItemTable:
    """Item metadata, one row per item id.

    Attributes:
        frame: Indexed by item id (str). Columns: ``title`` (str), ``text`` (str, the free-text
            columns joined), each categorical column (str), each multi-valued column and the
            flag group (``list[str]``), each numeric column and date column (float; dates as
            a fractional year).
        schema: The column roles used.
    """

    frame: pd.DataFrame
    schema: ItemSchema

    @property
    def category_columns(self) -> list[str]:
        """Columns usable as item groups: multi-valued first (genres), then categorical."""
        multi = list(self.schema.multi) + ([self.schema.flag_group] if self.schema.flags else [])
        return multi + list(self.schema.categorical)

    @property
    def multi_columns(self) -> list[str]:
        return list(self.schema.multi) + ([self.schema.flag_group] if self.schema.flags else [])

    @property
    def numeric_columns(self) -> list[str]:
        return list(self.schema.numeric) + list(self.schema.dates)

    def titles(self, ids) -> list[str]:
        """Titles for raw ids; the id itself where no title is known."""
        titles = self.frame["title"].reindex(pd.Index([str(i) for i in ids]))
        return [t if isinstance(t, str) and t else str(i) for i, t in zip(ids, titles)]

    def categories(self, column: str) -> pd.Series:
        """``list[str]`` per item for a categorical or multi-valued column."""
        col = self.frame[column]
        if column in self.multi_columns:
            return col
        return col.map(lambda v: [v] if isinstance(v, str) and v != UNKNOWN else [])


@dataclass
class UserTable:
    """User attributes, one row per user id (str index); categorical as str, numeric as float."""

    frame: pd.DataFrame
    schema: UserSchema

    @property
    def attributes(self) -> list[str]:
        return list(self.schema.categorical) + list(self.schema.numeric)


def _ids_and_dedupe(table: RawTable, id_col: str, kind: str, report: LoadReport) -> pd.DataFrame:
    frame = table.frame.reset_index(drop=True)
    frame.index = table.row_numbers
    report_spaced_ids(frame[id_col], kind, report)
    ids = normalize_ids(frame[id_col])
    missing = ids.isna()
    report.drop(f"missing {kind} id", int(missing.sum()), list(frame.index[missing][:5]))
    frame, ids = frame[~missing], ids[~missing]
    dup = ids.duplicated(keep="first")
    report.drop(f"repeated {kind} id (kept the first row)", int(dup.sum()), list(frame.index[dup][:5]))
    frame = frame[~dup.to_numpy()]
    frame.index = pd.Index(ids[~dup].astype(str).to_numpy(), name=kind)
    return frame


def _match(frame: pd.DataFrame, known, kind: str, id_col: str, name: str, report: LoadReport,
           config: DataConfig) -> np.ndarray | None:
    if known is None:
        return None
    known = pd.Index(pd.unique(pd.Series(known).astype(str)))
    hit = frame.index.isin(known)
    if not hit.any():
        raise DataError(Msg.IDS_MATCH_NOTHING.format(
            n=len(frame), kind=kind, name=name, column=id_col,
            file_examples=list(frame.index[:3]), inter_examples=list(known[:3]),
        ))
    absent = int((~known.isin(frame.index)).sum())
    if len(known) - absent < config.min_side_match * len(known):
        report.warn(Msg.FEW_SIDE_IDS_MATCH.format(share=(len(known) - absent) / len(known), kind=kind,
                                                  hit=len(known) - absent, total=len(known), name=name))
    if absent:
        report.note(f"{absent} {kind}s in the interactions are not in this file (attributes read as '{UNKNOWN}')")
    return hit


def _placeholders(column: str, found: pd.Series, report: LoadReport) -> None:
    """Note the placeholder values read as "no value" (``found``: the placeholder or None per row)."""
    found = found.dropna()
    if len(found):
        shown = ", ".join(f"'{v}'" for v in pd.unique(found)[:3])
        rows = f"{len(found):,} row" + ("s" if len(found) != 1 else "")
        report.note(f"'{column}': {shown} read as no value, not a category ({rows})")


def _categorical(col: pd.Series, column: str, report: LoadReport) -> pd.Series:
    text = col.astype("string").str.strip()
    missing = (text.isna() | (text == "")).to_numpy(dtype=bool)
    report.fix(f"'{column}': missing values ({MISSING_RULE}) read as '{UNKNOWN}'", int(missing.sum()),
               list(col.index[missing][:5]))
    values = text.fillna(UNKNOWN).replace("", UNKNOWN).astype(object)
    ph = values.map(lambda v: is_placeholder(v) and v != UNKNOWN)
    _placeholders(column, values.where(ph), report)
    return values.mask(ph, UNKNOWN)


def _multi(col: pd.Series, sep: str, column: str, report: LoadReport) -> pd.Series:
    """``list[str]`` per row (a plain object column: pandas would otherwise infer an Arrow list type)."""
    lists = [[t.strip() for t in str(v).split(sep) if t.strip()] for v in col.astype("string").fillna("")]
    dropped = [next((t for t in row if is_placeholder(t)), None) for row in lists]
    _placeholders(column, pd.Series(dropped, dtype=object), report)
    return pd.Series([[t for t in row if not is_placeholder(t)] for row in lists], index=col.index, dtype=object)


def _numeric(col: pd.Series, column: str, report: LoadReport) -> pd.Series:
    values = pd.to_numeric(col, errors="coerce")
    bad = values.isna() & col.notna()
    report.fix(f"'{column}': non-numeric values read as missing", int(bad.sum()), list(col.index[bad][:5]))
    return values.astype(float)


def _read(source, kind: str, config: DataConfig, columns: ColumnSpec | None, read_options: dict):
    opts = {"sep": config.sep, "header": config.header, "encoding": config.encoding} | read_options
    if columns is not None and columns.encoding:
        opts["encoding"] = columns.encoding
    table = read_table(source, config=config, **opts)
    report = LoadReport(source=table.name, kind=kind, rows_read=table.rows_read)
    for note in table.notes:
        report.note(note)
    if columns is not None and columns.encoding:
        report.note(f"encoding set to {columns.encoding}")
    report.drop("lines with more fields than the header", len(table.bad_lines), table.bad_lines)
    table, notes = apply_names(table, columns, kind)
    for note in notes:
        report.note(note)
    return table, report


def _side_frame(source, kind: str, known_ids, detect: Callable[[RawTable], ItemSchema | UserSchema],
                config: DataConfig, columns: ColumnSpec | None, read_options: dict):
    """What both loaders start with: read (with the user's column choices), detect the schema
    (``detect(table)``), one row per id, match against the interactions' ids.

    Returns:
        ``(frame indexed by id, schema, hit, report)``; ``hit`` is ``[rows]`` bool (in the
        interactions) or ``None`` without ``known_ids``.
    """
    table, report = _read(source, f"{kind}s", config, columns, read_options)
    schema = detect(table)
    frame = _ids_and_dedupe(table, schema.id, kind, report)
    hit = _match(frame, known_ids, kind, schema.id, table.name, report, config)
    return frame, schema, hit, report


def _finish(out: pd.DataFrame, schema: ItemSchema | UserSchema, report: LoadReport) -> None:
    for c, why in schema.ignored.items():
        report.note(f"'{c}' not used: {why}")
    report.rows_kept = len(out)


def _title_and_text(frame: pd.DataFrame, schema: ItemSchema, report: LoadReport) -> pd.DataFrame:
    """``title`` (the id where there is no title column) and ``text`` (the free-text columns joined)."""
    out = pd.DataFrame(index=frame.index)
    if schema.title:
        out["title"] = frame[schema.title].astype("string").str.strip().fillna("").astype(object)
    else:
        out["title"] = list(frame.index)
        report.note("no title column found; item ids are shown as titles")
    text_cols = [c for c in schema.text]
    out["text"] = (
        frame[text_cols].astype("string").fillna("").agg(" ".join, axis=1).str.strip().astype(object)
        if text_cols else ""
    )
    return out


def _flag_group(frame: pd.DataFrame, schema: ItemSchema, report: LoadReport) -> tuple[ItemSchema, pd.Series]:
    """The 0/1 flag columns read together as one ``list[str]`` column; the schema names it."""
    group = schema.flag_group
    while group in frame.columns and group not in schema.flags:  # never overwrite a real column
        group += "_flags"
    if group != schema.flag_group:
        schema = replace(schema, flag_group=group)
    flags = frame[list(schema.flags)].apply(pd.to_numeric, errors="coerce").fillna(0).to_numpy() > 0
    placeholder = np.array([is_placeholder(c) for c in schema.flags], dtype=bool)
    first = [next((c for c, on in zip(schema.flags, row & placeholder) if on), None) for row in flags]
    _placeholders(schema.flag_group, pd.Series(first, dtype=object), report)
    names = np.asarray(schema.flags, dtype=object)
    values = pd.Series([list(names[row & ~placeholder]) for row in flags], index=frame.index, dtype=object)
    report.note(f"{len(schema.flags)} 0/1 columns read together as '{schema.flag_group}'")
    if any(GENERATED.match(c) for c in schema.flags):
        report.note(f"the values of '{schema.flag_group}' are the flag columns' names ({schema.flags[0]}, ...): "
                    "name them on the Data page, or with --item-names")
    return schema, values


def _dates(col: pd.Series, column: str, config: DataConfig, report: LoadReport) -> pd.Series:
    """Dates as a fractional year (float)."""
    dates, notes = parse_dates(col, config.dayfirst, column)
    report.note(f"'{column}': dates read as a fractional year")
    for note, count in notes:
        report.note(note, count)
    bad = (dates.isna() & col.notna()).to_numpy(dtype=bool)
    report.fix(f"'{column}': values that are not dates read as missing", int(bad.sum()), list(col.index[bad][:5]))
    return (dates.dt.year + (dates.dt.day_of_year - 1) / 365.25).astype(float)


def load_items(
    source, known_ids=None, schema: ItemSchema | None = None, config: DataConfig = DataConfig(),
    columns: ColumnSpec | None = None, **read_options
) -> tuple[ItemTable, LoadReport]:
    """Read an items file (id, title, text, categories, flags, numbers).

    Args:
        source: What ``read_table`` accepts.
        known_ids: Item ids of the interactions, to match against (``None`` skips matching).
        schema: Column roles to force; the rest are detected.
        columns: Column names, types, flag groups and encoding chosen by the user.
    """
    forced = schema
    frame, schema, hit, report = _side_frame(
        source, "item", known_ids, lambda t: item_schema(t.frame, forced, columns, t.name, t.sep), config, columns,
        read_options)
    if hit is not None and (~hit).any():
        report.note(f"{int((~hit).sum())} items have no interactions; kept as cold-start items")
    out = _title_and_text(frame, schema, report)
    for c in schema.categorical:
        out[c] = _categorical(frame[c], c, report)
    for c, sep in schema.multi.items():
        out[c] = _multi(frame[c], sep, c, report).set_axis(out.index)
    if schema.flags:
        schema, flags = _flag_group(frame, schema, report)
        out[schema.flag_group] = flags
    for c in schema.numeric:
        out[c] = _numeric(frame[c], c, report)
    for c in schema.dates:
        out[c] = _dates(frame[c], c, config, report)
    _finish(out, schema, report)
    return ItemTable(out, schema), report


def load_users(
    source, known_ids=None, schema: UserSchema | None = None, config: DataConfig = DataConfig(),
    columns: ColumnSpec | None = None, **read_options
) -> tuple[UserTable, LoadReport]:
    """Read a users file (id, categorical and numeric attributes); keeps users with interactions.

    ``columns``: column names, types and encoding chosen by the user (no flag groups).
    """
    forced = schema
    frame, schema, hit, report = _side_frame(
        source, "user", known_ids, lambda t: user_schema(t.frame, forced, columns, t.name), config, columns,
        read_options)
    if hit is not None and (~hit).any():
        rows = [str(i) for i in frame.index[~hit][:5]]
        report.drop("user has no interactions left after cleaning the interactions file", int((~hit).sum()), rows)
        frame = frame[hit]
    out = pd.DataFrame(index=frame.index)
    for c in schema.categorical:
        out[c] = _categorical(frame[c], c, report)
    for c in schema.numeric:
        out[c] = _numeric(frame[c], c, report)
    _finish(out, schema, report)
    return UserTable(out, schema), report
