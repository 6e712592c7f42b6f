"""``python -m recsys demo-run`` (train the bundled demo run) and ``python -m recsys demo-data``
(regenerate the bundled demo data)."""

from __future__ import annotations

from pathlib import Path

from recsys.cli.train import print_progress
from recsys.output.paths import arg_type, out_folder
from recsys.output.terminal import echo

__all__ = ["add_demo_data_parser", "add_demo_run_parser"]


def add_demo_run_parser(sub) -> None:
    from recsys.evaluate.demo_run import DEMO_RUN

    p = sub.add_parser("demo-run", help="train the bundled demo run (the Train page's defaults on the demo data)")
    p.add_argument("--out", default=str(DEMO_RUN), type=arg_type(out_folder),
                   help=f"run folder to write, replaced if it exists (default: {DEMO_RUN})")
    p.set_defaults(func=_cmd_demo_run)


def _cmd_demo_run(args) -> int:
    from recsys.evaluate.demo_run import make_demo_run

    path = make_demo_run(Path(args.out), progress=print_progress)
    size = sum(f.stat().st_size for f in path.iterdir()) / 1e6
    echo(f"saved the demo run to {path} ({size:.1f} MB)")
    return 0


def add_demo_data_parser(sub) -> None:
    from recsys.data.demo import DEMO_SEED

    p = sub.add_parser("demo-data", help="regenerate the bundled demo data (deterministic)")
    p.add_argument("--out", default="assets/demo", type=arg_type(out_folder), help="output folder (default: assets/demo)")
    p.add_argument("--seed", type=int, default=DEMO_SEED, help=f"random seed (default: {DEMO_SEED})")
    p.set_defaults(func=_cmd_demo_data)


def _cmd_demo_data(args) -> int:
    from recsys.data.demo import write_demo

    for path in write_demo(args.out, seed=args.seed):
        echo(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0
