"""The bundled demo run: the Train page's default training on the bundled demo data, saved under
``assets/demo/run/`` so the app opens with a trained model (``python -m recsys demo-run``).

It is made the way the app makes a run (``recsys.evaluate.experiment.TrainSettings`` defaults:
text vectors, target attention, every baseline, early stopping) and records the demo files'
fingerprint, so the app lists it for sessions on the bundled demo data only, next to their own runs.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

from recsys.data import load_dataset
from recsys.data.fingerprint import fingerprint_files

__all__ = ["DEMO_DIR", "DEMO_RUN", "make_demo_run"]

DEMO_DIR = Path(__file__).resolve().parents[2] / "assets" / "demo"
DEMO_RUN = DEMO_DIR / "run"
DEMO_NAME = "demo data"  # the app's name for the bundled data


def make_demo_run(out: Path = DEMO_RUN, demo_dir: Path = DEMO_DIR, progress=None) -> Path:
    """Train with the Train page's defaults on the demo files in ``demo_dir`` and save to ``out``
    (replaced if it exists). Returns the run's path."""
    from recsys.evaluate.experiment import TrainSettings, run_experiment, save_experiment, text_encoder_available

    files = [demo_dir / f"{kind}.csv" for kind in ("interactions", "items", "users")]
    dataset = load_dataset(*files, name=DEMO_NAME)
    settings = TrainSettings(use_text=text_encoder_available())
    vectors, text_info = None, None
    if settings.use_text:
        from recsys.text import encode_items

        vectors, text_info = encode_items(dataset)
    exp = run_experiment(dataset, settings.models(), settings.model_config(), settings.train_config(),
                         text_vectors=vectors, progress=progress, lightgcn_config=settings.lightgcn_config())
    out = Path(out)
    if (out / "run.json").is_file():  # an earlier demo run: replace it (never any other folder)
        shutil.rmtree(out)
    info = {"settings": dataclasses.asdict(settings), "text": _plain(text_info), "bundled": True}
    return save_experiment(exp, dataset, out, fingerprint_files(*files), info)


def _plain(info: dict | None) -> dict | None:
    return None if info is None else {k: (v.item() if hasattr(v, "item") else v) for k, v in info.items()}
