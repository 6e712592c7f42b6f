"""Save a trained run to one directory and restore it.

Layout of a run directory::

    model.keras        the scoring model (feature tables inside, as frozen weights)
    run.json           configs, metrics, training curve, data sources and column mapping, the split
                       (``recsys.data.split.split_record``)
    interactions.parquet, items.parquet, users.parquet
                       the cleaned, encoded data (so a run recommends and explains on its own)
    schemas.json       item/user column roles, and the column names/types the user gave
    tables.json        feature table names (user attribute tokens and fields, item feature names)
    tables.npz         numeric feature tables only (user attribute token ids)

Nothing in a run folder is pickled, so loading a folder someone else edited cannot run code:
arrays are read with ``allow_pickle=False``, strings come from JSON, the model is read with
Keras ``safe_mode`` (no Lambda layers or other serialized Python code). A folder that breaks
these rules, or is incomplete or damaged, raises ``RecLensError`` saying so. Runs saved before
``tables.json`` existed stored names as pickled object arrays: they are refused (retrain them).
The run also records the fingerprint of the files it was trained on (``info.data_key``, see
``recsys.data.fingerprint``); the app lists a run only for sessions holding those files.
"""

from __future__ import annotations

import dataclasses
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import keras
import numpy as np
import pandas as pd

import recsys
from recsys.data.columns import ColumnMapping, ItemSchema, UserSchema
from recsys.data.dataset import Dataset
from recsys.data.encoder import IdEncoder
from recsys.data.side import ItemTable, UserTable
from recsys.data.spec import ColumnSpec
from recsys.data.split import Split, rebuild_split
from recsys.errors import RecLensError
from recsys.model.config import ModelConfig
from recsys.model.features import FeatureTables
from recsys.model.scoring import CatalogueScorer
from recsys.train.config import TrainConfig
from recsys.train.fit import TrainResult
from recsys.train.windows import user_sequences

__all__ = ["Run", "save_run", "load_run", "list_runs", "NOT_A_RUN", "OLD_FORMAT", "UNSAFE", "DAMAGED"]

TABLES_FORMAT = 2  # tables.json's "format": the first version without pickled object arrays
NOT_A_RUN = ("'{path}' is not a RecLens run (missing {missing}). Train one with `python -m recsys train` or pick "
             "another folder.")
OLD_FORMAT = ("The run in '{path}' was saved by an older RecLens that stored names as pickled Python objects, which "
              "are not loaded because a pickle can run code. Train the model again (`python -m recsys train` or "
              "the Train page) to get a run in the current format.")
UNSAFE = ("The run in '{path}' was not loaded: {file} holds data that could run code when loaded ({detail}). "
          "RecLens never writes such files, so the folder was changed by hand or by another program; train the "
          "model again or use a run you trust.")
DAMAGED = "The run in '{path}' is damaged or was edited by hand ({detail}). Train the model again or pick another run."


@dataclass
class Run:
    """A trained model with everything needed to recommend and explain."""

    path: Path | None
    dataset: Dataset
    model: keras.Model
    tables: FeatureTables
    model_config: ModelConfig
    train_config: TrainConfig
    metrics: dict = field(default_factory=dict)
    curve: list = field(default_factory=list)
    info: dict = field(default_factory=dict)

    def split(self) -> Split:
        """The split the run was trained and evaluated on, made again from its interactions
        (``run.json``'s ``split``; runs saved before it was recorded used leave-last-out)."""
        return rebuild_split(self.dataset.interactions, self.info.get("split"))

    def recommender(self, kind: type[CatalogueScorer] = CatalogueScorer) -> CatalogueScorer:
        """Scores from each user's whole history (all loaded interactions). ``kind``: the class to
        build; ``recsys.recommend.Recommender.from_run`` passes ``Recommender`` (raw-id top-K)."""
        seqs = user_sequences(self.dataset.interactions)
        return kind(self.model, self.tables, self.model_config.max_len, seqs, self.model_config.heads,
                    self.model_config)


def _schema_dict(schema) -> dict | None:
    return None if schema is None else dataclasses.asdict(schema)


def _to_parquet(frame: pd.DataFrame, path: Path) -> None:
    out = frame.copy()
    for c in out.columns:  # lists (multi-valued categories) are stored as JSON text
        if out[c].map(lambda v: isinstance(v, list)).any():
            out[c] = out[c].map(json.dumps)
    out.to_parquet(path)


def _save_tables(t: FeatureTables, path: Path) -> None:
    names = {"format": TABLES_FORMAT, "n_items": int(t.n_items), "user_tokens": [str(x) for x in t.user_tokens],
             "user_fields": [str(x) for x in t.user_fields], "feature_names": [str(x) for x in t.feature_names],
             "numeric_names": [str(x) for x in t.numeric_names]}
    (path / "tables.json").write_text(json.dumps(names))
    np.savez(path / "tables.npz", user_ids=np.asarray(t.user_ids, dtype=np.int64), allow_pickle=False)


def save_run(result: TrainResult, dataset: Dataset, path, metrics: dict | None = None, info: dict | None = None,
             data_key: str | None = None) -> Path:
    """Write a run directory (see module docstring) and return its path.

    Args:
        data_key: Fingerprint of the files the data came from (``recsys.data.fingerprint``),
            stored as ``info.data_key``; the app lists the run only for sessions with those files.
    """
    path = Path(path)
    info = dict(info or {})
    if data_key is not None:
        info["data_key"] = data_key
    path.mkdir(parents=True, exist_ok=True)
    result.model.save(path / "model.keras")
    _to_parquet(dataset.interactions, path / "interactions.parquet")
    if dataset.items is not None:
        _to_parquet(dataset.items.frame, path / "items.parquet")
    if dataset.users is not None:
        _to_parquet(dataset.users.frame, path / "users.parquet")
    _save_tables(result.tables, path)
    schemas = {
        "items": _schema_dict(dataset.items.schema if dataset.items else None),
        "users": _schema_dict(dataset.users.schema if dataset.users else None),
        "mapping": dataset.mapping.as_dict(),
        "columns": {kind: spec.to_dict() for kind, spec in dataset.columns.items()},
        "user_ids": dataset.user_encoder.to_list(),
        "item_ids": dataset.item_encoder.to_list(),
    }
    (path / "schemas.json").write_text(json.dumps(schemas))
    record = {
        "recsys_version": recsys.__version__,
        "created": time.strftime("%Y-%m-%d %H:%M:%S"),
        "dataset": {"name": dataset.name, "users": dataset.n_users, "items": dataset.n_items,
                    "interactions": len(dataset.interactions)},
        "model_config": result.model_config.to_dict(),
        "train_config": result.train_config.to_dict(),
        "best_epoch": result.best_epoch,
        "cancelled": result.cancelled,
        "stop_reason": result.stop_reason,
        "stopped_for_time": result.stopped_for_time,
        "stop_message": result.stop_message,
        "setup_seconds": result.setup_seconds,
        "fit_seconds": result.fit_seconds,
        "peak_memory_mb": result.peak_memory_mb,
        "input_pipeline": result.input_pipeline,
        "replicas": result.replicas,
        "split": result.split,
        "rating_mean": result.rating_mean,
        "curve": result.curve,
        "metrics": metrics or {},
        "reports": {k: r.to_dict() for k, r in dataset.reports.items()},
        "info": info,
    }
    (path / "run.json").write_text(json.dumps(record, indent=2, default=str))
    return path


def _from_parquet(path: Path, list_columns) -> pd.DataFrame:
    frame = pd.read_parquet(path)
    for c in list_columns:
        if c in frame:
            frame[c] = frame[c].map(json.loads)
    return frame


def _refused(path: Path, file: str, err: Exception) -> RecLensError:
    """numpy names ``allow_pickle`` when it refuses pickled data; anything else is damage."""
    if "allow_pickle" in str(err):
        return RecLensError(UNSAFE.format(path=path, file=file, detail="pickled Python objects"))
    return RecLensError(DAMAGED.format(path=path, detail=f"{file}: {err}"))


def _load_tables(path: Path) -> FeatureTables:
    """Feature tables from ``tables.json`` (names) and ``tables.npz`` (numbers, never pickles)."""
    if not (path / "tables.json").exists():
        raise RecLensError(OLD_FORMAT.format(path=path))
    names = json.loads((path / "tables.json").read_text(encoding="utf-8"))
    try:
        with np.load(path / "tables.npz", allow_pickle=False) as npz:
            user_ids = npz["user_ids"]
    except (ValueError, OSError, KeyError, EOFError) as err:  # zipfile.BadZipFile is an OSError
        raise _refused(path, "tables.npz", err) from None
    lists = ("user_tokens", "user_fields", "feature_names", "numeric_names")
    if (user_ids.dtype.kind not in "iu" or user_ids.ndim != 2 or not isinstance(names.get("n_items"), int)
            or not all(isinstance(names.get(k), list) and all(isinstance(x, str) for x in names[k]) for k in lists)):
        raise RecLensError(DAMAGED.format(path=path, detail="tables.json / tables.npz: unexpected contents"))
    return FeatureTables(n_items=names["n_items"], user_ids=user_ids, **{k: names[k] for k in lists})


def _load_model(path: Path) -> keras.Model:
    try:  # safe_mode (Keras' default, spelled out): no Lambda layers or other serialized Python code
        return keras.saving.load_model(path / "model.keras", compile=False, safe_mode=True)
    except Exception as err:  # Keras raises many types for a file it refuses; none may reach the user raw
        if "safe_mode" in str(err):
            raise RecLensError(UNSAFE.format(path=path, file="model.keras",
                                             detail="serialized Python code, refused by Keras safe_mode")) from None
        raise RecLensError(DAMAGED.format(path=path, detail=f"model.keras: {err}")) from None


def _load_dataset(path: Path, record: dict) -> Dataset:
    schemas = json.loads((path / "schemas.json").read_text(encoding="utf-8"))
    items = users = None
    if schemas["items"] is not None:
        schema = ItemSchema(**{k: tuple(v) if isinstance(v, list) else v for k, v in schemas["items"].items()})
        items = ItemTable(pd.DataFrame(), schema)
        items.frame = _from_parquet(path / "items.parquet", items.multi_columns)
    if schemas["users"] is not None:
        schema = UserSchema(**{k: tuple(v) if isinstance(v, list) else v for k, v in schemas["users"].items()})
        users = UserTable(pd.read_parquet(path / "users.parquet"), schema)
    return Dataset(
        interactions=pd.read_parquet(path / "interactions.parquet"),
        user_encoder=IdEncoder.from_list(schemas["user_ids"], "user"),
        item_encoder=IdEncoder.from_list(schemas["item_ids"], "item"),
        items=items, users=users, mapping=ColumnMapping(**schemas["mapping"]), name=record["dataset"]["name"],
        columns={kind: ColumnSpec.from_dict(d) for kind, d in schemas.get("columns", {}).items()},
    )


def load_run(path) -> Run:
    """Restore a run saved by ``save_run`` (nothing in it is unpickled; see the module docstring).

    Raises:
        RecLensError: the folder is not a complete run, was saved in the old pickled format,
            holds data that could run code, or is damaged.
    """
    path = Path(path)
    required = ("model.keras", "run.json", "schemas.json", "interactions.parquet", "tables.npz")
    missing = [n for n in required if not (path / n).exists()]
    if missing:
        raise RecLensError(NOT_A_RUN.format(path=path, missing=", ".join(missing)))
    try:
        tables = _load_tables(path)  # first: an old or planted tables file is refused before anything else
        model = _load_model(path)
        record = json.loads((path / "run.json").read_text(encoding="utf-8"))
        dataset = _load_dataset(path, record)
        model_config, train_config = ModelConfig(**record["model_config"]), TrainConfig(**record["train_config"])
    except RecLensError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, OSError, UnicodeDecodeError) as err:
        raise RecLensError(DAMAGED.format(path=path, detail=f"{type(err).__name__}: {err}")) from None
    for name in ("item_text", "item_graph", "user_graph", "item_features", "item_numeric"):
        if any(layer.name == name for layer in model.layers):
            setattr(tables, name, keras.ops.convert_to_numpy(model.get_layer(name).table))
    return Run(
        path=path, dataset=dataset, model=model, tables=tables, model_config=model_config,
        train_config=train_config, metrics=record.get("metrics", {}), curve=record.get("curve", []), info=record,
    )


def list_runs(workspace) -> list[dict]:
    """Runs in a workspace folder, newest first: ``path, created, dataset, best_epoch, metrics``."""
    runs = []
    for run_json in Path(workspace).glob("*/run.json"):
        try:
            record = json.loads(run_json.read_text())
        except (OSError, json.JSONDecodeError):
            continue
        runs.append({"path": str(run_json.parent), "created": record.get("created", ""),
                     "dataset": record.get("dataset", {}), "best_epoch": record.get("best_epoch"),
                     "metrics": record.get("metrics", {})})
    return sorted(runs, key=lambda r: r["created"], reverse=True)
