"""``python -m recsys train`` and the model and training options ``evaluate`` shares with it."""

from __future__ import annotations

import argparse

from recsys.cli.data import add_data_files, load_data
from recsys.output.paths import arg_type, out_folder
from recsys.output.terminal import echo

__all__ = ["add_model_options", "add_train_parser", "configs", "print_progress", "print_protocol", "text_vectors"]


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


def add_train_parser(sub) -> None:
    p = sub.add_parser("train", help="train the Transformer recommender and save a run", epilog=_MULTIWORKER_HELP,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    add_data_files(p)
    add_model_options(p)
    p.add_argument("--out", default="runs/latest", type=arg_type(out_folder),
                   help="run directory to write (default runs/latest)")
    p.add_argument("--strategy", choices=["default", "mirrored", "multiworker"], default="default",
                   help="tf.distribute strategy: default (one device), mirrored (all local devices), multiworker "
                        "(one process per machine, cluster from TF_CONFIG; see below)")
    p.add_argument("--input", choices=["memory", "parquet"], default="memory",
                   help="training windows in memory (default) or streamed from Parquet shards via tf.data "
                        "(always used with --strategy mirrored/multiworker)")
    p.set_defaults(func=_cmd_train)


def add_model_options(p: argparse.ArgumentParser) -> None:
    """The model and training options (defaults from ``ModelConfig`` and ``TrainConfig``)."""
    from recsys.model import ModelConfig
    from recsys.model.config import ADAPTORS, WHITENINGS
    from recsys.train import TrainConfig

    m, t = ModelConfig(), TrainConfig()
    p.add_argument("--epochs", type=int, default=t.epochs, help=f"maximum epochs (default {t.epochs}; early stopping)")
    p.add_argument("--batch-size", type=int, default=t.batch_size)
    p.add_argument("--lr", type=float, default=t.learning_rate, help="learning rate")
    p.add_argument("--loss", choices=["softmax", "sampled", "mse"], default=t.loss)
    p.add_argument("--patience", type=int, default=t.patience)
    p.add_argument("--seed", type=int, default=t.seed, help="seeds training and the random split")
    p.add_argument("--split", choices=["auto", "time", "random"], default=t.split,
                   help="time: each user's last interaction is the test item, the one before it validation; random: "
                        "a random interaction each (seeded); auto (default): random when the data has no usable "
                        "time order (no timestamps and rows sorted by item id or rating), else time")
    p.add_argument("--shuffle-histories", action=argparse.BooleanOptionalAction, default=t.shuffle_histories,
                   help="train the Transformer on histories shuffled every epoch (a set model); default: on with the "
                        "random split")
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
    p.add_argument("--text-whitening", choices=list(WHITENINGS), default=m.text_whitening,
                   help="pca: whiten the item text vectors (fitted on the catalogue, saved with the run) before "
                        f"the text adaptor (default {m.text_whitening})")
    p.add_argument("--text-whiten-dim", type=_positive_int, default=m.text_whiten_dim, metavar="N",
                   help="with --text-whitening pca, keep the top N whitened dimensions (default: all)")
    p.add_argument("--text-adaptor", choices=list(ADAPTORS), default=m.text_adaptor,
                   help="how text vectors become item vectors: dense (one projection), whiten (learned bias, then "
                        "linear), moe (a gated mixture of such experts), residual (a trainable per-item delta added "
                        f"to the text vector) (default {m.text_adaptor})")
    p.add_argument("--graph", action="store_true",
                   help="feed LightGCN item vectors of the training graph to the Transformer (graph_projection)")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of dimensions, 1 or more (e.g. 128), got {text!r}")
    return value


def configs(args):
    """``(ModelConfig, TrainConfig)`` from the options of ``add_model_options``."""
    from recsys.model import ModelConfig
    from recsys.train import TrainConfig

    model = ModelConfig(max_len=args.max_len, dim=args.dim, blocks=args.blocks, heads=args.heads,
                        dropout=args.dropout, target_attention=args.target_attention,
                        target_window=args.target_window, use_graph=args.graph,
                        text_whitening=args.text_whitening, text_whiten_dim=args.text_whiten_dim,
                        text_adaptor=args.text_adaptor)
    train = TrainConfig(epochs=args.epochs, batch_size=args.batch_size, learning_rate=args.lr, loss=args.loss,
                        patience=args.patience, seed=args.seed, time_budget_s=args.time_budget or None,
                        input_pipeline=getattr(args, "input", "memory"),
                        head_samples=None if args.head_samples in (None, 0) else args.head_samples,
                        head_loss_weight=args.head_loss_weight, split=args.split,
                        shuffle_histories=args.shuffle_histories)
    return model, train


def print_protocol(exp, report: dict) -> None:
    """The split notes that change what the numbers mean, then the protocol line above a table."""
    for note in exp.split.notes:
        if note.startswith("split:"):
            echo(note)
    training = f"; {report['protocol']['training']}" if "training" in report["protocol"] else ""
    echo(f"protocol: {report['protocol']['split']}; {report['protocol']['ranking']}{training}")


def print_progress(event: dict) -> None:
    """Print one line per epoch from ``run_experiment``'s progress events."""
    if event["stage"] == "epoch":
        echo(f"epoch {event['epoch']:>3}/{event['epochs']}  loss {event['loss']:.4f}  "
              f"valid NDCG@10 {event['valid_ndcg@10']:.4f}  HR@10 {event['valid_hr@10']:.4f}  "
              f"({event['seconds']:.0f} s)", flush=True)


def text_vectors(args, dataset):
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
    from recsys.evaluate.experiment import metrics_json, run_experiment
    from recsys.train import save_run

    dataset = load_data(args)
    data_key = fingerprint_files(args.interactions, args.items, args.users)  # as the app's, for the same files
    model_cfg, train_cfg = configs(args)
    vectors, text_info = text_vectors(args, dataset)
    exp = run_experiment(dataset, ("sasrec",), model_cfg, train_cfg, text_vectors=vectors, progress=print_progress,
                         strategy=strategy)
    report = metrics_json(exp, dataset)
    out = args.out if is_chief() else worker_out(args.out)
    path = save_run(exp.result, dataset, out, metrics=report["models"]["sasrec"],
                    info={"text_encoder": text_info, "strategy": args.strategy}, data_key=data_key)
    print_protocol(exp, report)
    echo(exp.leaderboard().to_string(float_format=lambda x: f"{x:.4f}"))
    echo(f"saved run to {path} (peak memory {exp.result.peak_memory_mb:,.0f} MB)")
    return 0
