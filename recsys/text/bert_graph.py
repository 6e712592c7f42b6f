"""A lean TensorFlow inference graph over a loaded ``keras_hub`` BERT backbone's weights.

Why by hand: ``keras_hub.models.BertBackbone`` computes exactly what we need, but its layers emit
ops that TensorFlow's oneDNN graph rewriter cannot fuse: the attention projections are three
``EinsumDense`` einsums per layer (oneDNN's einsum runs at about half its matmul speed here), and
``Dense`` adds its bias with ``AddV2``, so the ``MatMul + BiasAdd + GELU`` fusion never matches.
This graph does the same arithmetic with one fused query/key/value matmul per layer and
``tf.nn.bias_add`` before the layer's own activation, which the rewriter turns into single
oneDNN primitives. Measured on a 2-core AVX512-BF16 CPU over the demo item texts
(``benchmarks/text_encoder.py``): 1.3x the texts per second of calling the backbone in bfloat16.

Only the plain post-LayerNorm BERT encoder (what ``BertBackbone`` builds) is handled;
``lean_bert_forward`` returns ``None`` for anything else and the caller uses the backbone itself.
Weights are read from the backbone (converted by keras_hub from the HF checkpoint), so nothing here
parses checkpoints. ``tests/text/test_reference.py`` holds both paths to the sentence-transformers
reference vectors and to each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["lean_bert_forward"]

# Added to attention scores at padded keys: exp(-1e4) is 0 in float32 and bfloat16 alike, and the
# value stays finite in bfloat16 (whose smallest normal exponent matches float32's).
MASKED_SCORE = -1e4


def _weights(layer) -> dict[str, object]:
    """``{"<sublayer>/<name>": value}`` for a layer's weights, paths relative to the layer."""
    prefix = layer.path + "/"
    return {w.path.removeprefix(prefix): w.value for w in layer.weights}


@dataclass
class _Encoder:
    """The backbone's weights as the lean graph reads them.

    ``token [V, dim]``, ``position [P, dim]`` and ``segment [dim]`` (segment 0) embeddings, the
    embeddings' LayerNormalization layer and one ``_block`` dict per transformer layer.
    """

    dtype: object
    dim: int
    heads: int
    token: object
    position: object
    segment: object
    embed_norm: object
    blocks: list[dict]


def _block(layer, dim: int) -> dict:
    """One post-LN transformer layer's weights; query, key and value fused into ``w_qkv [dim, 3 dim]``."""
    import tensorflow as tf

    w = _weights(layer)
    attn = "self_attention_layer/"
    qkv = ("query", "key", "value")
    return {
        "w_qkv": tf.concat([tf.reshape(w[f"{attn}{n}/kernel"], [dim, dim]) for n in qkv], axis=1),
        "b_qkv": tf.concat([tf.reshape(w[f"{attn}{n}/bias"], [dim]) for n in qkv], axis=0),
        "w_o": tf.reshape(w[f"{attn}attention_output/kernel"], [dim, dim]),
        "b_o": w[f"{attn}attention_output/bias"],
        "norm_1": (w["self_attention_layer_norm/gamma"], w["self_attention_layer_norm/beta"],
                   layer.layer_norm_epsilon),
        "w_1": w["feedforward_intermediate_dense/kernel"],
        "b_1": w["feedforward_intermediate_dense/bias"],
        "w_2": w["feedforward_output_dense/kernel"],
        "b_2": w["feedforward_output_dense/bias"],
        "norm_2": (w["feedforward_layer_norm/gamma"], w["feedforward_layer_norm/beta"],
                   layer.layer_norm_epsilon),
        "activation": layer.activation,
    }


def _encoder(backbone) -> _Encoder | None:
    """The weights, or ``None`` for a pre-LN layer; missing weights raise (caught by the caller)."""
    import tensorflow as tf

    dim = int(backbone.hidden_dim)
    layers = [backbone.get_layer(f"transformer_layer_{i}") for i in range(int(backbone.num_layers))]
    if any(layer.normalize_first for layer in layers):
        return None
    return _Encoder(
        dtype=tf.as_dtype(backbone.compute_dtype), dim=dim, heads=int(backbone.num_heads),
        token=backbone.get_layer("token_embedding").embeddings,
        position=backbone.get_layer("position_embedding").position_embeddings,
        segment=backbone.get_layer("segment_embedding").embeddings[0],
        embed_norm=backbone.get_layer("embeddings_layer_norm"),
        blocks=[_block(layer, dim) for layer in layers],
    )


def _forward(enc: _Encoder) -> Callable:
    import tensorflow as tf

    dtype, dim, heads = enc.dtype, enc.dim, enc.heads
    head_dim = dim // heads
    embed_norm = (enc.embed_norm.gamma, enc.embed_norm.beta, enc.embed_norm.epsilon)
    scale = tf.constant(head_dim ** -0.5, dtype)

    def norm(x, params):
        gamma, beta, eps = params
        x = tf.cast(x, tf.float32)
        mean, var = tf.nn.moments(x, axes=[-1], keepdims=True)
        y = (x - mean) * tf.math.rsqrt(var + eps) * tf.cast(gamma, tf.float32) + tf.cast(beta, tf.float32)
        return tf.cast(y, dtype)

    def forward(token_ids, padding_mask):
        batch, length = tf.shape(token_ids)[0], tf.shape(token_ids)[1]
        x = tf.gather(enc.token, token_ids) + enc.position[None, :length] + enc.segment
        x = tf.reshape(norm(x, embed_norm), [batch * length, dim])  # rows = tokens: plain 2-D matmuls
        key_bias = (1.0 - tf.cast(padding_mask, dtype))[:, None, None, :] * tf.constant(MASKED_SCORE, dtype)
        for b in enc.blocks:
            qkv = tf.nn.bias_add(tf.matmul(x, b["w_qkv"]), b["b_qkv"])
            qkv = tf.transpose(tf.reshape(qkv, [batch, length, 3, heads, head_dim]), [2, 0, 3, 1, 4])
            scores = tf.matmul(qkv[0], qkv[1], transpose_b=True) * scale + key_bias  # [B, H, L, L]
            context = tf.matmul(tf.nn.softmax(scores, axis=-1), qkv[2])  # [B, H, L, head_dim]
            context = tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [batch * length, dim])
            x = norm(x + tf.nn.bias_add(tf.matmul(context, b["w_o"]), b["b_o"]), b["norm_1"])
            hidden = b["activation"](tf.nn.bias_add(tf.matmul(x, b["w_1"]), b["b_1"]))
            x = norm(x + tf.nn.bias_add(tf.matmul(hidden, b["w_2"]), b["b_2"]), b["norm_2"])
        return tf.reshape(x, [batch, length, dim])

    return forward


def lean_bert_forward(backbone) -> Callable | None:
    """Build ``forward(token_ids [B, L] int32, padding_mask [B, L] int32) -> [B, L, dim]``.

    The output is in the backbone's compute dtype (float32 or bfloat16); LayerNorm statistics are
    computed in float32 as Keras does. Returns ``None`` when the backbone is not a post-LN
    ``BertBackbone`` with the expected weights.
    """
    import keras_hub

    if not isinstance(backbone, keras_hub.models.BertBackbone):
        return None
    try:
        enc = _encoder(backbone)
    except (AttributeError, KeyError, ValueError):
        return None
    return None if enc is None else _forward(enc)
