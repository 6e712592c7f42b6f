"""A corpus of malformed and hostile files, generated in code (nothing binary is committed).

Used by ``tests/data/test_hostile.py`` (small sizes, with the limits of ``SMALL_LIMITS``) and by
``benchmarks/hostile_files.py`` (full sizes, default limits). Each file is an interactions, items
or users file; items and users files are loaded next to ``BASE_INTERACTIONS``, whose ids they use.

``expect`` is ``"load"`` when the file must load, ``"refuse"`` when it must be refused with a
``recsys.errors`` error, ``None`` when either is acceptable (the contract still holds: a clean
error, or a report that accounts for every row).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from recsys.data import DataConfig

__all__ = [
    "Hostile", "Sizes", "SMALL", "FULL", "SMALL_LIMITS", "BASE_INTERACTIONS", "hostile_files", "wide_csv",
    "parquet_row_bomb", "parquet_string_bomb", "wide_parquet",
]

USERS = ["u1", "u2", "u3", "u4", "u5", "u6"]
ITEMS = ["i1", "i2", "i3", "i4", "i5"]
T0 = 1_650_000_000


def _rows(n_items: int = 4) -> list[tuple[str, str, int, int]]:
    """Every user rates ``n_items`` items, an hour apart: ``(user, item, rating, epoch seconds)``."""
    out, t = [], T0
    for u in USERS:
        for k in range(n_items):
            t += 3600
            out.append((u, ITEMS[(USERS.index(u) + k) % len(ITEMS)], 1 + (t // 3600) % 5, t))
    return out


ROWS = _rows()
BASE_INTERACTIONS = ("user,item,rating,timestamp\n" + "".join(f"{u},{i},{r},{t}\n" for u, i, r, t in ROWS)).encode()


@dataclass(frozen=True)
class Sizes:
    """How big the "big" cases are. ``SMALL`` goes with ``SMALL_LIMITS``; ``FULL`` with the defaults."""

    columns: int  # a file this wide
    long_line: int  # bytes in one line
    wide_line: int  # bytes in one line of "u1,i1," repeated (many fields, short line)
    rows: int  # rows in the row bomb (text)
    parquet_rows: int  # rows in the Parquet row bomb
    parquet_value: int  # bytes in each value of the Parquet string bomb
    parquet_values: int  # rows of the Parquet string bomb


SMALL = Sizes(columns=300, long_line=120_000, wide_line=20_000, rows=60_000, parquet_rows=300_000,
              parquet_value=20_000, parquet_values=2_000)
FULL = Sizes(columns=10_000, long_line=10_000_000, wide_line=20_000, rows=12_000_000, parquet_rows=20_000_000,
             parquet_value=1_000_000, parquet_values=2_000)
# Lowered limits so the small cases cross them as the full ones cross the defaults.
SMALL_LIMITS = DataConfig(max_columns=100, max_line_bytes=100_000, max_rows=50_000, max_decoded_bytes=20_000_000)


@dataclass(frozen=True)
class Hostile:
    """One file of the corpus."""

    name: str
    data: bytes = field(repr=False)
    kind: str = "interactions"
    category: str = ""
    expect: str | None = None


def _csv(rows, header: str = "user,item,rating,timestamp", sep: str = ",") -> str:
    lines = [header] if header is not None else []
    lines += [sep.join(map(str, r)) for r in rows]
    return "\n".join(lines) + "\n"


def _parquet(table: pa.Table, **options) -> bytes:
    buf = io.BytesIO()
    pq.write_table(table, buf, **options)
    return buf.getvalue()


def _base_table() -> dict:
    return {"user": [r[0] for r in ROWS], "item": [r[1] for r in ROWS], "timestamp": [r[3] for r in ROWS]}


def wide_csv(columns: int) -> bytes:
    """A header of ``columns`` names over rows of as many fields."""
    wide = ",".join(f"c{k}" for k in range(columns)) + "\n"
    wide += "".join(f"{u},{i}," + ",".join(["1"] * (columns - 2)) + "\n" for u, i, *_ in ROWS)
    return wide.encode()


def parquet_row_bomb(rows: int) -> bytes:
    """A few kilobytes of Parquet declaring ``rows`` rows: one dictionary value repeated."""
    zeros = pa.DictionaryArray.from_arrays(pa.array(np.zeros(rows, dtype=np.int32)), pa.array(["u1"]))
    return _parquet(pa.table({"user": zeros, "item": zeros}), compression="zstd")


def parquet_string_bomb(value_bytes: int, rows: int) -> bytes:
    """Two long strings, dictionary-encoded, alternating over ``rows`` rows."""
    value = "v" * value_bytes
    big = pa.DictionaryArray.from_arrays(pa.array(np.arange(rows, dtype=np.int32) % 2), pa.array([value, value + "w"]))
    users = pa.array([f"u{k % 50}" for k in range(rows)])
    return _parquet(pa.table({"user": users, "item": big}), compression="zstd")


def wide_parquet(columns: int) -> bytes:
    return _parquet(pa.table(_base_table() | {f"c{k}": np.arange(len(ROWS)) for k in range(columns)}))


def _text_cases(s: Sizes) -> list[Hostile]:
    c = []
    add = lambda name, text, **kw: c.append(Hostile(name, text.encode() if isinstance(text, str) else text, **kw))
    add("empty.csv", b"", category="empty", expect="refuse")
    add("spaces.csv", b"   \n\t\n  \r\n", category="empty", expect="refuse")
    add("header_only.csv", "user,item,rating,timestamp\n", category="header only", expect="refuse")
    add("header_blank_lines.csv", "user,item\n\n\n\n", category="header only", expect="refuse")
    add("png.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, category="binary", expect="refuse")
    add("random.csv", np.random.default_rng(0).bytes(4096), category="binary", expect="refuse")
    add("zip.csv", b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(200), category="wrong format", expect="refuse")
    add("json.csv", json.dumps([{"user": u, "item": i} for u, i, *_ in ROWS]), category="wrong format")
    add("html.csv", "<!DOCTYPE html><html><body><table><tr><td>u1</td></tr></table></body></html>\n",
        category="wrong format", expect="refuse")
    add("parquet_named.csv", _parquet(pa.table(_base_table())), category="wrong format", expect="load")
    add("utf16_bom.csv", _csv(ROWS).encode("utf-16"), category="encoding", expect="load")
    add("utf16_be_bom.csv", b"\xfe\xff" + _csv(ROWS).encode("utf-16-be"), category="encoding", expect="load")
    add("utf16_le_no_bom.csv", _csv(ROWS).encode("utf-16-le"), category="encoding", expect="load")
    add("utf16_be_no_bom.csv", _csv(ROWS).encode("utf-16-be"), category="encoding", expect="load")
    add("utf8_bom_crlf.csv", b"\xef\xbb\xbf" + _csv(ROWS).replace("\n", "\r\n").encode(), category="encoding",
        expect="load")
    add("latin1.csv", _csv([(u + "é", i, r, t) for u, i, r, t in ROWS]).encode("latin-1"), category="encoding",
        expect="load")
    mixed = _csv(ROWS[:12]).encode() + _csv([(u + "é", i, r, t) for u, i, r, t in ROWS[12:]], header=None).encode(
        "latin-1")
    add("mixed_encodings.csv", mixed, category="encoding", expect="load")
    add("mac_cr.csv", _csv(ROWS).replace("\n", "\r"), category="line endings", expect="load")
    add("nul_inside.csv", _csv(ROWS) + _csv(ROWS, header=None) * 59 + "u1,i\x009,3,1650000000\n", category="binary",
        expect="load")
    add("bom_inside.csv", _csv(ROWS[:10]) + "\ufeffu9,i1,3,1650000000\n" + _csv(ROWS[10:], header=None),
        category="encoding", expect="load")
    quoted = _csv([(u, f'"{i}\nsecond line"', r, t) for u, i, r, t in ROWS])
    add("quoted_newlines.csv", quoted, category="quoting", expect="load")
    add("unclosed_quote.csv", _csv(ROWS[:5]) + 'u9,"i1,3,1650000000\n' + _csv(ROWS[5:], header=None),
        category="quoting", expect="refuse")
    ragged = _csv(ROWS).split("\n")
    ragged[3] += ",extra,more"
    ragged[6] = ragged[6].rsplit(",", 2)[0]
    add("ragged.csv", "\n".join(ragged), category="ragged rows", expect="load")
    add("one_more_field.csv", "user,item,rating\n" + "".join(f"{u},{i},{r},{t}\n" for u, i, r, t in ROWS),
        category="column shift", expect="load")
    add("two_more_fields.csv", "user,item\n" + "".join(f"{u},{i},{r},{t}\n" for u, i, r, t in ROWS),
        category="column shift", expect="load")
    add("one_fewer_field.csv", "user,item,rating,timestamp,extra\n" + _csv(ROWS, header=None),
        category="column shift", expect="load")
    add(f"columns_{s.columns}.csv", wide_csv(s.columns), category="wide", expect="refuse")
    add("long_line_fields.csv", ("u1,i1," * (s.long_line // 6)) + "\n", category="long line", expect="refuse")
    add("long_line_plain.csv", "x" * s.long_line + "\n" + _csv(ROWS), category="long line", expect="refuse")
    add("wide_line.csv", ("u1,i1," * (s.wide_line // 6)) + "\n", category="wide", expect="refuse")
    late = _csv(ROWS) + "u9," + "i1," * (s.wide_line // 3) + "\n"
    add("late_wide_line.csv", late, category="ragged rows", expect="load")
    add("row_bomb.csv", b"user,item\n" + b"u1,i1\n" * s.rows, category="size", expect="refuse")
    return c


def _payload_cases() -> list[Hostile]:
    c = []
    add = lambda name, text, **kw: c.append(Hostile(name, text.encode() if isinstance(text, str) else text, **kw))
    formula = ["=cmd|' /C calc'!A0", "@SUM(1+1)", "+1+2", "-2+3", "\t=1", "＝1"]
    add("formula_ids.csv", _csv([(formula[USERS.index(u)] + u, i, r, t) for u, i, r, t in ROWS]),
        category="formula", expect="load")
    html = ["<script>alert(1)</script>", "**bold** _it_", "[x](javascript:alert(1))", "<img src=x onerror=1>"]
    add("html_ids.csv", _csv([(u, html[k % 4].replace(",", ";") + i, r, t) for k, (u, i, r, t) in enumerate(ROWS)]),
        category="html", expect="load")
    odd = ['"u,1"', '"u""q"', "u😀", "u\u200b3", "u\u00a05", "u6"]
    add("odd_ids.csv", _csv([(odd[USERS.index(u)], i, r, t) for u, i, r, t in ROWS]), category="odd ids",
        expect="load")
    add("space_ids.csv", _csv([(f" {u} " if k % 2 else u, i, r, t) for k, (u, i, r, t) in enumerate(ROWS)]),
        category="odd ids", expect="load")
    add("escape_ids.csv", _csv([(u + "\x1b]0;pwned\x07\x1b[2J", i, r, t) for u, i, r, t in ROWS]),
        category="odd ids", expect="load")
    add("long_ids.csv", _csv([(u * 2000, i, r, t) for u, i, r, t in ROWS]), category="odd ids", expect="load")
    add("huge_int_ids.csv", _csv([(str(2**70 + USERS.index(u)), i, r, t) for u, i, r, t in ROWS]),
        category="odd ids", expect="load")
    add("leading_zero_ids.csv", _csv([("00" + u[1:], i, r, t) for u, i, r, t in ROWS]), category="odd ids",
        expect="load")
    bad = ["nan", "inf", "-inf", "1e309", "NaN", "Infinity"]
    add("nan_inf_ratings.csv", _csv([(u, i, bad[k % 6] if k % 4 == 0 else r, t) for k, (u, i, r, t) in enumerate(ROWS)]),
        category="ratings")
    add("text_ratings.csv", _csv([(u, i, "good", t) for u, i, r, t in ROWS]), category="ratings", expect="refuse")
    add("huge_ratings.csv", _csv([(u, i, 10**300 * r, t) for u, i, r, t in ROWS]), category="ratings",
        expect="load")
    add("decimal_comma.csv", _csv([(u, i, f"{r},5", t) for u, i, r, t in ROWS], header="user;item;rating;timestamp",
                                  sep=";"), category="ratings", expect="refuse")
    return c


def _time_cases() -> list[Hostile]:
    c = []
    add = lambda name, text, **kw: c.append(Hostile(name, text.encode(), **kw))
    add("mixed_s_ms.csv", _csv([(u, i, r, t * 1000 if k % 3 else t) for k, (u, i, r, t) in enumerate(ROWS)]),
        category="timestamps", expect="load")
    add("millis.csv", _csv([(u, i, r, t * 1000) for u, i, r, t in ROWS]), category="timestamps", expect="load")
    add("micros.csv", _csv([(u, i, r, t * 1_000_000) for u, i, r, t in ROWS]), category="timestamps")
    add("before_1970.csv", _csv([(u, i, r, -t) for u, i, r, t in ROWS]), category="timestamps")
    add("year_3000.csv", _csv([(u, i, r, 32503680000 + t) for u, i, r, t in ROWS]), category="timestamps")
    formats = {
        "iso_date": "%Y-%m-%d", "iso_datetime_z": "%Y-%m-%dT%H:%M:%SZ", "space_datetime": "%Y-%m-%d %H:%M:%S",
        "us_slash": "%m/%d/%Y", "eu_dots": "%d.%m.%Y", "day_mon_year": "%d %b %Y", "month_name": "%B %d, %Y",
        "rfc2822": "%a, %d %b %Y %H:%M:%S +0000", "ymd_slash": "%Y/%m/%d", "compact": "%Y%m%d",
    }
    for name, fmt in formats.items():
        rows = [(u, i, r, pd.Timestamp(T0 + k * 86400 + 3600 * (k % 5), unit="s").strftime(fmt).replace(",", ""))
                for k, (u, i, r, t) in enumerate(ROWS)]
        add(f"dates_{name}.csv", _csv(rows), category="dates", expect="load")
    ambiguous = [(u, i, r, f"0{1 + k % 9}/0{1 + (k * 5) % 9}/2021") for k, (u, i, r, t) in enumerate(ROWS)]
    add("dates_ambiguous.csv", _csv(ambiguous), category="dates", expect="load")
    both = [(u, i, r, "13/04/2021" if k == 0 else "04/13/2021" if k == 1 else "03/04/2021")
            for k, (u, i, r, t) in enumerate(ROWS)]
    add("dates_inconsistent.csv", _csv(both), category="dates")
    offsets = [(u, i, r, f"2021-03-04T10:00:00{'+09:00' if k % 2 else '-05:00'}") for k, (u, i, r, t) in enumerate(ROWS)]
    add("dates_offsets.csv", _csv(offsets), category="dates", expect="load")
    return c


def _shape_cases() -> list[Hostile]:
    c = []
    add = lambda name, text, **kw: c.append(Hostile(name, text.encode(), **kw))
    add("all_duplicates.csv", _csv([ROWS[0]] * 30), category="shape", expect="refuse")
    add("one_user.csv", _csv([("u1", f"i{k}", 3, T0 + k) for k in range(10)]), category="shape", expect="refuse")
    add("single_column.csv", "user\n" + "".join(f"{u}\n" for u, *_ in ROWS), category="shape", expect="refuse")
    add("whitespace_mixed.csv", "".join(f"{u} \t {i}\t{r}  {t}\n" for u, i, r, t in ROWS), category="delimiters",
        expect="load")
    add("double_colon_ids.csv", "".join(f"{u}:a::{i}::{r}::{t}\n" for u, i, r, t in ROWS), category="delimiters",
        expect="load")
    add("duplicate_header.csv", _csv(ROWS, header="user,user,rating,rating"), category="header")
    add("empty_header_names.csv", _csv(ROWS, header=",,,"), category="header", expect="load")
    add("numeric_header.csv", _csv(ROWS, header="1,2,3,4"), category="header", expect="load")
    return c


def _parquet_cases(s: Sizes) -> list[Hostile]:
    c = []
    def add(name, table, compression="snappy", **kw):
        c.append(Hostile(name, _parquet(table, compression=compression), **kw))

    base = _base_table()
    n = len(ROWS)
    add("nested_struct.parquet", pa.table(base | {"meta": [{"a": k, "b": "x"} for k in range(n)]}),
        category="nested parquet", expect="load")
    add("nested_list.parquet", pa.table(base | {"tags": [[k, k + 1] for k in range(n)]}), category="nested parquet",
        expect="load")
    add("nested_map.parquet", pa.table(base | {"m": pa.array([[("k", k)] for k in range(n)],
                                                             type=pa.map_(pa.string(), pa.int64()))}),
        category="nested parquet", expect="load")
    add("nested_only.parquet", pa.table({"user": [{"id": u} for u, *_ in ROWS], "item": [[i] for _, i, *_ in ROWS]}),
        category="nested parquet", expect="refuse")
    add("nested_id.parquet", pa.table({"user": [{"id": u} for u, *_ in ROWS], "item": base["item"],
                                       "ts": base["timestamp"]}), category="nested parquet", expect="refuse")
    c.append(Hostile("row_bomb.parquet", parquet_row_bomb(s.parquet_rows), category="parquet bomb", expect="refuse"))
    c.append(Hostile("string_bomb.parquet", parquet_string_bomb(s.parquet_value, s.parquet_values),
                     category="parquet bomb", expect="refuse"))
    c.append(Hostile(f"columns_{s.columns}.parquet", wide_parquet(s.columns), category="wide", expect="refuse"))
    add("empty.parquet", pa.table({"user": pa.array([], pa.string()), "item": pa.array([], pa.string())}),
        category="empty", expect="refuse")
    c.append(Hostile("truncated.parquet", _parquet(pa.table(base))[:-40], category="parquet", expect="refuse"))
    add("binary_ids.parquet", pa.table({"user": [u.encode() for u, *_ in ROWS], "item": [i.encode() for _, i, *_ in ROWS]}),
        category="parquet", expect="load")
    ts = pa.array(np.array([t for *_, t in ROWS], dtype="datetime64[s]")).cast(pa.timestamp("s", tz="Asia/Tokyo"))
    add("tz_timestamps.parquet", pa.table({"user": base["user"], "item": base["item"], "ts": ts}), category="parquet",
        expect="load")
    add("float_ids_nan.parquet", pa.table({"user": [float(k % 6) if k % 7 else None for k in range(n)],
                                           "item": [float(k % 5) for k in range(n)]}), category="parquet")
    import decimal

    add("decimal_rating.parquet", pa.table(base | {"rating": pa.array([decimal.Decimal(f"{r}.5") for *_, r, _ in ROWS])}),
        category="parquet", expect="load")
    add("time_and_duration.parquet",
        pa.table(base | {"clock": pa.array([k * 1000 for k in range(n)], pa.time32("ms")),
                         "spent": pa.array([k for k in range(n)], pa.duration("s"))}), category="parquet")
    indexed = pd.DataFrame(base).set_index("user")
    c.append(Hostile("pandas_index.parquet", _frame_parquet(indexed), category="parquet", expect="load"))
    return c


def _frame_parquet(frame: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    frame.to_parquet(buf)
    return buf.getvalue()


def _side_cases(s: Sizes) -> list[Hostile]:
    c = []
    add = lambda name, text, kind, **kw: c.append(Hostile(name, text.encode(), kind=kind, **kw))
    add("items_shift.csv", "item_id,title\n" + "".join(f"{i},Title {i},{2000 + k}\n" for k, i in enumerate(ITEMS)),
        "items", category="column shift", expect="load")
    payload = ["=HYPERLINK(\"http://x\")", "<script>alert(1)</script>", "**bold**", "@cmd", "+1"]
    add("items_payloads.csv", "item_id,title\n" + "".join(f'{i},"{payload[k]}"\n' for k, i in enumerate(ITEMS)),
        "items", category="formula", expect="load")
    add("items_long_text.csv", "item_id,title,description\n"
        + "".join(f'{i},T{i},"{"word " * 10_000}"\n' for i in ITEMS), "items", category="long line", expect="load")
    add("items_na.csv", "item_id,title,genre\n" + "".join(f"{i},T{i},{g}\n" for i, g in
                                                          zip(ITEMS, ["NA", "None", "-", "?", "Drama"])),
        "items", category="missing values", expect="load")
    add("items_wide.csv", "item_id," + ",".join(f"c{k}" for k in range(s.columns)) + "\n"
        + "".join(f"{i}," + ",".join(["0"] * s.columns) + "\n" for i in ITEMS), "items", category="wide",
        expect="refuse")
    add("items_dates.csv", "item_id,title,released\n" + "".join(f"{i},T{i},0{k + 1}/0{k + 2}/2001\n"
                                                              for k, i in enumerate(ITEMS)),
        "items", category="dates", expect="load")
    add("users_na.csv", "user_id,gender,country\n" + "".join(f"{u},{g},{c}\n" for u, g, c in
                                                            zip(USERS, ["NA", "None", "-", "?", "F", "M"],
                                                                ["FR", "", "null", "DE", "FR", "DE"])),
        "users", category="missing values", expect="load")
    add("users_shift.csv", "user_id,gender\n" + "".join(f"{u},{g},{a}\n" for u, g, a in
                                                         zip(USERS, "FMFMFM", [20, 30, 40, 50, 60, 70])),
        "users", category="column shift", expect="load")
    add("users_spaces.csv", "user_id,gender\n" + "".join(f" {u} ,{g}\n" for u, g in zip(USERS, "FMFMFM")),
        "users", category="odd ids", expect="load")
    nested = pa.table({"user_id": USERS, "gender": list("FMFMFM"), "prefs": [{"a": 1}] * 6})
    c.append(Hostile("users_nested.parquet", _parquet(nested), kind="users", category="nested parquet",
                     expect="load"))
    return c


def hostile_files(sizes: Sizes = SMALL) -> list[Hostile]:
    """Every file of the corpus, the big ones at ``sizes``."""
    files = _text_cases(sizes) + _payload_cases() + _time_cases() + _shape_cases() + _parquet_cases(sizes)
    files += _side_cases(sizes)
    names = [f.name for f in files]
    assert len(names) == len(set(names)), "file names must be unique"
    return files
