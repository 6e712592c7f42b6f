"""DataConfig: how files are read and cleaned (the stated policy for messy data)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DataConfig"]


@dataclass(frozen=True)
class DataConfig:
    """Reading and cleaning policy. Defaults suit implicit-feedback next-item recommendation.

    Attributes:
        sep: Delimiter for every file; sniffed per file when ``None``.
        header: Whether files have a header line; sniffed when ``None``.
        encoding: Text encoding; UTF-8 with a latin-1 fallback when ``None``.
        duplicates: What to do with a user-item pair seen several times: ``"last"`` keeps the
            latest (by timestamp, then file order), ``"first"`` the earliest, ``"keep"`` all.
        min_rating: Rows with a rating below this are dropped (turns ratings into implicit
            positives, e.g. 4 for "liked"); ``None`` keeps all. Not applied to weights (the load
            report warns).
        value_kind: How the value column is read: ``"rating"``, ``"weight"`` (counts such as
            plays or clicks, used as confidence) or ``"auto"`` (from its name and values, the
            rule in ``recsys.data.values``).
        max_bad_share: Up to this share of unparseable ratings/timestamps is dropped and
            reported; more means the column is probably the wrong one, so loading stops with an
            error naming the first bad row.
        min_user_interactions: Users with fewer interactions are dropped (leave-last-out needs
            3: train, validation, test).
        min_side_match: An items or users file that holds fewer than this share of the
            interactions' item or user ids is loaded with a warning (it may belong to other data).
        dayfirst: How to read dates such as ``03/04/2021``: ``None`` decides from the data (a first
            number above 12 means day first, a second one above 12 month first; when no value
            decides, month first, reported as an assumption), ``True`` day first, ``False`` month
            first.
        max_columns: Files with more columns are refused (each column is profiled to detect its
            role, so the cost grows with the width).
        max_line_bytes: Files with a longer line are refused (a line is split into fields in
            memory before anything else can be checked).
        max_rows: Files with more rows (lines of a text file, rows of a Parquet file, checked
            before parsing) are refused.
        max_decoded_bytes: Parquet files whose values take more memory than this once decoded
            are refused (compression can make a small file decode to gigabytes).
    """

    sep: str | None = None
    header: bool | None = None
    encoding: str | None = None
    duplicates: str = "last"
    min_rating: float | None = None
    value_kind: str = "auto"
    max_bad_share: float = 0.01
    min_user_interactions: int = 3
    min_side_match: float = 0.5
    dayfirst: bool | None = None
    max_columns: int = 1_000
    max_line_bytes: int = 1_000_000
    max_rows: int = 5_000_000
    max_decoded_bytes: int = 1_000_000_000

    def __post_init__(self):
        if self.duplicates not in ("last", "first", "keep"):
            raise ValueError("duplicates must be 'last', 'first' or 'keep'")
        if self.value_kind not in ("auto", "rating", "weight"):
            raise ValueError("value_kind must be 'auto', 'rating' or 'weight'")
        for name in ("max_columns", "max_line_bytes", "max_rows", "max_decoded_bytes"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
