"""EASE fit time: one eigendecomposition for the whole lambda grid against one inverse per lambda.

``python benchmarks/ease.py --interactions ratings.csv`` (default: the demo data). Both fit the
same seven lambdas on the training split, choose one by validation NDCG@10 and must agree.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from recsys.data import leave_last_out, load_dataset
from recsys.evaluate import EASE
from recsys.graph.adjacency import interaction_graph
from recsys.ranking import top_k
from recsys.ranking.metrics import ndcg


def per_lambda_inverse(train, valid, n_users, n_items, lambdas):
    """The previous implementation: a float64 inverse of the N x N Gram matrix per lambda."""
    x = interaction_graph(train, n_users, n_items)
    gram = (x.T @ x).toarray().astype(np.float64)
    profile = x[valid["user_idx"].to_numpy()]
    seen = np.split(profile.indices, profile.indptr[1:-1])
    scores = {}
    for lam in lambdas:
        p = np.linalg.inv(gram + lam * np.eye(n_items))
        b = -p / np.diag(p)
        np.fill_diagonal(b, 0.0)
        ranked, _ = top_k(np.asarray(profile @ b.astype(np.float32)), 10, seen)
        scores[lam] = ndcg(ranked, valid["item_idx"].to_numpy(), k=10)
    return max(lambdas, key=lambda lam: (scores[lam], -lambdas.index(lam))), scores


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--interactions", default="assets/demo/interactions.csv")
    p.add_argument("--skip-inverse", action="store_true", help="time only the eigendecomposition")
    args = p.parse_args()
    ds = load_dataset(args.interactions)
    split = leave_last_out(ds.interactions)
    lambdas = EASE().lambdas
    print(f"{ds.name}: {ds.n_users} users, {ds.n_items} items; lambdas {lambdas}")
    rows = []
    t = time.perf_counter()
    ease = EASE().fit(split.train, ds.n_users, ds.n_items, split.valid)
    rows.append(("one eigendecomposition (now)", time.perf_counter() - t, ease.lambda_, ease.validation_[ease.lambda_]))
    if not args.skip_inverse:
        t = time.perf_counter()
        lam, scores = per_lambda_inverse(split.train, split.valid, ds.n_users, ds.n_items, lambdas)
        rows.append(("float64 inverse per lambda (before)", time.perf_counter() - t, lam, scores[lam]))
    print(f"{'method':38s} {'fit s':>8s} {'lambda':>8s} {'valid NDCG@10':>14s}")
    for name, secs, lam, score in rows:
        print(f"{name:38s} {secs:8.1f} {lam:8.0f} {score:14.4f}")
    if len(rows) == 2:
        print(f"speed-up: {rows[1][1] / rows[0][1]:.1f}x")


if __name__ == "__main__":
    main()
