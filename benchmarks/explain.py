"""Explanation speed (first in a fresh process, and warm) and faithfulness; prints four tables.

1. First explanation in a fresh process: every measurement is a new Python process (nothing
   traced, nothing cached), which imports recsys, loads the run, then explains user 1's top
   item. Three ways: without warm-up; after ``warm_up`` (what the app's background thread does
   while the user looks at the page); with the warm-up started in the background and the
   explanation asked at once (a user who clicks immediately). Import, run load, warm-up and
   first explanation are timed separately; median over ``--fresh`` processes per way.
2. Warm: one full explanation (attention, SHAP over the history, side-feature SHAP,
   counterfactual, rank and gap, faithfulness) of ``--pairs`` (user, top-10 item) pairs drawn
   with a seed, after the warm-up; median and 90th percentile, and the median of each part.
3. Why not: the same for items at rank 100 (any catalogue item; the counterfactual works upwards
   and the history items holding the item down are re-scored one by one).
4. Deletion-curve areas (lower = the explanation names what the score depends on) for SHAP,
   attention and random orders over the warm pairs.

``--busy N`` starts N busy-loop processes for the whole measurement (a loaded machine) and stops
them at the end. The load average is printed with the tables.

Run: ``python benchmarks/explain.py --run RUN`` (a run from ``python -m recsys train ... --out
RUN``), or without ``--run`` to train one on the demo data first (``--epochs``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
T_START = time.perf_counter()

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

MODES = {"cold": "no warm-up", "warm": "after the warm-up", "background": "warm-up started, asked at once"}


def _seconds(t0: float) -> float:
    return round(time.perf_counter() - t0, 2)


def child(run_path: str, mode: str) -> None:
    """One fresh-process measurement; prints its timings as JSON on the last line."""
    from recsys.explain import explain_item, start_warm_up, warm_up
    from recsys.train import load_run

    out = {"import": _seconds(T_START)}
    t0 = time.perf_counter()
    run = load_run(run_path)
    rec = run.recommender()
    out["load"] = _seconds(t0)
    t0 = time.perf_counter()
    if mode == "warm":
        warm_up(rec, run.model_config)
        out["warm_up"] = _seconds(t0)
    elif mode == "background":
        job = start_warm_up(rec, run.model_config)
    t0 = time.perf_counter()
    explain_item(rec, run.dataset, run.model_config, run.dataset.user_encoder.classes_[0], rank=1)
    out["first"] = _seconds(t0)
    if mode == "background":
        job.wait()
        out["warm_up"] = round(job.timings_ms["total"] / 1000, 2)
    out["traces"] = rec.traces()
    print(json.dumps(out))


def first_table(run_path: str, repeats: int) -> pd.DataFrame:
    rows = []
    for mode, label in MODES.items():
        results = []
        for _ in range(repeats):
            done = subprocess.run([sys.executable, __file__, "--child", mode, "--run", run_path], capture_output=True,
                                  text=True, check=True)
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        med = {k: statistics.median(r[k] for r in results) for k in ("import", "load", "first")}
        warm = statistics.median(r["warm_up"] for r in results) if "warm_up" in results[0] else None
        rows.append({"first explanation in a fresh process": label, "import (s)": med["import"],
                     "run load (s)": med["load"], "warm-up (s)": "" if warm is None else warm,
                     "first explanation (s)": med["first"],
                     "all traces": "once" if all(set(r["traces"].values()) == {1} for r in results) else "retraced"})
    return pd.DataFrame(rows)


def _pairs(rec, n: int, rank_range: tuple[int, int], seed: int) -> list[tuple[int, int]]:
    rng = np.random.default_rng(seed)
    users = rng.choice(sorted(rec.sequences), size=n, replace=False)
    ranks = rng.integers(rank_range[0], rank_range[1] + 1, size=n)
    top, _ = rec.recommend_indices(users, k=int(ranks.max()))
    return [(int(u), int(top[i, r - 1])) for i, (u, r) in enumerate(zip(users, ranks)) if top[i, r - 1] >= 0]


def warm_tables(run_path: str, n_pairs: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    from recsys.explain import explain_item, warm_up
    from recsys.train import load_run

    run = load_run(run_path)
    rec, ds, cfg = run.recommender(), run.dataset, run.model_config
    warm_up(rec, cfg)
    timing_rows, faith_rows = [], []
    for label, rank_range in (("top-10 item (warm)", (1, 10)), ("why not: item at rank 100 (warm)", (100, 100))):
        parts = []
        for user, item in _pairs(rec, n_pairs, rank_range, seed):
            e = explain_item(rec, ds, cfg, ds.user_encoder.inverse_transform([user])[0],
                             item_id=ds.item_encoder.inverse_transform([item])[0])
            parts.append(e.timings_ms)
            if rank_range[0] == 1:
                f = e.faithfulness
                faith_rows.append({"shap": f.shap_auc, "attention": f.attention_auc, "random": f.random_auc})
        totals = [p["total"] for p in parts]
        timing_rows.append({"explanation": label, "pairs": len(parts), "median (ms)": round(statistics.median(totals)),
                            "p90 (ms)": round(float(np.percentile(totals, 90)))}
                           | {f"{k} (ms)": round(statistics.median(p[k] for p in parts))
                              for k in parts[0] if k != "total"})
    faith = pd.DataFrame(faith_rows)
    summary = (f"deletion area over {len(faith)} top-10 pairs (mean; lower = more faithful): "
               + ", ".join(f"{k} {v:.3f}" for k, v in faith.mean().items())
               + f"; SHAP below attention for {np.mean(faith['shap'] < faith['attention']):.0%} of pairs")
    history = int(np.median([min(len(s), cfg.max_len) for s in rec.sequences.values()]))
    header = (f"{ds.name}: {ds.n_users:,} users, {ds.n_items:,} items, median history read {history} items, "
              f"text vectors {'on' if cfg.use_text and rec.tables.item_text is not None else 'off'}, "
              f"target attention {'on' if cfg.target_attention else 'off'}")
    return pd.DataFrame(timing_rows), header, summary


def _demo_run(epochs: int) -> str:
    from recsys.data import leave_last_out, load_dataset
    from recsys.model import ModelConfig
    from recsys.train import TrainConfig, fit, save_run

    ds = load_dataset("assets/demo/interactions.csv", "assets/demo/items.csv", "assets/demo/users.csv")
    result = fit(ds, leave_last_out(ds.interactions), ModelConfig(), TrainConfig(epochs=epochs))
    return str(save_run(result, ds, tempfile.mkdtemp(prefix="explain-bench-")))


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--run", help="a saved run (default: train one on the demo data)")
    p.add_argument("--epochs", type=int, default=3, help="epochs of the demo run (without --run)")
    p.add_argument("--fresh", type=int, default=3, help="fresh processes per way of measuring the first explanation")
    p.add_argument("--pairs", type=int, default=20, help="(user, item) pairs for the warm measurements")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--busy", type=int, default=0, help="busy-loop processes running during the measurement")
    p.add_argument("--child", choices=list(MODES), help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        child(args.run, args.child)
        return
    run_path = args.run or _demo_run(args.epochs)
    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.busy)]
    try:
        load_before = os.getloadavg()[0]
        first = first_table(run_path, args.fresh)
        timing, header, faith = warm_tables(run_path, args.pairs, args.seed)
        load_after = os.getloadavg()[0]
    finally:
        for proc in busy:
            proc.kill()
            proc.wait()
    print(f"{header}; {os.cpu_count()} CPU cores, {args.busy} busy-loop processes, "
          f"load average {load_before:.1f} before, {load_after:.1f} after")
    print(first.to_string(index=False))
    print()
    print(timing.to_string(index=False))
    print()
    print(faith)


if __name__ == "__main__":
    main()
