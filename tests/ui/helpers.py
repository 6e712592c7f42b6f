"""Small synthetic files for the app tests (made here, never downloaded) and shared helpers."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
N_USERS, N_ITEMS, PER_USER = 12, 10, 6


def make_interactions_csv(n_users: int = N_USERS, n_items: int = N_ITEMS, per_user: int = PER_USER) -> bytes:
    """``customer,sku,stars,ts``: user u rates the ``per_user`` items after item u (cyclic), a day apart.

    So every item is rated by ``n_users * per_user / n_items`` users (7.2 by default): swapping
    the user and item columns still leaves every "user" with enough interactions to split.

    Column names are not the usual ones but are all known aliases, so detection maps them by name.
    """
    rng = np.random.default_rng(7)
    lines = ["customer,sku,stars,ts"]
    t = 1_650_000_000
    for u in range(1, n_users + 1):
        for i in (np.arange(per_user) + u) % n_items + 1:
            t += 86_400
            lines.append(f"c{u},s{i},{rng.integers(1, 6)},{t}")
    return ("\n".join(lines) + "\n").encode()


def make_items_csv(n_items: int = N_ITEMS) -> bytes:
    genres = ["Action|Comedy", "Drama", "Comedy", "Documentary|Drama", "Action"]
    rows = ["sku,title,genres"] + [f"s{i},Title {i},{genres[i % len(genres)]}" for i in range(1, n_items + 1)]
    return ("\n".join(rows) + "\n").encode()


def unescape(text: str) -> str:
    """Undo ``md_escape`` so shown messages compare equal to the library's message constants."""
    return re.sub(r"\\(.)", r"\1", text)
