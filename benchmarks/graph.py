"""LightGCN and user-based CF beside EASE, LightGCN's epoch time, and the graph-vector ablation.

``python benchmarks/graph.py [--ml100k PATH] [--epoch-runs 5] [--ablation-epochs 8] [--skip-ablation]``

1. Accuracy: test NDCG@10 / HR@10 of EASE, LightGCN and UserKNN (cosine, Pearson) on the demo
   data and on MovieLens-100k (a RecBole ``ml-100k.inter`` file, if given or found) under the
   default protocol (leave-last-out by time, all items ranked, the user's earlier items
   excluded). LightGCN early-stops on validation NDCG@10 with no time budget.
2. Speed: seconds per LightGCN epoch (BPR over every interaction, one sparse propagation of the
   whole graph per step) over all 100,000 MovieLens-100k interactions, default config (d = 64,
   K = 3, batch 4096); the first epoch includes tracing the step and is reported apart.
3. Ablation: the Transformer with / without LightGCN item vectors (``graph_projection``) and with
   / without the pretrained text vectors (``text_projection``) on the demo data; every variant
   trains the same number of epochs with no time budget (best epoch kept).
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from recsys.data import leave_last_out, load_dataset  # noqa: E402
from recsys.evaluate import UserKNN, evaluate  # noqa: E402
from recsys.evaluate.experiment import run_experiment  # noqa: E402
from recsys.graph import LightGCN, LightGCNConfig  # noqa: E402
from recsys.model import ModelConfig  # noqa: E402
from recsys.train import TrainConfig  # noqa: E402

DEMO = ("assets/demo/interactions.csv", "assets/demo/items.csv", "assets/demo/users.csv")
ML100K = "/tmp/rb/recbole/dataset_example/ml-100k/ml-100k.inter"
FMT = {"float_format": lambda x: f"{x:.4f}", "index": False}


def accuracy(ds) -> pd.DataFrame:
    split = leave_last_out(ds.interactions)
    lightgcn = LightGCNConfig(time_budget_s=None)
    exp = run_experiment(ds, ("ease", "lightgcn", "userknn"), split=split, lightgcn_config=lightgcn)
    t0 = time.perf_counter()
    pearson = UserKNN(similarity="pearson").fit(split.train, ds.n_users, ds.n_items, split.valid)
    seconds = exp.fit_seconds | {"userknn (pearson)": time.perf_counter() - t0}
    table = pd.concat([exp.table, evaluate(split, {"userknn (pearson)": pearson}, ds.n_items, ds.n_users)])
    t = table[table["split"] == "test"].pivot(index="model", columns="metric", values="value")
    out = t[["ndcg@10", "hr@10", "recall@20", "coverage@10"]].rename(index={"userknn": "userknn (cosine)"})
    out["fit s"] = [seconds.get(m, seconds.get(m.split(" ")[0])) for m in t.index]
    lg = exp.baselines["lightgcn"]
    out["note"] = ["" if m != "lightgcn" else f"best epoch {lg.best_epoch_} of {len(lg.curve_)}" for m in t.index]
    return out.sort_values("ndcg@10", ascending=False).reset_index()


def epoch_time(ds, runs: int) -> pd.DataFrame:
    model = LightGCN(LightGCNConfig(epochs=runs + 1, time_budget_s=None)).fit(ds.interactions, ds.n_users,
                                                                              ds.n_items)
    s = np.array(model.epoch_seconds_)
    return pd.DataFrame([{"interactions": len(ds.interactions), "users": ds.n_users, "items": ds.n_items,
                          "first epoch s": s[0], f"median of next {runs} s": float(np.median(s[1:])),
                          "max s": float(s[1:].max()), "steps/epoch": int(np.ceil(len(ds.interactions) / 4096))}])


def ablation(ds, epochs: int) -> pd.DataFrame:
    from recsys.text import encode_items

    vectors, info = encode_items(ds)
    split = leave_last_out(ds.interactions)
    tcfg = TrainConfig(epochs=epochs, patience=epochs, time_budget_s=None)
    rows = []
    for use_graph in (False, True):
        for use_text in (False, True):
            cfg = replace(ModelConfig(), use_graph=use_graph, use_text=use_text)
            t0 = time.perf_counter()
            exp = run_experiment(ds, ("sasrec",), cfg, tcfg, split=split, text_vectors=vectors if use_text else None)
            m = exp.table[(exp.table["split"] == "test") & (exp.table["model"] == "sasrec")].set_index("metric")["value"]
            rows.append({"graph vectors": use_graph, "text vectors": use_text, "test ndcg@10": m["ndcg@10"],
                         "test hr@10": m["hr@10"], "best epoch": exp.result.best_epoch,
                         "seconds": time.perf_counter() - t0})
    print(f"text encoder: {info.get('name')} ({info.get('kind')}, {info.get('dim')}-d)")
    return pd.DataFrame(rows)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--ml100k", default=ML100K, help="RecBole ml-100k.inter (or any MovieLens-style file)")
    p.add_argument("--epoch-runs", type=int, default=5)
    p.add_argument("--ablation-epochs", type=int, default=8)
    p.add_argument("--skip-accuracy", action="store_true")
    p.add_argument("--skip-ablation", action="store_true")
    args = p.parse_args()
    print(f"cores: {os.cpu_count()}; protocol: leave-last-out by time, all items ranked, seen items excluded")
    demo = load_dataset(*DEMO, name="demo data")
    ml = load_dataset(args.ml100k, name="ml-100k") if Path(args.ml100k).exists() else None
    if not args.skip_accuracy:
        for ds in (demo, ml):
            if ds is None:
                print(f"\n(no MovieLens file at {args.ml100k}; pass --ml100k)")
                continue
            print(f"\n## {ds.name}: {ds.n_users} users, {ds.n_items} items, {len(ds.interactions):,} interactions")
            print(accuracy(ds).to_string(**FMT))
    speed_ds = ml if ml is not None else demo
    print(f"\n## LightGCN epoch time on {speed_ds.name} (d=64, K=3, batch 4096)")
    print(epoch_time(speed_ds, args.epoch_runs).to_string(**FMT))
    if not args.skip_ablation:
        print(f"\n## Ablation on the demo data: Transformer, {args.ablation_epochs} epochs each")
        print(ablation(demo, args.ablation_epochs).to_string(**FMT))


if __name__ == "__main__":
    main()
