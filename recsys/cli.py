"""``python -m recsys COMMAND``: everything the app does, from the command line."""

from __future__ import annotations

import argparse
import sys

from recsys.errors import RecLensError
from recsys.output.paths import arg_type, json_file, out_folder, table_format
from recsys.output.terminal import echo

__all__ = ["main", "build_parser"]


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
    order = p.add_mutually_exclusive_group()
    order.add_argument("--dayfirst", dest="dayfirst", action="store_true", default=None,
                       help="read dates such as 03/04/2021 day first (default: decided from the data, else month first)")
    order.add_argument("--monthfirst", dest="dayfirst", action="store_false", help="read such dates month first")


def _read_config(args):
    from recsys.data import ColumnMapping, DataConfig

    sep = args.sep.encode().decode("unicode_escape") if args.sep else None
    config = DataConfig(sep=sep, header=args.header, encoding=args.encoding, dayfirst=args.dayfirst)
    from recsys.data.columns import NO_COLUMN

    def col(value):  # "none" = the file has no such column
        return NO_COLUMN if value is not None and value.lower() == "none" else value

    mapping = ColumnMapping(user=args.user_col, item=args.item_col, rating=col(args.rating_col),
                            timestamp=col(args.timestamp_col))
    return config, mapping


def _cmd_stats(args) -> int:
    from recsys.data import dataset_stats, load_interactions

    if args.items or args.users:
        dataset = _load(args, args.path, quiet=True)
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


def _load(args, interactions=None, quiet: bool = False):
    from recsys.data import load_dataset
    from recsys.data.cli import column_specs

    config, mapping = _read_config(args)
    item_columns, user_columns = column_specs(args)
    dataset = load_dataset(interactions or args.interactions, args.items, args.users, config=config, mapping=mapping,
                           item_columns=item_columns, user_columns=user_columns)
    for report in dataset.reports.values():
        for warning in [] if quiet else report.warnings:
            echo(f"warning: {warning}", file=sys.stderr, flush=True)
    return dataset


def _configs(args):
    from recsys.model import ModelConfig
    from recsys.train import TrainConfig

    model = ModelConfig(max_len=args.max_len, dim=args.dim, blocks=args.blocks, heads=args.heads,
                        dropout=args.dropout, target_attention=args.target_attention,
                        target_window=args.target_window, use_graph=args.graph)
    train = TrainConfig(epochs=args.epochs, batch_size=args.batch_size, learning_rate=args.lr, loss=args.loss,
                        patience=args.patience, seed=args.seed, time_budget_s=args.time_budget or None,
                        input_pipeline=getattr(args, "input", "memory"),
                        head_samples=None if args.head_samples in (None, 0) else args.head_samples,
                        head_loss_weight=args.head_loss_weight)
    return model, train


def _print_progress(event: dict) -> None:
    if event["stage"] == "epoch":
        echo(f"epoch {event['epoch']:>3}/{event['epochs']}  loss {event['loss']:.4f}  "
              f"valid NDCG@10 {event['valid_ndcg@10']:.4f}  HR@10 {event['valid_hr@10']:.4f}  "
              f"({event['seconds']:.0f} s)", flush=True)


def _text_vectors(args, dataset):
    """Item text vectors from the pretrained encoder (with an items file and without --no-text)."""
    if args.no_text or dataset.items is None:
        return None, {}
    from recsys.text import encode_items

    vectors, info = encode_items(dataset)
    echo(f"text vectors: {info.get('name')} ({info.get('kind')}, {info.get('dim')}-d)"
          + (f"; {info['notice']}" if info.get("notice") else ""), flush=True)
    return vectors, info


def _cmd_train(args) -> int:
    from recsys.train.distributed import is_chief, make_strategy, worker_out

    strategy = make_strategy(args.strategy)  # first: a multi-worker cluster must form before other TF work
    from recsys.data.fingerprint import fingerprint_files
    from recsys.pipeline import metrics_json, run_experiment
    from recsys.train import save_run

    dataset = _load(args)
    data_key = fingerprint_files(args.interactions, args.items, args.users)  # as the app's, for the same files
    model_cfg, train_cfg = _configs(args)
    vectors, text_info = _text_vectors(args, dataset)
    exp = run_experiment(dataset, ("sasrec",), model_cfg, train_cfg, text_vectors=vectors, progress=_print_progress,
                         strategy=strategy)
    metrics = metrics_json(exp, dataset)["models"]["sasrec"]
    out = args.out if is_chief() else worker_out(args.out)
    path = save_run(exp.result, dataset, out, metrics=metrics,
                    info={"text_encoder": text_info, "strategy": args.strategy}, data_key=data_key)
    echo(exp.leaderboard().to_string(float_format=lambda x: f"{x:.4f}"))
    echo(f"saved run to {path} (peak memory {exp.result.peak_memory_mb:,.0f} MB)")
    return 0


def _cmd_evaluate(args) -> int:
    import json

    from recsys.pipeline import metrics_json, run_experiment

    dataset = _load(args)
    model_cfg, train_cfg = _configs(args)
    models = tuple(m.strip() for m in args.models.split(",") if m.strip())
    vectors, _ = _text_vectors(args, dataset) if "sasrec" in models else (None, {})
    exp = run_experiment(dataset, models, model_cfg, train_cfg, text_vectors=vectors,
                         progress=_print_progress if "sasrec" in models else None)
    report = metrics_json(exp, dataset)
    echo(f"protocol: {report['protocol']['split']}; {report['protocol']['ranking']}")
    echo(exp.leaderboard().to_string(float_format=lambda x: f"{x:.4f}"))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2)
        echo(f"wrote {args.json}")
    return 0


def _cmd_recommend(args) -> int:
    from recsys.train import load_run

    if args.all_users and not args.out:  # before loading anything
        raise RecLensError("--all-users writes a file: give it with --out recs.parquet (or recs.csv, recs.json).")
    if not args.all_users and args.user is None:
        raise RecLensError("Give a user with --user USER_ID, or --all-users --out recs.parquet for every user.")
    run = load_run(args.run)
    if args.all_users:
        from recsys.batch_recommend import recommend_all_users

        info = recommend_all_users(run.recommender(), run.dataset, args.out, k=args.k, chunk=args.chunk)
        echo(f"wrote {info['rows']:,} rows for {info['users']:,} users to {info['path']} "
             f"({info['seconds']:.1f} s, {info['users_per_second']:,.0f} users/s)")
        return 0
    recs = run.recommender().recommend(run.dataset, args.user, k=args.k)
    echo(recs.to_string(index=False, float_format=lambda x: f"{x:.4f}"))
    if args.out:
        from recsys.output.files import write_table

        frame = recs.assign(user_id=str(args.user))[["user_id", *recs.columns]]
        echo(f"wrote {write_table(frame, args.out)}")
    return 0


def _cmd_explain(args) -> int:
    from recsys.explain.cli import explain_command

    return explain_command(args)


def _add_data_files(p: argparse.ArgumentParser, interactions: bool = True) -> None:
    from recsys.data.cli import add_column_options

    if interactions:
        p.add_argument("--interactions", required=True, help="interactions file (CSV, TSV, '|', ';', '::' or Parquet)")
    p.add_argument("--items", help="item metadata file (optional)")
    p.add_argument("--users", help="user attributes file (optional)")
    _add_read_options(p)
    add_column_options(p)


def _add_model_options(p: argparse.ArgumentParser) -> None:
    from recsys.model import ModelConfig
    from recsys.train import TrainConfig

    m, t = ModelConfig(), TrainConfig()
    p.add_argument("--epochs", type=int, default=t.epochs, help=f"maximum epochs (default {t.epochs}; early stopping)")
    p.add_argument("--batch-size", type=int, default=t.batch_size)
    p.add_argument("--lr", type=float, default=t.learning_rate, help="learning rate")
    p.add_argument("--loss", choices=["softmax", "sampled", "mse"], default=t.loss)
    p.add_argument("--patience", type=int, default=t.patience)
    p.add_argument("--seed", type=int, default=t.seed)
    p.add_argument("--time-budget", type=float, default=t.time_budget_s,
                   help=f"stop training before this many seconds (default {t.time_budget_s:.0f}; 0 = no limit)")
    p.add_argument("--head-samples", type=int, default=t.head_samples,
                   help="with the full softmax, train target attention and the MLP on the batch's targets plus this "
                        f"many random items per step, not the whole catalogue (default {t.head_samples}; 0 = whole)")
    p.add_argument("--head-loss-weight", type=float, default=t.head_loss_weight,
                   help="weight of the output head's loss (target attention + MLP, one random prefix per window) "
                        f"beside the dot-product loss at every position (default {t.head_loss_weight})")
    p.add_argument("--max-len", type=int, default=m.max_len, help="history length (most recent items kept)")
    p.add_argument("--dim", type=int, default=m.dim)
    p.add_argument("--blocks", type=int, default=m.blocks)
    p.add_argument("--heads", type=int, default=m.heads)
    p.add_argument("--dropout", type=float, default=m.dropout)
    p.add_argument("--target-attention", action=argparse.BooleanOptionalAction, default=m.target_attention,
                   help="add the target-attention term (candidate -> history, through the output MLP) to the score "
                        f"(default {'on' if m.target_attention else 'off'})")
    p.add_argument("--target-window", type=int, default=m.target_window,
                   help=f"target attention reads this many most recent history items (default {m.target_window}; "
                        "0 = the whole history)")
    p.add_argument("--no-text", action="store_true", help="do not use pretrained item text vectors")
    p.add_argument("--graph", action="store_true",
                   help="feed LightGCN item vectors of the training graph to the Transformer (graph_projection)")


def _cmd_demo_data(args) -> int:
    from recsys.data.demo import write_demo

    for path in write_demo(args.out, seed=args.seed):
        echo(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


_MULTIWORKER_HELP = """\
multi-worker training (--strategy multiworker): start this same command, on the same data, once
per machine, each with TF_CONFIG naming the whole cluster and its own index, e.g. on two machines:

  host1$ TF_CONFIG='{"cluster": {"worker": ["host1:12345", "host2:12345"]}, "task": {"type": "worker", "index": 0}}' \\
         python -m recsys train --interactions data.parquet --strategy multiworker --out runs/big
  host2$ TF_CONFIG='{"cluster": {"worker": ["host1:12345", "host2:12345"]}, "task": {"type": "worker", "index": 1}}' \\
         python -m recsys train --interactions data.parquet --strategy multiworker --out runs/big

Gradients are all-reduced every step (--batch-size is the global batch, split across workers);
worker 0 writes --out, worker i writes OUT-worker<i> (the same weights). The time budget is off.
"""


def build_parser(only_stats: bool = False) -> argparse.ArgumentParser:
    """The parser of every command; with ``only_stats``, of ``stats`` alone (the other commands'
    defaults come from packages that import TensorFlow, seconds before a file is even opened)."""
    from recsys.data.demo import DEMO_SEED

    parser = argparse.ArgumentParser(prog="python -m recsys", description="RecLens: explainable recommendation.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("stats", help="print the load reports and statistics of an interactions file (and items, users)")
    p.add_argument("path", help="interactions file (CSV, TSV, '|', ';', '::' or Parquet)")
    _add_data_files(p, interactions=False)
    p.set_defaults(func=_cmd_stats)
    if only_stats:
        return parser
    p = sub.add_parser("train", help="train the Transformer recommender and save a run", epilog=_MULTIWORKER_HELP,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_data_files(p)
    _add_model_options(p)
    p.add_argument("--out", default="runs/latest", type=arg_type(out_folder),
                   help="run directory to write (default runs/latest)")
    p.add_argument("--strategy", choices=["default", "mirrored", "multiworker"], default="default",
                   help="tf.distribute strategy: default (one device), mirrored (all local devices), multiworker "
                        "(one process per machine, cluster from TF_CONFIG; see below)")
    p.add_argument("--input", choices=["memory", "parquet"], default="memory",
                   help="training windows in memory (default) or streamed from Parquet shards via tf.data "
                        "(always used with --strategy mirrored/multiworker)")
    p.set_defaults(func=_cmd_train)
    p = sub.add_parser("evaluate", help="evaluate models under the default protocol")
    _add_data_files(p)
    _add_model_options(p)
    p.add_argument("--models", default="sasrec,ease,lightgcn,itemknn,userknn,pop",
                   help="comma-separated: sasrec,ease,lightgcn,itemknn,userknn,pop")
    p.add_argument("--json", type=arg_type(json_file), help="write metrics as JSON here (a .json file)")
    p.set_defaults(func=_cmd_evaluate)
    p = sub.add_parser("recommend", help="top-K for one user from a saved run")
    p.add_argument("--run", required=True, help="run directory")
    p.add_argument("--user", help="raw user id")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--all-users", action="store_true", help="top-K for every user, streamed in chunks to --out")
    p.add_argument("--out", type=arg_type(table_format),
                   help="write the recommendations here, in the format of the name: .parquet/.pq, .csv "
                        "(safe to open in a spreadsheet) or .json; columns user_id, rank, item_id, score "
                        "(required with --all-users)")
    p.add_argument("--chunk", type=int, default=1024, help="users scored per step with --all-users")
    p.set_defaults(func=_cmd_recommend)
    p = sub.add_parser("explain", help="explain one item for one user: a recommended one, or any (why not?)")
    p.add_argument("--run", required=True, help="run directory")
    p.add_argument("--user", required=True, help="raw user id")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--item", help="raw item id to explain: any catalogue item (rank, gap to the top-K, "
                       "the history items holding it down)")
    which.add_argument("--rank", type=int, default=1, help="explain the item at this rank (default 1)")
    p.add_argument("--k", type=int, default=10, help="top-K for the counterfactual")
    p.add_argument("--json", type=arg_type(json_file), help="write the explanation as JSON here (a .json file)")
    p.set_defaults(func=_cmd_explain)
    from recsys.evaluate.cli import add_compare_parser
    from recsys.explain.cli import add_explain_global_parser
    from recsys.fairness.cli import add_audit_parser
    from recsys.text.cli import add_similar_parser

    add_compare_parser(sub)
    add_explain_global_parser(sub)
    add_audit_parser(sub)
    add_similar_parser(sub)
    from recsys.demo_run import add_demo_run_parser

    add_demo_run_parser(sub)
    p = sub.add_parser("demo-data", help="regenerate the bundled demo data (deterministic)")
    p.add_argument("--out", default="assets/demo", type=arg_type(out_folder), help="output folder (default: assets/demo)")
    p.add_argument("--seed", type=int, default=DEMO_SEED, help=f"random seed (default: {DEMO_SEED})")
    p.set_defaults(func=_cmd_demo_data)
    return parser


def main(argv: list[str] | None = None) -> int:
    command = (sys.argv[1:] if argv is None else argv)[:1]
    args = build_parser(only_stats=command == ["stats"]).parse_args(argv)
    try:
        return args.func(args)
    except RecLensError as err:
        echo(f"error: {err}", file=sys.stderr)
        return 2
