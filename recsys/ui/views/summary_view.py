"""Explanations across users (Explain page) and the PCA maps of item and text embeddings (Model page).

``summary`` and ``embedding_map`` wrap ``recsys.explain.summary`` and ``recsys.explain.maps`` in ``st.cache_data`` keyed by the
run's folder and the settings; the explanations across users are computed only when asked for
(a button), since they explain every sampled user's top-K.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from recsys.errors import RecLensError
from recsys.explain import maps as M
from recsys.explain import summary as S
from recsys.ui import charts
from recsys.ui.charts.summary import side_beeswarm_figure, side_importance_figure
from recsys.ui.session import state
from recsys.ui.views import model_view as mv
from recsys.ui.views.text import md_escape

__all__ = ["DEFAULT_K", "DEFAULT_USERS", "embedding_map", "render_across_users", "render_embedding_maps", "summary"]

DEFAULT_USERS = 10
DEFAULT_K = 5
SEED = 0


@st.cache_data(max_entries=8, show_spinner="Explaining the top recommendations of a sample of users ...")
def summary(path: str, n_users: int, k: int, _recommender, _dataset, _model_config) -> S.GlobalSummary:
    """``recsys.explain.global_summary`` (cached per run folder, sample size and K; seed 0)."""
    return S.global_summary(_recommender, _dataset, _model_config, n_users=n_users, k=k, seed=SEED)


@st.cache_data(max_entries=16, show_spinner="Projecting the item vectors (PCA) ...")
def embedding_map(path: str, kind: str, _recommender, _dataset) -> M.EmbeddingMap:
    """``recsys.explain.maps.embedding_map`` of the ``kind`` item vectors (cached per run folder and kind)."""
    return M.embedding_map(M.item_vectors(_recommender, kind), _dataset)


def _pair_labels(result: S.GlobalSummary, dataset) -> list[str]:
    users = dataset.user_encoder.inverse_transform(result.pairs.users)
    titles = dataset.titles(result.pairs.items)
    return [f"user {u}, #{r} {t}" for u, r, t in zip(users, result.pairs.ranks, titles)]


def _sample_inputs(pick) -> tuple[int, int] | None:
    """Sample size inputs and the button; ``(n_users, k)`` once the button was pressed for this run."""
    left, middle, right = st.columns([1, 1, 1.4], vertical_alignment="bottom")
    n_users = int(left.number_input("Users in the sample", 1, 500, DEFAULT_USERS, step=5, key=state.GLOBAL_USERS))
    k = int(middle.number_input("Top-K of each user", 1, 20, DEFAULT_K, key=state.GLOBAL_K))
    if right.button("Explain across users", key=state.GLOBAL_SUBMIT, icon=":material/groups:"):
        st.session_state[state.GLOBAL_SHOWN] = (str(pick.path), n_users, k)
    shown = st.session_state.get(state.GLOBAL_SHOWN)
    if not shown or shown[0] != str(pick.path):
        st.caption(
            f"Explains the top-{k} recommendations of {n_users} randomly drawn users (seed {SEED}) and sums the "
            "SHAP values up: which side features and which history items drive the recommendations overall."
        )
        return None
    return shown[1], shown[2]


def _render_side_features(result: S.GlobalSummary, dataset) -> None:
    """Mean |SHAP| bars and the beeswarm of the side features."""
    table = result.side_table()
    if not len(table):
        st.info("This run has no side features (item categories, numbers, text or user attributes).")
        return
    left, right = st.columns([1, 1.5], gap="large")
    left.plotly_chart(side_importance_figure(table), key="global_side_bar")
    side = result.side
    right.plotly_chart(
        side_beeswarm_figure(np.asarray(side.values), np.asarray(side.data), list(side.feature_names),
                             _pair_labels(result, dataset), list(table["feature"]), absent=S.ABSENT),
        key="global_side_beeswarm",
    )
    st.caption(
        "Left: the average size of each feature's effect (blue bars raise scores on average, orange lower "
        "them). Right: each dot is one recommendation and how much the feature moved its score, the history "
        "held fixed; light grey: the item has no value for it; numeric features are coloured by value."
    )


def _render_influential(result: S.GlobalSummary) -> None:
    """The table of the most influential history items."""
    st.markdown("**Most influential history items across users**")
    columns = ["title", "item_id", "appearances", "users", "total_shap", "mean_shap", "positive_share"]
    st.container(key="global_influential").dataframe(
        result.influential[columns].head(50),
        hide_index=True,
        column_config={
            "title": st.column_config.TextColumn("history item"),
            "item_id": st.column_config.TextColumn("id"),
            "appearances": st.column_config.NumberColumn(help="explained recommendations whose history holds it"),
            "users": st.column_config.NumberColumn(help="distinct users whose history holds it"),
            "total_shap": st.column_config.NumberColumn("total SHAP", format="%+.3f",
                                                        help="summed contribution to the recommended items' scores"),
            "mean_shap": st.column_config.NumberColumn("mean SHAP", format="%+.3f"),
            "positive_share": st.column_config.ProgressColumn("raises the score", format="percent", min_value=0,
                                                              max_value=1),
        },
    )
    st.caption("Sorted by total SHAP: the history items that pushed the most recommendations up, summed over "
               "the sample.")


def render_across_users(pick) -> None:
    """Sample size inputs and a button; once pressed, the side-feature SHAP summary (mean |SHAP|
    bars and beeswarm) and the table of the most influential history items."""
    run = pick.run
    shown = _sample_inputs(pick)
    if shown is None:
        return
    n_users, k = shown
    try:
        result = summary(str(pick.path), n_users, k, pick.recommender, run.dataset, run.model_config)
    except RecLensError as err:
        st.error(md_escape(err), icon=":material/error:")
        return
    s = result.settings
    st.caption(
        f"{s['pairs']} recommendations explained: the top-{s['k']} of {s['users']} users drawn at random (seed "
        f"{s['seed']}), in {result.timings_ms['total'] / 1000:.1f} s."
    )
    _render_side_features(result, run.dataset)
    _render_influential(result)


def render_embedding_maps(pick) -> None:
    """Two PCA maps side by side: the model's item vectors (id embedding or full item vector) and
    the pretrained item text vectors, coloured by first category."""
    run = pick.run
    left, right = st.columns(2, gap="large")
    with left:
        kind = st.radio("Item vectors", list(mv.VECTOR_KINDS), horizontal=True, key=state.EMBEDDING_KIND)
        library_kind = M.CANDIDATE_VECTOR if kind == mv.FULL_ITEM else M.ID_EMBEDDING
        item_map = embedding_map(str(pick.path), library_kind, pick.recommender, run.dataset)
        st.plotly_chart(
            charts.embedding_map_figure(item_map.points, item_map.explained_variance_ratio,
                                        title="Item vectors of the model (PCA)"),
            key="embedding_map",
        )
        st.caption(
            f"Each point is an item: {mv.VECTOR_KINDS[kind]}, projected on its two main directions (PCA). Items "
            "the model treats alike sit close together; colour is the item's first category."
        )
    with right:
        st.markdown("**Item text vectors** (pretrained language model)")
        if pick.recommender.tables.item_text is None:
            st.info(M.NO_TEXT_VECTORS, icon=":material/info:")
            return
        text_map = embedding_map(str(pick.path), M.TEXT_EMBEDDING, pick.recommender, run.dataset)
        st.plotly_chart(
            charts.embedding_map_figure(text_map.points, text_map.explained_variance_ratio,
                                        title="Item text vectors (PCA)"),
            key="text_embedding_map",
        )
        st.caption(
            "The same items placed by what their titles and descriptions say, before any training. Where the two "
            "maps agree, the model has learned what the text already knew."
        )
