"""Command-line flags for column names and types of the items and users files (shared by every
command that loads data; see ``recsys.data.spec`` for the syntax)."""

from __future__ import annotations

import argparse
import json
import shlex
from pathlib import Path

from recsys.data.spec import ColumnSpec
from recsys.errors import DataError, Msg

__all__ = ["add_column_options", "column_specs", "spec_flags"]

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
