"""``python -m recsys explain-global``: what drives a saved run's recommendations across users.

Wired into ``recsys/cli.py`` with ``add_explain_global_parser(sub)``; imports stay inside the
command so building the parser stays cheap.
"""

from __future__ import annotations

import argparse
import json

from recsys.output.paths import arg_type, json_file
from recsys.output.terminal import echo

__all__ = ["add_explain_global_parser", "explain_global_command"]


def add_explain_global_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``explain-global`` sub-command to ``subparsers`` (from ``parser.add_subparsers()``)."""
    p = subparsers.add_parser(
        "explain-global",
        help="side-feature SHAP and the most influential history items over a sample of users",
    )
    p.add_argument("--run", required=True, help="run directory (python -m recsys train --out ...)")
    p.add_argument("--users", type=int, default=50, help="users to sample (default 50)")
    p.add_argument("--k", type=int, default=5, help="explain each sampled user's top-K (default 5)")
    p.add_argument("--seed", type=int, default=0, help="seed of the user sample (default 0)")
    p.add_argument("--top", type=int, default=10, help="influential history items to print (default 10)")
    p.add_argument("--json", type=arg_type(json_file), help="write the summary as JSON here (a .json file)")
    p.set_defaults(func=explain_global_command)
    return p


def explain_global_command(args) -> int:
    """Run the summary for ``args`` (from ``add_explain_global_parser``), print it, write JSON; returns 0."""
    from recsys.explain.summary import global_summary
    from recsys.train import load_run

    run = load_run(args.run)
    summary = global_summary(run.recommender(), run.dataset, run.model_config, n_users=args.users, k=args.k,
                             seed=args.seed)
    s = summary.settings
    echo(f"{s['pairs']} (user, recommended item) pairs: {s['users']} users x top-{s['k']}, seed {s['seed']}")
    side = summary.side_table()
    if len(side):
        echo("\nside features (mean |SHAP| over the pairs; mean SHAP; share of pairs whose item has it):")
        echo(side.to_string(index=False, float_format=lambda x: f"{x:.4f}"))
    else:
        echo("\nthis run has no side features")
    top = summary.influential.head(args.top)
    echo(f"\nmost influential history items (total SHAP over the {s['pairs']} explained recommendations):")
    cols = ["item_id", "title", "appearances", "users", "mean_shap", "total_shap"]
    echo(top[cols].to_string(index=False, float_format=lambda x: f"{x:+.4f}"))
    echo("timings (ms): " + ", ".join(f"{k} {v:.0f}" for k, v in summary.timings_ms.items()))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(summary.to_dict(top=args.top), f, indent=2)
        echo(f"wrote {args.json}")
    return 0
