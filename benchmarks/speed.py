"""Speed and memory of the Transformer recommender on 2 CPU cores; prints a table.

- one training epoch over ~100,000 interactions (the demo generator scaled up), including the
  validation pass that early stopping needs;
- top-10 for one user over a 10,000-item catalogue (median of 50 calls after warm-up);
- evaluating 1,000 users (full ranking, seen items masked);
- peak resident memory of this process.

Run: ``python benchmarks/speed.py``
"""

from __future__ import annotations

import os
import resource
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pandas as pd  # noqa: E402

from recsys.data import leave_last_out, load_dataset  # noqa: E402
from recsys.data.demo import generate_demo  # noqa: E402
from recsys.evaluate import SequenceScorer, rank_users  # noqa: E402
from recsys.model import ModelConfig, build_feature_tables, build_model  # noqa: E402
from recsys.model.sequences import user_sequences  # noqa: E402
from recsys.recommend import Recommender  # noqa: E402
from recsys.train import TrainConfig, fit  # noqa: E402


def main() -> None:
    rows = []
    inter, items, users = generate_demo(n_users=1300, n_items=1700, mean_length=80, seed=7)
    ds = load_dataset(inter, items, users, name="speed")
    split = leave_last_out(ds.interactions)
    cfg = ModelConfig()
    result = fit(ds, split, cfg, TrainConfig(epochs=2, patience=10))
    epoch_times = [result.curve[0]["seconds"], result.curve[1]["seconds"] - result.curve[0]["seconds"]]
    rows.append((f"train epoch, {len(ds.interactions)} interactions, {ds.n_items} items (2nd epoch, incl. validation)",
                 f"{epoch_times[1]:.1f} s", "< 20 s"))
    rows.append(("  first epoch (incl. graph tracing)", f"{epoch_times[0]:.1f} s", ""))

    scorer = SequenceScorer(Recommender(result.model, result.tables, cfg.max_len, result.sequences, cfg.heads, cfg))
    users_1000 = split.test["user_idx"].to_numpy()[:1000]
    history = pd.concat([split.train, split.valid])
    rank_users(scorer, users_1000[:50], history, 10)  # warm-up
    t0 = time.perf_counter()
    rank_users(scorer, users_1000, history, 10)
    rows.append((f"evaluate 1,000 users (full ranking, {ds.n_items} items)", f"{time.perf_counter() - t0:.2f} s", "< 5 s"))

    big_inter, big_items, _ = generate_demo(n_users=300, n_items=10_000, mean_length=30, seed=3)
    big = load_dataset(big_inter, big_items)
    tables = build_feature_tables(big)
    model = build_model(cfg, tables)
    rec = Recommender(model, tables, cfg.max_len, user_sequences(big.interactions), cfg.heads, cfg)
    for _ in range(5):
        rec.recommend_indices([0], k=10)
    times = []
    for u in range(50):
        t0 = time.perf_counter()
        rec.recommend_indices([u], k=10)
        times.append(time.perf_counter() - t0)
    rows.append((f"top-10 for one user, {big.n_items:,}-item catalogue (median of 50)",
                 f"{1000 * statistics.median(times):.1f} ms", "< 30 ms"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append(("peak resident memory (whole benchmark)", f"{peak:,.0f} MB", ""))
    print(pd.DataFrame(rows, columns=["measure", "value", "target"]).to_string(index=False))


if __name__ == "__main__":
    main()
