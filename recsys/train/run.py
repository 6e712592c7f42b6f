"""Save a trained run to one directory and restore it.

Layout of a run directory::

    model.keras        the scoring model (feature tables inside, as frozen weights)
    run.json           configs, metrics, training curve, data sources and column mapping
    interactions.parquet, items.parquet, users.parquet
                       the cleaned, encoded data (so a run recommends and explains on its own)
    schemas.json       item/user column roles, and the column names/types the user gave
    tables.npz         feature tables (user attribute tokens, item feature names)
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
from recsys.errors import RecLensError
from recsys.model.config import ModelConfig
from recsys.model.features import FeatureTables
from recsys.recommend import Recommender
from recsys.train.config import TrainConfig
from recsys.train.fit import TrainResult
from recsys.train.windows import user_sequences

__all__ = ["Run", "save_run", "load_run", "list_runs"]


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

    def recommender(self) -> Recommender:
        """Recommends from each user's whole history (all loaded interactions)."""
        seqs = user_sequences(self.dataset.interactions)
        return Recommender(self.model, self.tables, self.model_config.max_len, seqs, self.model_config.heads,
                           self.model_config)


def _schema_dict(schema) -> dict | None:
    return None if schema is None else dataclasses.asdict(schema)


def _to_parquet(frame: pd.DataFrame, path: Path) -> None:
    out = frame.copy()
    for c in out.columns:  # lists (multi-valued categories) are stored as JSON text
        if out[c].map(lambda v: isinstance(v, list)).any():
            out[c] = out[c].map(json.dumps)
    out.to_parquet(path)


def save_run(result: TrainResult, dataset: Dataset, path, metrics: dict | None = None, info: dict | None = None) -> Path:
    """Write a run directory (see module docstring) and return its path."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    result.model.save(path / "model.keras")
    _to_parquet(dataset.interactions, path / "interactions.parquet")
    if dataset.items is not None:
        _to_parquet(dataset.items.frame, path / "items.parquet")
    if dataset.users is not None:
        _to_parquet(dataset.users.frame, path / "users.parquet")
    t = result.tables
    np.savez(path / "tables.npz", user_ids=t.user_ids, user_tokens=np.array(t.user_tokens, dtype=object),
             user_fields=np.array(t.user_fields, dtype=object), feature_names=np.array(t.feature_names, dtype=object),
             numeric_names=np.array(t.numeric_names, dtype=object), n_items=t.n_items, allow_pickle=True)
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
        "stopped_for_time": result.stopped_for_time,
        "fit_seconds": result.fit_seconds,
        "peak_memory_mb": result.peak_memory_mb,
        "input_pipeline": result.input_pipeline,
        "replicas": result.replicas,
        "rating_mean": result.rating_mean,
        "curve": result.curve,
        "metrics": metrics or {},
        "reports": {k: r.to_dict() for k, r in dataset.reports.items()},
        "info": info or {},
    }
    (path / "run.json").write_text(json.dumps(record, indent=2, default=str))
    return path


def _from_parquet(path: Path, list_columns) -> pd.DataFrame:
    frame = pd.read_parquet(path)
    for c in list_columns:
        if c in frame:
            frame[c] = frame[c].map(json.loads)
    return frame


def load_run(path) -> Run:
    """Restore a run saved by ``save_run``.

    Raises:
        RecLensError: the folder is not a complete run.
    """
    path = Path(path)
    missing = [n for n in ("model.keras", "run.json", "schemas.json", "interactions.parquet") if not (path / n).exists()]
    if missing:
        raise RecLensError(f"'{path}' is not a RecLens run (missing {', '.join(missing)}). Train one with "
                           "`python -m recsys train` or pick another folder.")
    record = json.loads((path / "run.json").read_text())
    schemas = json.loads((path / "schemas.json").read_text())
    items = users = None
    if schemas["items"] is not None:
        schema = ItemSchema(**{k: tuple(v) if isinstance(v, list) else v for k, v in schemas["items"].items()})
        items = ItemTable(pd.DataFrame(), schema)
        items.frame = _from_parquet(path / "items.parquet", items.multi_columns)
    if schemas["users"] is not None:
        schema = UserSchema(**{k: tuple(v) if isinstance(v, list) else v for k, v in schemas["users"].items()})
        users = UserTable(pd.read_parquet(path / "users.parquet"), schema)
    dataset = Dataset(
        interactions=pd.read_parquet(path / "interactions.parquet"),
        user_encoder=IdEncoder.from_list(schemas["user_ids"], "user"),
        item_encoder=IdEncoder.from_list(schemas["item_ids"], "item"),
        items=items, users=users, mapping=ColumnMapping(**schemas["mapping"]), name=record["dataset"]["name"],
        columns={kind: ColumnSpec.from_dict(d) for kind, d in schemas.get("columns", {}).items()},
    )
    npz = np.load(path / "tables.npz", allow_pickle=True)
    model = keras.saving.load_model(path / "model.keras")
    tables = FeatureTables(
        n_items=int(npz["n_items"]), user_ids=npz["user_ids"], user_tokens=list(npz["user_tokens"]),
        user_fields=list(npz["user_fields"]), feature_names=list(npz["feature_names"]),
        numeric_names=list(npz["numeric_names"]),
    )
    for name, attr in (("item_text", "item_text"), ("item_graph", "item_graph"), ("user_graph", "user_graph"),
                       ("item_features", "item_features"),
                       ("item_numeric", "item_numeric")):
        if any(layer.name == name for layer in model.layers):
            setattr(tables, attr, keras.ops.convert_to_numpy(model.get_layer(name).table))
    return Run(
        path=path, dataset=dataset, model=model, tables=tables,
        model_config=ModelConfig(**record["model_config"]), train_config=TrainConfig(**record["train_config"]),
        metrics=record.get("metrics", {}), curve=record.get("curve", []), info=record,
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
