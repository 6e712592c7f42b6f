"""``python -m recsys audit``: the fairness audit of a saved run, from the command line.

Imports stay inside the command so building the parser stays cheap.
"""

from __future__ import annotations

import argparse

from recsys.output.paths import arg_type, json_file, out_folder
from recsys.output.terminal import echo

__all__ = ["add_audit_parser", "audit_command"]


def _lambdas(text: str) -> tuple[float, ...]:
    try:
        return tuple(float(x) for x in text.split(",") if x.strip())
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"--lambdas takes comma-separated numbers in [0, 1], got {text!r}") from err


def add_audit_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``audit`` sub-command to ``subparsers`` (from ``parser.add_subparsers()``)."""
    p = subparsers.add_parser("audit", help="fairness audit of a saved run for one user attribute")
    p.add_argument("--run", required=True, help="run directory (python -m recsys train --out ...)")
    p.add_argument("--users", help="user attributes file (default: the users saved with the run)")
    p.add_argument("--attribute", required=True,
                   help="user attribute to group by: a users-file column, 'activity' or 'mainstreamness'")
    p.add_argument("--item-attribute",
                   help="item column for item groups and calibration (default: the first multi-valued category "
                        "column such as genres; 'popularity' for head/mid/tail)")
    p.add_argument("--k", type=int, default=10, help="cut-off K (default 10)")
    p.add_argument("--candidates", type=int, default=100, help="top-N candidates the re-rankers choose from")
    p.add_argument("--lambdas", type=_lambdas, default=(0.0, 0.2, 0.4, 0.6, 0.8, 1.0),
                   help="re-ranking weights to sweep, comma-separated (default 0,0.2,0.4,0.6,0.8,1)")
    p.add_argument("--n-boot", type=int, default=200, help="bootstrap resamples of the users (0 = no intervals)")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed")
    p.add_argument("--json", type=arg_type(json_file), help="write the audit as JSON here (a .json file)")
    p.add_argument("--csv", type=arg_type(out_folder),
                   help="write the tables as spreadsheet-safe CSV files into this folder (one file per table)")
    p.set_defaults(func=audit_command)
    return p


def _fmt(x) -> str:
    return f"{x:.4f}"


def _print_report(result) -> None:
    k = result.settings["k"]
    echo(f"protocol: {result.settings['protocol']}")
    echo(f"{result.settings['users']} users, K={k}, {result.settings['n_boot']} bootstrap resamples, "
          f"{100 * result.settings['ci']:.0f}% intervals\n")
    cols = ["group", "n_users", "small_group"]
    for m in (f"ndcg@{k}", f"hr@{k}", f"recall@{k}", f"coverage@{k}", "calibration_kl", "popularity_lift"):
        cols += [m, f"{m}_ci_low", f"{m}_ci_high"]
    echo(f"user groups by '{result.settings['attribute']}':")
    echo(result.user_groups[cols].to_string(index=False, float_format=_fmt))
    gaps = result.user_gaps
    named = gaps[gaps["measure"].isin(["difference", "ratio", "UserMADranking", "MRED"])
                 & gaps["metric"].isin([f"ndcg@{k}", f"hr@{k}", f"miss_rate@{k}"])]
    echo("\ngaps between groups:")
    echo(named.to_string(index=False, float_format=_fmt))
    under = result.under_served()
    if len(under):
        echo("\nunder-served (NDCG gap to the other users, interval below 0): "
              + ", ".join(f"{r.group} {r.value:+.4f} [{r.ci_low:+.4f}, {r.ci_high:+.4f}]" for r in under.itertuples()))
    echo("\nitem groups (exposure share of top-K slots vs share of interactions):")
    echo(result.item_groups.to_string(index=False, float_format=_fmt))
    for section in ("exposure", "popularity", "calibration"):
        values = getattr(result, section)
        echo(f"\n{section}: " + ", ".join(f"{n} {_fmt(v) if isinstance(v, float) else v}" for n, v in values.items()))
    echo("\nre-ranking trade-off:")
    cols = ["reranker", "lambda", "target", "target_value", f"ndcg@{k}", "ndcg_drop", "kl_mean", "aplt", "gini", "coverage"]
    echo(result.tradeoff[cols].to_string(index=False, float_format=_fmt))


def audit_command(args) -> int:
    """Run the audit for ``args`` (from ``add_audit_parser``), print it, write JSON/CSV; returns 0."""
    from recsys.data import load_users
    from recsys.fairness.audit import AuditConfig, audit
    from recsys.train import load_run

    run = load_run(args.run)
    users = None
    if args.users:
        users, report = load_users(args.users, run.dataset.user_encoder.classes_)
        echo(report.summary())
    config = AuditConfig(item_attribute=args.item_attribute, k=args.k, n_candidates=args.candidates,
                         lambdas=args.lambdas, n_boot=args.n_boot, seed=args.seed)
    result = audit(run, args.attribute, config, users=users)
    _print_report(result)
    if args.json:
        result.to_json(args.json)
        echo(f"\nwrote {args.json}")
    if args.csv:
        paths = result.to_csv(args.csv)
        echo(f"wrote {len(paths)} files to {args.csv}")
    return 0
