"""``python -m recsys COMMAND``: everything the app does, from the command line.

One module per command group: ``data`` (stats, and the data options every command shares),
``train``, ``evaluate`` (evaluate, compare), ``recommend``, ``explain`` (explain, explain-global),
``fairness`` (audit), ``text`` (similar), ``demo`` (demo-run, demo-data). The commands import their
packages when they run, so building the parser stays cheap.
"""

from __future__ import annotations

import argparse
import sys

from recsys.errors import RecLensError
from recsys.output.terminal import echo

__all__ = ["main", "build_parser"]


def build_parser(only_stats: bool = False) -> argparse.ArgumentParser:
    """The parser of every command; with ``only_stats``, of ``stats`` alone (the other commands'
    defaults come from packages that import TensorFlow, seconds before a file is even opened)."""
    from recsys.cli.data import add_stats_parser

    parser = argparse.ArgumentParser(prog="python -m recsys", description="RecLens: explainable recommendation.")
    sub = parser.add_subparsers(dest="command", required=True)
    add_stats_parser(sub)
    if only_stats:
        return parser
    from recsys.cli.demo import add_demo_data_parser, add_demo_run_parser
    from recsys.cli.evaluate import add_compare_parser, add_evaluate_parser
    from recsys.cli.explain import add_explain_global_parser, add_explain_parser
    from recsys.cli.fairness import add_audit_parser
    from recsys.cli.recommend import add_recommend_parser
    from recsys.cli.text import add_similar_parser
    from recsys.cli.train import add_train_parser

    for add in (add_train_parser, add_evaluate_parser, add_recommend_parser, add_explain_parser, add_compare_parser,
                add_explain_global_parser, add_audit_parser, add_similar_parser, add_demo_run_parser,
                add_demo_data_parser):
        add(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    command = (sys.argv[1:] if argv is None else argv)[:1]
    args = build_parser(only_stats=command == ["stats"]).parse_args(argv)
    try:
        return args.func(args)
    except RecLensError as err:
        echo(f"error: {err}", file=sys.stderr)
        return 2
