"""The text part of the item tower: item text vectors ``[B, S, T]`` -> ``[B, S, d]``.

Optionally a fixed PCA whitening first (``ModelConfig.text_whitening``, layer ``text_whitening``,
fitted on the catalogue by ``recsys.text.whitening``), then one of four adaptors
(``ModelConfig.text_adaptor``):

- ``dense``: ``text_projection``, one Dense layer (``x W + c``).
- ``whiten``: ``text_adaptor``, UniSRec's parametric whitening (Hou et al. 2022): a learned bias
  subtracted, then linear: ``(x - b) W``.
- ``moe``: ``text_experts``, E parametric-whitening experts ``[B, S, E, d]``, mixed by
  ``text_expert_gate``, a softmax over E computed from the text vector (UniSRec's MoE adaptor).
- ``residual``: ``text_delta``, a trainable per-item vector in text space (zeros at first, kept
  small by an L2 penalty), added to the frozen text vector before ``text_projection``.

With ``gate`` (the what-if graphs), the gate multiplies the (whitened) text vector plus any delta,
so gate 0 hides everything the item's text contributes.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers, ops

__all__ = [
    "FixedWhitening",
    "ParametricWhitening",
    "MixExperts",
    "text_adaptor_of",
    "text_term",
    "text_inputs",
    "expert_weights",
]

_PKG = "recsys"
EXPERTS = 4  # UniSRec's default is 8 experts for 768-d BERT vectors; 384-d MiniLM vectors need fewer
DELTA_L2 = 1e-4


@keras.saving.register_keras_serializable(package=_PKG)
class FixedWhitening(keras.layers.Layer):
    """(raw text vectors ``[B, S, T]``, ids ``[B, S]``) -> ``[B, S, k]`` whitened vectors,
    ``(x - mean) @ matrix``, with ``mean`` ``[T]`` and ``matrix`` ``[T, k]`` frozen weights saved
    with the model.

    The catalogue's rows are whitened once (``set_whitening``) into a frozen ``[rows, k]`` table
    that ``call`` looks up by id: the same numbers as whitening every looked-up vector, without a
    ``[T, k]`` product per history position and step. The raw vectors stay an input so the raw
    ``item_text`` table stays in the model (explanations and text search read it);
    ``transform`` whitens any other vectors (a new item's) the same way.
    """

    def __init__(self, rows: int, width: int, dim: int, **kwargs):
        super().__init__(**kwargs)
        self.rows, self.width, self.dim = rows, width, dim
        self.mean = self.add_weight(shape=(width,), initializer="zeros", trainable=False, name="mean")
        self.matrix = self.add_weight(shape=(width, dim), initializer="zeros", trainable=False, name="matrix")
        self.table = self.add_weight(shape=(rows, dim), initializer="zeros", trainable=False, name="table")

    def set_whitening(self, mean, matrix, raw_table) -> None:
        """Store the fit and whiten the ``[rows, T]`` raw table into ``table``."""
        self.mean.assign(ops.convert_to_tensor(mean, dtype=self.mean.dtype))
        self.matrix.assign(ops.convert_to_tensor(matrix, dtype=self.matrix.dtype))
        self.table.assign(self.transform(raw_table))

    def transform(self, x):
        """``[..., T]`` raw vectors -> ``[..., k]``."""
        return ops.matmul(ops.convert_to_tensor(x, dtype=self.mean.dtype) - self.mean, self.matrix)

    def call(self, x, ids):
        return ops.take(self.table, ops.cast(ids, "int32"), axis=0)

    def compute_output_shape(self, x_shape, ids_shape):
        return tuple(ids_shape) + (self.dim,)

    def get_config(self):
        return super().get_config() | {"rows": self.rows, "width": self.width, "dim": self.dim}


@keras.saving.register_keras_serializable(package=_PKG)
class ParametricWhitening(keras.layers.Layer):
    """``[..., T]`` -> ``[..., units]`` ``(x - b) W``, or with ``experts`` E -> ``[..., E, units]``,
    one ``(x - b_e) W_e`` per expert. ``b`` starts at zero, ``W`` Glorot-uniform."""

    def __init__(self, units: int, experts: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.units, self.experts = units, experts

    def build(self, x_shape):
        width, e = x_shape[-1], max(self.experts, 1)
        self.bias = self.add_weight(shape=(e, width), initializer="zeros", name="bias")
        self.kernel = self.add_weight(shape=(e, width, self.units), initializer="glorot_uniform", name="kernel")

    def call(self, x):
        # (x - b_e) W_e = x W_e - b_e W_e: no [..., E, T] copy of the input; plain matmuls per
        # expert (an einsum over the expert axis trained several times slower on TensorFlow)
        shift = ops.sum(ops.expand_dims(self.bias, -1) * self.kernel, axis=1)  # [E, units]
        outs = [ops.matmul(x, self.kernel[e]) - shift[e] for e in range(max(self.experts, 1))]
        return ops.stack(outs, axis=-2) if self.experts else outs[0]

    def compute_output_shape(self, x_shape):
        return tuple(x_shape[:-1]) + ((self.experts,) if self.experts else ()) + (self.units,)

    def get_config(self):
        return super().get_config() | {"units": self.units, "experts": self.experts}


@keras.saving.register_keras_serializable(package=_PKG)
class MixExperts(keras.layers.Layer):
    """(experts ``[..., E, d]``, gate ``[..., E]``) -> ``[..., d]``, the gate-weighted sum."""

    def call(self, experts, gate):
        return ops.sum(experts * ops.expand_dims(gate, -1), axis=-2)

    def compute_output_shape(self, experts_shape, gate_shape):
        return tuple(experts_shape[:-2]) + (experts_shape[-1],)


def text_adaptor_of(w) -> str:
    """The adaptor of ``w``'s graph: the config's while building, else read from the model's layers."""
    if w.model is None:
        return w.cfg.text_adaptor
    for name, kind in (("text_experts", "moe"), ("text_delta", "residual"), ("text_adaptor", "whiten")):
        if w.has(name, False):
            return kind
    return "dense"


def text_term(w, ids, looked_up, gate=None):
    """Item text vectors ``looked_up`` ``[B, S, T]`` of ``ids`` ``[B, S]`` -> ``[B, S, d]`` (see the
    module docstring); ``w`` is the tower's ``Wiring``, ``gate`` ``[B, S, 1]`` or None."""
    dim, n = w.cfg.dim, w.tables.n_items + 1
    x = looked_up
    if w.has("text_whitening", w.whitening is not None):
        shape = w.whitening.matrix.shape if w.whitening is not None else (None, None)
        x = w.layer("text_whitening", lambda nm: FixedWhitening(n, shape[0], shape[1], name=nm))(x, ids)
    kind = text_adaptor_of(w)
    if kind == "residual":
        width = x.shape[-1]
        delta = w.layer(
            "text_delta",
            lambda nm: layers.Embedding(
                n,
                width,
                embeddings_initializer="zeros",
                embeddings_regularizer=keras.regularizers.L2(DELTA_L2),
                name=nm,
            ),
        )(ids)
        x = layers.Add(name=w.named("text_plus_delta"))([x, delta])
    if gate is not None:
        x = layers.Multiply(name=w.named("text_gate"))([x, gate])
    if kind == "whiten":
        return w.layer("text_adaptor", lambda nm: ParametricWhitening(dim, name=nm))(x)
    if kind == "moe":
        experts = w.layer("text_experts", lambda nm: ParametricWhitening(dim, EXPERTS, name=nm))(x)
        weights = w.layer(
            "text_expert_gate",
            lambda nm: layers.Dense(EXPERTS, activation="softmax", use_bias=False, kernel_initializer="zeros", name=nm),
        )(x)
        return MixExperts(name=w.named("text_mixture"))(experts, weights)
    return w.layer("text_projection", lambda nm: layers.Dense(dim, use_bias=True, name=nm))(x)


def text_inputs(model: keras.Model, item_text) -> np.ndarray:
    """``[N, k]`` the vectors the adaptor reads for the catalogue's ``item_text`` ``[N + 1, T]``
    rows (row 0, padding, left out): whitened when the model has ``text_whitening``, else raw."""
    x = np.asarray(item_text[1:], dtype=np.float32)
    if any(layer.name == "text_whitening" for layer in model.layers):
        x = keras.ops.convert_to_numpy(model.get_layer("text_whitening").transform(x))
    return x


def expert_weights(model: keras.Model, item_text) -> np.ndarray | None:
    """``[N, E]`` each item's softmax gate over the ``moe`` adaptor's experts (rows sum to 1), or
    None without that adaptor."""
    if not any(layer.name == "text_expert_gate" for layer in model.layers):
        return None
    return keras.ops.convert_to_numpy(model.get_layer("text_expert_gate")(text_inputs(model, item_text)))
