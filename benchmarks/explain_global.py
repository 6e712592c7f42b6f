"""Explanations across users on the demo data: time of ``global_summary`` and what batching buys.

1. ``global_summary`` over ``--users`` users x top-``--k`` (default 50 x 5 = 250 recommendations):
   side-feature SHAP (exact, every coalition of every pair in batched gated-model calls) and
   history-item SHAP (Permutation explainer, 50-item histories, a user's K items scored in each
   call), median of ``--repeats`` runs after a warm-up run.
2. The same side-feature and history SHAP values computed one recommendation at a time with the
   per-item functions (``side_feature_shap``, ``history_shap``) on the first ``--loop-users`` users
   of the same sample, timed side by side with the batched functions on those users.
3. The PCA maps of the item id embeddings and of the text vectors (the model is trained with text
   vectors only when the MiniLM checkpoint or the TF-IDF fallback can embed the items).

Run: ``python benchmarks/explain_global.py [--users 50 --k 5 --epochs 3]`` or on a saved run
``python benchmarks/explain_global.py --run runs/demo``.
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
from recsys.errors import DataError  # noqa: E402
from recsys.explain import ItemScorer, history_shap, side_feature_shap  # noqa: E402
from recsys.explain import maps as M  # noqa: E402
from recsys.explain import summary as S  # noqa: E402
from recsys.model import ModelConfig  # noqa: E402
from recsys.model.sequences import user_sequences  # noqa: E402
from recsys.recommend import Recommender  # noqa: E402
from recsys.train import TrainConfig, fit, load_run  # noqa: E402


def _setup(args):
    if args.run:
        run = load_run(args.run)
        return run.recommender(), run.dataset, run.model_config
    ds = load_dataset("assets/demo/interactions.csv", "assets/demo/items.csv", "assets/demo/users.csv")
    vectors = None
    if not args.no_text:
        from recsys.text import encode_items

        vectors, info = encode_items(ds)
        print(f"text vectors: {info.get('name')} ({info.get('kind')}, {info.get('dim')}-d)")
    cfg = ModelConfig()
    result = fit(ds, leave_last_out(ds.interactions), cfg, TrainConfig(epochs=args.epochs), text_vectors=vectors)
    rec = Recommender(result.model, result.tables, cfg.max_len, user_sequences(ds.interactions), cfg.heads, cfg)
    return rec, ds, cfg


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, 1000 * (time.perf_counter() - t0)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--run", help="a saved run directory (default: train on the demo data)")
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--loop-users", type=int, default=10)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--no-text", action="store_true")
    args = p.parse_args()
    rec, ds, cfg = _setup(args)

    S.global_summary(rec, ds, cfg, n_users=args.users, k=args.k, seed=0)  # warm-up: traces the model calls
    runs = [S.global_summary(rec, ds, cfg, n_users=args.users, k=args.k, seed=s) for s in range(1, args.repeats + 1)]
    med = {part: statistics.median(r.timings_ms[part] for r in runs) for part in runs[0].timings_ms}
    pairs = runs[0].settings["pairs"]
    hist_len = runs[0].contributions.groupby("user")["history_item"].nunique().median()

    few = S.sample_pairs(rec, n_users=args.loop_users, k=args.k, seed=1)
    _, side_batched = _timed(lambda: S.side_feature_summary(rec, cfg, few))
    _, hist_batched = _timed(lambda: S.history_contributions(rec, cfg, few))
    scorers = [ItemScorer(rec, cfg, u, i) for u, i in zip(few.users, few.items)]
    _, side_loop = _timed(lambda: [side_feature_shap(s) for s in scorers])
    _, hist_loop = _timed(lambda: [history_shap(s) for s in scorers])

    maps = {}
    for kind in (M.ID_EMBEDDING, M.TEXT_EMBEDDING):
        try:
            (m, ms) = _timed(lambda kind=kind: M.embedding_map(M.item_vectors(rec, kind), ds))
            maps[kind] = (ms, m.explained_variance_ratio)
        except DataError:
            maps[kind] = None

    print(f"demo data ({ds.n_users} users, {ds.n_items} items), history length {cfg.max_len}, 2 shared CPU cores "
          f"(timings noisy: other jobs ran on the same cores); median of {len(runs)} runs after a warm-up")
    rows = [
        (f"global summary, {args.users} users x top-{args.k} = {pairs} recommendations", f"{med['total'] / 1000:.1f} s"),
        ("  side-feature SHAP (exact, batched over all pairs)", f"{med['side_shap'] / 1000:.2f} s"),
        (f"  history SHAP (permutation, median {hist_len:.0f} items, K items per call)",
         f"{med['history_shap'] / 1000:.1f} s"),
        ("  per recommendation", f"{med['total'] / pairs:.0f} ms"),
    ]
    print(pd.DataFrame(rows, columns=["measure", "value"]).to_string(index=False))
    n = len(few)
    print(f"\nbatched vs one recommendation at a time, {n} recommendations ({args.loop_users} users x top-{args.k}), "
          "measured one after the other in this process:")
    side = pd.DataFrame([
        ("side-feature SHAP", f"{side_loop:.0f} ms", f"{side_batched:.0f} ms", f"{side_loop / side_batched:.1f}x"),
        ("history SHAP", f"{hist_loop:.0f} ms", f"{hist_batched:.0f} ms", f"{hist_loop / hist_batched:.1f}x"),
    ], columns=["part", "per item (loop)", "batched", "speed-up"])
    print(side.to_string(index=False))
    print("\nPCA maps:")
    for kind, value in maps.items():
        if value is None:
            print(f"  {kind}: no vectors in this run")
        else:
            ms, ratio = value
            print(f"  {kind}: {ms:.0f} ms, explained variance {ratio[0]:.1%} + {ratio[1]:.1%}")
    table = runs[0].side_table()
    print("\nside features, mean |SHAP| (seed 1 sample):")
    print(table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    top = runs[0].influential.head(5)
    print("\nmost influential history items (seed 1 sample):")
    print(top[["title", "appearances", "users", "mean_shap", "total_shap"]].to_string(
        index=False, float_format=lambda x: f"{x:+.3f}"))
    agree = np.mean([np.allclose(np.asarray(r.side.values).sum(1) + r.side.base_values, r.pairs.scores, atol=1e-4)
                     for r in runs])
    print(f"\nadditivity (values + base = score within 1e-4) holds in {agree:.0%} of the runs")


if __name__ == "__main__":
    main()
