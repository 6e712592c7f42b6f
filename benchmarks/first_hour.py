"""A new user's first hour: load a file, press Train with the Train page's defaults, read the table.

Runs exactly what the app runs (``recsys.ui.session.training.TrainJob`` with ``default_settings()``: item
text vectors, the Transformer, every default baseline, the saved run) and prints the time of each
stage, how training ended and every model's test NDCG@10.

    python benchmarks/first_hour.py                                   # the bundled demo data
    python benchmarks/first_hour.py --interactions ratings.csv --items movies.csv [--users users.csv]

The text-vector cache starts empty (a first visit) unless ``--warm-cache``. Protocol:
leave-last-out by time, all items ranked, the user's earlier items excluded.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from recsys.ui.session.loading import DEMO_DIR, Source, Sources, load_sources  # noqa: E402
from recsys.ui.session.runs import data_key  # noqa: E402
from recsys.ui.session.training import TrainJob, default_settings  # noqa: E402
from recsys.ui.views.train_view import MODEL_LABELS  # noqa: E402


def _sources(args) -> Sources:
    if args.interactions is None:
        paths = {k: DEMO_DIR / f"{k}.csv" for k in ("interactions", "items", "users")}
        return Sources(*(Source.from_path(p) for p in paths.values()), demo=True)
    side = [Source.from_path(p) if p else None for p in (args.items, args.users)]
    return Sources(Source.from_path(args.interactions), *side)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--interactions")
    p.add_argument("--items")
    p.add_argument("--users")
    p.add_argument("--warm-cache", action="store_true", help="reuse the text-vector cache (a second visit)")
    args = p.parse_args()
    if not args.warm_cache:
        os.environ["RECLENS_CACHE_DIR"] = tempfile.mkdtemp(prefix="reclens-text-cache-")
    start_load = os.getloadavg()[0]
    t = time.perf_counter()
    outcome = load_sources(_sources(args))
    load_seconds = time.perf_counter() - t
    if not outcome.ok:
        raise SystemExit(outcome.error)
    ds = outcome.dataset
    settings = default_settings()
    # the same keys as the Train page: the run's data fingerprint, the background text job's key
    job = TrainJob(settings, ds.name, workspace=tempfile.mkdtemp(prefix="reclens-ws-"), data_key=data_key(outcome),
                   text_key=outcome.load_key)
    job._run(ds)  # the Train page runs this in a thread; here the script waits for it
    if job.status == "failed":
        raise SystemExit(job.error)
    print(f"load average at the start {start_load:.1f}, at the end {os.getloadavg()[0]:.1f} "
          f"({os.cpu_count()} CPUs; the accuracy does not depend on it, the seconds do)")
    print(f"{ds.name}: {ds.n_users:,} users, {ds.n_items:,} items, {len(ds.interactions):,} interactions; "
          f"Train page defaults ({settings.epochs} epochs at most, patience {settings.train_config().patience}, "
          f"text vectors {'on' if settings.use_text else 'off'}); load {load_seconds:.1f} s")
    print(f"\n{'stage':58s} {'seconds':>8s}")
    for row in job.stages.rows():
        print(f"{row['stage'][:58]:58s} {row['seconds']:8.1f}{'' if row['status'] == 'done' else '  ' + row['status']}")
    ends = [0.0] + [e["seconds"] for e in job.epochs]
    per_epoch = [b - a for a, b in zip(ends[1:], ends[2:])]  # the first epoch also traced the graph
    record = _record(job)
    print(f"\nTransformer: {len(job.epochs)} of {settings.epochs} epochs, best epoch {record.get('best_epoch')}, "
          f"ended by {record.get('stop_reason')}; epoch 1 {ends[1] if len(ends) > 1 else float('nan'):.1f} s "
          f"(with tracing), later epochs median {statistics.median(per_epoch) if per_epoch else float('nan'):.1f} s"
          + (f"; {record['stop_message']}" if record.get("stop_message") else ""))
    models = record["metrics"]["models"]
    print(f"\n{'model':24s} {'test NDCG@10':>13s} {'test HR@10':>11s} {'fit s':>8s}")
    for name, m in sorted(models.items(), key=lambda kv: -kv[1]["test"]["ndcg@10"]):
        print(f"{MODEL_LABELS.get(name, name):24s} {m['test']['ndcg@10']:13.4f} {m['test']['hr@10']:11.4f} "
              f"{m.get('fit_seconds', float('nan')):8.1f}")
    if "ease" in models:
        ratio = models["sasrec"]["test"]["ndcg@10"] / max(models["ease"]["test"]["ndcg@10"], 1e-12)
        print(f"\nTransformer / EASE test NDCG@10: {ratio:.2f}x")


def _record(job: TrainJob) -> dict:
    import json
    from pathlib import Path

    return json.loads((Path(job.run_path) / "run.json").read_text())


if __name__ == "__main__":
    main()
