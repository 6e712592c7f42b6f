"""``python -m recsys evaluate`` (models under the default protocol) and ``python -m recsys compare``
(two saved runs side by side: settings, metrics, curves, a user's top-K).

Imports stay inside the commands so building the parser stays cheap.
"""

from __future__ import annotations

import argparse
import json

from recsys.cli.data import add_data_files, load_data
from recsys.cli.train import add_model_options, configs, print_progress, print_protocol, text_vectors
from recsys.output.paths import arg_type, json_file
from recsys.output.terminal import echo

__all__ = ["add_compare_parser", "add_evaluate_parser", "compare_command"]

DEFAULT_MODELS = "sasrec,ease,lightgcn,itemknn,userknn,pop"
COLD_MODELS = "sasrec,ease_text,text_profile,text_knn,category_pop,ease,pop"  # recsys.evaluate.cold_run.COLD_MODELS
TWO_RUNS = "Give exactly two runs to compare: --run A --run B."


def add_evaluate_parser(sub) -> None:
    p = sub.add_parser("evaluate", help="evaluate models under the default protocol")
    add_data_files(p)
    add_model_options(p)
    p.add_argument(
        "--models",
        default=None,
        help=f"comma-separated: sasrec,ease,ease_text,lightgcn,itemknn,userknn,pop (ease_text needs "
        f"an items file and the text encoder; default {DEFAULT_MODELS}); with --cold-items also "
        f"text_profile,text_knn,category_pop (default {COLD_MODELS})",
    )
    p.add_argument(
        "--cold-items",
        type=float,
        metavar="SHARE",
        help="cold-item protocol: this share of the items (e.g. 0.2) is never trained on, halved into "
        "validation and test; prints NDCG@10, HR@10, Recall@20 for all, warm and cold test interactions",
    )
    p.add_argument("--cold-seed", type=int, default=0, help="seed of the cold-item draw (default 0)")
    p.add_argument("--json", type=arg_type(json_file), help="write metrics as JSON here (a .json file)")
    p.set_defaults(func=_cmd_evaluate)


def _cmd_cold(args, dataset) -> int:
    from recsys.evaluate.cold import COLD_PROTOCOL, cold_tables
    from recsys.evaluate.cold_run import cold_json, run_cold_experiment

    model_cfg, train_cfg = configs(args)
    models = tuple(m.strip() for m in (args.models or COLD_MODELS).split(",") if m.strip())
    uses_text = {"sasrec", "ease_text", "text_profile", "text_knn"} & set(models)
    vectors, _ = text_vectors(args, dataset) if uses_text else (None, {})
    exp = run_cold_experiment(
        dataset,
        models,
        model_cfg,
        train_cfg,
        share=args.cold_items,
        seed=args.cold_seed,
        text_vectors=vectors,
        progress=print_progress if "sasrec" in models else None,
    )
    for note in [*exp.split.notes, *exp.notes.values()]:
        echo(note)
    echo(f"protocol: {COLD_PROTOCOL['cases']}; {COLD_PROTOCOL['ranking']}")
    users = exp.table.groupby("group")["users"].first()
    for group, table in cold_tables(exp.table).items():
        echo(f"\n{group} ({users[group]} test users)")
        echo(table.to_string(float_format=lambda x: f"{x:.4f}"))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(cold_json(exp, dataset), f, indent=2)
        echo(f"wrote {args.json}")
    return 0


def _cmd_evaluate(args) -> int:
    from recsys.evaluate.experiment import metrics_json, run_experiment

    dataset = load_data(args)
    if args.cold_items is not None:
        return _cmd_cold(args, dataset)
    args.models = args.models or DEFAULT_MODELS
    model_cfg, train_cfg = configs(args)
    models = tuple(m.strip() for m in args.models.split(",") if m.strip())
    vectors, _ = text_vectors(args, dataset) if {"sasrec", "ease_text"} & set(models) else (None, {})
    exp = run_experiment(
        dataset,
        models,
        model_cfg,
        train_cfg,
        text_vectors=vectors,
        progress=print_progress if "sasrec" in models else None,
    )
    report = metrics_json(exp, dataset)
    for note in exp.notes.values():
        echo(note)
    print_protocol(exp, report)
    echo(exp.leaderboard().to_string(float_format=lambda x: f"{x:.4f}"))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2)
        echo(f"wrote {args.json}")
    return 0


def add_compare_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``compare`` sub-command to ``subparsers`` (from ``parser.add_subparsers()``)."""
    p = subparsers.add_parser("compare", help="two saved runs side by side: settings, metrics, curves, a user's top-K")
    p.add_argument("--run", action="append", required=True, help="run directory; give it twice (A, then B)")
    p.add_argument("--user", help="raw user id: print this user's top-K from each run")
    p.add_argument("--k", type=int, default=10, help="top-K for --user (default 10)")
    p.add_argument("--part", choices=["test", "valid"], default="test", help="metrics of this part (default test)")
    p.add_argument("--all-metrics", action="store_true", help="print every recorded metric, not the headline ones")
    p.add_argument("--json", help="write the comparison (all metrics) as JSON here")
    p.set_defaults(func=compare_command)
    return p


def _curve_line(name: str, curve: list, best) -> str:
    if not curve:
        return f"run {name}: no training curve recorded"
    best_row = next((r for r in curve if r.get("epoch") == best), curve[-1])
    values = " ".join(f"{r['valid_ndcg@10']:.4f}" for r in curve)
    return (
        f"run {name}: {len(curve)} epochs, kept epoch {best_row['epoch']} "
        f"(valid NDCG@10 {best_row['valid_ndcg@10']:.4f}); per epoch: {values}"
    )


def _print_top_k(args) -> None:
    from recsys.errors import RecLensError
    from recsys.evaluate.compare import UNKNOWN_USER, compare_top_k
    from recsys.recommend import Recommender
    from recsys.train import load_run

    frames = []
    for path in args.run:
        run = load_run(path)
        if args.user not in run.dataset.user_encoder:
            raise RecLensError(UNKNOWN_USER.format(user=args.user, path=path))
        frames.append(Recommender.from_run(run).recommend(run.dataset, args.user, k=args.k))
    top = compare_top_k(*frames)
    print(
        f"\ntop-{args.k} of user {args.user} ({top.overlap} items in both lists; 'other rank' = rank in the other run)"
    )
    for name, frame in (("A", top.a), ("B", top.b)):
        print(f"run {name}:")
        shown = frame[["rank", "item_id", "title", "score", "other rank"]].astype({"other rank": object})
        shown["other rank"] = [("–" if r != r else int(r)) for r in frame["other rank"]]
        print(shown.to_string(index=False, float_format=lambda x: f"{x:.4f}"))


def compare_command(args) -> int:
    """Print the comparison for ``args`` (from ``add_compare_parser``), write JSON; returns 0."""
    from recsys.errors import RecLensError
    from recsys.evaluate import HEADLINE_METRICS
    from recsys.evaluate.compare import compare_runs

    if len(args.run) != 2:
        raise RecLensError(TWO_RUNS)
    full = compare_runs(*args.run, part=args.part)
    print(f"run A: {args.run[0]} ({full.created[0]})\nrun B: {args.run[1]} ({full.created[1]})")
    changed = full.changed
    print("\nsettings that differ:" if len(changed) else "\nthe two runs have the same settings")
    if len(changed):
        print(changed[["section", "setting", "run A", "run B"]].to_string(index=False))
    metrics = full.metrics if args.all_metrics else full.metrics[full.metrics["metric"].isin(HEADLINE_METRICS)]
    print(f"\n{args.part} metrics (difference = B - A):")
    print(
        metrics.to_string(
            index=False,
            na_rep="–",
            float_format=lambda x: f"{x:.4f}",
            formatters={"difference": lambda x: "–" if x != x else f"{x:+.4f}" if x else "0.0000"},
        )
    )
    print("\nvalidation NDCG@10 per epoch:")
    for name, curve, best in zip("AB", full.curves, full.best_epochs):
        print("  " + _curve_line(name, curve, best))
    if args.user is not None:
        _print_top_k(args)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(full.to_dict(), f, indent=2)
        print(f"wrote {args.json}")
    return 0
