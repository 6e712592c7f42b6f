"""Check the structure planted in the demo data (see assets/demo/README.md) and print a table.

Simple reference scorers under the default protocol (leave-last-out, full ranking, seen items
excluded): MostPopular, ItemKNN (cosine), EASE (lambda=500) and a first-order "last item"
transition model. The transition model stands for "a sequence model"; the rows show that the
recent past beats popularity and whole-history similarity, and that the 55+ group is served
worse by all of them.

Run: ``python benchmarks/demo_structure.py``
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recsys.data import leave_last_out, load_dataset

DEMO = "assets/demo"


def main() -> None:
    ds = load_dataset(f"{DEMO}/interactions.csv", f"{DEMO}/items.csv", f"{DEMO}/users.csv")
    split = leave_last_out(ds.interactions)
    n_users, n_items = ds.n_users, ds.n_items
    train, valid, test = split.train, split.valid, split.test
    X = sp.csr_matrix((np.ones(len(train)), (train.user_idx, train.item_idx)), shape=(n_users, n_items))
    group = ds.users.frame["age_group"].reindex(ds.user_encoder.inverse_transform(test.user_idx)).to_numpy()
    older = group == "55+"

    def ndcg(scores: np.ndarray) -> np.ndarray:
        scores = scores.astype(float).copy()
        scores[X.nonzero()] = -np.inf
        scores[valid.user_idx.to_numpy(), valid.item_idx.to_numpy()] = -np.inf
        rows = test.user_idx.to_numpy()
        target = scores[rows, test.item_idx.to_numpy()]
        rank = (scores[rows] > target[:, None]).sum(1)
        return np.where(rank < 10, 1 / np.log2(rank + 2), 0.0)

    pop = np.asarray(X.sum(0)).ravel()
    norm = X.multiply(1 / np.sqrt(np.maximum(pop, 1))).tocsc()
    sim = (norm.T @ norm).toarray()
    np.fill_diagonal(sim, 0)
    gram = (X.T @ X).toarray() + 500 * np.eye(n_items)
    p = np.linalg.inv(gram)
    ease = -p / np.diag(p)
    np.fill_diagonal(ease, 0)
    ordered = train.sort_values(["user_idx", "timestamp"], kind="stable")
    a, b = ordered.item_idx.to_numpy()[:-1], ordered.item_idx.to_numpy()[1:]
    same = ordered.user_idx.to_numpy()[:-1] == ordered.user_idx.to_numpy()[1:]
    trans = sp.csr_matrix((np.ones(same.sum()), (a[same], b[same])), shape=(n_items, n_items)).toarray()
    last = np.zeros((n_users, n_items))
    last[valid.user_idx.to_numpy()] = trans[valid.item_idx.to_numpy()]
    models = {
        "MostPopular": np.tile(pop, (n_users, 1)),
        "ItemKNN": np.asarray(X @ sim),
        "EASE": np.asarray(X @ ease),
        "last-item transitions": last + 1e-6 * pop,
    }
    rows = []
    for name, scores in models.items():
        v = ndcg(scores)
        rows.append({"model": name, "NDCG@10": v.mean(), "NDCG@10 55+": v[older].mean(), "NDCG@10 others": v[~older].mean()})
    print(f"demo data: {n_users} users, {n_items} items, {len(ds.interactions):,} interactions; "
          f"leave-last-out, full ranking, {older.sum()} test users aged 55+")
    print(pd.DataFrame(rows).to_string(index=False, float_format=lambda x: f"{x:.4f}"))


if __name__ == "__main__":
    main()
