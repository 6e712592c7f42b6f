"""Epoch time against catalogue size: the same number of interactions over 1,700 and 10,000 items.

Two datasets from the demo generator with 100,000 interactions each (seed 7), one with a
1,700-item catalogue and one with 10,000 items, each with random 384-d item text vectors (the
size of all-MiniLM-L6-v2's; their values do not change the cost). Each is trained with the
default ``ModelConfig`` and ``TrainConfig`` for three epochs, twice, alternating the two catalogues
so that changes in machine load hit both alike; an epoch's time includes the validation pass
that early stopping needs. Reported: the median of the later epochs (the first traces the graph).

Target: an epoch over 10,000 items at most 2x the epoch over 1,700 items.

Run: ``python benchmarks/catalogue_size.py [--interactions 100000] [--rounds 2]``
"""

from __future__ import annotations

import argparse
import os
import statistics

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

from recsys.data import leave_last_out, load_dataset  # noqa: E402
from recsys.data.demo import generate_demo  # noqa: E402
from recsys.model import ModelConfig  # noqa: E402
from recsys.train import TrainConfig, fit  # noqa: E402

CATALOGUES = (1_700, 10_000)


def _data(n_items: int, n_interactions: int):
    inter, items, users = generate_demo(n_items=n_items, n_interactions=n_interactions, seed=7)
    ds = load_dataset(inter, items, users, name=f"{n_items} items")
    vectors = np.random.default_rng(0).standard_normal((ds.n_items, 384)).astype("float32")
    return ds, leave_last_out(ds.interactions), vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _epochs(ds, split, vectors, epochs: int) -> list[float]:
    result = fit(ds, split, ModelConfig(), TrainConfig(epochs=epochs, patience=epochs + 1), text_vectors=vectors)
    ends = [0.0] + [row["seconds"] for row in result.curve]
    return [b - a for a, b in zip(ends, ends[1:])]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--interactions", type=int, default=100_000)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--epochs", type=int, default=3)
    args = p.parse_args()
    data = {n: _data(n, args.interactions) for n in CATALOGUES}
    later = {n: [] for n in CATALOGUES}
    first = {n: [] for n in CATALOGUES}
    for _ in range(args.rounds):
        for n in CATALOGUES:
            times = _epochs(*data[n], args.epochs)
            first[n].append(times[0])
            later[n] += times[1:]
    load = os.getloadavg()[0]
    print(f"{args.interactions:,} interactions; default model and training settings; load average {load:.1f} "
          f"on {os.cpu_count()} CPUs\n")
    print(f"{'catalogue':>10s} {'users':>6s} {'epoch s (median of later)':>26s} {'first epoch s':>14s} {'x vs 1,700':>11s}")
    base = statistics.median(later[CATALOGUES[0]])
    for n in CATALOGUES:
        ds = data[n][0]
        median = statistics.median(later[n])
        print(f"{ds.n_items:>10,d} {ds.n_users:>6,d} {median:>26.1f} {statistics.median(first[n]):>14.1f} "
              f"{median / base:>11.2f}")


if __name__ == "__main__":
    main()
