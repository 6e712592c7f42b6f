"""Data layer: read, map columns, validate, encode ids, split, describe."""

from recsys.data.columns import (
    ColumnMapping,
    ItemSchema,
    UserSchema,
    detect_interaction_columns,
    detect_item_columns,
    detect_user_columns,
)
from recsys.data.config import DataConfig
from recsys.data.dataset import Dataset, load_dataset
from recsys.data.encoder import IdEncoder
from recsys.data.interactions import load_interactions
from recsys.data.order import TIME_ORDERS, detect_time_order
from recsys.data.readers import RawTable, read_table
from recsys.data.report import LoadReport, ReportEntry
from recsys.data.side import ItemTable, UserTable, load_items, load_users
from recsys.data.spec import ColumnSpec, FlagGroup
from recsys.data.split import (
    SPLITS,
    Split,
    leave_last_out,
    make_split,
    random_leave_one_out,
    random_split,
    rebuild_split,
    temporal_split,
)
from recsys.data.stats import DatasetStats, dataset_stats, long_tail_curve

__all__ = [
    "ColumnMapping",
    "ColumnSpec",
    "DataConfig",
    "Dataset",
    "DatasetStats",
    "FlagGroup",
    "IdEncoder",
    "ItemSchema",
    "ItemTable",
    "LoadReport",
    "RawTable",
    "ReportEntry",
    "SPLITS",
    "Split",
    "TIME_ORDERS",
    "UserSchema",
    "UserTable",
    "dataset_stats",
    "detect_interaction_columns",
    "detect_time_order",
    "detect_item_columns",
    "detect_user_columns",
    "leave_last_out",
    "load_dataset",
    "load_interactions",
    "load_items",
    "load_users",
    "long_tail_curve",
    "make_split",
    "random_leave_one_out",
    "random_split",
    "rebuild_split",
    "read_table",
    "temporal_split",
]
