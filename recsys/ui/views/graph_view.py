"""Graph views: the map of LightGCN user and item vectors (Model page) and "users like you also
chose ..." (Explain page).

A run trained in the app keeps the LightGCN vectors of its leaderboard row (``graph.npz``, fitted
on the training split). For other runs the Model page offers to fit LightGCN on the run's
interactions (time-bounded, cached per run); the Explain page then falls back to user-based
similarity.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from recsys.data import Dataset
from recsys.errors import RecLensError
from recsys.explain.maps import item_categories, pca_2d
from recsys.graph import LightGCN, LightGCNConfig, load_graph_vectors, similar_users_who_chose, user_similarities
from recsys.ui.charts.graph import graph_map_figure
from recsys.ui.session import state
from recsys.ui.views.text import md_escape

__all__ = ["BASIS_LABELS", "FIT_EPOCHS", "graph_vectors", "map_points", "render_graph_map", "render_similar_users",
           "similar_users_table"]

FIT_EPOCHS = 20  # a fixed count, not a time budget: the map must not depend on machine load
BASIS_LABELS = {"graph": "graph (LightGCN vectors)", "cosine": "shared items (cosine)",
                "pearson": "shared items (Pearson)"}
NO_VECTORS = (
    "This run has no LightGCN vectors saved with it (runs trained in the app keep them). Fit LightGCN on the "
    "run's interactions to see the map ({epochs} epochs)."
)


@st.cache_resource(max_entries=4, show_spinner=False)
def _fitted(path: str, _dataset: Dataset) -> dict:
    model = LightGCN(LightGCNConfig(epochs=FIT_EPOCHS)).fit(
        _dataset.interactions, _dataset.n_users, _dataset.n_items)
    return {"user_vectors": model.user_vectors_, "item_vectors": model.item_vectors_, "best_epoch": model.best_epoch_,
            "epochs": len(model.curve_), "fitted_here": True}


def graph_vectors(path: str, dataset: Dataset, fit: bool = False) -> dict | None:
    """The run's LightGCN vectors: saved with it, fitted earlier in this server, or (``fit``) now."""
    try:
        saved = load_graph_vectors(path)
    except RecLensError as err:  # a planted or damaged graph.npz: say so, then behave as if it were absent
        st.warning(md_escape(str(err)), icon=":material/warning:")
        saved = None
    if saved is not None:
        return saved
    if fit or st.session_state.get(state.GRAPH_FITTED) == path:
        with st.spinner("Fitting LightGCN on the run's interactions ..."):
            out = _fitted(path, dataset)
        st.session_state[state.GRAPH_FITTED] = path
        return out
    return None


def map_points(vectors: np.ndarray, labels, groups) -> tuple[pd.DataFrame, tuple[float, float]]:
    """``[M, d]`` vectors on their first two principal components: ``x, y, label, group`` and the
    variance share of each component."""
    coords, share = pca_2d(vectors)
    points = pd.DataFrame({"x": coords[:, 0], "y": coords[:, 1], "label": list(labels), "group": list(groups)})
    return points, (float(share[0]), float(share[1]))


def _user_groups(dataset: Dataset) -> tuple[list[str], str | None]:
    users = dataset.users
    if users is None or not users.schema.categorical:
        return [""] * dataset.n_users, None
    column = users.schema.categorical[0]
    ids = [str(u) for u in dataset.user_encoder.inverse_transform(np.arange(dataset.n_users))]
    values = users.frame[column].reindex(ids)
    return [f"{column}={v}" if pd.notna(v) else "" for v in values], column


def render_graph_map(path: str, dataset: Dataset) -> None:
    """The Model page's map of the graph embeddings (items or users), or the offer to fit them."""
    vectors = graph_vectors(path, dataset)
    if vectors is None:
        st.info(NO_VECTORS.format(epochs=FIT_EPOCHS), icon=":material/hub:")
        if not st.button("Fit LightGCN", key=state.GRAPH_FIT):
            return
        vectors = graph_vectors(path, dataset, fit=True)
    kind = st.radio("Show", ["items", "users"], horizontal=True, key=state.GRAPH_MAP_KIND)
    if kind == "items":
        idx = np.arange(dataset.n_items)
        cats = item_categories(dataset, idx)
        points, explained = map_points(vectors["item_vectors"], dataset.titles(idx), [c[0] if c else "" for c in cats])
        colour = "colour is the item's first category"
    else:
        groups, column = _user_groups(dataset)
        labels = [f"user {u}" for u in dataset.user_encoder.inverse_transform(np.arange(dataset.n_users))]
        points, explained = map_points(vectors["user_vectors"], labels, groups)
        colour = f"colour is the user's {column}" if column else "there are no user attributes to colour by"
    st.plotly_chart(graph_map_figure(points, explained, kind), key="graph_map")
    source = ("fitted on this run's interactions" if vectors.get("fitted_here")
              else "fitted on the training split with the run's leaderboard")
    st.caption(
        f"Each point is one of the {len(points):,} {kind}: its LightGCN vector (the average of its own vector and "
        f"those propagated over 1-3 hops of the user-item graph; {source}, best epoch {int(vectors['best_epoch'])} "
        f"of {int(vectors['epochs'])}), projected on the two main directions (PCA). Users and items that share "
        f"neighbours in the graph sit close together; {colour}."
    )


def similar_users_table(dataset: Dataset, user_idx: int, item_idx: int, basis: str, vectors: dict | None,
                        k: int = 5) -> pd.DataFrame:
    """The ``k`` users most similar to the user (by ``basis``) who interacted with the item."""
    sim = user_similarities(user_idx, dataset.interactions, dataset.n_users, dataset.n_items, basis,
                            user_vectors=None if vectors is None else vectors["user_vectors"])
    out = similar_users_who_chose(user_idx, item_idx, dataset.interactions, sim, k=k)
    return pd.DataFrame({
        "user": [str(u) for u in dataset.user_encoder.inverse_transform(out["user_idx"].to_numpy())],
        "similarity": out["similarity"].to_numpy(),
        "items in common with you": out["shared"].to_numpy(),
    })


def render_similar_users(path: str, dataset: Dataset, user_id: str, item_id: str, title: str, k: int = 5) -> None:
    """The Explain page's "users like you also chose ..." for one recommended item."""
    vectors = graph_vectors(path, dataset)
    options = (["graph"] if vectors is not None else []) + ["cosine", "pearson"]
    basis = st.radio("Similar by", options, format_func=BASIS_LABELS.get, horizontal=True, key=state.SIMILAR_BASIS)
    user_idx = int(dataset.user_encoder.transform([user_id])[0])
    item_idx = int(dataset.item_encoder.transform([item_id])[0])
    table = similar_users_table(dataset, user_idx, item_idx, basis, vectors, k)
    if table.empty:
        st.info(f"No other user has interacted with '{md_escape(title)}' yet.")
        return
    chose = int(dataset.interactions.loc[dataset.interactions["item_idx"] == item_idx, "user_idx"].nunique())
    st.markdown(
        f"Users like you also chose **{md_escape(title)}**: the {len(table)} users most similar to you "
        f"({BASIS_LABELS[basis]}) among the {chose:,} users who interacted with it."
    )
    st.container(key="similar_users").dataframe(
        table, hide_index=True,
        column_config={"similarity": st.column_config.NumberColumn(format="%.3f")},
    )
