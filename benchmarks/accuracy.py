"""Accuracy of the Transformer beside the baselines under the default protocol; prints a table.

Run on the demo data: ``python benchmarks/accuracy.py``; on any MovieLens-style file:
``python benchmarks/accuracy.py --interactions u.data [--items u.item] [--max-len 200]``.
Protocol: leave-last-out by time, all items ranked, the user's earlier items excluded.
``ease_text`` gets the item text vectors (with an items file; the Transformer keeps its inputs).
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pandas as pd  # noqa: E402

from recsys.data import load_dataset  # noqa: E402
from recsys.evaluate.experiment import metrics_json, run_experiment
from recsys.evaluate.registry import MODEL_NAMES  # noqa: E402
from recsys.model import ModelConfig  # noqa: E402
from recsys.train import TrainConfig  # noqa: E402


def _ease_text(ds, split) -> dict:
    from recsys.text import encode_items

    vectors = encode_items(ds)[0] if ds.items is not None else None
    exp = run_experiment(ds, ("ease_text",), split=split, text_vectors=vectors)
    for note in exp.notes.values():
        print(note)
    return metrics_json(exp, ds)["models"]


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--interactions", default="assets/demo/interactions.csv")
    p.add_argument("--items", default=None)
    p.add_argument("--users", default=None)
    p.add_argument("--max-len", type=int, default=ModelConfig().max_len)
    p.add_argument("--epochs", type=int, default=TrainConfig().epochs)
    p.add_argument("--no-side", action="store_true", help="ids only (plain SASRec-style inputs)")
    p.add_argument("--models", default=",".join(MODEL_NAMES), help=f"comma-separated (default {','.join(MODEL_NAMES)})")
    p.add_argument("--target-attention", action=argparse.BooleanOptionalAction, default=ModelConfig().target_attention,
                   help="the target-attention term (on by default)")
    p.add_argument("--time-budget", type=float, default=TrainConfig().time_budget_s, help="training seconds (0 = none)")
    args = p.parse_args()
    demo = args.interactions == "assets/demo/interactions.csv"
    items = args.items or ("assets/demo/items.csv" if demo else None)
    users = args.users or ("assets/demo/users.csv" if demo else None)
    ds = load_dataset(args.interactions, None if args.no_side else items, None if args.no_side else users)
    cfg = ModelConfig(max_len=args.max_len, target_attention=args.target_attention)
    models = tuple(args.models.split(","))
    exp = run_experiment(ds, tuple(m for m in models if m != "ease_text"), model_config=cfg, train_config=TrainConfig(
        epochs=args.epochs, time_budget_s=args.time_budget or None))
    report = metrics_json(exp, ds)
    if "ease_text" in models:  # on the same split, with text vectors only for it
        report["models"] |= _ease_text(ds, exp.split)
    rows = []
    for name, m in report["models"].items():
        rows.append({"model": name, "test ndcg@10": m["test"]["ndcg@10"], "test hr@10": m["test"]["hr@10"],
                     "test precision@10": m["test"]["precision@10"], "test f1@10": m["test"]["f1@10"],
                     "valid ndcg@10": m["valid"]["ndcg@10"], "fit seconds": m["fit_seconds"]})
    print(f"{ds.name}: {ds.n_users} users, {ds.n_items} items, {len(ds.interactions):,} interactions; "
          "leave-last-out, full ranking, seen items excluded")
    if exp.result is not None:
        ends = [0.0] + [row["seconds"] for row in exp.result.curve]
        per_epoch = sorted(b - a for a, b in zip(ends, ends[1:]))
        print(f"sasrec: best epoch {exp.result.best_epoch} of {len(exp.result.curve)}; seconds per epoch incl. validation: "
              f"first {ends[1]:.1f}, median {per_epoch[len(per_epoch) // 2]:.1f}")
    print(pd.DataFrame(rows).sort_values("test ndcg@10", ascending=False).to_string(index=False, float_format=lambda x: f"{x:.4f}"))


if __name__ == "__main__":
    main()
