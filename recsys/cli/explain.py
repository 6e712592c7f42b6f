"""``python -m recsys explain`` (one item for one user: a recommended one or any other, "why
not?") and ``python -m recsys explain-global`` (what drives a saved run's recommendations across
users).

Imports stay inside the commands so building the parser stays cheap.
"""

from __future__ import annotations

import argparse
import json

from recsys.output.paths import arg_type, json_file
from recsys.output.terminal import echo

__all__ = ["add_explain_global_parser", "add_explain_parser", "explain_command", "explain_global_command"]


def add_explain_parser(sub) -> None:
    p = sub.add_parser("explain", help="explain one item for one user: a recommended one, or any (why not?)")
    p.add_argument("--run", required=True, help="run directory")
    p.add_argument("--user", required=True, help="raw user id")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--item", help="raw item id to explain: any catalogue item (rank, gap to the top-K, "
                       "the history items holding it down)")
    which.add_argument("--rank", type=int, default=1, help="explain the item at this rank (default 1)")
    p.add_argument("--k", type=int, default=10, help="top-K for the counterfactual")
    p.add_argument("--json", type=arg_type(json_file), help="write the explanation as JSON here (a .json file)")
    p.set_defaults(func=explain_command)


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
    from recsys.recommend import Recommender
    from recsys.train import load_run

    run = load_run(args.run)
    summary = global_summary(Recommender.from_run(run), run.dataset, run.model_config, n_users=args.users, k=args.k,
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


def _print_why_not(d: dict) -> None:
    w = d["why_not"]
    where = "inside" if w["rank"] <= w["k"] else "outside"
    cutoff = w["cutoff"]
    echo(f"rank {w['rank']:,} ({where} the top {w['k']}); score {w['score']:.4f}, {w['gap']:+.4f} against rank "
          f"{w['k']} ({cutoff['item_id']} '{cutoff['title']}', {cutoff['score']:.4f})")
    if w["in_history"]:
        echo("note: the user already has this item, so it is never recommended; it is ranked as a new candidate")
    if w["holding_down"]:
        echo("history items holding it down (SHAP, rank without it):")
        for h in w["holding_down"]:
            echo(f"  {h['shap']:+.4f}  rank {h['rank_without']:>6,}  {h['item_id']:>8}  {h['title']}")


def explain_command(args) -> int:
    """``python -m recsys explain``: print the explanation of ``args.item`` (any item) or of the
    item at ``args.rank`` for ``args.user``; write its JSON with ``--json``. Returns 0."""
    from recsys.explain import explain_item, explanation_json
    from recsys.recommend import Recommender
    from recsys.train import load_run

    run = load_run(args.run)
    exp = explain_item(Recommender.from_run(run), run.dataset, run.model_config, args.user, item_id=args.item,
                       rank=None if args.item else args.rank, k=args.k)
    d = exp.to_dict()
    echo(f"user {d['user']}: item {d['item']['id']} '{d['item']['title']}' at rank {d['item']['rank']:,}, "
          f"score {d['score']:.4f} (base value {d['base_value']:.4f})")
    echo(d["reason"])
    _print_why_not(d)
    rows = sorted(d["history"], key=lambda h: -abs(h["shap"]))[:10]
    echo("\nmost influential history items (SHAP, attention):")
    for h in rows:
        echo(f"  {h['shap']:+.4f}  {h['attention']:.3f}  {h['item_id']:>8}  {h['title']}")
    echo("side features (SHAP):")
    for f in d["side_features"]:
        echo(f"  {f['shap']:+.4f}  {f['name']} = {f['value']}")
    cf = d["counterfactual"]
    if cf["direction"] == "rise":
        verdict = "rises into the top-K at rank" if cf["found"] else "still ranks"
    else:
        verdict = "drops to rank" if cf["found"] else "still ranks"
    echo(f"counterfactual: without {cf['removed']} it {verdict} {cf['new_rank']:,}")
    fa = d["faithfulness"]
    if fa["shap_auc"] == fa["shap_auc"]:  # not NaN: there is a history to remove
        echo(f"deletion AUC (lower = more faithful): SHAP {fa['shap_auc']:.3f}, attention {fa['attention_auc']:.3f}, "
              f"random {fa['random_auc']:.3f}")
    echo("timings (ms): " + ", ".join(f"{k} {v:.0f}" for k, v in d["timings_ms"].items()))
    if args.json:
        with open(args.json, "w") as f:
            f.write(explanation_json(exp))
        echo(f"wrote {args.json}")
    return 0
