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
            positives, e.g. 4 for "liked"); ``None`` keeps all.
        max_bad_share: Up to this share of unparseable ratings/timestamps is dropped and
            reported; more means the column is probably the wrong one, so loading stops with an
            error naming the first bad row.
        min_user_interactions: Users with fewer interactions are dropped (leave-last-out needs
            3: train, validation, test).
        min_side_match: An items or users file that holds fewer than this share of the
            interactions' item or user ids is loaded with a warning (it may belong to other data).
    """

    sep: str | None = None
    header: bool | None = None
    encoding: str | None = None
    duplicates: str = "last"
    min_rating: float | None = None
    max_bad_share: float = 0.01
    min_user_interactions: int = 3
    min_side_match: float = 0.5

    def __post_init__(self):
        if self.duplicates not in ("last", "first", "keep"):
            raise ValueError("duplicates must be 'last', 'first' or 'keep'")
