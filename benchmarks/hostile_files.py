"""Cost of loading hostile files through the app's loading path; prints a table.

Every file of the corpus in ``tests/data/hostile.py`` at full size (10,000 columns, a 10 MB line,
a Parquet file that declares 20M rows, ...), the widest files the limits accept (1,000 columns),
a 200 MB ratings file (CSV and Parquet, more rows than ``DataConfig.max_rows``) and ratings files
at the row limit (CSV, Parquet, 12 columns, a ragged line, Windows line endings with one latin-1
byte, no delimiter at all) goes through ``recsys.ui.session.loading.load_sources``
with the default ``DataConfig``, each in a fresh process, which reports its outcome, its wall and
CPU seconds for the load and its own peak resident memory (``VmHWM``, the imports included; the
peak after the imports alone is given too).
Items and users files are loaded next to a small interactions file.

Targets: every file loaded or refused in under 10 s plus linear read time, under 2 GB resident.

Run: ``python benchmarks/hostile_files.py`` (``--big-mb 0`` skips the big files, ``--only
NAME`` runs the files whose name contains NAME, ``--dir DIR`` keeps the generated files there).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHILD = r"""
import json, re, sys, time
from pathlib import Path
from recsys.ui.session.loading import Source, Sources, load_sources

def peak_mb():  # VmHWM starts afresh at exec (ru_maxrss would carry the parent's peak over)
    return int(re.search(r"VmHWM:\s+(\d+)", Path("/proc/self/status").read_text()).group(1)) / 1024

path, kind, base = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
files = {"interactions": Source.from_path(path if kind == "interactions" else base)}
if kind != "interactions":
    files[kind] = Source.from_path(path)
rss0 = peak_mb()
wall, cpu = time.perf_counter(), time.process_time()
outcome = load_sources(Sources(**files))
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
if outcome.ok:
    report = outcome.dataset.reports[kind]
    result = f"loaded: {report.rows_read:,} read, {report.rows_kept:,} kept"
else:
    result = "refused: " + outcome.error
print(json.dumps({"outcome": result, "wall": wall, "cpu": cpu, "rss0": rss0,
                  "rss": peak_mb()}))
"""


def _ratings(rows: int, extra: int = 0):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    columns = {
        "userId": rng.integers(1, 200_000, rows), "movieId": rng.integers(1, 50_000, rows),
        "rating": rng.integers(1, 6, rows), "timestamp": rng.integers(1_500_000_000, 1_700_000_000, rows),
    }
    return pd.DataFrame(columns | {f"x{k}": rng.integers(0, 10, rows) for k in range(extra)})


def _big_files(folder: Path, megabytes: int) -> list[tuple[Path, str]]:
    """Ratings files of about ``megabytes`` MB (more rows than ``DataConfig.max_rows``) and at the
    row limit, plain and awkward: ``[(path, kind)]``, written once and reused from ``folder``."""
    from recsys.data import DataConfig

    limit = DataConfig().max_rows
    files: dict[str, tuple] = {
        f"big_{megabytes}mb.csv": (int(megabytes * 1e6 / 27), 0, "csv"),
        f"big_{megabytes}mb.parquet": (int(megabytes * 1e6 / 27), 0, "parquet"),
        "rows_at_limit.csv": (limit, 0, "csv"),
        "rows_at_limit.parquet": (limit, 0, "parquet"),
        "rows_at_limit_12_columns.csv": (limit, 8, "csv"),
    }
    out = []
    for name, (rows, extra, kind) in files.items():
        path = folder / name
        if not path.exists():
            frame = _ratings(rows, extra)
            frame.to_csv(path, index=False) if kind == "csv" else frame.to_parquet(path)
        out.append((path, "interactions"))
    plain = (folder / "rows_at_limit.csv").read_bytes()
    middle = plain.index(b"\n", len(plain) // 2) + 1
    variants = {
        "rows_at_limit_ragged.csv": lambda: plain[:middle] + b"1,2,3,4,5\n" + plain[middle:-2].rsplit(b"\n", 1)[0] + b"\n",
        "rows_at_limit_crlf_latin1.csv": lambda: plain.replace(b"\n", b"\r\n")[:-2] + b"\xe9\r\n",
        "rows_at_limit_one_column.csv": lambda: plain.replace(b",", b""),
    }
    for name, make in variants.items():
        path = folder / name
        if not path.exists():
            path.write_bytes(make())
        out.append((path, "interactions"))
    return out


def run(path: Path, kind: str, base: Path, timeout: float) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3")
    try:
        done = subprocess.run([sys.executable, "-c", CHILD, str(path), kind, str(base)], capture_output=True,
                              text=True, timeout=timeout, env=env, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"outcome": f"TIMEOUT after {timeout:.0f} s", "wall": timeout, "cpu": float("nan"),
                "rss": float("nan"), "rss0": float("nan")}
    lines = done.stdout.strip().splitlines()
    if done.returncode or not lines:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"outcome": f"CRASHED ({done.returncode}): {last}", "wall": float("nan"), "cpu": float("nan"),
                "rss": float("nan"), "rss0": float("nan")}
    return json.loads(lines[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--big-mb", type=int, default=200, help="size of the big files in MB (0: none)")
    parser.add_argument("--only", help="run only the files whose name contains this")
    parser.add_argument("--dir", help="folder for the generated files (default: a temporary one)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds before a load is stopped")
    args = parser.parse_args()

    from tests.data.hostile import BASE_INTERACTIONS, FULL, hostile_files, wide_csv

    folder = Path(args.dir or tempfile.mkdtemp(prefix="hostile-"))
    folder.mkdir(parents=True, exist_ok=True)
    base = folder / "base_interactions.csv"
    base.write_bytes(BASE_INTERACTIONS)
    files = []
    for f in hostile_files(FULL):
        if args.only and args.only not in f.name:
            continue
        path = folder / f.name
        path.write_bytes(f.data)
        files.append((path, f.kind))
    # the widest files the default limits accept: every column is profiled
    at_limit = {"columns_1000.csv": ("interactions", wide_csv(1000)),
                "items_columns_1000.csv": ("items", b"item_id," + wide_csv(1000).split(b",", 1)[1].replace(b"u", b"i"))}
    for name, (kind, data) in at_limit.items():
        if not args.only or args.only in name:
            (folder / name).write_bytes(data)
            files.append((folder / name, kind))
    if args.big_mb:
        files += [(p, k) for p, k in _big_files(folder, args.big_mb) if not args.only or args.only in p.name]
    print("| file | kind | size | outcome | seconds | CPU seconds | peak RSS MB (after imports) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    worst = {"wall": 0.0, "rss": 0.0}
    for path, kind in files:
        r = run(path, kind, base, args.timeout)
        size = path.stat().st_size
        shown = f"{size / 1e6:,.1f} MB" if size >= 1e5 else f"{size:,} B"
        outcome = r["outcome"].replace("|", "/").replace("\n", " ")
        outcome = outcome if len(outcome) <= 110 else outcome[:107] + "..."
        print(f"| {path.name} | {kind} | {shown} | {outcome} | {r['wall']:.2f} | {r['cpu']:.2f} | {r['rss']:,.0f} ({r['rss0']:,.0f}) |",
              flush=True)
        for key in worst:
            if r[key] == r[key]:
                worst[key] = max(worst[key], r[key])
    print(f"\nslowest load {worst['wall']:.1f} s, highest peak RSS {worst['rss']:,.0f} MB; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; files in {folder}")


if __name__ == "__main__":
    main()
