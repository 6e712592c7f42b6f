"""``python -m recsys similar``: the items most similar by text to a free text or to an item.

``similar_command`` raises ``DataError`` for bad input, which ``recsys.cli.main`` prints as
``error: ...`` (exit code 2).
"""

from __future__ import annotations

import argparse
import json
import sys

from recsys.errors import DataError
from recsys.output.paths import arg_type, json_file
from recsys.output.terminal import echo
from recsys.text.messages import TextMsg

__all__ = ["add_similar_parser", "similar_command", "similar_results"]


def add_similar_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``similar`` sub-command to ``subparsers`` (from ``add_subparsers``)."""
    p = subparsers.add_parser("similar", help="the k items most similar by text to a free text or an item")
    p.add_argument("--items", required=True, help="item metadata file (CSV, TSV, '|'-separated like u.item, Parquet)")
    query = p.add_mutually_exclusive_group(required=True)
    query.add_argument("--text", help="free text, e.g. 'space opera with rebels'")
    query.add_argument("--item", help="raw item id: items like this one")
    p.add_argument("--k", type=int, default=10, help="how many items (default 10)")
    p.add_argument("--json", type=arg_type(json_file), help="also write the results as JSON here (a .json file)")
    p.add_argument("--sep", help="delimiter (sniffed by default), e.g. ',' '\\t' '|'")
    p.add_argument("--encoding", help="text encoding (default: UTF-8, falling back to latin-1)")
    header = p.add_mutually_exclusive_group()
    header.add_argument("--header", dest="header", action="store_true", default=None, help="first line is a header")
    header.add_argument("--no-header", dest="header", action="store_false", help="first line is data")
    p.add_argument("--checkpoint", help="local Hugging Face BERT-family checkpoint directory "
                                        "(default: the bundled all-MiniLM-L6-v2)")
    p.add_argument("--cache-dir", help="embedding cache folder (default ~/.cache/reclens/text)")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the embedding cache")
    p.set_defaults(func=similar_command)
    return p


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty():
        print(f"\rencoding item texts: {done}/{total}", end="\n" if done >= total else "", file=sys.stderr, flush=True)


def similar_results(items, *, text: str | None = None, item: str | None = None, k: int = 10,
                    checkpoint=None, cache_dir=None, use_cache: bool = True, progress=None,
                    name: str = "items") -> dict:
    """The ``similar`` command without printing: a JSON-ready dict.

    Args:
        items: ``recsys.data.ItemTable``. text / item: The query (exactly one).
        name: The items file's name, for messages.
        k: How many results. checkpoint, cache_dir, use_cache: As for ``embed_texts``.

    Returns:
        ``{"query": {...}, "k": k, "encoder": info, "results": [{"rank", "item", "title", "cosine"}]}``.
    """
    from recsys.text.embed import embed_texts, load_encoder
    from recsys.text.item_text import item_table_texts
    from recsys.text.search import items_like_item, items_like_text

    ids = [str(i) for i in items.frame.index]
    if not ids:
        raise DataError(TextMsg.NO_ITEMS.format(name=name))
    if item is not None:
        item = str(item).strip()
        if item not in items.frame.index:
            raise DataError(TextMsg.UNKNOWN_ITEM.format(item=item, name=name, n=len(ids), examples=", ".join(ids[:3])))
    elif text is None or not text.strip():
        raise DataError(TextMsg.EMPTY_QUERY)
    if not isinstance(k, int) or k < 1:
        raise DataError(TextMsg.BAD_K.format(k=k))
    result = embed_texts(item_table_texts(items), load_encoder(checkpoint), cache_dir=cache_dir,
                         use_cache=use_cache, progress=progress)
    titles = items.titles(ids)
    if item is not None:
        position = ids.index(item)
        idx, cos = items_like_item(position, result.vectors, k=k)
        query = {"item": item, "title": titles[position]}
    else:
        idx, cos = items_like_text(text, result.vectors, result.encoder, k=k)
        query = {"text": text}
    rows = [{"rank": r + 1, "item": ids[i], "title": titles[i], "cosine": round(float(c), 6)}
            for r, (i, c) in enumerate(zip(idx, cos))]
    return {"query": query, "k": k, "encoder": result.info, "results": rows}


def similar_command(args) -> int:
    """Run ``python -m recsys similar`` from parsed ``args``; returns the exit code."""
    from recsys.data import DataConfig, load_items

    sep = args.sep.encode().decode("unicode_escape") if args.sep else None
    items, report = load_items(args.items, config=DataConfig(sep=sep, header=args.header, encoding=args.encoding))
    out = similar_results(items, text=args.text, item=args.item, k=args.k, checkpoint=args.checkpoint,
                          cache_dir=args.cache_dir, use_cache=not args.no_cache, progress=_progress,
                          name=report.source)
    info = out["encoder"]
    if info.get("notice"):
        echo(f"notice: {info['notice']}", file=sys.stderr)
    q = out["query"]
    echo(f"items like {q['item']} '{q['title']}'" if "item" in q else f"items like the text {q['text']!r}")
    echo(f"encoder: {info['name']} ({info['kind']}, {info['dim']}-d); {info['cached']} vectors from the cache, "
          f"{info['encoded']} encoded")
    width = max([len(r["item"]) for r in out["results"]] + [4])
    echo(f"{'rank':>4}  {'cosine':>6}  {'item':>{width}}  title")
    for r in out["results"]:
        echo(f"{r['rank']:>4}  {r['cosine']:6.3f}  {r['item']:>{width}}  {r['title']}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(out, f, indent=2, ensure_ascii=False)
        echo(f"wrote {args.json}")
    return 0
