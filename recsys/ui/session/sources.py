"""What the session loads: its files as bytes (``Source``, ``Sources``), the column choices made
on the Data page (``Choice``) and what loading produced (``LoadOutcome``). Plain Python (no
streamlit); ``recsys.ui.session.loading`` does the loading and caching."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from recsys.data import ColumnMapping, Dataset, DatasetStats
from recsys.data.fingerprint import file_digest
from recsys.data.spec import ColumnSpec

__all__ = ["KINDS", "Choice", "LoadOutcome", "Source", "Sources"]

KINDS = ("interactions", "items", "users")
_INSPECT_BYTES = 2_000_000  # column names and auto-detection only need the head of a big file


@dataclass(frozen=True)
class Source:
    """One file as bytes, with its name (shown in reports) and a content digest (the cache key)."""

    name: str
    data: bytes = field(repr=False)
    digest: str = field(default="", compare=False)

    def __post_init__(self):
        if not self.digest:
            object.__setattr__(self, "digest", file_digest(self.data))

    @classmethod
    def from_upload(cls, file) -> Source:
        """From a Streamlit ``UploadedFile`` (or anything with ``name`` and ``getvalue``)."""
        return cls(str(file.name), bytes(file.getvalue()))

    @classmethod
    def from_path(cls, path: str | Path) -> Source:
        path = Path(path)
        return cls(path.name, path.read_bytes())

    def open(self) -> io.BytesIO:
        """A named file object, so the loaders report the file's own name."""
        buffer = io.BytesIO(self.data)
        buffer.name = self.name
        return buffer

    def head(self) -> io.BytesIO:
        """The first ~2 MB, cut at a line end (Parquet is never cut)."""
        data = self.data
        if len(data) > _INSPECT_BYTES and data[:4] != b"PAR1" and not self.name.lower().endswith((".parquet", ".pq")):
            cut = data.rfind(b"\n", 0, _INSPECT_BYTES)
            data = data[: cut + 1] if cut > 0 else data
        buffer = io.BytesIO(data)
        buffer.name = self.name
        return buffer


@dataclass(frozen=True)
class Sources:
    """The files of one analysis. ``demo`` marks the bundled demo data."""

    interactions: Source
    items: Source | None = None
    users: Source | None = None
    demo: bool = False

    def get(self, kind: str) -> Source | None:
        return getattr(self, kind)

    @property
    def key(self) -> tuple:
        return tuple((s.name, s.digest) if s else None for s in (self.interactions, self.items, self.users))


@dataclass(frozen=True)
class Choice:
    """Column choices made on the Data page.

    Attributes:
        interactions: ``None`` to auto-detect; otherwise every role is explicit and a ``None``
            role means the file has no such column (e.g. no rating: implicit feedback).
        item_id, user_id: Id column of the items / users file (by its name in use); ``None`` to
            auto-detect.
        item_columns, user_columns: Names, types, flag group and encoding of the items / users
            file's columns; ``None`` to detect them.
        dayfirst: ``DataConfig.dayfirst``: how dates such as 03/04/2021 are read (``None``:
            decided from the data).
        value_kind: ``DataConfig.value_kind``: the rating-or-weight column read as ``"rating"``,
            ``"weight"`` or decided from the data (``"auto"``).
    """

    interactions: ColumnMapping | None = None
    item_id: str | None = None
    user_id: str | None = None
    item_columns: ColumnSpec | None = None
    user_columns: ColumnSpec | None = None
    dayfirst: bool | None = None
    value_kind: str = "auto"

    def columns(self, kind: str) -> ColumnSpec | None:
        return self.item_columns if kind == "items" else self.user_columns

    def side_id(self, kind: str) -> str | None:
        """The chosen id column, unless the column spec types one as ``id`` (that one wins)."""
        spec = self.columns(kind)
        if spec is not None and "id" in spec.type_map.values():
            return None
        return self.item_id if kind == "items" else self.user_id


@dataclass
class LoadOutcome:
    """What loading produced: a dataset and its statistics, or an error message.

    ``columns``, ``detected`` and ``layouts`` come from the head of each file and feed the
    mapping widgets and the column tables, also when loading failed (so the user can pick other
    columns). ``details`` holds the traceback of an unexpected error (a bug), for the "details"
    expander under the message.
    """

    key: tuple
    demo: bool = False
    dataset: Dataset | None = None
    stats: DatasetStats | None = None
    error: str | None = None
    details: str | None = None
    columns: dict = field(default_factory=dict)
    detected: ColumnMapping | None = None
    detected_ids: dict = field(default_factory=dict)
    layouts: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.dataset is not None

    @property
    def load_key(self) -> str:
        """Fingerprint of the files and the column choices: what the encoded dataset depends on."""
        return hashlib.sha256(repr(self.key).encode()).hexdigest()[:16]
