"""Top-K for every user, streamed in chunks of users into one Parquet file
(``python -m recsys recommend --run RUN_DIR --all-users --out recs.parquet``).

Only one chunk's ``[chunk, N]`` score matrix is in memory at a time; each chunk is appended to
the file as a row group, so the output can be larger than memory.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["recommend_all_users", "RECS_COLUMNS"]

RECS_COLUMNS = ("user_id", "rank", "item_id", "score")


def recommend_all_users(recommender, dataset, out, k: int = 10, chunk: int = 1024, users=None) -> dict:
    """Write the top-``k`` unseen items of each user to ``out`` (Parquet).

    Args:
        recommender: A ``recsys.recommend.Recommender`` (e.g. ``Run.recommender()``).
        dataset: The run's dataset (raw ids).
        out: Output path; columns ``user_id, rank, item_id, score``, ``rank`` from 1, best first.
        chunk: Users scored per step (memory: ``chunk * n_items`` floats).
        users: User indices (default: every user of the dataset, in index order).

    Returns:
        ``{"users", "rows", "seconds", "users_per_second", "path"}``.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    users = np.arange(dataset.n_users) if users is None else np.asarray(users)
    t0, rows, writer = time.perf_counter(), 0, None
    try:
        for start in range(0, len(users), chunk):
            part = users[start : start + chunk]
            items, scores = recommender.recommend_indices(part, k=k)
            keep = items >= 0  # a user with fewer than k unseen items gets fewer rows
            user_rows = np.repeat(part, keep.sum(1))
            ranks = np.broadcast_to(np.arange(1, items.shape[1] + 1), items.shape)[keep]
            table = pa.table({
                "user_id": pa.array(dataset.user_encoder.inverse_transform(user_rows)),
                "rank": pa.array(ranks.astype(np.int16)),
                "item_id": pa.array(dataset.item_encoder.inverse_transform(items[keep])),
                "score": pa.array(scores[keep].astype(np.float32)),
            })
            if writer is None:
                writer = pq.ParquetWriter(out, table.schema)
            writer.write_table(table)
            rows += table.num_rows
    finally:
        if writer is not None:
            writer.close()
    if writer is None:  # no users: still write a valid, empty file
        pq.write_table(pa.table({"user_id": pa.array([], pa.string()), "rank": pa.array([], pa.int16()),
                                "item_id": pa.array([], pa.string()), "score": pa.array([], pa.float32())}), out)
    seconds = time.perf_counter() - t0
    return {"users": int(len(users)), "rows": rows, "seconds": seconds,
            "users_per_second": len(users) / seconds if seconds > 0 else float("inf"), "path": str(out)}
