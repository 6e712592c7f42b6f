"""Dataset: interactions with encoded ids, plus optional item metadata and user attributes."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from recsys.data.columns import ColumnMapping, ItemSchema, UserSchema
from recsys.data.config import DataConfig
from recsys.data.encoder import IdEncoder
from recsys.data.interactions import load_interactions
from recsys.data.report import LoadReport
from recsys.data.side import ItemTable, UserTable, load_items, load_users
from recsys.data.spec import ColumnSpec
from recsys.errors import DataError, Msg

__all__ = ["Dataset", "load_dataset", "MIN_SPLIT_USERS"]

MIN_SPLIT_USERS = 2


@dataclass
class Dataset:
    """Everything loaded for one analysis.

    Attributes:
        interactions: ``[n]`` rows in file order: ``user``, ``item`` (raw ids, str),
            ``user_idx``, ``item_idx`` (int64), and ``rating`` or ``weight`` (float64: a count
            such as plays, ``recsys.data.values``) and ``timestamp`` when present.
        user_encoder: Raw user id <-> ``0..n_users-1``.
        item_encoder: Raw item id <-> ``0..n_items-1``; items of the items file that nobody
            interacted with come last (cold-start items).
        items: Item metadata or ``None``. users: User attributes or ``None``.
        reports: One ``LoadReport`` per file, keyed ``interactions`` / ``items`` / ``users``.
        mapping: The interactions' column mapping used.
        columns: The column names, types and flag groups the user gave, by file (``items`` /
            ``users``); saved with a run.
        name: A label for the UI and saved runs.
    """

    interactions: pd.DataFrame
    user_encoder: IdEncoder
    item_encoder: IdEncoder
    items: ItemTable | None = None
    users: UserTable | None = None
    reports: dict[str, LoadReport] = field(default_factory=dict)
    mapping: ColumnMapping = field(default_factory=ColumnMapping)
    columns: dict[str, ColumnSpec] = field(default_factory=dict)
    name: str = "dataset"

    @property
    def n_users(self) -> int:
        return len(self.user_encoder)

    @property
    def n_items(self) -> int:
        return len(self.item_encoder)

    @property
    def has_timestamps(self) -> bool:
        return "timestamp" in self.interactions

    @property
    def time_order(self) -> str:
        """What orders each user's rows (``recsys.data.order.TIME_ORDERS``), as the load found it;
        ``"timestamp"`` or ``"file"`` for data built without a load report."""
        report = self.reports.get("interactions")
        if report is not None and report.time_order is not None:
            return report.time_order
        return "timestamp" if self.has_timestamps else "file"

    @property
    def has_ratings(self) -> bool:
        return "rating" in self.interactions

    @property
    def has_weights(self) -> bool:
        """Whether the value column was read as weights (counts such as plays), not ratings."""
        return "weight" in self.interactions

    def titles(self, item_idx) -> list[str]:
        """Display titles for item indices (the raw id where there is no title)."""
        raw = self.item_encoder.inverse_transform(item_idx)
        return self.items.titles(raw) if self.items is not None else [str(r) for r in raw]


def _check_splittable(frame: pd.DataFrame, min_per_user: int) -> None:
    counts = frame.groupby("user_idx").size()
    eligible = int((counts >= 3).sum())
    if eligible < MIN_SPLIT_USERS:
        detail = f"{len(counts)} users, {eligible} of them with 3 or more interactions"
        raise DataError(Msg.TOO_SMALL.format(detail=detail, min_users=MIN_SPLIT_USERS, min_per_user=max(3, min_per_user)))


def load_dataset(
    interactions,
    items=None,
    users=None,
    *,
    config: DataConfig = DataConfig(),
    mapping: ColumnMapping | None = None,
    item_schema: ItemSchema | None = None,
    user_schema: UserSchema | None = None,
    item_columns: ColumnSpec | None = None,
    user_columns: ColumnSpec | None = None,
    name: str | None = None,
) -> Dataset:
    """Load interactions and, optionally, item and user files, and encode the ids.

    Args:
        interactions, items, users: Paths, bytes, uploaded files or DataFrames.
        config: Reading and cleaning policy (applies to every file).
        mapping, item_schema, user_schema: Column choices to force; the rest are detected.
        item_columns, user_columns: Names, types, flag groups and encoding of the side files'
            columns (``recsys.data.spec``).
        name: Label; defaults to the interactions file name.

    Raises:
        DataError: with a message that says what to fix.
    """
    frame, report, mapping = load_interactions(interactions, mapping, config)
    reports = {"interactions": report}
    item_table = user_table = None
    if items is not None:
        item_table, reports["items"] = load_items(items, frame["item"].unique(), item_schema, config, item_columns)
    if users is not None:
        user_table, reports["users"] = load_users(users, frame["user"].unique(), user_schema, config, user_columns)
    columns = {k: c for k, c, f in (("items", item_columns, items), ("users", user_columns, users))
               if c is not None and f is not None}
    user_encoder, item_encoder = IdEncoder("user"), IdEncoder("item")
    frame.insert(2, "user_idx", user_encoder.fit_transform(frame["user"]))
    catalogue = pd.concat([frame["item"], pd.Series(item_table.frame.index if item_table else [], dtype=object)])
    frame.insert(3, "item_idx", item_encoder.fit_transform(catalogue)[: len(frame)])
    _check_splittable(frame, config.min_user_interactions)
    return Dataset(
        interactions=frame,
        user_encoder=user_encoder,
        item_encoder=item_encoder,
        items=item_table,
        users=user_table,
        reports=reports,
        mapping=mapping,
        columns=columns,
        name=name or report.source,
    )
