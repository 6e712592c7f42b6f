"""What the pretrained text vectors buy: an ablation and the cold-item protocol, on the demo data or any files.

``python benchmarks/cold_start.py [--interactions F --items F [--users F] + the data flags of python -m recsys]
[--epochs 8] [--cold-items 0.2] [--cold-seed 0] [--seed 0] [--variants ...] [--references ...]
[--skip-ablation | --skip-cold] [--json out.json]``

Without ``--interactions`` the demo data (``assets/demo``) is used. Every Transformer variant trains
for the same number of epochs (early stopping on validation NDCG@10 still picks the best one) with
no time budget, so the comparison does not depend on machine load.

1. Ablation: test NDCG@10 / HR@10 of the Transformer with and without text vectors (and ids only)
   under the default protocol (leave-last-out, all items ranked, seen items excluded).
2. Cold items (``recsys.evaluate.cold``, ALDI / ColdRec style): a seeded share of the items is cold
   (never trained on), halved into validation and test items; warm interactions keep
   leave-last-out. Every Transformer variant and every reference is trained on the same warm part
   and measured on the same test cases: NDCG@10, HR@10, Recall@20 for all, warm and cold test
   interactions, cold items ranked among all items (``cold``) and among the cold test items only
   (``cold among cold``). References: popularity within category, the text profile, the item-to-item
   text kNN, ``ease_text`` (cold items from their text), EASE and popularity (which cannot tell cold
   items apart: they score them all alike).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pandas as pd  # noqa: E402

from recsys.cli.data import add_data_files, load_data  # noqa: E402
from recsys.data import leave_last_out  # noqa: E402
from recsys.evaluate.baselines import EASE  # noqa: E402
from recsys.evaluate.cold import COLD_GROUPS, COLD_METRICS, cold_item_split  # noqa: E402
from recsys.evaluate.cold_run import cold_json, run_cold_experiment  # noqa: E402
from recsys.evaluate.experiment import run_experiment  # noqa: E402
from recsys.evaluate.protocol import evaluate  # noqa: E402
from recsys.model import ModelConfig  # noqa: E402
from recsys.text import encode_items  # noqa: E402
from recsys.train import TrainConfig  # noqa: E402

DEMO = ("assets/demo/interactions.csv", "assets/demo/items.csv", "assets/demo/users.csv")
VARIANTS = {  # name -> (use_text, use_item_features)
    "text + categories": (True, True),
    "text only": (True, False),
    "categories only": (False, True),
    "ids only": (False, False),
}
REFERENCES = ("category_pop", "text_profile", "text_knn", "ease_text", "ease", "pop")
METRICS = ("ndcg@10", "hr@10")
FLOAT = lambda x: f"{x:.4f}"  # noqa: E731


def _row(table: pd.DataFrame, model: str) -> dict:
    t = table[(table["model"] == model) & (table["split"] == "test")]
    return {m: float(t.loc[t["metric"] == m, "value"].iloc[0]) for m in METRICS}


def ablation(ds, vectors, tcfg) -> None:
    """Transformer variants and EASE under the default protocol (all test users)."""
    split = leave_last_out(ds.interactions)
    rows = []
    for name in ("text + categories", "categories only", "ids only"):
        use_text, use_feat = VARIANTS[name]
        cfg = ModelConfig(use_text=use_text, use_item_features=use_feat)
        exp = run_experiment(ds, ("sasrec",), cfg, tcfg, split=split, text_vectors=vectors if use_text else None)
        rows.append(
            {
                "model": f"transformer, {name}",
                **_row(exp.table, "sasrec"),
                "epochs": len(exp.result.curve),
                "fit s": exp.fit_seconds["sasrec"],
            }
        )
    ref = evaluate(
        split,
        {"ease": EASE().fit(split.train, ds.n_users, ds.n_items, split.valid)},
        ds.n_items,
        ds.n_users,
        parts=("test",),
    )
    rows.append({"model": "EASE (reference)", **_row(ref, "ease")})
    print("Ablation (default protocol, all test users)")
    print(pd.DataFrame(rows).to_string(index=False, float_format=FLOAT), "\n")


def cold_start(ds, vectors, tcfg, args) -> dict:
    """Every variant and reference on one cold-item split; prints one table per group, returns the JSON."""
    split = cold_item_split(ds.interactions, args.cold_items, args.cold_seed)
    print("Cold items: " + "; ".join(split.notes))
    tables, report = [], {}
    if vectors is None and any(VARIANTS[v][0] for v in args.variants):
        print("  no text vectors (no items file): the text variants are skipped")
    for name in [v for v in args.variants if vectors is not None or not VARIANTS[v][0]]:
        use_text, use_feat = VARIANTS[name]
        cfg = ModelConfig(use_text=use_text, use_item_features=use_feat)
        exp = run_cold_experiment(ds, ("sasrec",), cfg, tcfg, split=split, text_vectors=vectors if use_text else None)
        label = f"transformer, {name}"
        tables.append(exp.table.assign(model=label))
        report[label] = cold_json(exp, ds)["models"]["sasrec"]
        print(f"  {label}: best epoch {exp.result.best_epoch}, {exp.fit_seconds['sasrec']:.0f} s", flush=True)
    exp = run_cold_experiment(ds, args.references, split=split, text_vectors=vectors)
    for note in exp.notes.values():
        print("  " + note)
    tables.append(exp.table)
    full = cold_json(exp, ds)
    report |= full["models"]
    table = pd.concat(tables, ignore_index=True)
    users = table.groupby("group")["users"].first()
    wide = table.pivot_table(index="model", columns=["group", "metric"], values="value", sort=False)
    for group in COLD_GROUPS:
        print(f"\n{group} ({users[group]} test users)")
        print(wide[group][list(COLD_METRICS)].sort_values("ndcg@10", ascending=False).to_string(float_format=FLOAT))
    return {"protocol": full["protocol"], "split": full["split"], "models": report}


def _args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--interactions", help="interactions file (default: the demo data with its items and users)")
    add_data_files(p, interactions=False)
    p.add_argument("--epochs", type=int, default=8)
    p.add_argument("--cold-items", type=float, default=0.2, help="share of the items held out as cold (default 0.2)")
    p.add_argument("--cold-seed", type=int, default=0, help="seed of the cold-item draw")
    p.add_argument("--seed", type=int, default=0, help="training seed")
    p.add_argument(
        "--variants", default=",".join(VARIANTS), help=f"Transformer variants (default {','.join(VARIANTS)})"
    )
    p.add_argument("--references", default=",".join(REFERENCES), help=f"references (default {','.join(REFERENCES)})")
    p.add_argument("--skip-ablation", action="store_true")
    p.add_argument("--skip-cold", action="store_true", help="the ablation table only")
    p.add_argument("--json", help="write the cold-item metrics here")
    args = p.parse_args()
    if args.interactions is None:
        args.interactions, args.items, args.users = DEMO
    args.variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    args.references = tuple(r.strip() for r in args.references.split(",") if r.strip())
    unknown = [v for v in args.variants if v not in VARIANTS]
    if unknown:
        p.error(f"unknown variant(s) {unknown}; choose from {', '.join(VARIANTS)}")
    return args


def main() -> None:
    args = _args()
    ds = load_data(args)
    vectors, info = encode_items(ds) if ds.items is not None else (None, {})
    tcfg = TrainConfig(epochs=args.epochs, seed=args.seed, time_budget_s=None)
    print(
        f"{ds.name}: {ds.n_users} users, {ds.n_items} items, {len(ds.interactions):,} interactions; "
        f"text vectors: {info.get('name')} ({info.get('kind')}, {info.get('dim')}-d)"
    )
    if not args.skip_ablation:
        ablation(ds, vectors, tcfg)
    if args.skip_cold:
        return
    report = cold_start(ds, vectors, tcfg, args)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
