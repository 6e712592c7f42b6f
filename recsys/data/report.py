"""LoadReport: what a load kept, fixed and dropped, and why. Nothing is dropped silently."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

__all__ = ["LoadReport", "ReportEntry"]


@dataclass(frozen=True)
class ReportEntry:
    """One line of a load report.

    Attributes:
        action: ``"dropped"`` (rows removed), ``"fixed"`` (rows changed and kept), ``"note"``, or
            ``"warning"`` (the data loaded, but probably not as the user meant: shown prominently).
        reason: Plain-language reason, e.g. ``"duplicate user-item pair (kept the latest)"``.
        count: Number of rows concerned (0 for notes that are not about rows).
        examples: A few row numbers (1-based, as in a spreadsheet, header = row 1) or values.
    """

    action: str
    reason: str
    count: int = 0
    examples: tuple = ()


@dataclass
class LoadReport:
    """What happened to one file on its way in.

    ``rows_read - sum(dropped counts) == rows_kept`` always holds (tested). ``time_order``: for
    interactions, what orders each user's rows (``recsys.data.order.TIME_ORDERS``; ``None`` = not checked).
    """

    source: str
    kind: str
    rows_read: int = 0
    rows_kept: int = 0
    entries: list[ReportEntry] = field(default_factory=list)
    time_order: str | None = None

    def drop(self, reason: str, count: int, examples=()) -> None:
        if count:
            self.entries.append(ReportEntry("dropped", reason, int(count), tuple(examples)[:5]))

    def fix(self, reason: str, count: int, examples=()) -> None:
        if count:
            self.entries.append(ReportEntry("fixed", reason, int(count), tuple(examples)[:5]))

    def note(self, reason: str, count: int = 0) -> None:
        self.entries.append(ReportEntry("note", reason, int(count)))

    def warn(self, reason: str) -> None:
        self.entries.append(ReportEntry("warning", reason))

    @property
    def rows_dropped(self) -> int:
        return sum(e.count for e in self.entries if e.action == "dropped")

    @property
    def rows_fixed(self) -> int:
        return sum(e.count for e in self.entries if e.action == "fixed")

    @property
    def notes(self) -> list[str]:
        return [e.reason for e in self.entries if e.action == "note"]

    @property
    def warnings(self) -> list[str]:
        return [e.reason for e in self.entries if e.action == "warning"]

    def to_frame(self) -> pd.DataFrame:
        """One row per entry: ``action, reason, rows, examples``."""
        rows = [
            {
                "action": e.action,
                "reason": e.reason,
                "rows": e.count,
                "examples": ", ".join(map(str, e.examples)),
            }
            for e in self.entries
        ]
        return pd.DataFrame(rows, columns=["action", "reason", "rows", "examples"])

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "kind": self.kind,
            "rows_read": self.rows_read,
            "rows_kept": self.rows_kept,
            "rows_dropped": self.rows_dropped,
            "rows_fixed": self.rows_fixed,
            "time_order": self.time_order,
            "entries": [e.__dict__ | {"examples": list(map(str, e.examples))} for e in self.entries],
        }

    def summary(self) -> str:
        """One line, e.g. ``"interactions 'x.csv': 100 rows read, 98 kept, 2 dropped, 0 fixed"``."""
        return (
            f"{self.kind} '{self.source}': {self.rows_read:,} rows read, {self.rows_kept:,} kept, "
            f"{self.rows_dropped:,} dropped, {self.rows_fixed:,} fixed"
        )

    def __str__(self) -> str:
        lines = [self.summary()]
        for e in self.entries:
            tail = f" (e.g. {', '.join(map(str, e.examples))})" if e.examples else ""
            count = f"{e.count:,} row{'s' if e.count != 1 else ''}: " if e.count else ""
            lines.append(f"  - {e.action}: {count}{e.reason}{tail}")
        return "\n".join(lines)
