"""Deterministic generator of the bundled demo data (``python -m recsys demo-data --out DIR``).

A synthetic streaming catalogue with structure planted for the rest of RecLens to find (the
full account is in ``assets/demo/README.md``):

- tastes: each user prefers a few genres; titles and descriptions use genre vocabulary, so the
  text encoder's vectors carry taste;
- sequences: after an item, users often continue with its sequel or one of three "related"
  items (a directed relation), and their current genre drifts; the recent past predicts the
  next item better than popularity or whole-history similarity;
- popularity: Zipf-like item popularity, lower for niche genres and small providers;
- an under-served group: users aged 55+ prefer niche genres (Documentary, Musical, Western),
  pick with little regard for popularity, follow sequels less and are less active, so their
  items sit in the long tail and every recommender, popularity-driven ones most, serves them
  worse.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["generate_demo", "write_demo", "DEMO_SEED", "NICHE_GENRES", "UNDERSERVED_GROUP"]

DEMO_SEED = 20261128
NICHE_GENRES = ("Documentary", "Musical", "Western")
UNDERSERVED_GROUP = ("age_group", "55+")

_VOCAB = {
    "Action": ("strike", "fury", "chase", "bullet", "mercenary", "blast", "rogue", "vendetta", "escape", "agent"),
    "Comedy": ("wedding", "roommates", "mixup", "neighbours", "road trip", "prank", "awkward", "office", "uncle", "party"),
    "Drama": ("silence", "inheritance", "letters", "winter", "family", "verdict", "harbour", "promise", "grief", "river"),
    "Sci-Fi": ("galaxy", "android", "orbit", "quantum", "colony", "signal", "nebula", "starship", "clone", "wormhole"),
    "Romance": ("kiss", "summer", "heart", "paris", "love letter", "dance", "moonlight", "sweetheart", "vow", "rose"),
    "Horror": ("haunting", "curse", "cellar", "whispers", "ghoul", "ritual", "asylum", "shadow", "blood moon", "doll"),
    "Thriller": ("conspiracy", "witness", "hostage", "cipher", "alibi", "informant", "deadline", "stalker", "vault", "double cross"),
    "Animation": ("dragon", "talking fox", "toy", "kingdom", "robot pup", "bubble", "penguin", "treehouse", "wizard kid", "cloud"),
    "Fantasy": ("sorcerer", "elven", "prophecy", "sword", "enchanted", "realm", "griffin", "amulet", "throne", "runes"),
    "Crime": ("heist", "detective", "mob", "precinct", "smuggler", "cartel", "undercover", "racket", "getaway", "fence"),
    "Documentary": ("wildlife", "history", "ocean", "archive", "climate", "expedition", "interviews", "ancient", "footage", "science"),
    "Musical": ("song", "broadway", "chorus", "jazz", "ballad", "orchestra", "tap", "melody", "stage", "rhythm"),
    "Western": ("frontier", "outlaw", "sheriff", "canyon", "saloon", "ranch", "stagecoach", "gunslinger", "prairie", "bounty"),
}
GENRES = tuple(_VOCAB)
_GENRE_WEIGHT = np.array([1.4, 1.3, 1.4, 1.1, 1.0, 0.8, 1.0, 0.8, 0.8, 0.9, 0.45, 0.4, 0.4])
_PROVIDERS = ("Northwind Pictures", "Bluefin Studios", "Silver Lantern", "Redwood Media",
              "Kite & Compass", "Orbit Films", "Small Harbor", "Indie Collective")
_PROVIDER_POP = np.array([1.6, 1.5, 1.3, 1.0, 0.9, 0.8, 0.5, 0.4])
_ADJ = ("Last", "Silent", "Broken", "Golden", "Hidden", "Crimson", "Endless", "Wild", "Lost", "Bright",
        "Second", "Midnight", "Iron", "Paper", "Glass", "Northern")
_TEMPLATES = (
    "A {mood} {g0} story about {w0} and {w1}.",
    "When {w0} meets {w1}, nothing stays the same in this {mood} {g0} tale.",
    "{G0} with a touch of {g1}: {w0}, {w1} and a {mood} ending.",
    "An {mood2} journey through {w0}, {w1} and {w2}.",
)
_MOODS = ("gripping", "gentle", "dark", "funny", "moving", "tense", "quirky", "epic", "quiet", "bold")
_MOODS2 = ("unforgettable", "unlikely", "intimate", "offbeat", "uplifting", "eerie")
_AGES = ("18-24", "25-34", "35-44", "45-54", "55+")
_AGE_P = (0.17, 0.30, 0.24, 0.16, 0.13)
_COUNTRIES = ("US", "UK", "DE", "FR", "BR", "IN", "JP", "NG")
_COUNTRY_P = (0.30, 0.14, 0.11, 0.09, 0.11, 0.12, 0.08, 0.05)
_START, _END = pd.Timestamp("2022-01-01", tz="UTC").timestamp(), pd.Timestamp("2024-06-30", tz="UTC").timestamp()


def _items(rng: np.random.Generator, n_items: int) -> tuple[pd.DataFrame, list[list[int]], np.ndarray, np.ndarray]:
    """Items with genres, series, related items and popularity. Returns (frame, genre lists,
    ``[N, 4]`` successors, ``[N]`` popularity)."""
    primary = rng.choice(len(GENRES), size=n_items, p=_GENRE_WEIGHT / _GENRE_WEIGHT.sum())
    genre_lists, titles, descriptions, series_next = [], [], [], np.full(n_items, -1)
    i = 0
    while i < n_items:  # series of 1..5 items that share a genre and a title stem
        length = min(int(rng.choice([1, 1, 1, 2, 3, 4, 5])), n_items - i)
        g = primary[i]
        vocab = _VOCAB[GENRES[g]]
        stem = f"{_ADJ[rng.integers(len(_ADJ))]} {vocab[rng.integers(len(vocab))].title()}"
        others = [int(x) for x in rng.choice(len(GENRES), size=2, replace=False) if x != g]
        extra = others[: int(rng.choice([0, 1, 1, 2]))]
        for part in range(length):
            primary[i + part] = g
            genres = [int(g)] + extra
            genre_lists.append(genres)
            titles.append(stem + ("" if part == 0 else f" {['II', 'III', 'IV', 'V'][part - 1]}"))
            words = [vocab[k] for k in rng.choice(len(vocab), size=3, replace=False)]
            g1 = GENRES[genres[1]] if len(genres) > 1 else GENRES[g]
            templates = _TEMPLATES if len(genres) > 1 else _TEMPLATES[:2] + _TEMPLATES[3:]
            descriptions.append(templates[rng.integers(len(templates))].format(
                mood=_MOODS[rng.integers(len(_MOODS))], mood2=_MOODS2[rng.integers(len(_MOODS2))],
                g0=GENRES[g].lower(), G0=GENRES[g], g1=g1.lower(), w0=words[0], w1=words[1], w2=words[2],
            ))
            if part + 1 < length:
                series_next[i + part] = i + part + 1
        i += length
    provider = rng.choice(len(_PROVIDERS), size=n_items, p=np.full(len(_PROVIDERS), 1 / len(_PROVIDERS)))
    rank = rng.permutation(n_items) + 1
    niche = np.isin(primary, [GENRES.index(g) for g in NICHE_GENRES])
    popularity = rank ** -1.1 * _PROVIDER_POP[provider] * np.where(niche, 0.2, 1.0)
    related = np.empty((n_items, 3), dtype=np.int64)  # directed: i -> related[i], same primary genre
    for g in range(len(GENRES)):
        members = np.flatnonzero(primary == g)
        for m in members:
            pool = members[members != m]
            if len(pool):  # popular items are more often someone's "related" item
                weight = np.sqrt(popularity[pool])
                related[m] = rng.choice(pool, size=3, replace=len(pool) < 3, p=weight / weight.sum())
            else:
                related[m] = m
    successors = np.concatenate([series_next[:, None], related], axis=1)
    frame = pd.DataFrame({
        "item_id": np.arange(1, n_items + 1),
        "title": titles,
        "description": descriptions,
        "genres": ["|".join(GENRES[g] for g in gl) for gl in genre_lists],
        "provider": [_PROVIDERS[p] for p in provider],
        "year": rng.integers(1975, 2025, size=n_items),
        "duration_min": np.round(rng.normal(105, 18, size=n_items).clip(60, 200)).astype(int),
    })
    return frame, genre_lists, successors, popularity


def _users(rng: np.random.Generator, n_users: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Users with attributes and a taste distribution ``[n_users, n_genres]``."""
    age = rng.choice(len(_AGES), size=n_users, p=_AGE_P)
    gender = rng.choice(["F", "M", "X"], size=n_users, p=[0.48, 0.48, 0.04])
    country = rng.choice(len(_COUNTRIES), size=n_users, p=_COUNTRY_P)
    taste = rng.dirichlet(np.full(len(GENRES), 0.35), size=n_users) * _GENRE_WEIGHT
    niche = np.array([g in NICHE_GENRES for g in GENRES])
    older = age == _AGES.index("55+")
    taste[older] *= 0.35
    taste[np.ix_(older, niche)] += rng.dirichlet(np.ones(niche.sum()), size=int(older.sum())) * 3.0
    taste /= taste.sum(axis=1, keepdims=True)
    frame = pd.DataFrame({
        "user_id": np.arange(1, n_users + 1),
        "gender": gender,
        "age_group": [_AGES[a] for a in age],
        "country": [_COUNTRIES[c] for c in country],
    })
    return frame, taste


def _sample(rng: np.random.Generator, weights: np.ndarray) -> int:
    cum = np.cumsum(weights)
    return int(np.searchsorted(cum, rng.random() * cum[-1], side="right"))


@dataclass(frozen=True)
class _Catalogue:
    """What a user's next pick reads: ``successors [N, 4]`` (sequel or -1, then three related
    items), ``in_genre [G, N]`` (1 for an item's first genre, 0.3 for its others),
    ``popularity [N]`` and ``flat_pop [N]`` (popularity flattened, for the 55+ group)."""

    successors: np.ndarray
    in_genre: np.ndarray
    popularity: np.ndarray
    flat_pop: np.ndarray


def _genre_weights(genre_lists: list[list[int]], n_items: int) -> np.ndarray:
    in_genre = np.zeros((len(GENRES), n_items))
    for i, gl in enumerate(genre_lists):
        in_genre[gl[0], i] = 1.0
        for g in gl[1:]:
            in_genre[g, i] = 0.3
    return in_genre


def _follow(rng: np.random.Generator, cat: _Catalogue, last: int, seen: np.ndarray) -> int:
    """The sequel of ``last`` (often) or one of its related items, not seen yet; -1 if none is left."""
    nxt = [s for s in cat.successors[last] if s >= 0 and not seen[s]]
    if not nxt:
        return -1
    return nxt[0] if cat.successors[last][0] in nxt and rng.random() < 0.7 else nxt[rng.integers(len(nxt))]


def _user_rows(rng: np.random.Generator, cat: _Catalogue, user: int, taste: np.ndarray, length: int,
               older: bool) -> list[tuple]:
    """Up to ``length`` ``(user_id, item_id, rating, timestamp)`` rows of one user, in time order."""
    follow = 0.15 if older else 0.4  # niche viewers hop around the long tail: harder to predict
    seen = np.zeros(len(cat.popularity), dtype=bool)
    genre = _sample(rng, taste)
    t = rng.uniform(_START, _END - 200 * 86400)
    last, rows = -1, []
    for _ in range(length):
        item = _follow(rng, cat, last, seen) if last >= 0 and rng.random() < follow else -1
        if item < 0:
            if rng.random() < 0.15:
                genre = _sample(rng, taste)
            weights = cat.in_genre[genre] * (cat.flat_pop if older else cat.popularity) * ~seen
            if weights.sum() <= 0:
                weights = cat.popularity * ~seen
            if weights.sum() <= 0:
                break
            item = _sample(rng, weights)
        seen[item] = True
        affinity = float(taste @ cat.in_genre[:, item]) * len(GENRES)
        rating = int(np.clip(np.rint(2.4 + 0.6 * affinity + rng.normal(0, 0.9)), 1, 5))
        t += rng.exponential(1.5 * 86400) + 60
        rows.append((user + 1, item + 1, rating, int(t)))
        last = item
    return rows


def generate_demo(
    n_users: int = 1000, n_items: int = 1500, mean_length: float = 80.0, seed: int = DEMO_SEED,
    n_interactions: int | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Generate ``(interactions, items, users)`` frames; the same seed gives the same frames.

    Each user's sequence: with probability 0.4 (0.15 for the 55+ group) the next item continues
    from the last one (its sequel, else one of its related items), otherwise the user picks by
    current genre and popularity; the current genre drifts with probability 0.15 per step.
    The 55+ group is also 40% less active.

    ``n_interactions`` scales the demo up (benchmarks): ``n_users`` is ignored and users are
    generated, by the same process, until exactly that many interactions exist (the last user's
    sequence is cut). ``None`` (the default) leaves the output unchanged.
    """
    if n_interactions is not None:  # users average ~0.94 * mean_length interactions; 10% spare
        n_users = int(np.ceil(n_interactions / (0.85 * mean_length))) + 10
    rng = np.random.default_rng(seed)
    items, genre_lists, successors, popularity = _items(rng, n_items)
    users, taste = _users(rng, n_users)
    # the 55+ group cares little for what is popular
    cat = _Catalogue(successors, _genre_weights(genre_lists, n_items), popularity, popularity ** 0.3)
    lengths = np.clip(rng.lognormal(np.log(mean_length) - 0.3, 0.75, size=n_users), 8, 600).astype(int)
    older = (users["age_group"] == UNDERSERVED_GROUP[1]).to_numpy()
    lengths = np.where(older, (lengths * 0.6).astype(int).clip(8), lengths)
    rows = []
    for u in range(n_users):
        if n_interactions is not None and len(rows) >= n_interactions:
            break
        rows += _user_rows(rng, cat, u, taste[u], lengths[u], older[u])
    if n_interactions is not None:
        if len(rows) < n_interactions:
            raise ValueError(f"Generated only {len(rows)} interactions; raise mean_length or n_items.")
        rows = rows[:n_interactions]
        users = users[users["user_id"] <= rows[-1][0]].reset_index(drop=True)
    interactions = pd.DataFrame(rows, columns=["user_id", "item_id", "rating", "timestamp"])
    return interactions, items, users


def write_demo(out: str | Path, seed: int = DEMO_SEED) -> list[Path]:
    """Write ``interactions.csv``, ``items.csv`` and ``users.csv`` into ``out``; byte-for-byte stable."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    frames = dict(zip(("interactions", "items", "users"), generate_demo(seed=seed)))
    paths = []
    for name, frame in frames.items():
        path = out / f"{name}.csv"
        frame.to_csv(path, index=False, lineterminator="\n")
        paths.append(path)
    return paths
