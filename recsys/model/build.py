"""The Transformer recommender: a Keras functional model in three named stages.

``scores = model({"history": [B, L], "candidates": [B, C], "user_features": [B, F]})`` is
``[B, C]``: how strongly each candidate is predicted as the user's next item.

Stages and their layers (stable names, reachable with ``model.get_layer(name)``):

- embedding: ``item_embedding`` (ids), ``text_projection`` (pretrained text vectors from the
  frozen ``item_text`` table), ``graph_projection`` (LightGCN item vectors from the frozen
  ``item_graph`` table, with ``use_graph``), ``feature_embedding`` (category multi-hots, ``item_features``),
  ``numeric_projection`` (``item_numeric``), ``position_embedding``, ``user_embedding``,
  ``graph_user_projection`` (LightGCN user vectors from the frozen ``user_graph`` table, row in
  the last ``user_features`` column, with ``use_graph``; added to the user representation);
  outputs ``history_embedding`` ``[B, L, d]`` and ``candidate_embedding`` ``[B, C, d]``.
- interaction: ``self_attention_{i}`` (causal ``MultiHeadAttention``, scores
  ``[B, heads, L, L]`` via ``attention_model``), ``sequence_output`` ``[B, L, d]``,
  ``user_representation`` ``[B, d]``, ``target_attention`` (candidate -> the K =
  ``ModelConfig.target_window_size`` most recent history items, scores ``[B, heads, C, K]``), its
  output ``target_context`` ``[B, C, d]``.
- output: ``dot_score`` (user . candidate), ``item_bias``, ``output_mlp`` (over target context
  and candidate), summed in ``scores``.
"""

from __future__ import annotations

import keras
from keras import layers

from recsys.model.config import ModelConfig
from recsys.model.features import FeatureTables
from recsys.model.layers import (
    BroadcastBatch,
    Catalogue,
    CausalMask,
    FirstRow,
    LastPosition,
    LookupTable,
    PaddingMask,
    PositionIds,
    RealPositions,
    RecentWindow,
    RowDot,
    ScoreSum,
    SequenceLogits,
    SliceSeq,
    SubtractRow,
    SumFields,
    TakeColumns,
    TakePosition,
    TargetMask,
)

__all__ = [
    "build_model",
    "gated_model",
    "catalogue_model",
    "training_model",
    "has_layer",
]

class _Get:
    """Creates a named layer while building; fetches the trained one when rewiring a built model
    (``explain`` builds what-if graphs from the same weights this way)."""

    def __init__(self, model: keras.Model | None = None):
        self.model = model

    def __call__(self, name: str, make):
        return self.model.get_layer(name) if self.model is not None else make(name)

    def has(self, name: str, when_building: bool) -> bool:
        return has_layer(self.model, name) if self.model is not None else when_building


def _item_tower(get: _Get, ids, cfg: ModelConfig, tables: FeatureTables, tag: str = "", gates: dict | None = None):
    """``[B, S]`` model ids -> ``[B, S, d]`` item representations (zero for padding).

    ``gates`` (rewiring only) multiplies the looked-up ``text`` / ``features`` / ``numeric``
    inputs, so a side feature can be hidden (gate 0) without touching the weights.
    """
    gates = gates or {}
    n = tables.n_items + 1
    terms = [get("item_embedding", lambda nm: layers.Embedding(n, cfg.dim, name=nm))(ids)]
    parts = (("text", "item_text", "text_projection", cfg.use_text, tables.item_text, True),
             ("graph", "item_graph", "graph_projection", cfg.use_graph, tables.item_graph, True),
             ("features", "item_features", "feature_embedding", cfg.use_item_features, tables.item_features, False),
             ("numeric", "item_numeric", "numeric_projection", cfg.use_item_features, tables.item_numeric, True))
    for key, table_name, proj_name, enabled, table, bias in parts:
        if not get.has(table_name, enabled and table is not None):
            continue
        width = table.shape[1] if table is not None else None
        looked_up = get(table_name, lambda nm, w=width: LookupTable(n, w, name=nm))(ids)
        if key in gates:
            looked_up = layers.Multiply(name=f"{key}_gate{tag}")([looked_up, gates[key]])
        terms.append(get(proj_name, lambda nm, b=bias: layers.Dense(cfg.dim, use_bias=b, name=nm))(looked_up))
    rep = layers.Add(name=f"item_sum{tag}")(terms) if len(terms) > 1 else terms[0]
    return layers.Multiply(name=f"item_representation{tag}")([rep, PaddingMask(name=f"item_padding{tag}")(ids)])


def _transformer_block(get: _Get, x, mask, pad, i: int, cfg: ModelConfig, tag: str = ""):
    """SASRec's block (Kang & McAuley 2018): the query is normalised, keys and values are not, and
    each residual adds to the *normalised* stream. With this model a standard pre-LN block
    (residuals on the raw stream, keys normalised) trained to a clearly lower NDCG@10 (README,
    "Accuracy")."""
    q = get(f"attention_norm_{i}", lambda nm: layers.LayerNormalization(epsilon=1e-6, name=nm))(x)
    att, _ = get(f"self_attention_{i}", lambda nm: layers.MultiHeadAttention(
        cfg.heads, max(cfg.dim // cfg.heads, 1), dropout=cfg.dropout, name=nm,
    ))(q, x, attention_mask=mask, return_attention_scores=True)
    att = get(f"attention_dropout_{i}", lambda nm: layers.Dropout(cfg.dropout, name=nm))(att)
    x = layers.Add(name=f"attention_residual_{i}{tag}")([q, att])
    normed = get(f"ffn_norm_{i}", lambda nm: layers.LayerNormalization(epsilon=1e-6, name=nm))(x)
    h = get(f"ffn_in_{i}", lambda nm: layers.Dense(cfg.dim, activation="gelu", name=nm))(normed)
    h = get(f"ffn_hidden_dropout_{i}", lambda nm: layers.Dropout(cfg.dropout, name=nm))(h)
    h = get(f"ffn_out_{i}", lambda nm: layers.Dense(cfg.dim, name=nm))(h)
    f = get(f"ffn_dropout_{i}", lambda nm: layers.Dropout(cfg.dropout, name=nm))(h)
    x = layers.Add(name=f"ffn_residual_{i}{tag}")([normed, f])
    return layers.Multiply(name=f"block_padding_{i}{tag}")([x, pad])


def _head(get: _Get, history, hist_items, cand, candidates, user_features, cfg: ModelConfig, tables: FeatureTables,
          tag: str = "", shared=None, head_position=None):
    """Interaction and output stages: histories ``[B, L]`` and their item representations
    ``[B, L, d]``, candidate representations ``[B, C, d]`` and ids ``[B, C]`` -> (scores ``[B, C]``,
    sequence output ``[B, L, d]``).

    ``shared``: ``([1, C, d], [1, C])``, the same candidates for every row (a fixed catalogue, in
    training and ranking), given instead of ``cand`` and ``candidates``: the dot score and the item
    bias read them once; target attention, which needs them per row, broadcasts them.
    ``head_position``: ``[B, 1]`` (training only) score the history prefix ending at each row's
    position instead of the whole history (the causal encoder makes ``seq[:, t]`` the prefix's
    representation; target attention reads the window of the prefix's K most recent items).
    """
    positions = PositionIds(name=f"positions{tag}")(history)
    pos = get("position_embedding", lambda nm: layers.Embedding(cfg.max_len, cfg.dim, name=nm))(positions)
    pad = PaddingMask(name=f"history_padding{tag}")(history)
    x = layers.Multiply(name=f"history_embedding{tag}")([layers.Add(name=f"add_positions{tag}")([hist_items, pos]), pad])
    x = get("embedding_dropout", lambda nm: layers.Dropout(cfg.dropout, name=nm))(x)
    mask = CausalMask(name=f"causal_mask{tag}")(history)
    blocks = cfg.blocks
    for i in range(blocks):
        x = _transformer_block(get, x, mask, pad, i, cfg, tag)
    seq = get("sequence_output", lambda nm: layers.LayerNormalization(epsilon=1e-6, name=nm))(x)
    user = (LastPosition(name=f"last_position{tag}")(seq) if head_position is None
            else TakePosition(name=f"head_position_vector{tag}")(seq, head_position))
    n_fields = len(tables.user_fields)
    graph_user = user_features is not None and get.has("user_graph", _uses_user_graph(cfg, tables))
    if user_features is not None and get.has("user_embedding", cfg.use_user_features and n_fields > 0):
        tokens = SliceSeq(0, n_fields, name=f"user_tokens{tag}")(user_features) if graph_user else user_features
        attrs = get("user_embedding", lambda nm: layers.Embedding(len(tables.user_tokens), cfg.dim, name=nm))(tokens)
        user = layers.Add(name=f"add_user_attributes{tag}")([user, SumFields(name=f"user_attributes{tag}")(attrs)])
    if graph_user:  # the last user_features column is the user's row of the LightGCN user table
        row = SliceSeq(n_fields, n_fields + 1, name=f"user_graph_row{tag}")(user_features)
        width = tables.user_graph.shape[1] if tables.user_graph is not None else None
        vector = get("user_graph", lambda nm: LookupTable(len(tables.user_graph), width, name=nm))(row)
        projected = get("graph_user_projection", lambda nm: layers.Dense(cfg.dim, use_bias=False, name=nm))(vector)
        user = layers.Add(name=f"add_user_graph{tag}")([user, SumFields(name=f"user_graph_vector{tag}")(projected)])
    user = layers.Identity(name=f"user_representation{tag}")(user)
    dot_items, bias_ids = shared if shared is not None else (cand, candidates)
    terms = [
        RowDot(name=f"dot_score{tag}")(user, dot_items),
        get("item_bias", lambda nm: layers.Embedding(tables.n_items + 1, 1, embeddings_initializer="zeros", name=nm))(bias_ids),
    ]
    if get.has("target_attention", cfg.target_attention):
        if shared is not None:
            cand = BroadcastBatch(name=f"candidate_rows{tag}")(shared[0], history)
            candidates = BroadcastBatch(name=f"candidate_ids{tag}")(shared[1], history)
        recent, recent_ids = RecentWindow(cfg.target_window_size, name=f"target_window{tag}")(seq, history, head_position)
        context, _ = get("target_attention", lambda nm: layers.MultiHeadAttention(
            cfg.heads, max(cfg.dim // cfg.heads, 1), dropout=cfg.dropout, name=nm,
        ))(cand, recent, attention_mask=TargetMask(name=f"target_mask{tag}")(recent_ids, candidates),
          return_attention_scores=True)
        context = layers.Identity(name=f"target_context{tag}")(context)
        # [context * candidate, context]: the candidate's match with the history it attends to
        z = layers.Concatenate(name=f"output_features{tag}")(
            [layers.Multiply(name=f"context_x_candidate{tag}")([context, cand]), context])
        terms.append(get("output_mlp", lambda nm: keras.Sequential(
            [layers.Dense(cfg.mlp_units, activation="gelu"), layers.Dense(1, kernel_initializer="zeros")], name=nm,
        ))(z))
    return ScoreSum(name=f"scores{tag}")(terms), seq


def build_model(cfg: ModelConfig, tables: FeatureTables) -> keras.Model:
    """Build the scoring model and load the frozen feature tables into it."""
    get = _Get()
    history = keras.Input((cfg.max_len,), dtype="int32", name="history")
    candidates = keras.Input((None,), dtype="int32", name="candidates")
    inputs = {"history": history, "candidates": candidates}
    user_features = None
    if (cfg.use_user_features and tables.user_fields) or _uses_user_graph(cfg, tables):
        user_features = keras.Input((tables.user_columns,), dtype="int32", name="user_features")
        inputs["user_features"] = user_features
    ids = layers.Concatenate(axis=1, name="all_item_ids")([history, candidates])
    items = _item_tower(get, ids, cfg, tables)
    hist_items = SliceSeq(0, cfg.max_len, name="history_items")(items)
    cand = SliceSeq(cfg.max_len, None, name="candidate_embedding")(items)
    scores, _ = _head(get, history, hist_items, cand, candidates, user_features, cfg, tables)
    model = keras.Model(inputs, scores, name="reclens_transformer")
    for name, values in (("item_text", tables.item_text), ("item_graph", tables.item_graph),
                         ("user_graph", tables.user_graph),
                         ("item_features", tables.item_features),
                         ("item_numeric", tables.item_numeric)):
        if has_layer(model, name):
            model.get_layer(name).set_table(values)
    return model


def gated_model(model: keras.Model, cfg: ModelConfig, tables: FeatureTables) -> keras.Model:
    """The trained model rewired for what-if questions about side features (same weights).

    Extra inputs multiply the *candidate's* looked-up side features: ``text_gate`` ``[B, C, 1]``,
    ``feature_gate`` ``[B, C, V]``, ``numeric_gate`` ``[B, C, Q]`` (those the model has); user
    attributes are hidden by passing token 0 (unknown) in ``user_features``. With all gates 1
    the scores equal ``model``'s.
    """
    get = _Get(model)
    inputs = {t.name: keras.Input(t.shape[1:], dtype=t.dtype, name=t.name) for t in model.inputs}
    history, candidates = inputs["history"], inputs["candidates"]
    gates = {}
    for key, table_name in (("text", "item_text"), ("features", "item_features"), ("numeric", "item_numeric")):
        if has_layer(model, table_name):
            width = model.get_layer(table_name).width if key != "text" else 1
            gates[key] = inputs[f"{key}_gate"] = keras.Input((None, width), name=f"{key}_gate")
    hist_items = _item_tower(get, history, cfg, tables, tag="_h")
    cand = _item_tower(get, candidates, cfg, tables, tag="_c", gates=gates)
    scores, _ = _head(get, history, hist_items, cand, candidates, inputs.get("user_features"), cfg, tables, tag="_g")
    return keras.Model(inputs, scores, name="gated_scores")


def catalogue_model(model: keras.Model, cfg: ModelConfig, tables: FeatureTables) -> keras.Model:
    """The trained model (same weights, same scores) for candidates shared by every row, as when
    a whole catalogue is ranked: ``candidates`` ``[B, C]`` must have identical rows (only the first
    is read). The item tower (id, text, category lookups and projections) then runs once on
    ``[1, C]`` instead of on ``B x C`` ids, and the dot score reads the shared rows, so side
    features (text vectors, categories) barely slow a ranking of the whole catalogue."""
    get = _Get(model)
    inputs = {t.name: keras.Input(t.shape[1:], dtype=t.dtype, name=t.name) for t in model.inputs}
    history = inputs["history"]
    ids = FirstRow(name="shared_candidates")(inputs["candidates"])  # [1, C]
    hist_items = _item_tower(get, history, cfg, tables, tag="_h")
    items = _item_tower(get, ids, cfg, tables, tag="_s")  # [1, C, d]
    scores, _ = _head(get, history, hist_items, None, None, inputs.get("user_features"), cfg, tables, tag="_s",
                      shared=(items, ids))
    return keras.Model(inputs, scores, name="catalogue_scores")


def _uses_user_graph(cfg: ModelConfig, tables: FeatureTables) -> bool:
    return cfg.use_graph and tables.user_graph is not None


def has_layer(model: keras.Model, name: str) -> bool:
    """Whether ``model`` has a layer called ``name``."""
    return any(layer.name == name for layer in model.layers)


def training_model(model: keras.Model, cfg: ModelConfig | None = None, tables: FeatureTables | None = None,
                   catalogue=None, sampled_head: bool = False, sampled_sequence: bool = False) -> keras.Model:
    """Same weights, two outputs: ``scores`` ``[B, C]`` (last position, the full score) and
    ``sequence_logits`` ``[B, L, C]`` (dot score at every position, SASRec's dense signal).

    Without ``catalogue`` the candidates are an input (``[B, C]``, as in ``model``). With
    ``catalogue`` (``[N]`` model ids, the full-softmax items; needs ``cfg`` and ``tables``) they
    are fixed inside the graph: the item tower runs once per step on ``[1, N]`` ids instead of
    once per row, and the dot scores read the shared rows (same scores, a fraction of the cost).
    Then ``scores`` is the full score of the history prefix ending at the extra input
    ``head_position`` ``[B, 1]`` (``L - 1``: the whole history, as ``model`` scores it; a random
    position per window lets the head learn from every position instead of memorising the last),
    and ``sequence_logits`` is ``[M, N]``: only the batch's M real (non-padding) history
    positions, row by row (``RealPositions``; ``MaskedSoftmaxCE`` reads this layout).

    ``sampled_head``: ``scores`` covers only the catalogue columns given as the extra input
    ``candidate_columns`` ``[B, C]`` (identical rows: the batch's targets plus random items), so
    target attention and the MLP (``[B, heads, C, K]``, the step's costliest part) run on C columns
    instead of N, minus ``column_log_q`` ``[B, C]``, the log of each column's chance to be in the
    step (logQ correction, Bengio & Senecal 2008; Yi et al. 2019: targets are drawn by
    popularity, and without it the head learns to push popular items down).
    ``sampled_sequence``: likewise for ``sequence_logits``, with ``sequence_columns`` and
    ``sequence_log_q``, so the per-position softmax costs ``[M, C]`` instead of ``[M, N]``.
    """
    if catalogue is None:
        return _per_row_trainer(model)
    get = _Get(model)
    inputs = {t.name: keras.Input(t.shape[1:], dtype=t.dtype, name=t.name) for t in model.inputs if t.name != "candidates"}
    history = inputs["history"]
    positions = inputs["head_position"] = keras.Input((1,), dtype="int32", name="head_position")
    ids = Catalogue(catalogue, name="catalogue")(history)  # [1, N]
    hist_items = _item_tower(get, history, cfg, tables, tag="_h")
    items = _item_tower(get, ids, cfg, tables, tag="_t")  # [1, N, d]
    head_items, head_ids = (_take_columns(items, ids, inputs, "candidate_columns", "head_rows", "head_ids")
                            if sampled_head else (items, ids))
    scores, seq = _head(get, history, hist_items, None, None, inputs.get("user_features"), cfg, tables, tag="_t",
                        shared=(head_items, head_ids), head_position=positions)
    if sampled_head:  # logQ correction: the sampled softmax then estimates the full one
        log_q = inputs["column_log_q"] = keras.Input((None,), name="column_log_q")
        scores = layers.Subtract(name="sampling_correction")([scores, log_q])
    real = RealPositions(name="real_positions")(seq, history)  # [M, d]: padding needs no logits
    if not sampled_sequence:
        seq_logits = SequenceLogits(name="sequence_logits")(real, items, model.get_layer("item_bias")(ids))
    else:
        seq_items, seq_ids = _take_columns(items, ids, inputs, "sequence_columns", "sequence_rows", "sequence_ids")
        seq_logits = SequenceLogits(name="sampled_sequence_logits")(real, seq_items, model.get_layer("item_bias")(seq_ids))
        seq_log_q = inputs["sequence_log_q"] = keras.Input((None,), name="sequence_log_q")
        seq_logits = SubtractRow(name="sequence_logits")(seq_logits, seq_log_q)
    return keras.Model(inputs, {"scores": scores, "sequence_logits": seq_logits}, name="trainer")


def _per_row_trainer(model: keras.Model) -> keras.Model:
    """``training_model`` for candidates given per row: ``model``'s scores plus the dot scores at
    every history position (``[B, L, C]``)."""
    seq_logits = SequenceLogits(name="sequence_logits")(
        model.get_layer("sequence_output").output,
        model.get_layer("candidate_embedding").output,
        model.get_layer("item_bias").output,
    )
    return keras.Model(model.inputs, {"scores": model.output, "sequence_logits": seq_logits}, name="trainer")


def _take_columns(items, ids, inputs: dict, columns: str, rows_name: str, ids_name: str):
    """The catalogue's ``items`` ``[1, N, d]`` and ``ids`` ``[1, N]`` narrowed to the columns of the
    new int input ``columns`` ``[B, C]`` (identical rows), added to ``inputs``."""
    taken = inputs[columns] = keras.Input((None,), dtype="int32", name=columns)
    return TakeColumns(name=rows_name)(items, taken), TakeColumns(name=ids_name)(ids, taken)
