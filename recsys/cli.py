"""``python -m recsys COMMAND``: everything the app does, from the command line."""

from __future__ import annotations

import argparse
import sys

from recsys.errors import RecLensError

__all__ = ["main", "build_parser"]


def _add_read_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sep", help="delimiter (sniffed by default), e.g. ',' '\\t' '|' '::'")
    p.add_argument("--encoding", help="text encoding (default: UTF-8, falling back to latin-1)")
    header = p.add_mutually_exclusive_group()
    header.add_argument("--header", dest="header", action="store_true", default=None, help="first line is a header")
    header.add_argument("--no-header", dest="header", action="store_false", help="first line is data")
    p.add_argument("--user-col", help="user id column (detected by default)")
    p.add_argument("--item-col", help="item id column (detected by default)")
    p.add_argument("--rating-col", help="rating or weight column (detected by default)")
    p.add_argument("--timestamp-col", help="timestamp column (detected by default)")


def _read_config(args):
    from recsys.data import ColumnMapping, DataConfig

    sep = args.sep.encode().decode("unicode_escape") if args.sep else None
    config = DataConfig(sep=sep, header=args.header, encoding=args.encoding)
    mapping = ColumnMapping(user=args.user_col, item=args.item_col, rating=args.rating_col, timestamp=args.timestamp_col)
    return config, mapping


def _cmd_stats(args) -> int:
    from recsys.data import dataset_stats, load_interactions

    config, mapping = _read_config(args)
    frame, report, _ = load_interactions(args.path, mapping, config)
    print(report)
    print()
    print(dataset_stats(frame).table().to_string(index=False))
    return 0


def _cmd_demo_data(args) -> int:
    from recsys.data.demo import write_demo

    for path in write_demo(args.out, seed=args.seed):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from recsys.data.demo import DEMO_SEED

    parser = argparse.ArgumentParser(prog="python -m recsys", description="RecLens: explainable recommendation.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("stats", help="print statistics of an interactions file")
    p.add_argument("path", help="interactions file (CSV, TSV, '|', ';', '::' or Parquet)")
    _add_read_options(p)
    p.set_defaults(func=_cmd_stats)
    p = sub.add_parser("demo-data", help="regenerate the bundled demo data (deterministic)")
    p.add_argument("--out", default="assets/demo", help="output folder (default: assets/demo)")
    p.add_argument("--seed", type=int, default=DEMO_SEED, help=f"random seed (default: {DEMO_SEED})")
    p.set_defaults(func=_cmd_demo_data)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except RecLensError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
