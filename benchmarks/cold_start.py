"""What the pretrained text vectors buy: an ablation on the demo data and a cold-start table.

``python benchmarks/cold_start.py [--epochs 8] [--holdout 0.1] [--seed 0] [--skip-ablation | --skip-cold]``

Every variant trains for the same number of epochs (early stopping on validation NDCG@10 still
picks the best one) with no time budget, so the comparison does not depend on machine load.

1. Ablation: test NDCG@10 / HR@10 of the Transformer with and without text vectors (and ids only)
   under the default protocol (leave-last-out, all items ranked, seen items excluded).
2. Cold start: 10% of the items (random, seeded) are held out of training entirely: every
   interaction with them is removed from the train and validation parts. The test interactions
   whose item is held out are then ranked against the whole catalogue (same protocol); an item
   with no training interaction can only be ranked by what is known about it (its text vector,
   its categories). The warm test interactions are reported too, to show nothing is lost there.
   A content-only reference ranks by cosine between the item's text vector and the mean text
   vector of the user's history; the collaborative baselines cannot score held-out items at all.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import replace

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from recsys.data import leave_last_out, load_dataset  # noqa: E402
from recsys.evaluate.baselines import EASE  # noqa: E402
from recsys.evaluate.experiment import run_experiment  # noqa: E402
from recsys.evaluate.protocol import SequenceScorer, evaluate  # noqa: E402
from recsys.model import ModelConfig  # noqa: E402
from recsys.recommend import Recommender  # noqa: E402
from recsys.text import encode_items  # noqa: E402
from recsys.train import TrainConfig  # noqa: E402

DEMO = ("assets/demo/interactions.csv", "assets/demo/items.csv", "assets/demo/users.csv")
VARIANTS = {  # name -> (use_text, use_item_features)
    "text + categories": (True, True),
    "text only": (True, False),
    "categories only": (False, True),
    "ids only": (False, False),
}
METRICS = ("ndcg@10", "hr@10")


class TextProfile:
    """Content-only reference: cosine between an item's text vector and the mean of the user's history."""

    name = "text profile"

    def __init__(self, vectors: np.ndarray):
        self.v = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)

    def scores(self, user_idx, history: pd.DataFrame) -> np.ndarray:
        by_user = history.groupby("user_idx")["item_idx"].apply(np.asarray)
        profile = np.stack([self.v[by_user.get(u, np.zeros(0, np.int64))].sum(axis=0) for u in user_idx])
        return profile @ self.v.T


def cold_split(split, items: np.ndarray):
    """The split with every interaction of ``items`` removed from train and valid, and its test
    divided into ``cold`` (a held-out item) and ``warm`` parts."""
    keep = lambda f: f[~f["item_idx"].isin(items)]  # noqa: E731
    base = replace(split, train=keep(split.train), valid=keep(split.valid))
    cold = split.test["item_idx"].isin(items)
    return replace(base, test=split.test[cold]), replace(base, test=split.test[~cold])


def _row(table: pd.DataFrame, model: str) -> dict:
    t = table[(table["model"] == model) & (table["split"] == "test")]
    return {m: float(t.loc[t["metric"] == m, "value"].iloc[0]) for m in METRICS}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=8)
    p.add_argument("--holdout", type=float, default=0.1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--skip-ablation", action="store_true")
    p.add_argument("--skip-cold", action="store_true", help="the ablation table only")
    args = p.parse_args()
    ds = load_dataset(*DEMO)
    vectors, info = encode_items(ds)
    tcfg = TrainConfig(epochs=args.epochs, seed=args.seed, time_budget_s=None)
    print(f"{ds.name}: {ds.n_users} users, {ds.n_items} items, {len(ds.interactions):,} interactions; "
          f"text vectors: {info.get('name')} ({info.get('kind')}, {info.get('dim')}-d)")
    print("protocol: leave-last-out by time, all items ranked, the user's earlier items excluded\n")

    split = leave_last_out(ds.interactions)
    if not args.skip_ablation:
        rows = []
        for name in ("text + categories", "categories only", "ids only"):
            use_text, use_feat = VARIANTS[name]
            cfg = ModelConfig(use_text=use_text, use_item_features=use_feat)
            exp = run_experiment(ds, ("sasrec",), cfg, tcfg, split=split, text_vectors=vectors if use_text else None)
            rows.append({"model": f"transformer, {name}", **_row(exp.table, "sasrec"),
                         "epochs": len(exp.result.curve), "fit s": exp.fit_seconds["sasrec"]})
        ref = evaluate(split, {"ease": EASE().fit(split.train, ds.n_users, ds.n_items, split.valid)},
                       ds.n_items, ds.n_users, parts=("test",))
        rows.append({"model": "EASE (reference)", **_row(ref, "ease")})
        print("Ablation (all test users)")
        print(pd.DataFrame(rows).to_string(index=False, float_format=lambda x: f"{x:.4f}"), "\n")
    if args.skip_cold:
        return

    rng = np.random.default_rng(args.seed)
    seen = np.unique(split.train["item_idx"])
    held = rng.choice(seen, size=int(round(args.holdout * len(seen))), replace=False)
    cold, warm = cold_split(split, held)
    print(f"Cold start: {len(held)} of {len(seen)} items ({args.holdout:.0%}) held out of training; "
          f"{len(cold.test)} test users have a held-out test item, {len(warm.test)} a warm one")
    rows = []
    for name, (use_text, use_feat) in VARIANTS.items():
        cfg = ModelConfig(use_text=use_text, use_item_features=use_feat)
        exp = run_experiment(ds, ("sasrec",), cfg, tcfg, split=cold, text_vectors=vectors if use_text else None)
        r = exp.result
        scorers = {"sasrec": SequenceScorer(Recommender(r.model, r.tables, cfg.max_len, r.sequences, cfg.heads, cfg))}
        w = evaluate(warm, scorers, ds.n_items, ds.n_users, parts=("test",))
        rows.append({"model": f"transformer, {name}", **{f"cold {k}": v for k, v in _row(exp.table, "sasrec").items()},
                     **{f"warm {k}": v for k, v in _row(w, "sasrec").items()}, "fit s": exp.fit_seconds["sasrec"]})
    refs = {"text profile": TextProfile(vectors), "ease": EASE().fit(cold.train, ds.n_users, ds.n_items, cold.valid)}
    c = evaluate(cold, refs, ds.n_items, ds.n_users, parts=("test",))
    w = evaluate(warm, refs, ds.n_items, ds.n_users, parts=("test",))
    for name in refs:
        rows.append({"model": f"{name} (reference)", **{f"cold {k}": v for k, v in _row(c, name).items()},
                     **{f"warm {k}": v for k, v in _row(w, name).items()}})
    print(pd.DataFrame(rows).to_string(index=False, float_format=lambda x: f"{x:.4f}"))


if __name__ == "__main__":
    main()
