"""``python -m recsys evaluate`` on a wide catalogue: time and peak memory (issue 23).

Generates a file shaped like a public music-listening log: about 1,900 users, 17,600 items and
92,800 rows of ``userID artistID weight`` (tab-separated, no timestamp, rows sorted by user and
then item id; ``weight`` a long-tailed play count from 1 to a few hundred thousand). Item
popularity is long-tailed (see ``generate``). Then runs ``python -m recsys evaluate --interactions FILE`` with the default models in a
child process and prints wall time, the child's peak resident memory (``getrusage`` of children)
and each model's fit seconds (from ``--json``).

Target (issue 23): under 10 minutes and under 6 GB peak on 2 cores.

Run: ``python benchmarks/wide_catalogue.py [--out wide.tsv] [--models ...] [--seed 0] [--no-run]``
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

USERS, ITEMS, ROWS = 1_892, 17_632, 92_834
HEAD, GROUPS, TAIL_SHARE, ZIPF = 6_000, 20, 0.3, 1.0


def generate(users: int = USERS, items: int = ITEMS, rows: int = ROWS, seed: int = 0) -> pd.DataFrame:
    """``userID, artistID, weight`` rows (distinct pairs, sorted by user then item).

    The first ``HEAD`` items form ``GROUPS`` taste groups with Zipf popularity; each user draws
    70/30 from two groups. A ``TAIL_SHARE`` of each user's rows are tail items dealt out in turn
    from a shuffled deck of the other items, so every item occurs and most tail items occur once or twice.
    """
    rng = np.random.default_rng(seed)
    members = np.array_split(rng.permutation(HEAD), GROUPS)
    weights = [1.0 / np.arange(1, len(m) + 1) ** ZIPF for m in members]
    weights = [w / w.sum() for w in weights]
    per_user = np.maximum(2, rng.poisson(rows / users, users))
    per_user = np.maximum(2, np.round(per_user * rows / per_user.sum()).astype(int))
    deck, dealt = rng.permutation(np.arange(HEAD, items)), 0
    parts = []
    for u, n in enumerate(per_user):
        taste = rng.choice(GROUPS, 2, replace=False)
        n_tail = rng.binomial(n, TAIL_SHARE)
        n_first = rng.binomial(n - n_tail, 0.7)
        tail = deck[np.arange(dealt, dealt + n_tail) % len(deck)]
        dealt += n_tail
        chosen = np.concatenate(
            [
                rng.choice(members[taste[0]], n_first, replace=False, p=weights[taste[0]]),
                rng.choice(members[taste[1]], n - n_tail - n_first, replace=False, p=weights[taste[1]]),
                np.unique(tail),
            ]
        )
        parts.append(pd.DataFrame({"userID": u + 2, "artistID": chosen + 1}))
    frame = pd.concat(parts, ignore_index=True)
    frame["weight"] = np.minimum(np.ceil(rng.lognormal(5.5, 1.6, len(frame))), 350_000).astype(int)
    return frame.sort_values(["userID", "artistID"], ignore_index=True)


def run_evaluate(path: Path, models: str | None) -> dict:
    """Run ``python -m recsys evaluate`` on ``path`` in a child; wall seconds, peak RSS, metrics."""
    out = Path(tempfile.mkdtemp()) / "metrics.json"
    cmd = [sys.executable, "-m", "recsys", "evaluate", "--interactions", str(path), "--json", str(out)]
    cmd += ["--models", models] if models else []
    print("running:", " ".join(cmd), flush=True)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # Linux: kilobytes
    print(proc.stdout[-3000:], proc.stderr[-3000:] if proc.returncode else "", sep="\n")
    metrics = json.loads(out.read_text()) if out.exists() else {}
    return {"returncode": proc.returncode, "wall_s": wall, "peak_gb": peak_kb / 1024**2, "metrics": metrics}


def report(result: dict) -> None:
    print(
        f"\nexit code {result['returncode']}; wall {result['wall_s']:.0f} s "
        f"({result['wall_s'] / 60:.1f} min); peak RSS {result['peak_gb']:.2f} GB"
    )
    models = result["metrics"].get("models", {})
    print(f"{'model':12s} {'fit s':>8s} {'test NDCG@10':>13s}")
    for name, m in models.items():
        print(
            f"{name:12s} {m.get('fit_seconds', float('nan')):8.1f} {m.get('test', {}).get('ndcg@10', float('nan')):13.4f}"
        )
    for name, note in result["metrics"].get("skipped", {}).items():
        print(f"{name:12s} skipped: {note}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "wide_catalogue.tsv")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--models", help="comma-separated models for evaluate (default: its defaults)")
    p.add_argument("--no-run", action="store_true", help="only write the file")
    args = p.parse_args()
    frame = generate(seed=args.seed)
    frame.to_csv(args.out, sep="\t", index=False)
    counts = frame["artistID"].value_counts()
    print(
        f"wrote {args.out}: {frame['userID'].nunique():,} users, {frame['artistID'].nunique():,} items, "
        f"{len(frame):,} rows; item popularity max {counts.max()}, median {counts.median():.0f}, "
        f"items seen once {int((counts == 1).sum()):,}; weight {frame['weight'].min()}..{frame['weight'].max():,}"
    )
    if not args.no_run:
        report(run_evaluate(args.out, args.models))


if __name__ == "__main__":
    main()
