"""Cost of one training step, three training graphs side by side on the same batch; prints a table.

- per row: the catalogue fed as ``candidates`` ``[B, N]``, so the item tower runs on B x N ids
  (``training_model(model)``, what the sampled and rating losses still use);
- in-graph catalogue: the item tower once per step on ``[1, N]``
  (``training_model(model, cfg, tables, catalogue)``);
- + sampled head: target attention and the MLP on the batch's targets plus ``head_samples``
  random items (``sampled_head=True``, the default full-softmax training).

Data: demo-sized (1,300 users, 1,700 items, ~100,000 interactions) with random 384-d text vectors,
and the same without text; ``--ml100k FILE`` adds a MovieLens-100k row with 200-item histories.
Median of 5 rounds of 5 steps each, graphs interleaved so load changes hit all three alike.

Run: ``python benchmarks/train_step.py [--ml100k ml-100k.inter]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from dataclasses import replace

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from recsys.data import leave_last_out, load_dataset  # noqa: E402
from recsys.data.demo import generate_demo  # noqa: E402
from recsys.model import ModelConfig, build_feature_tables, build_model, training_model  # noqa: E402
from recsys.model.features import to_model_ids  # noqa: E402
from recsys.train import TrainConfig  # noqa: E402
from recsys.train.batches import MemoryBatches  # noqa: E402
from recsys.train.fit import MaskedSoftmaxCE, warm_items  # noqa: E402
from recsys.train.windows import make_windows, user_sequences  # noqa: E402


def measure(name: str, ds, cfg: ModelConfig, text=None, rounds: int = 5, steps: int = 5) -> dict:
    split = leave_last_out(ds.interactions)
    tables = build_feature_tables(ds, text)
    model = build_model(cfg, tables)
    catalogue = to_model_ids(np.flatnonzero(warm_items(split.train, ds.n_items))).astype(np.int32)
    windows = make_windows(user_sequences(split.train), cfg.max_len)
    uses_users = "user_features" in {t.name for t in model.inputs}
    tcfg = TrainConfig()
    x, y = MemoryBatches(windows, tables, replace(tcfg, head_samples=None), uses_users, 0.0, catalogue)[0]
    xs, ys = MemoryBatches(windows, tables, tcfg, uses_users, 0.0, catalogue, True)[0]
    per_row_x = dict(x, candidates=np.broadcast_to(catalogue, (len(x["history"]), len(catalogue))).copy())
    graphs = {
        "per row": (training_model(model), per_row_x, y),
        "in-graph catalogue": (training_model(model, cfg, tables, catalogue), x, y),
        "+ sampled head": (training_model(model, cfg, tables, catalogue, sampled_head=True), xs, ys),
    }
    for trainer, xx, yy in graphs.values():
        trainer.compile(optimizer=keras.optimizers.Adam(1e-3),
                        loss={"scores": MaskedSoftmaxCE(), "sequence_logits": MaskedSoftmaxCE()})
        trainer.train_on_batch(xx, yy)  # trace
    times = {k: [] for k in graphs}
    for _ in range(rounds):
        for key, (trainer, xx, yy) in graphs.items():
            t0 = time.perf_counter()
            for _ in range(steps):
                trainer.train_on_batch(xx, yy)
            times[key].append((time.perf_counter() - t0) / steps * 1000)
    row = {"data": name, "items": ds.n_items, "L": cfg.max_len, "steps/epoch": int(np.ceil(len(windows) / tcfg.batch_size))}
    base = statistics.median(times["per row"])
    for key, ts in times.items():
        row[f"{key} ms"] = statistics.median(ts)
    row["speed-up"] = base / statistics.median(times["+ sampled head"])
    return row


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--ml100k", default=None, help="RecBole ml-100k.inter (or any MovieLens-style file)")
    args = p.parse_args()
    inter, items, users = generate_demo(n_users=1300, n_items=1700, mean_length=80, seed=7)
    demo = load_dataset(inter, items, users, name="demo-sized")
    text = np.random.default_rng(0).normal(size=(demo.n_items, 384)).astype(np.float32)
    rows = [measure("demo-sized + 384-d text", demo, ModelConfig(), text), measure("demo-sized", demo, ModelConfig())]
    if args.ml100k:
        rows.append(measure("ml-100k", load_dataset(args.ml100k), ModelConfig(max_len=200)))
    print(f"batch {TrainConfig().batch_size}, head_samples {TrainConfig().head_samples}; median ms per step")
    print(pd.DataFrame(rows).to_string(index=False, float_format=lambda v: f"{v:.2f}" if v < 10 else f"{v:.0f}"))


if __name__ == "__main__":
    main()
