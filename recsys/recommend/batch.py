"""Top-K for every user, streamed in chunks of users into one file
(``python -m recsys recommend --run RUN_DIR --all-users --out recs.parquet``; ``.csv`` and
``.json`` too, see ``recsys.output.files.TableWriter``).

Only one chunk's ``[chunk, N]`` score matrix is in memory at a time; each chunk is appended to
the file (a Parquet row group), so the output can be larger than memory.
"""

from __future__ import annotations

import time

import numpy as np
import pyarrow as pa

from recsys.output.files import TableWriter

__all__ = ["recommend_all_users", "RECS_COLUMNS", "RECS_SCHEMA"]

RECS_COLUMNS = ("user_id", "rank", "item_id", "score")
RECS_SCHEMA = pa.schema([("user_id", pa.string()), ("rank", pa.int16()), ("item_id", pa.string()),
                         ("score", pa.float32())])


def recommend_all_users(recommender, dataset, out, k: int = 10, chunk: int = 1024, users=None) -> dict:
    """Write the top-``k`` unseen items of each user to ``out`` (format by extension).

    Args:
        recommender: A ``Recommender`` (``Recommender.from_run(run)``) or any ``CatalogueScorer``.
        dataset: The run's dataset (raw ids).
        out: ``.parquet``/``.pq``, ``.csv`` (spreadsheet-safe) or ``.json``; columns ``user_id, rank,
            item_id, score``, ``rank`` from 1, best first. Any other extension raises ``RecLensError``.
        chunk: Users scored per step (memory: ``chunk * n_items`` floats).
        users: User indices (default: every user of the dataset, in index order).

    Returns:
        ``{"users", "rows", "seconds", "users_per_second", "path"}``.
    """
    users = np.arange(dataset.n_users) if users is None else np.asarray(users)
    t0 = time.perf_counter()
    with TableWriter(out, schema=RECS_SCHEMA) as writer:  # checks the extension before any scoring
        for start in range(0, len(users), chunk):
            part = users[start : start + chunk]
            items, scores = recommender.recommend_indices(part, k=k)
            keep = items >= 0  # a user with fewer than k unseen items gets fewer rows
            user_rows = np.repeat(part, keep.sum(1))
            ranks = np.broadcast_to(np.arange(1, items.shape[1] + 1), items.shape)[keep]
            writer.write(pa.table({
                "user_id": pa.array(dataset.user_encoder.inverse_transform(user_rows), pa.string()),
                "rank": pa.array(ranks.astype(np.int16)),
                "item_id": pa.array(dataset.item_encoder.inverse_transform(items[keep]), pa.string()),
                "score": pa.array(scores[keep].astype(np.float32)),
            }))
    rows = writer.rows
    seconds = time.perf_counter() - t0
    return {"users": int(len(users)), "rows": rows, "seconds": seconds,
            "users_per_second": len(users) / seconds if seconds > 0 else float("inf"), "path": str(out)}
