"""Text-vector variants of the Transformer against ids only, same split, same seed; prints a table.

Variants (comma-separated names for ``--variants``): ``ids`` (no side inputs at all), ``dense``
(raw text vectors through ``text_projection``), ``whiten`` / ``moe`` / ``residual`` (the other
``ModelConfig.text_adaptor`` choices), each optionally prefixed ``pca-`` (PCA-whitened text
vectors, all dimensions) or ``pcaK-`` (the top K whitened dimensions), e.g. ``pca128-moe``.
By default the variants read ids and text only (``--side`` adds item categories, numbers and user
attributes to every variant but ``ids``), so the table isolates the text vectors.

Run on the demo data: ``python benchmarks/text_variants.py --epochs 8``; on any file with item
text: ``python benchmarks/text_variants.py --interactions ml-100k.inter --items ml-100k.item``.
Protocol: leave-last-out by time, all items ranked, the user's earlier items excluded.
"""

from __future__ import annotations

import argparse
import os
import re
from dataclasses import replace

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pandas as pd  # noqa: E402

from recsys.data import leave_last_out, load_dataset  # noqa: E402
from recsys.evaluate.experiment import metrics_json, run_experiment  # noqa: E402
from recsys.model import ModelConfig  # noqa: E402
from recsys.text import anisotropy, encode_items, fit_whitening  # noqa: E402
from recsys.train import TrainConfig  # noqa: E402

DEFAULT_VARIANTS = "ids,dense,pca-dense,pca128-dense,whiten,pca-whiten,moe,pca-moe,residual"
_VARIANT = re.compile(r"^(?:(pca)(\d+)?-)?(dense|whiten|moe|residual)$")


def variant_config(name: str, base: ModelConfig, side: bool) -> ModelConfig:
    """The ``ModelConfig`` of a variant name (see the module docstring)."""
    if name == "ids":
        return replace(base, use_text=False, use_item_features=False, use_user_features=False)
    match = _VARIANT.match(name)
    if match is None:
        raise SystemExit(f"unknown variant {name!r}: use ids, or [pca-|pcaK-]dense|whiten|moe|residual")
    pca, dim, adaptor = match.groups()
    return replace(
        base,
        use_text=True,
        use_item_features=side,
        use_user_features=side,
        text_whitening="pca" if pca else "none",
        text_whiten_dim=int(dim) if dim else None,
        text_adaptor=adaptor,
    )


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--interactions", default="assets/demo/interactions.csv")
    p.add_argument("--items", default=None)
    p.add_argument("--users", default=None)
    p.add_argument("--variants", default=DEFAULT_VARIANTS)
    p.add_argument("--epochs", type=int, default=8)
    p.add_argument("--seed", type=int, default=TrainConfig().seed)
    p.add_argument("--max-len", type=int, default=ModelConfig().max_len)
    p.add_argument("--side", action="store_true", help="text variants also read categories, numbers, user attributes")
    p.add_argument("--time-budget", type=float, default=0.0, help="training seconds per variant (0 = none)")
    args = p.parse_args()
    demo = args.interactions == "assets/demo/interactions.csv"
    items = args.items or ("assets/demo/items.csv" if demo else None)
    users = args.users or ("assets/demo/users.csv" if demo else None)
    ds = load_dataset(args.interactions, items, users)
    split = leave_last_out(ds.interactions)
    vectors, info = encode_items(ds)
    whitened = fit_whitening(vectors).transform(vectors)
    print(
        f"{ds.name}: {ds.n_users} users, {ds.n_items} items, {len(ds.interactions):,} interactions; "
        "leave-last-out, full ranking, seen items excluded"
    )
    print(
        f"text vectors: {info.get('name')} ({info.get('kind')}, {vectors.shape[1]}-d); mean pairwise cosine "
        f"{anisotropy(vectors):.4f} raw, {anisotropy(whitened):.4f} PCA-whitened"
    )
    base = ModelConfig(max_len=args.max_len)
    tcfg = TrainConfig(epochs=args.epochs, seed=args.seed, time_budget_s=args.time_budget or None)
    rows = []
    for name in args.variants.split(","):
        cfg = variant_config(name.strip(), base, args.side)
        exp = run_experiment(ds, ("sasrec",), cfg, tcfg, split=split, text_vectors=vectors if cfg.use_text else None)
        m = metrics_json(exp, ds)["models"]["sasrec"]
        rows.append(
            {
                "variant": name,
                "test ndcg@10": m["test"]["ndcg@10"],
                "test hr@10": m["test"]["hr@10"],
                "valid ndcg@10": m["valid"]["ndcg@10"],
                "best epoch": exp.result.best_epoch,
                "fit seconds": m["fit_seconds"],
            }
        )
        print(
            pd.DataFrame(rows[-1:]).to_string(index=False, header=len(rows) == 1, float_format=lambda x: f"{x:.4f}"),
            flush=True,
        )
    print(
        f"\nseed {args.seed}, {args.epochs} epochs (early stopping on validation NDCG@10), "
        f"{'with' if args.side else 'without'} categories and user attributes beside the text"
    )
    print(pd.DataFrame(rows).to_string(index=False, float_format=lambda x: f"{x:.4f}"))


if __name__ == "__main__":
    main()
