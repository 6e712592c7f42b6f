"""Column mapping: which column is the user, the item, the rating, the timestamp, the title...

Detected from common column names first, then from content (a headerless
``user item rating timestamp`` file maps correctly); every choice can be overridden.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace

import pandas as pd

from recsys.data.profile import looks_code, looks_counts, looks_date, looks_epoch, multi_separator
from recsys.data.profile import profile as _profile
from recsys.errors import DataError, Msg

__all__ = [
    "ColumnMapping",
    "NO_COLUMN",
    "ItemSchema",
    "UserSchema",
    "detect_interaction_columns",
    "detect_item_columns",
    "detect_user_columns",
    "all_aliases",
    "normalize_name",
    "COUNT_NAMES",
    "RATING_NAMES",
]

ALIASES: dict[str, set[str]] = {
    "user": {
        "user", "userid", "uid", "users", "customer", "customerid", "visitor", "visitorid",
        "reviewer", "reviewerid", "member", "memberid", "account", "accountid", "client",
        "clientid", "person", "personid", "username", "useridx",
    },
    "item": {
        "item", "itemid", "iid", "items", "movie", "movieid", "film", "filmid", "artist",
        "artistid", "product", "productid", "asin", "book", "bookid", "isbn", "track", "trackid",
        "song", "songid", "sku", "article", "articleid", "video", "videoid", "anime", "animeid",
        "game", "gameid", "business", "businessid", "recipe", "recipeid", "news", "newsid",
        "content", "contentid", "itemidx", "poi", "poiid", "venue", "venueid",
    },
    "rating": {
        "rating", "ratings", "score", "stars", "star", "weight", "value", "plays", "playcount",
        "count", "listens", "listencount", "clicks", "feedback", "preference", "rate", "label",
        "bookrating", "overall",
    },
    "timestamp": {
        "timestamp", "time", "ts", "date", "datetime", "createdat", "created", "eventtime",
        "unixtime", "unixtimestamp", "utc", "when", "day", "ratedat", "reviewtime", "unixreviewtime",
    },
    "title": {"title", "name", "itemname", "movietitle", "producttitle", "booktitle", "moviename"},
    "text": {
        "description", "overview", "plot", "summary", "text", "tags", "keywords", "abstract",
        "synopsis", "body", "content", "review", "about", "details", "blurb", "tag",
    },
    "id": {"id", "key", "index"},
}
# Names that lean the value column's reading (recsys.data.values): counts are weights, the rest ratings.
COUNT_NAMES = set(
    "weight weights plays playcount playcounts count counts listens listencount clicks clickcount views viewcount "
    "visits purchases quantity qty frequency freq".split()
)
RATING_NAMES = set("rating ratings stars star score scores rate bookrating overall grade".split())
ALIASES["rating"] |= COUNT_NAMES | RATING_NAMES
# Item-id and user-id aliases double as the id column of the items and users files.
ALIASES["item_id"] = ALIASES["item"] | ALIASES["id"]
ALIASES["user_id"] = ALIASES["user"] | ALIASES["id"]


def normalize_name(name) -> str:
    """``"User ID"``, ``"user_id"`` and ``"userId"`` all become ``"userid"``; a type suffix as in
    RecBole's atomic files (``"user_id:token"``) is dropped."""
    return re.sub(r"[^a-z0-9]", "", re.sub(r":[a-z_]+$", "", str(name).lower()))


def all_aliases() -> set[str]:
    return set().union(*ALIASES.values())


NO_COLUMN = "<none>"


@dataclass(frozen=True)
class ColumnMapping:
    """Which columns of an interactions file hold what. ``None`` means "detect it";
    ``NO_COLUMN`` (``"<none>"``) for rating or timestamp means "there is none, do not detect"
    (implicit feedback, or file order instead of time).

    ``how`` records, per role, whether the column was ``"given"``, found ``"by name"`` or
    ``"by content"`` (shown in the UI next to each choice).
    """

    user: str | None = None
    item: str | None = None
    rating: str | None = None
    timestamp: str | None = None
    how: dict = field(default_factory=dict, compare=False)

    def as_dict(self) -> dict:
        return {"user": self.user, "item": self.item, "rating": self.rating, "timestamp": self.timestamp}


@dataclass(frozen=True)
class ItemSchema:
    """Roles of the columns of an items file.

    Attributes:
        id: Item id column. title: Display title. text: Free-text columns (description, tags).
        categorical: Single-valued categories (provider, brand). multi: Multi-valued category
        columns such as ``"Action|Comedy"``, mapped to their separator. flags: One-hot 0/1
        columns (e.g. 19 genre flags), read together as one multi-valued feature ``flag_group``.
        numeric: Numeric columns. dates: Date columns (turned into a numeric year).
        ignored: Columns not used (URLs, near-unique codes), with the reason.
    """

    id: str | None = None
    title: str | None = None
    text: tuple[str, ...] = ()
    categorical: tuple[str, ...] = ()
    multi: dict = field(default_factory=dict)
    flags: tuple[str, ...] = ()
    flag_group: str = "genres"
    numeric: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    ignored: dict = field(default_factory=dict)


@dataclass(frozen=True)
class UserSchema:
    """Roles of the columns of a users file: id, categorical and numeric attributes."""

    id: str | None = None
    categorical: tuple[str, ...] = ()
    numeric: tuple[str, ...] = ()
    ignored: dict = field(default_factory=dict)


def _by_name(columns, role: str, taken: set) -> str | None:
    for c in columns:
        if c not in taken and normalize_name(c) in ALIASES[role]:
            return c
    return None


def _check_given(frame: pd.DataFrame, given: dict, name: str) -> None:
    cols = list(frame.columns)
    for role, col in given.items():
        if col is not None and col not in frame.columns:
            raise DataError(
                Msg.UNKNOWN_COLUMN.format(column=col, role=role, name=name, columns=", ".join(map(str, cols)))
            )
    chosen = [c for c in given.values() if c is not None]
    for col in set(chosen):
        if chosen.count(col) > 1:
            roles = " and ".join(r for r, c in given.items() if c == col)
            raise DataError(Msg.SAME_COLUMN.format(column=col, roles=roles))


# ---------------------------------------------------------------- interactions


def detect_interaction_columns(
    frame: pd.DataFrame, given: ColumnMapping | None = None, name: str = "file"
) -> ColumnMapping:
    """Find the user, item, rating and timestamp columns of an interactions table.

    Given choices win; the rest are found by name, then by content: an epoch-like integer
    column or a date column is the timestamp, a low-cardinality or fractional numeric column, or
    whole numbers with a long right tail (counts such as plays), is the rating-or-weight column
    (``recsys.data.values`` decides which), and the first two remaining columns are user then item.

    Raises:
        DataError: a given column does not exist, two roles share a column, or no user/item.
    """
    given = given or ColumnMapping()
    roles = ("user", "item", "rating", "timestamp")
    chosen = {r: getattr(given, r) for r in roles}
    absent = {r for r in ("rating", "timestamp") if chosen[r] == NO_COLUMN}  # "use no such column"
    for role in absent:
        chosen[role] = None
    _check_given(frame, chosen, name)
    how = {r: "given" for r, c in chosen.items() if c is not None} | {r: "none (given)" for r in absent}
    taken = {c for c in chosen.values() if c}
    for role in roles:
        if chosen[role] is None and role not in absent and (col := _by_name(frame.columns, role, taken)):
            chosen[role], how[role] = col, "by name"
            taken.add(col)
    rest = [c for c in frame.columns if c not in taken]
    profile = functools.cache(lambda c: _profile(frame[c]))  # on demand: detection often stops early
    headerless = all(re.fullmatch(r"column_\d+", str(c)) for c in frame.columns)
    if chosen["timestamp"] is None and "timestamp" not in how:  # also skipped when given as NO_COLUMN
        # In a headerless file the leading columns still unassigned are the ids (large integer
        # ids can look like epoch seconds), so skip one per id role not yet chosen.
        n_ids = sum(chosen[r] is None for r in ("user", "item"))
        for c in rest[n_ids:] if headerless else rest:
            if looks_epoch(profile(c)) or looks_date(profile(c)):
                chosen["timestamp"], how["timestamp"] = c, "by content"
                rest.remove(c)
                break
    ids_needed = [r for r in ("user", "item") if chosen[r] is None]
    if chosen["rating"] is None and "rating" not in absent:
        for c in rest[len(ids_needed):]:
            p = profile(c)
            if p["numeric"] > 0.95 and (not p["integer"] or p["nunique"] <= 20 or headerless
                                        or looks_counts(p, strict=True)):
                chosen["rating"], how["rating"] = c, "by content"
                rest.remove(c)
                break
    for role in ids_needed:
        if rest:
            chosen[role], how[role] = rest.pop(0), "by content"
    for role in ("user", "item"):
        if chosen[role] is None:
            raise DataError(
                Msg.MISSING_COLUMN.format(role=role, name=name, columns=", ".join(map(str, frame.columns)))
            )
    return ColumnMapping(**chosen, how=how)


# ---------------------------------------------------------------- items and users


def _classify_attribute(name, p: dict, n_rows: int, file_sep: str | None, allow_multi: bool):
    """Role of one non-id column: ``(role, extra)``, from its ``name`` (zip and code columns) and
    its profile ``p`` (``_profile``)."""
    if p["n"] == 0:
        return "ignored", "empty column"
    if p["values"] is not None and p["values"] <= {0.0, 1.0}:
        return "flag", None
    few = p["nunique"] <= max(50, 0.05 * n_rows)
    if looks_code(name, p):
        return ("categorical", None) if few else ("ignored", f"zip-like codes, {p['nunique']} distinct "
                                                            "values: too many to group by")
    if p["numeric"] > 0.98:
        return "numeric", None
    sample = p["sample"]
    if sample.str.match(r"^(https?://|www\.)").mean() > 0.5:
        return "ignored", "web addresses"
    if looks_date(p):
        return "date", None
    if allow_multi and (sep := multi_separator(p, file_sep)):
        return "multi", sep
    if p["mean_len"] >= 40 or p["words"] >= 5:
        return "text", None
    if few:
        return "categorical", None
    return "ignored", f"{p['nunique']} distinct values: too many to group by"


def _find_id(frame: pd.DataFrame, role: str, given: str | None, name: str) -> str:
    if given is not None:
        _check_given(frame, {role: given}, name)
        return given
    col = _by_name(frame.columns, role, set())
    if col is None:  # first column whose values are (nearly) all distinct
        col = next((c for c in frame.columns if frame[c].dropna().is_unique), frame.columns[0])
    return col


def detect_item_columns(
    frame: pd.DataFrame, given: ItemSchema | None = None, name: str = "items", file_sep: str | None = None
) -> ItemSchema:
    """Roles of an items table's columns; fields set in ``given`` are kept as they are."""
    given = given or ItemSchema()
    id_col = _find_id(frame, "item_id", given.id, name)
    title = given.title
    if title is None:
        title = _by_name([c for c in frame.columns if c != id_col], "title", set())
    roles: dict = {"text": [], "categorical": [], "multi": {}, "flag": [], "numeric": [], "date": [], "ignored": {}}
    for c in frame.columns:
        if c in (id_col, title):
            continue
        p = _profile(frame[c])
        if normalize_name(c) in ALIASES["text"] and p["numeric"] < 0.5:
            sep = multi_separator(p, file_sep) if normalize_name(c) in {"tags", "tag", "keywords"} else None
            role, extra = ("multi", sep) if sep else ("text", None)
        else:
            role, extra = _classify_attribute(c, p, len(frame), file_sep, allow_multi=True)
        if title is None and role in ("text", "categorical", "ignored") and p["unique_share"] > 0.5 and p["mean_len"] < 120:
            title = c  # the first mostly-distinct short text column reads as a title
            continue
        if role == "multi":
            roles["multi"][c] = extra
        elif role == "ignored":
            roles["ignored"][c] = extra
        else:
            roles[role].append(c)
    if len(roles["flag"]) == 1:  # one 0/1 column is a yes/no category, not a one-hot group
        roles["categorical"] += roles["flag"]
        roles["flag"] = []
    detected = ItemSchema(
        id=id_col,
        title=title,
        text=tuple(roles["text"]),
        categorical=tuple(roles["categorical"]),
        multi=roles["multi"],
        flags=tuple(roles["flag"]),
        numeric=tuple(roles["numeric"]),
        dates=tuple(roles["date"]),
        ignored=roles["ignored"],
    )
    overrides = {k: v for k, v in given.__dict__.items() if v not in (None, (), {}) and k != "flag_group"}
    return replace(detected, **overrides, flag_group=given.flag_group)


def detect_user_columns(frame: pd.DataFrame, given: UserSchema | None = None, name: str = "users") -> UserSchema:
    """Roles of a users table's columns: id, categorical and numeric attributes."""
    given = given or UserSchema()
    id_col = _find_id(frame, "user_id", given.id, name)
    cat, num, ignored = [], [], {}
    for c in frame.columns:
        if c == id_col:
            continue
        role, extra = _classify_attribute(c, _profile(frame[c]), len(frame), None, allow_multi=False)
        if role in ("numeric",):
            num.append(c)
        elif role in ("categorical", "flag"):
            cat.append(c)
        else:
            ignored[c] = extra or f"{role} column: not used as a user attribute"
    detected = UserSchema(id=id_col, categorical=tuple(cat), numeric=tuple(num), ignored=ignored)
    overrides = {k: v for k, v in given.__dict__.items() if v not in (None, (), {})}
    return replace(detected, **overrides)
