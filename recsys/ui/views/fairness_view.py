"""The Fairness page: who the recommender serves well, which items it shows, how calibrated its
lists are, and what re-ranking buys at what cost.

The work is ``recsys.fairness``'s, cached by ``recsys.ui.session.fairness_audit``; this module draws it.
Group and attribute names come from the user's files: escaped for Markdown, and through
``charts.plain`` inside figures.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import streamlit as st

from recsys.data import Dataset
from recsys.fairness import (
    AUDIT_PROTOCOL,
    DERIVED_ATTRIBUTES,
    POPULARITY,
    AuditLists,
    AuditResult,
    exposure_lorenz,
    item_attributes,
    user_attributes,
)
from recsys.ui.charts import fairness as charts
from recsys.ui.session import state
from recsys.ui.session.fairness_audit import N_CANDIDATES, K, report_zip, reranked_lorenz
from recsys.ui.views.text import md_escape

__all__ = [
    "METRICS",
    "NO_USERS_FILE",
    "RERANKERS",
    "render_calibration",
    "render_download",
    "render_items",
    "render_pickers",
    "render_protocol",
    "render_tradeoff",
    "render_users",
]

METRICS = {
    f"ndcg@{K}": f"NDCG@{K}",
    f"hr@{K}": f"HR@{K}",
    f"recall@{K}": f"Recall@{K}",
    f"coverage@{K}": f"catalogue coverage@{K}",
    "calibration_kl": "miscalibration (KL)",
    "popularity_lift": "popularity lift",
}
RERANKERS = {  # re-ranker -> (label, target column, target metric's name)
    "calibrated": ("Calibrated (Steck)", "kl_mean", "Miscalibration (mean KL)"),
    "exposure": ("Exposure-aware (long tail)", "aplt", "Long-tail share (APLT)"),
}
DERIVED_HELP = {"activity": "interactions per user, in quartiles", "mainstreamness": "how popular their items are"}
NO_USERS_FILE = (
    "This data has no users file, so users are grouped by behaviour only (activity, mainstreamness). Upload a "
    "users file on the Data page to audit attributes such as age group or country."
)


# ---------------------------------------------------------------- pickers and protocol


def _keep_valid(key: str, options: list[str]) -> None:
    if st.session_state.get(key) not in options:
        st.session_state.pop(key, None)


def render_pickers(dataset: Dataset) -> tuple[str, str]:
    """Selectboxes of the user attribute and the item attribute; returns ``(attribute, item_attribute)``."""
    users, items = user_attributes(dataset), item_attributes(dataset)
    _keep_valid(state.FAIR_USER_ATTRIBUTE, users)
    _keep_valid(state.FAIR_ITEM_ATTRIBUTE, items)
    left, right = st.columns(2)
    attribute = left.selectbox(
        "Group users by", users, key=state.FAIR_USER_ATTRIBUTE,
        format_func=lambda a: f"{a} (derived: {DERIVED_HELP[a]})" if a in DERIVED_ATTRIBUTES else a,
        help="A column of the users file, or a group derived from behaviour. Numbers are cut into quartiles.",
    )
    item_attribute = right.selectbox(
        "Group items by", items, key=state.FAIR_ITEM_ATTRIBUTE,
        format_func=lambda a: "popularity (head / mid / tail)" if a == POPULARITY else a,
        help="A column of the items file (an item in two genres counts half in each) or popularity.",
    )
    if dataset.users is None:
        st.info(NO_USERS_FILE, icon=":material/info:")
    return attribute, item_attribute


def render_protocol(result: AuditResult) -> None:
    s = result.settings
    st.caption(
        f"**Protocol**: {md_escape(s.get('protocol', AUDIT_PROTOCOL))}. K = {s['k']}; {s['users']:,} users audited over "
        f"{s['items']:,} items. Intervals: {100 * s['ci']:.0f}% from {s['n_boot']} bootstrap resamples of the users "
        f"(fairlearn MetricFrame). Groups under {s['min_group_size']} users are drawn lighter: their numbers are unstable."
    )


# ---------------------------------------------------------------- users


def _gap_sentence(row, result: AuditResult, label: str) -> str:
    n = int(result.user_groups.set_index("group").loc[row.group, "n_users"])
    value = result.user_groups.set_index("group").loc[row.group, row.metric]
    word = "above" if row.value > 0 else "below"
    return (
        f"- **{md_escape(row.group)}** ({n} users): {md_escape(label)} {value:.4f}, {abs(row.value):.4f} {word} the other "
        f"users (95% interval of the gap [{row.ci_low:+.4f}, {row.ci_high:+.4f}])"
    )


def render_users(result: AuditResult) -> None:
    """Group bars for the chosen metric, the under-served groups and the named gaps."""
    metric = st.radio("Metric", list(METRICS), key=state.FAIR_METRIC, horizontal=True, format_func=METRICS.get)
    label = METRICS[metric]
    table = result.user_groups
    gaps = result.user_gaps
    overall = gaps[(gaps["metric"] == metric) & (gaps["measure"] == "overall")]["value"]
    under = result.under_served(metric)
    left, right = st.columns([1.5, 1], gap="large")
    title = f"{label} by {result.settings['attribute']}"
    left.plotly_chart(
        charts.group_metric_figure(table, metric, label, float(overall.iloc[0]) if len(overall) else np.nan,
                                   under=under["group"].tolist(), title=charts.plain(title)),
        key="fairness_groups",
    )
    with right:
        has_gap = ((gaps["metric"] == metric) & (gaps["measure"] == "gap_to_rest")).any()
        if not has_gap:
            st.markdown(f"{md_escape(label)} is measured over a group's lists as a whole, so there is no per-user gap "
                        "to test; compare the bars.")
        elif len(under):
            st.markdown("**Served worse than the other users** (the whole interval of the gap is on the bad side):")
            st.markdown("\n".join(_gap_sentence(r, result, label) for r in under.itertuples()))
        else:
            st.markdown(f"No group's {md_escape(label)} differs from the other users' beyond its 95% interval.")
        named = gaps[gaps["measure"].isin(["UserMADranking", "MRED"])].set_index("measure")
        a, b = st.columns(2)
        if "UserMADranking" in named.index:
            a.metric("UserMADranking", f"{named.loc['UserMADranking', 'value']:.4f}",
                     help=f"Mean absolute difference of the groups' NDCG@{K} over all pairs of groups (0 = equal).")
        if "MRED" in named.index:
            b.metric("Miss-rate gap (MRED)", f"{named.loc['MRED', 'value']:.4f}",
                     help=f"Mean over groups of |miss rate of the group - miss rate of all users|, miss = no hit in "
                          f"the top {K} (0 = equal).")
        st.caption("Orange: served worse beyond doubt; lighter blue: fewer than "
                   f"{result.settings['min_group_size']} users. Bars show 95% intervals.")
    columns = ["group", "n_users", metric, f"{metric}_ci_low", f"{metric}_ci_high", "small_group"]
    shown = table[columns].rename(columns={metric: label, f"{metric}_ci_low": "95% low", f"{metric}_ci_high": "95% high",
                                           "n_users": "users", "small_group": "small"})
    st.container(key="fairness_group_table").dataframe(
        shown, hide_index=True,
        column_config={c: st.column_config.NumberColumn(format="%.4f") for c in (label, "95% low", "95% high")},
    )


# ---------------------------------------------------------------- items and calibration


def render_items(result: AuditResult) -> None:
    """Exposure share against interaction share for the item attribute and for popularity."""
    items, attribute = result.item_groups, result.settings["item_attribute"]
    e, p = result.exposure, result.popularity
    cols = st.columns(4)
    cols[0].metric("Gini of exposure", f"{e['gini']:.3f}", help="0 = every item shown equally often, 1 = one item "
                   "takes every slot.")
    cols[1].metric(f"Catalogue coverage@{K}", f"{e['coverage']:.1%}", help=f"{e['items_recommended']:,} of "
                   f"{e['n_items']:,} items appear in some top {K}.")
    cols[2].metric("Long-tail share (APLT)", f"{p['aplt']:.1%}", help="Mean share of long-tail items in a list "
                   "(long tail: outside the items that take 80% of the interactions).")
    cols[3].metric("Popularity lift", f"{p['popularity_lift']:+.1%}", help="How much more popular the recommended "
                   "items are than the items in the users' histories (0 = as popular).")
    parts = [attribute] + ([POPULARITY] if attribute != POPULARITY else [])
    columns = st.columns(len(parts), gap="large")
    for column, name in zip(columns, parts):
        title = "Exposure by popularity" if name == POPULARITY else f"Exposure by {name}"
        column.plotly_chart(charts.exposure_share_figure(items[items["attribute"] == name], charts.plain(title)),
                            key=f"fairness_exposure_{'popularity' if name == POPULARITY else 'attribute'}")
    st.caption(
        "Grey: the group's share of the interactions the lists were made from; blue: its share of the top-K slots. "
        "Blue above grey = shown more than it is consumed. Head / mid / tail: the most popular items taking the "
        "first 20% of the interactions, the least popular taking the last 20%, the rest."
    )


def render_calibration(result: AuditResult, profile: pd.DataFrame | None) -> None:
    """The category mix of histories against lists, and the mean miscalibration."""
    c = result.calibration
    if profile is None or c.get("kl_mean") is None:
        st.info("Calibration needs item categories (an items file with a category column such as genres).",
                icon=":material/info:")
        return
    left, right = st.columns([1.5, 1], gap="large")
    left.plotly_chart(charts.calibration_figure(profile, charts.plain(f"{c['attribute']}: histories vs top-{K} lists")),
                      key="fairness_calibration")
    with right:
        a, b = st.columns(2)
        a.metric("Mean miscalibration (KL)", f"{c['kl_mean']:.3f}")
        b.metric("Median (KL)", f"{c['kl_median']:.3f}")
        st.caption(
            f"Steck's calibration: for each user, the KL divergence between the mix of {md_escape(c['attribute'])} in "
            f"their history and in their top {K} (0 = the same mix), over {c['users']:,} users. The bars are the mean "
            "mix per user. Pick *miscalibration (KL)* above to compare user groups; the calibrated re-ranker below "
            "lowers it."
        )


# ---------------------------------------------------------------- re-ranking


def render_tradeoff(result: AuditResult, path: str, lists: AuditLists, dataset: Dataset) -> None:
    """Re-ranker, lambda slider, the trade-off curve with lambda marked, and exposure before / after."""
    curve, item_attribute = result.tradeoff, result.settings["item_attribute"]
    names = [r for r in RERANKERS if r in set(curve["reranker"])]
    _keep_valid(state.FAIR_RERANKER, names)
    left, right = st.columns([1, 1.4])
    name = left.radio("Re-ranker", names, key=state.FAIR_RERANKER, format_func=lambda r: RERANKERS[r][0],
                      horizontal=True)
    lam = right.slider("Lambda: weight of the fairness term (0 = the model's own order)", 0.0, 1.0, 0.0, 0.1,
                       key=state.FAIR_LAMBDA)
    lam = round(float(lam), 1)
    label, target, target_label = RERANKERS[name]
    part = curve[curve["reranker"] == name].set_index("lambda")
    base, now = part.loc[0.0], part.loc[lam]
    accuracy = f"ndcg@{K}"
    cols = st.columns(4)
    cols[0].metric(f"NDCG@{K}", f"{now[accuracy]:.4f}", f"{now[accuracy] - base[accuracy]:+.4f}")
    cols[1].metric(target_label, f"{now[target]:.4f}", f"{now[target] - base[target]:+.4f}",
                   delta_color="inverse" if target == "kl_mean" else "normal")
    cols[2].metric("Gini of exposure", f"{now['gini']:.3f}", f"{now['gini'] - base['gini']:+.3f}", delta_color="inverse")
    cols[3].metric(f"Catalogue coverage@{K}", f"{now['coverage']:.1%}", f"{100 * (now['coverage'] - base['coverage']):+.1f} pts")
    left, right = st.columns(2, gap="large")
    left.plotly_chart(charts.tradeoff_figure(part.reset_index(), target, target_label, accuracy, lam,
                                             f"{label}: NDCG@{K} against {target_label.split(' (')[0].lower()}"),
                      key="fairness_tradeoff")
    model = (*exposure_lorenz(lists.ranked(K), lists.n_items, k=K), result.exposure["gini"])
    curves = {"model": model}
    if lam > 0:
        curves[f"re-ranked, λ = {lam:g}"] = reranked_lorenz(path, name, lam, item_attribute, lists, dataset)
    right.plotly_chart(charts.lorenz_figure(curves), key="fairness_lorenz")
    st.caption(
        f"Each user's top {N_CANDIDATES} candidates are re-ranked greedily: lambda 0 keeps the model's order, 1 "
        "optimises only the fairness term. Calibrated re-ranking moves each list toward the user's own category mix; "
        "exposure-aware re-ranking gives long-tail items a share in proportion to the user's taste for them. The "
        "changes (small numbers) are against lambda 0, measured under the same protocol."
    )


# ---------------------------------------------------------------- download


def render_download(result: AuditResult) -> None:
    s = result.settings
    st.download_button(
        "Download the report (ZIP of CSV tables and JSON)", report_zip(result),
        file_name=re.sub(r"[^\w.-]+", "_", f"fairness_{s['attribute']}_{s['item_attribute']}.zip"),
        mime="application/zip", icon=":material/download:", key="fairness_download",
    )
    st.caption("Group tables, gaps with intervals, item exposure, the trade-off sweep and per-user values. Cells a "
               "spreadsheet would run as a formula are prefixed with a quote.")
