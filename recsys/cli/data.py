"""``python -m recsys stats`` and the data options every command that loads files shares: how to
read the files (``--sep``, ``--header``, the id columns, ...) and the column names and types of the
items and users files (see ``recsys.data.spec`` for the syntax)."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

from recsys.data.spec import ColumnSpec
from recsys.errors import DataError, Msg
from recsys.output.terminal import echo

__all__ = ["add_column_options", "add_data_files", "add_stats_parser", "column_specs", "load_data", "spec_flags"]

_NAMES_HELP = (
    "names of the {kind} file's columns in file order, comma-separated (an empty name keeps a column's own); "
    "a group of 0/1 flag columns reads as one multi-valued column: genres[unknown|Action|Comedy]"
)
_TYPES_HELP = "column types of the {kind} file, e.g. '{example}' (types: {types})"


def add_column_options(p: argparse.ArgumentParser) -> None:
    """``--item-names --item-types --item-encoding --user-names --user-types --user-encoding --columns-json``."""
    g = p.add_argument_group("columns of the items and users files")
    g.add_argument("--item-names", help=_NAMES_HELP.format(kind="items"))
    g.add_argument("--item-types", help=_TYPES_HELP.format(kind="items", example="release date=date,url=ignore",
                                                            types="id title text categorical multi numeric date "
                                                                  "ignore"))
    g.add_argument("--item-encoding", help="text encoding of the items file (default: UTF-8, else latin-1)")
    g.add_argument("--user-names", help="names of the users file's columns in file order, comma-separated")
    g.add_argument("--user-types", help=_TYPES_HELP.format(kind="users", example="zip=categorical",
                                                            types="id categorical numeric ignore"))
    g.add_argument("--user-encoding", help="text encoding of the users file")
    g.add_argument("--columns-json", help='a JSON file {"items": {"names": [...], "types": {...}, "flags": '
                                          '{...}, "encoding": ...}, "users": {...}}; the flags above override it')


def _read_json(path: str) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise DataError(Msg.BAD_COLUMNS_FILE.format(path=path, detail=err)) from err
    if not isinstance(data, dict) or not set(data) <= {"items", "users"}:
        detail = 'expected an object with the keys "items" and/or "users"'
        raise DataError(Msg.BAD_COLUMNS_FILE.format(path=path, detail=detail))
    return data


def column_specs(args) -> tuple[ColumnSpec | None, ColumnSpec | None]:
    """``(items, users)`` column specs from the parsed flags (``None`` where nothing was given)."""
    data = _read_json(args.columns_json) if getattr(args, "columns_json", None) else {}
    out = []
    for kind, prefix in (("items", "item"), ("users", "user")):
        try:
            base = ColumnSpec.from_dict(data[kind]) if data.get(kind) else None
        except (AttributeError, TypeError, ValueError) as err:
            raise DataError(Msg.BAD_COLUMNS_FILE.format(path=args.columns_json, detail=f"{kind}: {err}")) from err
        out.append(ColumnSpec.from_options(getattr(args, f"{prefix}_names", None), getattr(args, f"{prefix}_types", None),
                                           getattr(args, f"{prefix}_encoding", None), base))
    return out[0], out[1]


def _quote(text: str) -> str:
    """Shell quoting that keeps names like Children's readable (double quotes where they suffice)."""
    if shlex.quote(text) == text or any(c in text for c in '"$`\\!'):
        return shlex.quote(text)
    return f'"{text}"'


def spec_flags(spec: ColumnSpec | None, kind: str) -> str | None:
    """The command-line flags that give ``spec`` (``None`` when it is empty, or when a flag group's
    columns do not follow each other and only ``--columns-json`` can say it)."""
    if spec is None or spec.empty:
        return None
    prefix, names = f"--{kind[:-1]}", list(spec.names)
    for group in spec.flags:
        cols, n = list(group.columns), len(group.columns)
        start = next((i for i in range(len(names) - n + 1) if names[i:i + n] == cols), None)
        if start is None:
            return None
        names[start:start + n] = [f"{group.name}[{'|'.join(cols)}]"]
    parts = [f"{prefix}-names {_quote(','.join(names))}"] if names else []
    if spec.types:
        parts.append(f"{prefix}-types {_quote(','.join(f'{c}={t}' for c, t in spec.types))}")
    if spec.encoding:
        parts.append(f"{prefix}-encoding {_quote(spec.encoding)}")
    return " ".join(parts)


def add_data_files(p: argparse.ArgumentParser, interactions: bool = True) -> None:
    """``--interactions`` (unless given positionally), ``--items``, ``--users`` and the read and column options."""
    if interactions:
        p.add_argument("--interactions", required=True, help="interactions file (CSV, TSV, '|', ';', '::' or Parquet)")
    p.add_argument("--items", help="item metadata file (optional)")
    p.add_argument("--users", help="user attributes file (optional)")
    _add_read_options(p)
    add_column_options(p)


def _add_read_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sep", help="delimiter (sniffed by default), e.g. ',' '\\t' '|' '::'")
    p.add_argument("--encoding", help="text encoding (default: UTF-8, falling back to latin-1)")
    header = p.add_mutually_exclusive_group()
    header.add_argument("--header", dest="header", action="store_true", default=None, help="first line is a header")
    header.add_argument("--no-header", dest="header", action="store_false", help="first line is data")
    p.add_argument("--user-col", help="user id column (detected by default)")
    p.add_argument("--item-col", help="item id column (detected by default)")
    p.add_argument("--rating-col", help="rating or weight column (detected by default; 'none' for implicit data)")
    p.add_argument("--timestamp-col", help="timestamp column (detected by default; 'none' to use file order)")
    p.add_argument("--value-kind", choices=("auto", "rating", "weight"), default="auto",
                   help="read the rating-or-weight column as ratings or as weights (counts such as plays, "
                        "clicks); default: decided from its name and values, the load report says which")
    order = p.add_mutually_exclusive_group()
    order.add_argument("--dayfirst", dest="dayfirst", action="store_true", default=None,
                       help="read dates such as 03/04/2021 day first (default: decided from the data, else month first)")
    order.add_argument("--monthfirst", dest="dayfirst", action="store_false", help="read such dates month first")


def _read_config(args):
    from recsys.data import ColumnMapping, DataConfig

    sep = args.sep.encode().decode("unicode_escape") if args.sep else None
    config = DataConfig(sep=sep, header=args.header, encoding=args.encoding, dayfirst=args.dayfirst,
                        value_kind=getattr(args, "value_kind", "auto"))
    from recsys.data.columns import NO_COLUMN

    def col(value):  # "none" = the file has no such column
        return NO_COLUMN if value is not None and value.lower() == "none" else value

    mapping = ColumnMapping(user=args.user_col, item=args.item_col, rating=col(args.rating_col),
                            timestamp=col(args.timestamp_col))
    return config, mapping


def load_data(args, interactions=None, quiet: bool = False):
    """The ``Dataset`` of the files in ``args`` (``interactions`` overrides ``--interactions``); load
    warnings go to stderr unless ``quiet``."""
    from recsys.data import load_dataset

    config, mapping = _read_config(args)
    item_columns, user_columns = column_specs(args)
    dataset = load_dataset(interactions or args.interactions, args.items, args.users, config=config, mapping=mapping,
                           item_columns=item_columns, user_columns=user_columns)
    for report in dataset.reports.values():
        for warning in [] if quiet else report.warnings:
            echo(f"warning: {warning}", file=sys.stderr, flush=True)
    return dataset


def add_stats_parser(sub) -> None:
    p = sub.add_parser("stats", help="print the load reports and statistics of an interactions file (and items, users)")
    p.add_argument("path", help="interactions file (CSV, TSV, '|', ';', '::' or Parquet)")
    add_data_files(p, interactions=False)
    p.set_defaults(func=_cmd_stats)


def _cmd_stats(args) -> int:
    from recsys.data import dataset_stats, load_interactions

    if args.items or args.users:
        dataset = load_data(args, args.path, quiet=True)
        frame, reports = dataset.interactions, list(dataset.reports.values())
    else:
        config, mapping = _read_config(args)
        frame, report, _ = load_interactions(args.path, mapping, config)
        reports = [report]
    for report in reports:
        echo(report)
    echo()
    echo(dataset_stats(frame).table().to_string(index=False))
    return 0
