"""Model: the trained network's stages and layers, parameters, item and text embedding maps, training curve."""

import streamlit as st

from recsys.ui import charts
from recsys.ui.session.loading import current_outcome
from recsys.ui.views import graph_view as gv
from recsys.ui.views import model_view as mv
from recsys.ui.views import summary_view as sv
from recsys.ui.views.run_picker import require_run

st.title("Model")
st.caption(
    "The Transformer recommender of the chosen run, in its three named stages: embedding (what each item and "
    "user is), interaction (attention over the history) and output (the score)."
)

pick = require_run(current_outcome())
run = pick.run
cfg = run.model_config

table = mv.layer_table(run.model)
total, trainable = int(table["parameters"].sum()), int(table["trainable"].sum())
for column, (label, value) in zip(
    st.columns(5),
    [
        ("parameters", f"{total:,}"),
        ("trainable", f"{trainable:,}"),
        ("embedding size", cfg.dim),
        ("self-attention blocks × heads", f"{cfg.blocks} × {cfg.heads}"),
        ("history length", cfg.max_len),
    ],
):
    column.metric(label, value)

st.subheader("Architecture", anchor=False)
left, right = st.columns([2.2, 1], gap="large")
with left:
    mv.render_layers(table)
with right:
    per_stage = table.groupby("stage")["parameters"].sum().reindex(list(mv.STAGES)).dropna()
    st.plotly_chart(charts.parameters_figure(per_stage[per_stage > 0]), key="parameters")
    st.caption(
        "Frozen lookup tables (item categories, numbers, text vectors) count as parameters but are not "
        "trained; the 'trainable' column says what was learned."
    )

st.subheader("Text vectors", anchor=False)
mv.render_text_vectors(run)

st.subheader("Item embeddings", anchor=False)
sv.render_embedding_maps(pick)

st.subheader("Graph embeddings (LightGCN)", anchor=False)
gv.render_graph_map(pick.path, run.dataset)

st.subheader("Training curve", anchor=False)
left, right = st.columns(2)
left.plotly_chart(charts.loss_figure(run.curve, run.info.get("info", {}).get("batch_loss")), key="model_loss")
right.plotly_chart(charts.ndcg_figure(run.curve, run.info.get("best_epoch")), key="model_ndcg")
