"""LightGCN (He et al., SIGIR 2020): user and item vectors propagated over the interaction graph.

``E^(k+1) = A_hat E^(k)`` with ``A_hat`` the normalised adjacency of the training graph (no
feature transforms, no non-linearities); the final vectors average the layers,
``E = mean(E^(0), ..., E^(K))``; a user's score for an item is their dot product. Trained with BPR
(one uniformly sampled unseen negative per training interaction) and L2 on the batch's layer-0
vectors. Each step is one sparse-dense matmul per layer over the whole graph (TF's CSR kernel), so
an epoch has no Python loop over users. Early stopping on validation NDCG@10 keeps the best
vectors and decides when training ends; ``time_budget_s`` is only a safety cap (``stop_reason_``
says when it cut training), so the same data and seed give the same vectors on a busy machine.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

import keras
import numpy as np
import pandas as pd
from keras import ops

from recsys.errors import Msg, NotFittedError
from recsys.graph.adjacency import (
    interaction_graph,
    normalized_adjacency,
    symmetric_matmul,
    to_csr_tensor,
    to_sparse_tensor,
)

__all__ = ["LightGCN", "LightGCNConfig", "Propagation", "graph_item_vectors", "sample_negatives"]


@dataclass(frozen=True)
class LightGCNConfig:
    """LightGCN hyperparameters.

    Attributes:
        dim: Width d of the user and item vectors.
        layers: Propagation layers K (the paper's default is 3).
        epochs: Upper bound on passes over the training interactions.
        batch_size: (user, positive, negative) triples per step.
        learning_rate: Adam learning rate.
        reg: L2 weight on the batch's layer-0 vectors (divided by the batch size).
        patience: Stop after this many epochs without a better validation NDCG@10 (validation
            NDCG@10 is noisy epoch to epoch and can climb again after a plateau of several epochs).
        seed: Seeds the initial vectors and the negative sampling.
        max_eval_users: Validation users scored after each epoch (``None`` = all).
        time_budget_s: Safety cap: stop before an epoch that would end past this many seconds
            (``None`` = no limit); early stopping normally ends training long before.
    """

    dim: int = 64
    layers: int = 3
    epochs: int = 300
    batch_size: int = 4096
    learning_rate: float = 1e-2
    reg: float = 1e-4
    patience: int = 15
    seed: int = 0
    max_eval_users: int | None = 2000
    time_budget_s: float | None = 1800.0

    def to_dict(self) -> dict:
        return asdict(self)


@keras.saving.register_keras_serializable(package="recsys")
class Propagation(keras.layers.Layer):
    """Layer-0 user and item vectors and their LightGCN propagation.

    ``propagate(adjacency)`` with the ``[U+N, U+N]`` normalised adjacency (``tf.sparse.SparseTensor``)
    returns ``(final [U+N, d], ego [U+N, d])``: the layer average and the layer-0 vectors. It is
    called directly, not through ``__call__``: Keras does not accept CSR (variant) tensors as inputs.
    """

    def __init__(self, n_users: int, n_items: int, dim: int, n_layers: int, seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.n_users, self.n_items, self.dim, self.n_layers, self.seed = n_users, n_items, dim, n_layers, seed
        init = keras.initializers.RandomNormal(stddev=0.1, seed=seed)
        self.user_embedding = self.add_weight((n_users, dim), initializer=init, name="user_embedding")
        self.item_embedding = self.add_weight((n_items, dim), initializer=init, name="item_embedding")

    def propagate(self, adjacency):
        csr = to_csr_tensor(adjacency)
        ego = ops.concatenate([self.user_embedding, self.item_embedding], axis=0)
        layer, total = ego, ego
        for _ in range(self.n_layers):
            layer = symmetric_matmul(csr, layer)
            total = total + layer
        return total / (self.n_layers + 1), ego

    def call(self, adjacency):
        return self.propagate(adjacency)

    def get_config(self) -> dict:
        return super().get_config() | {"n_users": self.n_users, "n_items": self.n_items, "dim": self.dim,
                                       "n_layers": self.n_layers, "seed": self.seed}


def sample_negatives(users: np.ndarray, r, rng: np.random.Generator, tries: int = 10) -> np.ndarray:
    """One uniformly drawn item per entry of ``users`` that the user has no edge to in ``r`` ``[U, N]``
    (redrawn up to ``tries`` times; vectorised, no loop over users)."""
    n_items = r.shape[1]
    neg = rng.integers(0, n_items, size=len(users))
    keys = np.sort(r.tocoo().row.astype(np.int64) * n_items + r.tocoo().col)
    for _ in range(tries):
        q = users.astype(np.int64) * n_items + neg
        pos = np.searchsorted(keys, q)
        clash = (pos < len(keys)) & (keys[np.minimum(pos, len(keys) - 1)] == q)
        if not clash.any():
            break
        neg[clash] = rng.integers(0, n_items, size=int(clash.sum()))
    return neg


class LightGCN:
    """LightGCN as a baseline under the evaluation protocol (``scores(user_idx, history) -> [U, N]``).

    Attributes (after ``fit``): ``user_vectors_`` ``[U, d]``, ``item_vectors_`` ``[N, d]`` (layer
    averages), ``adjacency_`` (the normalised training graph, scipy CSR), ``curve_`` (one dict per
    epoch: ``epoch, loss, valid_ndcg@10, seconds``), ``best_epoch_``, ``epoch_seconds_``,
    ``stop_reason_`` (``early stopping``, ``max epochs`` or ``time limit``).
    """

    name = "lightgcn"

    def __init__(self, config: LightGCNConfig | None = None):
        self.config = config or LightGCNConfig()

    def _check(self) -> None:
        if not hasattr(self, "user_vectors_"):
            raise NotFittedError(Msg.NOT_FITTED.format(name=type(self).__name__))

    def fit(self, train: pd.DataFrame, n_users: int, n_items: int, valid: pd.DataFrame | None = None) -> LightGCN:
        """Train on the ``train`` interactions (the graph holds them and nothing else).

        Args:
            train: ``user_idx, item_idx`` training interactions.
            valid: Held-out interactions for early stopping on NDCG@10 (optional).
        """
        import tensorflow as tf

        cfg = self.config
        t0 = time.perf_counter()
        rng = np.random.default_rng(cfg.seed)
        r = interaction_graph(train, n_users, n_items)
        self.n_users_, self.n_items_ = n_users, n_items
        self.adjacency_ = normalized_adjacency(r)
        adjacency = to_sparse_tensor(self.adjacency_)
        net = Propagation(n_users, n_items, cfg.dim, cfg.layers, cfg.seed, name="lightgcn")
        optimizer = keras.optimizers.Adam(cfg.learning_rate)
        optimizer.build(net.trainable_variables)
        step = _train_step(net, optimizer, adjacency, n_users, cfg.reg)
        edges = r.tocoo()
        edge_users, edge_items = edges.row.astype(np.int64), edges.col.astype(np.int64)
        eval_users, eval_items = self._eval_set(valid, cfg, rng)
        self.curve_, self.best_epoch_, best, wait = [], 0, -1.0, 0
        self.stop_reason_ = "max epochs"
        self.epoch_seconds_ = []
        self._store(net, adjacency)
        for epoch in range(1, cfg.epochs + 1):
            e0 = time.perf_counter()
            order = rng.permutation(len(edge_users))
            users, pos = edge_users[order], edge_items[order]
            neg = sample_negatives(users, r, rng)
            losses = []
            for s in range(0, len(users), cfg.batch_size):
                sl = slice(s, s + cfg.batch_size)
                losses.append(step(tf.constant(users[sl]), tf.constant(pos[sl]), tf.constant(neg[sl])))
            loss = float(np.mean([float(v) for v in losses])) if losses else float("nan")
            self.epoch_seconds_.append(time.perf_counter() - e0)
            row = {"epoch": epoch, "loss": loss, "seconds": time.perf_counter() - t0}
            if eval_users is None:
                self._store(net, adjacency)
                self.best_epoch_ = epoch
            else:
                user_vectors, item_vectors = self._vectors(net, adjacency)
                row["valid_ndcg@10"] = _ndcg_at_10(user_vectors, item_vectors, eval_users, eval_items, r)
                if row["valid_ndcg@10"] > best:
                    best, wait, self.best_epoch_ = row["valid_ndcg@10"], 0, epoch
                    self.user_vectors_, self.item_vectors_ = user_vectors, item_vectors
                else:
                    wait += 1
            self.curve_.append(row)
            if eval_users is not None and wait >= cfg.patience:
                self.stop_reason_ = "early stopping"
                break
            last = self.epoch_seconds_[-1]
            if cfg.time_budget_s is not None and row["seconds"] + last > cfg.time_budget_s and epoch < cfg.epochs:
                self.stop_reason_ = "time limit"
                break
        self.fit_seconds_ = time.perf_counter() - t0
        return self

    @staticmethod
    def _eval_set(valid, cfg: LightGCNConfig, rng):
        if valid is None or len(valid) == 0:
            return None, None
        if cfg.max_eval_users and len(valid) > cfg.max_eval_users:
            valid = valid.iloc[np.sort(rng.choice(len(valid), cfg.max_eval_users, replace=False))]
        return valid["user_idx"].to_numpy(), valid["item_idx"].to_numpy()

    def _vectors(self, net: Propagation, adjacency) -> tuple[np.ndarray, np.ndarray]:
        final, _ = net.propagate(adjacency)
        final = ops.convert_to_numpy(final)
        return final[: self.n_users_], final[self.n_users_ :]

    def _store(self, net, adjacency) -> None:
        self.user_vectors_, self.item_vectors_ = self._vectors(net, adjacency)

    def scores(self, user_idx, history: pd.DataFrame | None = None) -> np.ndarray:
        """``[U, N]`` dot products of the users' and every item's vectors (``history`` is not used:
        LightGCN's users are the training graph's nodes)."""
        self._check()
        return self.user_vectors_[np.asarray(user_idx)] @ self.item_vectors_.T


def graph_vectors(train: pd.DataFrame, n_users: int, n_items: int, valid: pd.DataFrame | None = None,
                  config: LightGCNConfig | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``([U, d] user, [N, d] item)`` LightGCN vectors of the ``train`` graph, for the
    Transformer's ``graph_user_projection`` and ``graph_projection`` (``transformer_inputs`` of a
    LightGCN fitted here)."""
    return transformer_inputs(LightGCN(config).fit(train, n_users, n_items, valid), train)


def transformer_inputs(model: LightGCN, train: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """A fitted LightGCN's ``([U, d] user, [N, d] item)`` vectors as Transformer inputs: each side
    scaled to a mean row norm of 1; users and items with no interaction in ``train`` (the graph it
    was fitted on) get zeros (their vectors would be untrained noise)."""
    model._check()
    out = []
    n_users, n_items = len(model.user_vectors_), len(model.item_vectors_)
    for vectors, column, n in ((model.user_vectors_, "user_idx", n_users), (model.item_vectors_, "item_idx", n_items)):
        vectors = vectors.astype(np.float32)
        warm = np.bincount(train[column].to_numpy(), minlength=n)[:n] > 0
        vectors[~warm] = 0.0
        scale = np.linalg.norm(vectors[warm], axis=1).mean() if warm.any() else 1.0
        out.append(vectors / max(float(scale), 1e-12))
    return out[0], out[1]


def graph_item_vectors(train: pd.DataFrame, n_users: int, n_items: int, valid: pd.DataFrame | None = None,
                       config: LightGCNConfig | None = None) -> np.ndarray:
    """``[N, d]``: the item half of ``graph_vectors``."""
    return graph_vectors(train, n_users, n_items, valid, config)[1]


def _train_step(net: Propagation, optimizer, adjacency, n_users: int, reg: float):
    import tensorflow as tf

    @tf.function(reduce_retracing=True)
    def step(users, pos, neg):
        with tf.GradientTape() as tape:
            final, ego = net.propagate(adjacency)
            u = tf.gather(final, users)
            i = tf.gather(final, pos + n_users)
            j = tf.gather(final, neg + n_users)
            margin = tf.reduce_sum(u * (i - j), axis=-1)
            bpr = tf.reduce_mean(tf.nn.softplus(-margin))  # -log sigmoid(margin)
            size = tf.cast(tf.shape(users)[0], tf.float32)
            l2 = (tf.reduce_sum(tf.gather(ego, users) ** 2) + tf.reduce_sum(tf.gather(ego, pos + n_users) ** 2)
                  + tf.reduce_sum(tf.gather(ego, neg + n_users) ** 2)) / (2.0 * size)
            loss = bpr + reg * l2
        grads = tape.gradient(loss, net.trainable_variables)
        optimizer.apply(grads, net.trainable_variables)
        return loss

    return step


def _ndcg_at_10(user_vectors, item_vectors, users, items, r) -> float:
    from recsys.ranking import top_k
    from recsys.ranking.metrics import ndcg

    seen = r[users]
    exclude = np.split(seen.indices, seen.indptr[1:-1])
    ranked, _ = top_k(user_vectors[users] @ item_vectors.T, 10, exclude)
    return ndcg(ranked, items, k=10)
