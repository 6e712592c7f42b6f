"""How long the Fairness page's cached stages take on a saved run (median of a few repeats).

The page scores the catalogue once per run (``audit_lists``), audits groups per user attribute
(``audit_from_lists``, 200 bootstrap resamples), sweeps the re-rankers per item attribute
(``audit_tradeoff``, 2 re-rankers x 11 lambdas) and re-ranks once for the Lorenz curve at the
slider's lambda (``rerank_lists``). Protocol: ``recsys.fairness.AUDIT_PROTOCOL``.

Run: ``python benchmarks/fairness_page.py --run RUN_DIR [--attribute age_group] [--item-attribute genres]``
(a run from ``python -m recsys train --out RUN_DIR``, e.g. on ``assets/demo``).
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace

from recsys.evaluate import SequenceScorer
from recsys.fairness import AuditConfig, audit_from_lists, audit_lists, audit_tradeoff, rerank_lists
from recsys.train import load_run
from recsys.ui.session.fairness_audit import LAMBDAS, N_BOOT, N_CANDIDATES


def _median_seconds(fn, repeats: int):
    times, out = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--run", required=True)
    parser.add_argument("--attribute", default="age_group")
    parser.add_argument("--item-attribute", default="genres")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    run = load_run(args.run)
    ds, scorer, n = run.dataset, SequenceScorer(run.recommender()), args.repeats
    scoring, lists = _median_seconds(lambda: audit_lists(ds, scorer, n_candidates=N_CANDIDATES), n)
    config = AuditConfig(item_attribute=args.item_attribute, n_boot=N_BOOT, lambdas=LAMBDAS)
    groups, _ = _median_seconds(lambda: audit_from_lists(ds, lists, args.attribute, replace(config, lambdas=())), n)
    sweep, _ = _median_seconds(lambda: audit_tradeoff(ds, lists, config), n)
    rerank = {name: _median_seconds(lambda name=name: rerank_lists(ds, lists, name, 0.4, config), n)[0]
              for name in ("exposure", "calibrated")}
    print(f"{len(lists.users):,} audited users x {ds.n_items:,} items; median of {n}\n")
    print("| stage (cached) | seconds |\n| --- | --- |")
    print(f"| score every item for every audited user, keep the top {N_CANDIDATES} (once per run) | {scoring:.2f} |")
    print(f"| group audit, {N_BOOT} bootstrap resamples (per user attribute) | {groups:.2f} |")
    print(f"| re-ranking sweep, 2 re-rankers x {len(LAMBDAS)} lambdas (per item attribute) | {sweep:.2f} |")
    print(f"| one re-ranking at lambda 0.4, exposure / calibrated (per slider move) | "
          f"{rerank['exposure']:.2f} / {rerank['calibrated']:.2f} |")


if __name__ == "__main__":
    main()
