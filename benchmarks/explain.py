"""Explanation speed and faithfulness on the demo data; prints two tables.

1. Time for one full explanation (attention + SHAP over a 50-item history + side features +
   counterfactual + faithfulness) of the top recommendation, median over users after warm-up,
   and the attention alone.
2. Deletion-curve areas (lower = the explanation names what the score depends on) for SHAP,
   target attention and random orders, averaged over a sample of users.

Run: ``python benchmarks/explain.py [--users 30]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from recsys.data import leave_last_out, load_dataset  # noqa: E402
from recsys.explain import ItemScorer, attention_maps, explain_item  # noqa: E402
from recsys.model import ModelConfig  # noqa: E402
from recsys.model.sequences import user_sequences  # noqa: E402
from recsys.recommend import Recommender  # noqa: E402
from recsys.train import TrainConfig, fit  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--users", type=int, default=30)
    p.add_argument("--epochs", type=int, default=TrainConfig().epochs)
    args = p.parse_args()
    ds = load_dataset("assets/demo/interactions.csv", "assets/demo/items.csv", "assets/demo/users.csv")
    cfg = ModelConfig()
    result = fit(ds, leave_last_out(ds.interactions), cfg, TrainConfig(epochs=args.epochs))
    rec = Recommender(result.model, result.tables, cfg.max_len, user_sequences(ds.interactions), cfg.heads, cfg)
    long_users = [u for u, s in rec.sequences.items() if len(s) >= cfg.max_len][: args.users + 2]
    ids = ds.user_encoder.inverse_transform(long_users)
    explain_item(rec, ds, cfg, ids[0])  # warm-up: traces the model calls
    explain_item(rec, ds, cfg, ids[1])
    totals, parts, attention_ms, rows = [], [], [], []
    for user, uid in zip(long_users[2:], ids[2:]):
        exp = explain_item(rec, ds, cfg, uid)
        totals.append(exp.timings_ms["total"])
        parts.append(exp.timings_ms)
        scorer = ItemScorer(rec, cfg, user, int(ds.item_encoder.transform([exp.item_id])[0]))
        t0 = time.perf_counter()
        attention_maps(scorer)
        attention_ms.append(1000 * (time.perf_counter() - t0))
        f = exp.faithfulness
        rows.append({"shap": f["shap_auc"], "attention": f["attention_auc"], "random": f["random_auc"],
                     "shap comprehensiveness": f["eraser"]["shap"]["comprehensiveness"],
                     "attention comprehensiveness": f["eraser"]["attention"]["comprehensiveness"]})
    med = {k: statistics.median(p[k] for p in parts) for k in parts[0]}
    timing = pd.DataFrame([
        ("full explanation, 50-item history (median)", f"{statistics.median(totals):.0f} ms", "< 1000 ms"),
        ("  attention", f"{med['attention']:.0f} ms", ""),
        ("  SHAP over history (permutation, 50 players)", f"{med['shap']:.0f} ms", ""),
        ("  SHAP over side features (exact)", f"{med['side_shap']:.0f} ms", ""),
        ("  counterfactual", f"{med['counterfactual']:.0f} ms", ""),
        ("  faithfulness curves", f"{med['faithfulness']:.0f} ms", ""),
        ("attention alone, called directly (median)", f"{statistics.median(attention_ms):.1f} ms", "< 100 ms"),
    ], columns=["measure", "value", "target"])
    print(f"demo data, {len(totals)} users with >= {cfg.max_len} history items, 2 CPU cores")
    print(timing.to_string(index=False))
    faith = pd.DataFrame(rows)
    print("\ndeletion AUC (mean over users; lower = more faithful) and ERASER comprehensiveness (higher = better)")
    print(faith.mean().to_frame("mean").T.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    print(f"SHAP below attention for {np.mean(faith['shap'] < faith['attention']):.0%} of users, "
          f"attention below random for {np.mean(faith['attention'] < faith['random']):.0%}")


if __name__ == "__main__":
    main()
