"""Fairness audit on the demo data: the planted under-served group, exposure, popularity bias,
calibration, and the re-rankers' accuracy / fairness trade-off.

Trains the default Transformer (``ModelConfig()``, ``TrainConfig()`` without the time budget, no
text vectors) on the demo data with ``recsys.train.fit``, or audits a saved run with ``--run DIR``; the baselines are
audited beside it. Protocol: leave-last-out, full ranking, seen items excluded, lists for the
test users made from train + validation (``recsys.fairness.AUDIT_PROTOCOL``).

Run: ``python benchmarks/fairness.py [--run RUN_DIR] [--save-run RUN_DIR] [--n-boot 1000]``
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace

import numpy as np
import pandas as pd

from recsys.data import leave_last_out, load_dataset
from recsys.evaluate import EASE, ItemKNN, MostPopular, SequenceScorer
from recsys.fairness import AUDIT_PROTOCOL, AuditConfig, audit, audit_scorer

DEMO = "assets/demo"
GROUP = "55+"


def _f(x: float) -> str:
    return f"{x:.4f}"


def _model(args, dataset, split):
    """(scorer or run, description)."""
    if args.run:
        from recsys.train import load_run

        return load_run(args.run), f"saved run {args.run}"
    from recsys.model import ModelConfig
    from recsys.recommend import Recommender
    from recsys.train import TrainConfig, fit, save_run

    # default model and training, except the time budget: on a busy machine it would cut training
    # short and the audit would describe an under-trained model
    cfg, tcfg = ModelConfig(), TrainConfig(time_budget_s=args.time_budget or None)
    result = fit(dataset, split, cfg, tcfg)
    if args.save_run:
        save_run(result, dataset, args.save_run)
    scorer = SequenceScorer(Recommender(result.model, result.tables, cfg.max_len, result.sequences, cfg.heads, cfg))
    return scorer, (f"default Transformer trained here: {result.best_epoch} epochs kept, {result.fit_seconds:.0f} s, "
                    f"no text vectors, time budget {args.time_budget or 'none'}")


def _gap_row(name: str, res) -> dict:
    g = res.user_gaps
    gap = g[(g.metric == "ndcg@10") & (g.measure == "gap_to_rest") & (g.group == GROUP)].iloc[0]
    ug = res.user_groups.set_index("group")
    return {"model": name, "NDCG@10": res.user_gaps.query("metric == 'ndcg@10' and measure == 'overall'").value.iloc[0],
            f"NDCG@10 {GROUP}": ug.loc[GROUP, "ndcg@10"], f"gap {GROUP} vs rest": gap.value,
            "gap 95% CI": f"[{gap.ci_low:+.4f}, {gap.ci_high:+.4f}]", "detected": bool(gap.ci_high < 0),
            "UserMADranking": g[g.measure == "UserMADranking"].value.iloc[0], "MRED": g[g.measure == "MRED"].value.iloc[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", help="audit this saved run instead of training")
    parser.add_argument("--save-run", help="save the trained run here (reuse it with --run)")
    parser.add_argument("--n-boot", type=int, default=1000)
    parser.add_argument("--time-budget", type=float, default=0, help="training time budget in s (0 = none)")
    args = parser.parse_args()
    pd.set_option("display.width", 200)
    dataset = load_dataset(f"{DEMO}/interactions.csv", f"{DEMO}/items.csv", f"{DEMO}/users.csv")
    split = leave_last_out(dataset.interactions)
    model, about = _model(args, dataset, split)
    t0 = time.perf_counter()
    config = AuditConfig(n_boot=args.n_boot, seed=0)
    res = audit(model, "age_group", config) if args.run else audit_scorer(dataset, model, "age_group", config, split=split)
    seconds = time.perf_counter() - t0
    print(f"demo data: {dataset.n_users} users, {dataset.n_items} items, {len(dataset.interactions):,} interactions")
    print(f"model: {about}")
    print(f"protocol: {AUDIT_PROTOCOL}")
    print(f"audit: {seconds:.1f} s ({args.n_boot} bootstrap resamples of the users, 95% percentile intervals)\n")

    ug = res.user_groups
    print("NDCG@10 / HR@10 by age_group (95% bootstrap CI):")
    def interval(metric: str) -> list[str]:
        return [f"[{a:.4f}, {b:.4f}]" for a, b in zip(ug[f"{metric}_ci_low"], ug[f"{metric}_ci_high"])]

    table = pd.DataFrame({
        "group": ug.group, "users": ug.n_users,
        "NDCG@10": ug["ndcg@10"].map(_f), "NDCG@10 CI": interval("ndcg@10"),
        "HR@10": ug["hr@10"].map(_f), "HR@10 CI": interval("hr@10"),
        "calibration KL": ug["calibration_kl"].map(_f), "popularity lift": ug["popularity_lift"].map(_f),
    })
    print(table.to_string(index=False))
    g = res.user_gaps
    gap = g[(g.metric == "ndcg@10") & (g.measure == "gap_to_rest") & (g.group == GROUP)].iloc[0]
    others = ug[ug.group != GROUP]
    print(f"\n{GROUP} vs all other users: NDCG@10 gap {gap.value:+.4f}, 95% CI [{gap.ci_low:+.4f}, {gap.ci_high:+.4f}] "
          f"-> {'gap exceeds the bootstrap interval (CI excludes 0): DETECTED' if gap.ci_high < 0 else 'not detected'}")
    print(f"{GROUP} NDCG@10 upper CI bound {ug.set_index('group').loc[GROUP, 'ndcg@10_ci_high']:.4f} vs lowest lower bound of "
          f"the other groups {others['ndcg@10_ci_low'].min():.4f}")
    named = g[g.measure.isin(["difference", "ratio", "UserMADranking", "MRED"]) & g.metric.isin(["ndcg@10", "miss_rate@10"])]
    print(named.to_string(index=False, float_format=_f))
    print("\nunder-served groups found by the audit:", ", ".join(res.under_served()["group"]) or "none")

    print("\nitem exposure (share of top-10 slots) vs share of interactions:")
    print(res.item_groups.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    for section in ("exposure", "popularity", "calibration"):
        values = getattr(res, section)
        print(f"{section}: " + ", ".join(f"{n} {_f(v) if isinstance(v, float) else v}" for n, v in values.items()))

    t = res.tradeoff
    print("\nre-ranking trade-off over the top-100 candidates (lambda 0 = the model's own order):")
    cols = ["reranker", "lambda", "target", "target_value", "ndcg@10", "ndcg_drop", "ndcg_drop_pct", "kl_mean", "aplt",
            "arp", "gini", "coverage"]
    print(t[cols].to_string(index=False, float_format=_f))
    for name, sign in (("calibrated", -1), ("exposure", 1)):
        part = t[t.reranker == name]
        steps = np.diff(sign * part.target_value.to_numpy())
        last = part.iloc[-1]
        print(f"{name}: {part.target.iloc[0]} {part.target_value.iloc[0]:.4f} -> {last.target_value:.4f} "
              f"({'monotone' if (steps >= 0).all() else 'NOT monotone'} in lambda); NDCG@10 drop at lambda "
              f"{last['lambda']:g}: {last.ndcg_drop:+.4f} ({last.ndcg_drop_pct:+.1f}%), largest drop "
              f"{part.ndcg_drop.max():+.4f}")

    print(f"\nthe {GROUP} gap for the Transformer and the baselines (same audit, same resamples):")
    train = split.train
    rows = [_gap_row("transformer", res)]
    for name, cls in (("pop", MostPopular), ("itemknn", ItemKNN), ("ease", EASE)):
        scorer = cls().fit(train, dataset.n_users, dataset.n_items, split.valid)
        rows.append(_gap_row(name, audit_scorer(dataset, scorer, "age_group", replace(config, lambdas=(0.0,)),
                                                split=split)))
    print(pd.DataFrame(rows).to_string(index=False, float_format=_f))


if __name__ == "__main__":
    main()
