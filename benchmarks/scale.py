"""How training, evaluation and batch recommendation cost grow with the data; prints a table.

For each size (default 100,000, 300,000 and 1,000,000 interactions of the demo generator scaled
up: the same 1,500-item catalogue, more users) a fresh process
- generates the data and splits it (leave-last-out),
- trains one epoch with windows streamed from Parquet shards (``input_pipeline="parquet"``);
  the epoch time includes the validation pass over 2,000 users and graph tracing,
- evaluates every user on the test part (full ranking, seen items masked),
- writes the top-10 of every user to Parquet in chunks (``recommend_all_users``),
- reports its peak resident memory (``ru_maxrss``; one process per size, so sizes do not mix).

Targets on 2 CPU cores: one epoch over 1,000,000 interactions under 3 minutes, peak memory
under 4 GB, cost per interaction not growing with size.

Run: ``python benchmarks/scale.py`` (or ``--sizes 100000,300000``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def measure(n: int) -> dict:
    import pandas as pd

    from recsys.data import leave_last_out, load_dataset
    from recsys.data.demo import generate_demo
    from recsys.evaluate import SequenceScorer, evaluate
    from recsys.model import ModelConfig
    from recsys.recommend import Recommender, recommend_all_users
    from recsys.train import TrainConfig, fit
    from recsys.train.distributed import peak_memory_mb
    from recsys.train.windows import user_sequences

    t0 = time.perf_counter()
    inter, items, users = generate_demo(n_interactions=n, seed=7)
    gen_s = time.perf_counter() - t0
    ds = load_dataset(inter, items, users, name=f"scale-{n}")
    split = leave_last_out(ds.interactions)
    cfg = ModelConfig()
    result = fit(ds, split, cfg, TrainConfig(epochs=1, time_budget_s=None, input_pipeline="parquet"))
    epoch_s = result.curve[0]["seconds"]
    train_peak = result.peak_memory_mb
    rec = Recommender(result.model, result.tables, cfg.max_len, result.sequences, cfg.heads, cfg)
    t0 = time.perf_counter()
    table = evaluate(split, {"sasrec": SequenceScorer(rec)}, ds.n_items, ds.n_users, parts=("test",))
    eval_s = time.perf_counter() - t0
    full = Recommender(result.model, result.tables, cfg.max_len, user_sequences(ds.interactions), cfg.heads, cfg)
    with tempfile.TemporaryDirectory() as tmp:
        info = recommend_all_users(full, ds, os.path.join(tmp, "recs.parquet"), k=10)
        written = len(pd.read_parquet(os.path.join(tmp, "recs.parquet"), columns=["rank"]))
    ndcg = float(table[table["metric"] == "ndcg@10"]["value"].iloc[0])
    return {"interactions": len(ds.interactions), "users": ds.n_users, "items": ds.n_items, "generate_s": gen_s,
            "epoch_s": epoch_s, "fit_s": result.fit_seconds, "train_peak_mb": train_peak, "eval_s": eval_s,
            "test_ndcg@10": ndcg, "recs_users_per_s": info["users_per_second"], "recs_rows": written,
            "peak_mb": peak_memory_mb()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,300000,1000000")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child process: measure one size
    args = parser.parse_args()
    if args.one:
        print("RESULT " + json.dumps(measure(args.one)), flush=True)
        return
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        out = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True, text=True, check=True)
        rows.append(json.loads(next(line for line in out.stdout.splitlines() if line.startswith("RESULT "))[7:]))
        print(f"done {n:,}: {rows[-1]}", file=sys.stderr, flush=True)
    import pandas as pd

    base = rows[0]
    table = pd.DataFrame([{
        "interactions": f"{r['interactions']:,}",
        "users": f"{r['users']:,}",
        "epoch (s)": round(r["epoch_s"], 1),
        "epoch us/interaction": round(1e6 * r["epoch_s"] / r["interactions"], 1),
        "x vs first": round((r["epoch_s"] / r["interactions"]) / (base["epoch_s"] / base["interactions"]), 2),
        "eval all users (s)": round(r["eval_s"], 1),
        "eval x vs first (per user)": round((r["eval_s"] / r["users"]) / (base["eval_s"] / base["users"]), 2),
        "top-10 users/s": round(r["recs_users_per_s"]),
        "peak MB (train)": round(r["train_peak_mb"]),
        "peak MB (all)": round(r["peak_mb"]),
        "test NDCG@10": round(r["test_ndcg@10"], 4),
    } for r in rows])
    print(table.to_string(index=False))
    print("targets (2 CPU cores): epoch over 1,000,000 interactions < 180 s; peak memory < 4,096 MB; "
          "per-interaction cost ratio ~1 (linear)")


if __name__ == "__main__":
    main()
