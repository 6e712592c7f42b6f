"""Global explanations: what drives the recommendations across users, not for one item.

* ``side_feature_summary``: side-feature SHAP values of a seeded sample of (user, recommended
  item) pairs, one row per pair, as a 2-D ``shap.Explanation`` (beeswarm, mean-|SHAP| bars);
* ``history_contributions`` and ``influential_history_items``: history-item SHAP values of the
  same pairs, summed per history item (which items push recommendations up across users).

The 2-D maps of item and text embeddings are in ``recsys.explain.maps``.

``global_summary`` runs the first two on one sample and times them. Model calls are batched:
every coalition of every pair goes through the gated model in a few large calls, and the top-K
items of a user share each history coalition (one call scores all K).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shap
import tensorflow as tf

from recsys.errors import DataError
from recsys.explain.scoring import ItemScorer
from recsys.explain.shapley import EXACT_MAX, PERMUTATIONS, _coalitions, permutation_shapley, shapley_values
from recsys.explain.side import side_inputs, side_players
from recsys.model.features import to_model_ids

__all__ = [
    "ABSENT",
    "GlobalSummary",
    "NO_PAIRS",
    "SamplePairs",
    "global_summary",
    "history_contributions",
    "influential_history_items",
    "sample_pairs",
    "side_feature_summary",
]

ABSENT = "(none)"
"""Data value of a side feature the pair's item does not have (its SHAP value is exactly 0)."""
NO_PAIRS = "No user in this run has both a history and a recommendation to explain."
_KIND_ORDER = {"user": 0, "category": 1, "numeric": 2, "text": 3}
_ROWS_PER_CALL = 4096  # (history row, candidate) pairs per gated-model call


# ---------------------------------------------------------------- the sample


@dataclass(frozen=True)
class SamplePairs:
    """(user, recommended item) pairs: ``users``, ``items`` (item indices), ``ranks`` (1-based) and
    ``scores`` (model scores), each ``[n_pairs]``, grouped by user in ascending user order."""

    users: np.ndarray
    items: np.ndarray
    ranks: np.ndarray
    scores: np.ndarray

    def __len__(self) -> int:
        return len(self.users)


def sample_pairs(recommender, n_users: int = 50, k: int = 5, seed: int = 0) -> SamplePairs:
    """Each of ``n_users`` users (drawn without replacement, seeded) paired with their top-``k``.

    Only users with a history are drawn (there is nothing to attribute otherwise).

    Raises:
        DataError: ``NO_PAIRS`` when no user has a history and a recommendation.
    """
    eligible = np.array(sorted(u for u, s in recommender.sequences.items() if len(s)), dtype=np.int64)
    if not len(eligible) or n_users < 1 or k < 1:
        raise DataError(NO_PAIRS)
    rng = np.random.default_rng(seed)
    users = np.sort(rng.choice(eligible, size=min(n_users, len(eligible)), replace=False))
    top, scores = recommender.recommend_indices(users, k=k)
    keep = top >= 0
    if not keep.any():
        raise DataError(NO_PAIRS)
    ranks = np.broadcast_to(np.arange(1, top.shape[1] + 1), top.shape)
    return SamplePairs(
        users=np.repeat(users, keep.sum(1)), items=top[keep], ranks=ranks[keep], scores=scores[keep].astype(np.float64)
    )


# ---------------------------------------------------------------- side features


def _player_key(player) -> tuple:
    return _KIND_ORDER[player.kind], player.index[0]


def _side_grid(scorer: ItemScorer, players, width: int) -> tuple[dict, int, int]:
    """The pair's coalitions as a grid: one row per coalition of the user attributes, one
    candidate (the same item, its own gates) per coalition of the item features.

    Players are numbered user attributes first, so coalition ``m = u + j * 2^n_user`` keeps the
    user attributes of bits ``u`` and the item features of bits ``j``: ``scores[u, j] = v[m]``. The
    candidates are padded to ``width`` with copies of the last (all item features kept).

    Returns:
        ``(inputs, rows, columns)``: ``history [U, L]``, ``candidates [U, width]``,
        ``user_features [U, F]``, ``{key}_gate [U, width, w]``; ``U = 2^n_user``, ``columns = 2^n_item``.
    """
    n_user = sum(p.kind == "user" for p in players)
    assert all(p.kind == "user" for p in players[:n_user]), "side_players lists the user attributes first"
    rows, columns = 2**n_user, 2 ** (len(players) - n_user)
    user, gates = side_inputs(scorer, players, _coalitions(len(players)))
    take = np.minimum(np.arange(width), columns - 1)  # padding repeats the last coalition
    x = {
        "history": np.repeat(scorer.history[None, :], rows, 0),
        "candidates": np.full((rows, width), to_model_ids([scorer.item])[0]),
        "user_features": user[:rows],  # the user tokens depend on the user bits only (j = 0)
    }
    for key, gate in gates.items():  # the gates depend on the item bits only (u = 0)
        x[f"{key}_gate"] = np.broadcast_to(gate[::rows, 0][take][None], (rows, width, gate.shape[-1]))
    return x, rows, columns


def side_feature_summary(recommender, model_config, pairs: SamplePairs) -> shap.Explanation:
    """Exact side-feature SHAP values of every pair (the history held fixed), as one table.

    Every coalition of every pair is scored by the gated model in a few large calls: each call
    row reads one history once and scores the item under every coalition of its item features
    as separate candidates (candidates are scored independently). A side feature a pair's item
    lacks (e.g. no value in a category column) is a column with SHAP value 0 and data ``ABSENT``
    for that row: hiding it changes nothing.

    Returns:
        ``shap.Explanation`` with ``values [n_pairs, P]``, ``base_values [n_pairs]`` (score with
        every side feature hidden), ``data [n_pairs, P]`` (each feature's value as text) and
        ``feature_names [P]``; per row ``values.sum() + base_values`` is the pair's score.
    """
    scorers = [ItemScorer(recommender, model_config, u, i) for u, i in zip(pairs.users, pairs.items)]
    players = [side_players(s) for s in scorers]
    names = {p.name: _player_key(p) for ps in players for p in ps}
    columns = sorted(names, key=names.get)
    col = {n: j for j, n in enumerate(columns)}
    call, inputs = scorers[0]._gated()
    width = max(2 ** sum(p.kind != "user" for p in ps) for ps in players)
    grids = [_side_grid(s, ps, width) for s, ps in zip(scorers, players)]
    x = {k: np.concatenate([g[0][k] for g in grids]) for k in grids[0][0] if k in inputs}
    rows_per_call = max(1, _ROWS_PER_CALL // width)
    scores = np.concatenate([
        call({k: tf.constant(a[s : s + rows_per_call], tf.float32 if k.endswith("_gate") else tf.int32)
              for k, a in x.items()}).numpy()
        for s in range(0, len(x["history"]), rows_per_call)
    ])
    values = np.zeros((len(pairs), len(columns)))
    data = np.full((len(pairs), len(columns)), ABSENT, dtype=object)
    base = np.empty(len(pairs))
    start = 0
    for row, (ps, (_, n_rows, n_columns)) in enumerate(zip(players, grids)):
        v = scores[start : start + n_rows, :n_columns].T.reshape(-1)  # v[u + j * n_rows] = scores[u, j]
        start += n_rows
        vals, base[row] = shapley_values(v, len(ps))
        for p, value in zip(ps, vals):
            values[row, col[p.name]] = value
            data[row, col[p.name]] = p.value
    return shap.Explanation(values=values, base_values=base, data=data, feature_names=columns)


# ---------------------------------------------------------------- history items


def _user_history_shap(recommender, model_config, user: int, items: np.ndarray, max_evals, seed):
    """``(history items [n], values [K, n], base [K])`` for one user and K recommended items,
    all K scored in each model call (they share the history coalitions)."""
    scorer = ItemScorer(recommender, model_config, user, items[0])
    n = scorer.n

    def score(keep: np.ndarray) -> np.ndarray:
        users = np.full(len(keep), user)
        return recommender.score_histories(scorer.histories(keep), users, candidates=items).astype(np.float64)

    if n <= EXACT_MAX:
        values, base = shapley_values(score(_coalitions(n)), n)
        return scorer.items, values.T, base
    orders = max(1, (max_evals or PERMUTATIONS * (2 * n + 1)) // (2 * n + 1))
    values, base = permutation_shapley(score, n, orders, seed)
    return scorer.items, values.T, np.asarray(base, float)


def history_contributions(recommender, model_config, pairs: SamplePairs, max_evals: int | None = None,
                          seed: int = 0) -> pd.DataFrame:
    """History-item SHAP values of every pair, one row per (pair, history item).

    Exact for histories of up to ``EXACT_MAX`` items, permutation sampling beyond (with
    ``max_evals`` model evaluations, default ``10 * (2n + 1)``, as ``history_shap``).

    Returns:
        Columns ``user``, ``item`` (recommended item index), ``rank``, ``history_item`` (item
        index), ``shap``, ``base`` (the pair's score with an empty history).
    """
    frames = []
    for user in np.unique(pairs.users):
        rows = np.flatnonzero(pairs.users == user)
        history, values, base = _user_history_shap(recommender, model_config, int(user), pairs.items[rows],
                                                    max_evals, seed)
        n = len(history)
        frames.append(pd.DataFrame({
            "user": np.full(n * len(rows), user),
            "item": np.repeat(pairs.items[rows], n),
            "rank": np.repeat(pairs.ranks[rows], n),
            "history_item": np.tile(history, len(rows)),
            "shap": values.ravel(),
            "base": np.repeat(base, n),
        }))
    columns = {"user": "int64", "item": "int64", "rank": "int64", "history_item": "int64", "shap": float, "base": float}
    return pd.concat(frames, ignore_index=True).astype(columns) if frames else pd.DataFrame(columns=list(columns))


def influential_history_items(contributions: pd.DataFrame, dataset=None) -> pd.DataFrame:
    """History items ranked by their total SHAP contribution to the recommended items' scores.

    Args:
        contributions: ``history_contributions`` output (columns ``user``, ``item``,
            ``history_item``, ``shap``).
        dataset: For the raw ids and titles (``None``: the item index is the id and title).

    Returns:
        One row per history item: ``item_id``, ``title``, ``appearances`` (explained pairs whose
        history holds it), ``users`` (distinct users), ``mean_shap``, ``total_shap``,
        ``mean_abs_shap``, ``positive_share`` (share of its appearances that raise the score);
        sorted by ``total_shap``, largest first (ties: more appearances first, then item index).
    """
    c = contributions.assign(abs_shap=contributions["shap"].abs(), positive=contributions["shap"] > 0)
    g = c.groupby("history_item", sort=True)
    table = pd.DataFrame({
        "appearances": g.size(),
        "users": g["user"].nunique(),
        "mean_shap": g["shap"].mean(),
        "total_shap": g["shap"].sum(),
        "mean_abs_shap": g["abs_shap"].mean(),
        "positive_share": g["positive"].mean(),
    })
    idx = table.index.to_numpy(dtype=np.int64)
    ids = dataset.item_encoder.inverse_transform(idx) if dataset is not None else idx
    titles = dataset.titles(idx) if dataset is not None else [str(i) for i in idx]
    table.insert(0, "title", titles)
    table.insert(0, "item_id", [str(i) for i in ids])
    table = table.rename_axis("item_idx").reset_index()
    table = table.sort_values(["total_shap", "appearances", "item_idx"], ascending=[False, False, True], kind="stable")
    return table.reset_index(drop=True)


# ---------------------------------------------------------------- the whole summary


@dataclass
class GlobalSummary:
    """Side-feature and history-item SHAP over one seeded sample of (user, top-K item) pairs."""

    pairs: SamplePairs
    side: shap.Explanation
    contributions: pd.DataFrame
    influential: pd.DataFrame
    settings: dict
    timings_ms: dict = field(default_factory=dict)

    def side_table(self) -> pd.DataFrame:
        """Per side feature: ``feature``, ``mean_abs_shap``, ``mean_shap``, ``present`` (share of
        pairs whose item has it); sorted by ``mean_abs_shap``, largest first."""
        values = np.asarray(self.side.values)
        present = np.asarray(self.side.data) != ABSENT
        table = pd.DataFrame({
            "feature": list(self.side.feature_names),
            "mean_abs_shap": np.abs(values).mean(0),
            "mean_shap": values.mean(0),
            "present": present.mean(0),
        })
        return table.sort_values("mean_abs_shap", ascending=False, kind="stable").reset_index(drop=True)

    def to_dict(self, top: int = 20) -> dict:
        """JSON-ready: ``settings``, ``side_features``, ``side_shap`` (per pair), ``influential_items``
        (the ``top`` first), ``timings_ms``."""
        pairs = self.pairs
        names = list(self.side.feature_names)
        return {
            "settings": self.settings,
            "side_features": self.side_table().to_dict(orient="records"),
            "side_shap": [
                {"user_idx": int(u), "item_idx": int(i), "rank": int(r), "score": float(s), "base_value": float(b),
                 "values": {n: float(v) for n, v in zip(names, row)}}
                for u, i, r, s, b, row in zip(pairs.users, pairs.items, pairs.ranks, pairs.scores,
                                              np.ravel(self.side.base_values), np.asarray(self.side.values))
            ],
            "influential_items": self.influential.head(top).to_dict(orient="records"),
            "timings_ms": self.timings_ms,
        }


def global_summary(recommender, dataset, model_config, n_users: int = 50, k: int = 5, seed: int = 0,
                   max_evals: int | None = None) -> GlobalSummary:
    """Side-feature SHAP and influential history items over ``n_users`` users x their top-``k``.

    Args:
        recommender: ``Recommender`` (``Run.recommender()``). dataset: the run's dataset.
        model_config: The model's ``ModelConfig``.
        seed: Draws the users and seeds the permutation sampling.
        max_evals: Model evaluations per user for histories longer than ``EXACT_MAX``.
    """
    t_start = time.perf_counter()
    pairs = sample_pairs(recommender, n_users, k, seed)
    t0 = time.perf_counter()
    side = side_feature_summary(recommender, model_config, pairs)
    t_side = time.perf_counter() - t0
    t0 = time.perf_counter()
    contributions = history_contributions(recommender, model_config, pairs, max_evals=max_evals, seed=seed)
    t_history = time.perf_counter() - t0
    influential = influential_history_items(contributions, dataset)
    settings = {"users": int(len(np.unique(pairs.users))), "k": int(k), "seed": int(seed), "pairs": len(pairs)}
    timings = {"side_shap": t_side, "history_shap": t_history, "total": time.perf_counter() - t_start}
    return GlobalSummary(pairs, side, contributions, influential, settings,
                         {name: round(1000 * t, 1) for name, t in timings.items()})
