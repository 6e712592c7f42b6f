"""Item text for the sentence encoder, built from an items table with one fixed template.

Template (parts that are empty are left out)::

    {title}. {text}. {Column}: {value}, {value}. {Column}: {value}.

- ``title``: the title column (the raw item id when there is none).
- ``text``: the free-text columns (description, overview, ...) as the data layer joined them.
- then one ``{Column}: ...`` sentence per category column, in ``ItemTable.category_columns``
  order: multi-valued columns first (genres, tags, the 0/1 genre-flag group), then categorical
  ones (provider, language, ...). The label is the column name with ``_`` read as a space and a
  capital first letter; values ``unknown`` and auto-generated names (``column_7``: flags in a
  headerless file) are dropped, since they carry no meaning for the encoder.
- Numeric and date columns are not used: the encoder reads words, and years usually sit in the
  title already.

Example (demo data): ``"Midnight Expedition. Documentary with a touch of animation: ancient,
wildlife and a gripping ending. Genres: Documentary, Animation. Provider: Small Harbor."``

Items of the dataset with no row in the items table (or no items table at all) get their raw id
as text, so every item index has a text and a vector.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pandas as pd

__all__ = ["TEMPLATE", "compose_item_text", "item_table_texts", "item_texts"]

TEMPLATE = "{title}. {text}. {Column}: {value}, {value}."
_GENERATED = re.compile(r"^column_\d+$")
_UNKNOWN = "unknown"


def _sentence(part: str) -> str:
    part = " ".join(part.split())
    return part if not part or part[-1] in ".!?" else part + "."


def _label(column: str) -> str:
    words = column.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _values(value) -> list[str]:
    if isinstance(value, str):
        value = [value]
    elif not isinstance(value, Iterable):
        return []
    out = []
    for v in value:
        v = " ".join(str(v).split())
        if v and v.lower() != _UNKNOWN and not _GENERATED.match(v):
            out.append(v)
    return out


def compose_item_text(title: str, text: str = "", categories: Mapping[str, Iterable[str]] | None = None) -> str:
    """One item's text by the module's template.

    Args:
        title: Display title. text: Free text (may be empty).
        categories: ``{column: values}`` in the order they should appear.
    """
    parts = [_sentence(title or ""), _sentence(text or "")]
    for column, values in (categories or {}).items():
        vals = _values(values)
        if vals:
            parts.append(f"{_label(column)}: {', '.join(vals)}.")
    return " ".join(p for p in parts if p)


def item_table_texts(items, ids: Iterable | None = None) -> list[str]:
    """Texts for raw ids (default: every row of ``items.frame``, in order).

    Args:
        items: ``recsys.data.ItemTable`` or ``None``.
        ids: Raw item ids; ids missing from the table get the id itself as text.
    """
    if items is None:
        return [str(i) for i in ([] if ids is None else ids)]
    frame = items.frame
    ids = [str(i) for i in (frame.index if ids is None else ids)]
    columns = [c for c in items.category_columns if c in frame.columns]
    rows = frame.reindex(pd.Index(ids))
    present = pd.Index(ids).isin(frame.index)
    titles = rows["title"].tolist() if "title" in rows else [None] * len(ids)
    texts = rows["text"].tolist() if "text" in rows else [""] * len(ids)
    cats = [rows[c].tolist() for c in columns]
    out = []
    for j, raw in enumerate(ids):
        if not present[j]:
            out.append(raw)
            continue
        title = titles[j] if isinstance(titles[j], str) and titles[j].strip() else raw
        text = texts[j] if isinstance(texts[j], str) else ""
        out.append(compose_item_text(title, text, {c: cats[i][j] for i, c in enumerate(columns)}))
    return out


def item_texts(dataset) -> list[str]:
    """``[n_items]`` texts in item-index order (``dataset.item_encoder.classes_``)."""
    return item_table_texts(dataset.items, dataset.item_encoder.classes_)
