"""One call for the whole fairness audit of a recommender, under the evaluation protocol.

Protocol (as ``recsys.evaluate``): leave-last-out per user by time; recommendations for the users
with a test item, made from their training + validation interactions, all items ranked, the
user's earlier items excluded; accuracy is measured against the held-out test item.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from recsys.data.dataset import Dataset
from recsys.data.side import UserTable
from recsys.data.split import Split, describe_split, make_split
from recsys.errors import DataError
from recsys.fairness.bootstrap import bootstrap_groups
from recsys.fairness.calibration import ALPHA, calibration_kl
from recsys.fairness.exposure import exposure_gini, group_exposure
from recsys.fairness.groups import user_groups
from recsys.fairness.item_groups import POPULARITY, item_attributes, item_groups
from recsys.fairness.lists import AuditLists, audit_lists, test_users
from recsys.fairness.messages import FairnessMsg
from recsys.fairness.popularity import (
    aplt,
    arp,
    history_popularity,
    list_popularity,
    pop_reo,
    pop_rsp,
    popularity_lift,
    short_head,
)
from recsys.fairness.result import AuditResult
from recsys.fairness.tradeoff import DEFAULT_LAMBDAS, apply_reranker, tradeoff_curve
from recsys.fairness.user_side import (
    SMALL_GROUP,
    coverage_metric,
    gap_table,
    group_metric_frame,
    group_table,
    per_user_metrics,
)
from recsys.ranking import metrics as M

__all__ = [
    "AUDIT_PROTOCOL",
    "audit_protocol",
    "AuditConfig",
    "audit",
    "audit_from_lists",
    "audit_groups",
    "audit_scorer",
    "audit_tradeoff",
    "calibration_categories",
    "default_item_attribute",
    "rerank_lists",
]

AUDIT_LISTS = ("lists for the users with a test item, made from their train + validation interactions; all items "
               "ranked, earlier items excluded; accuracy against the test item")
AUDIT_PROTOCOL = f"{describe_split(None)}; {AUDIT_LISTS}"


def audit_protocol(split: Split | dict | None) -> str:
    """The audit's protocol sentence for the split its lists come from (``None`` = leave-last-out)."""
    return f"{describe_split(split)}; {AUDIT_LISTS}"


@dataclass(frozen=True)
class AuditConfig:
    """The knobs of an audit (the defaults are the CLI's).

    Attributes:
        item_attribute: Item column for item groups and calibration (default: genres-like
            ``default_item_attribute``); popularity head/mid/tail groups are always added.
        k: Cut-off of the audited top-K lists.
        n_candidates: Top-N the re-rankers choose from (when the lists are scored; at least ``k``).
        lambdas: Re-ranking weights swept for the trade-off table (``()`` skips the sweep).
        n_boot: Bootstrap resamples of the users (0 = no intervals).
        ci: Interval coverage. seed: Bootstrap seed.
        n_bins: Quantile buckets for numeric and derived user attributes.
        min_group_size: Smaller user groups are flagged ``small_group``.
        alpha: Calibration smoothing.
        preference: Exposure re-ranker's group weights (``"history"`` or ``"uniform"``).
    """

    item_attribute: str | None = None
    k: int = 10
    n_candidates: int = 100
    lambdas: tuple[float, ...] = DEFAULT_LAMBDAS
    n_boot: int = 200
    ci: float = 0.95
    seed: int = 0
    n_bins: int = 4
    min_group_size: int = SMALL_GROUP
    alpha: float = ALPHA
    preference: str = "history"


def default_item_attribute(dataset: Dataset) -> str:
    """The first multi-valued category column (genres), else the first category column, else popularity."""
    items = dataset.items
    if items is not None and items.category_columns:
        return items.category_columns[0]
    return POPULARITY


def _calibration_attribute(dataset: Dataset, item_attribute: str) -> str | None:
    """The category column calibration uses: the audited one if categorical, else the default."""
    columns = dataset.items.category_columns if dataset.items is not None else []
    if item_attribute in columns:
        return item_attribute
    return columns[0] if columns else None


def _check_item_attribute(dataset: Dataset, item_attribute: str | None) -> str:
    item_attribute = item_attribute or default_item_attribute(dataset)
    if item_attribute not in item_attributes(dataset):
        choices = ", ".join(item_attributes(dataset))
        raise DataError(FairnessMsg.UNKNOWN_ITEM_ATTRIBUTE.format(attribute=item_attribute, choices=choices))
    return item_attribute


def calibration_categories(dataset: Dataset, item_attribute: str | None = None) -> tuple[str | None, np.ndarray | None]:
    """``(column, [N, G] category weights)`` calibration uses for an audited item attribute.

    The audited column itself when it is categorical, else the first category column; ``(None,
    None)`` without one (no items file, or only numeric columns). Items without a value have an
    all-zero row (left out of the distributions).

    Raises:
        DataError: the item attribute is not available.
    """
    column = _calibration_attribute(dataset, _check_item_attribute(dataset, item_attribute))
    return (column, item_groups(dataset, column).without_unknown()) if column else (None, None)


def audit_groups(dataset: Dataset, attribute: str, users, history: pd.DataFrame, *, n_bins: int = 4,
                 table: UserTable | None = None) -> pd.Series:
    """``user_groups`` for an audit: the same labels, and at least two groups to compare.

    Raises:
        DataError: unknown attribute, or every audited user in one group.
    """
    groups = user_groups(dataset, attribute, users, history, n_bins=n_bins, table=table)
    if groups.nunique() < 2:
        only = groups.iloc[0] if len(groups) else ""
        raise DataError(FairnessMsg.ONE_GROUP.format(attribute=attribute, group=only, n=len(groups)))
    return groups


def audit_tradeoff(dataset: Dataset, lists: AuditLists, config: AuditConfig | None = None) -> pd.DataFrame:
    """The re-ranking sweep (``tradeoff_curve``) over the audited lists, for ``config.lambdas``.

    It does not depend on the user attribute, so an app computes it once per item attribute.
    Calibrated re-ranking uses ``calibration_categories(dataset, config.item_attribute)`` and is
    left out without categories.
    """
    c = config or AuditConfig()
    _, categories = calibration_categories(dataset, c.item_attribute)
    lists.ranked(c.k)  # checks k against the candidates
    return tradeoff_curve(lists.candidates, lists.scores, lists.relevant, lists.hist, categories=categories,
                          popularity=lists.popularity, lambdas=c.lambdas, k=c.k, alpha=c.alpha,
                          preference=c.preference)


def rerank_lists(dataset: Dataset, lists: AuditLists, reranker: str, lam: float,
                 config: AuditConfig | None = None) -> np.ndarray:
    """``[U, k]`` the audited users' lists re-ranked by ``reranker`` at weight ``lam`` (one point of
    ``audit_tradeoff``), e.g. to draw their exposure Lorenz curve."""
    c = config or AuditConfig()
    _, categories = calibration_categories(dataset, c.item_attribute)
    lists.ranked(c.k)
    return apply_reranker(reranker, lists.candidates, lists.scores, lists.hist, lam=lam, k=c.k, categories=categories,
                          popularity=lists.popularity, alpha=c.alpha, preference=c.preference)


def _lift_metric(rec_pop: np.ndarray, hist_pop: np.ndarray):
    def lift(rows):  # Abdollahpouri's group popularity lift: (GAP_r - GAP_p) / GAP_p
        r, h = rec_pop[rows], hist_pop[rows]
        ok = ~np.isnan(r) & ~np.isnan(h)
        return float((r[ok].mean() - h[ok].mean()) / h[ok].mean()) if ok.any() and h[ok].mean() > 0 else np.nan

    return lift


def _user_side(lists: AuditLists, groups: pd.Series, categories: np.ndarray | None,
               c: AuditConfig) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``(user_groups, user_gaps, per-user values)``."""
    k = c.k
    ranked, n_items = lists.ranked(k), lists.n_items
    values = per_user_metrics(ranked, lists.relevant, k=k)
    values["calibration_kl"] = (calibration_kl(ranked, lists.hist, categories, k=k, alpha=c.alpha)
                                if categories is not None else np.nan)
    rec_pop = list_popularity(ranked, lists.popularity, k=k)
    hist_pop = history_popularity(lists.hist, lists.popularity)
    row_metrics = {f"coverage@{k}": coverage_metric(ranked, n_items, k=k), "popularity_lift": _lift_metric(rec_pop, hist_pop)}
    mf = group_metric_frame(values, groups, row_metrics=row_metrics)
    samples = (bootstrap_groups(values, groups, row_metrics=row_metrics, n_boot=c.n_boot, seed=c.seed)
               if c.n_boot else None)
    table = group_table(mf, groups, samples, ci=c.ci, min_group_size=c.min_group_size)
    gaps = gap_table(mf, values, groups, samples, k=k, ci=c.ci)
    return table, gaps, values.assign(list_popularity=rec_pop, history_popularity=hist_pop)


def _item_side(dataset: Dataset, lists: AuditLists, item_attribute: str, *, k: int) -> tuple[pd.DataFrame, dict, dict]:
    """``(item_groups, exposure, popularity)``."""
    ranked, pop, n_items = lists.ranked(k), lists.popularity, dataset.n_items
    head = short_head(pop)
    attrs = [item_attribute] + ([POPULARITY] if item_attribute != POPULARITY else [])
    table = pd.concat([group_exposure(ranked, item_groups(dataset, a, popularity=pop), pop, k=k) for a in attrs],
                      ignore_index=True)
    exposure = {
        "k": k, "n_items": n_items, "gini": exposure_gini(ranked, n_items, k=k),
        "gini_position_weighted": exposure_gini(ranked, n_items, k=k, weighting="position"),
        "coverage": M.coverage(ranked, n_items, k=k), "items_recommended": int(np.unique(ranked[ranked >= 0]).size),
    }
    popularity = {
        "arp": arp(ranked, pop, k=k), "aplt": aplt(ranked, ~head, k=k),
        "pop_reo": pop_reo(ranked, lists.relevant, head, k=k), "pop_rsp": pop_rsp(ranked, head, lists.hist, k=k),
        "popularity_lift": popularity_lift(ranked, lists.hist, pop, k=k),
        "history_arp": float(np.nanmean(history_popularity(lists.hist, pop))),
        "short_head_items": int(head.sum()), "long_tail_items": int((~head).sum()),
    }
    return table, exposure, popularity


def _calibration_summary(kl: np.ndarray, attribute: str | None, alpha: float) -> dict:
    known = np.isfinite(kl)
    return {"kl_mean": float(np.mean(kl[known])) if known.any() else None,
            "kl_median": float(np.median(kl[known])) if known.any() else None,
            "users": int(known.sum()), "attribute": attribute, "alpha": alpha}


def _groups(dataset: Dataset, attribute: str, audited: np.ndarray, history: pd.DataFrame, c: AuditConfig,
            users: UserTable | None) -> tuple[AuditConfig, pd.Series]:
    """``(config with its item attribute resolved, [U] group of each audited user)``: every check
    that can fail, before anything is scored."""
    c = replace(c, item_attribute=_check_item_attribute(dataset, c.item_attribute))
    return c, audit_groups(dataset, attribute, audited, history, n_bins=c.n_bins, table=users)


def _settings(dataset: Dataset, lists: AuditLists, attribute: str, c: AuditConfig) -> dict:
    return {
        "attribute": attribute, "item_attribute": c.item_attribute, "k": c.k, "n_candidates": lists.candidates.shape[1],
        "n_boot": c.n_boot, "ci": c.ci, "seed": c.seed, "n_bins": c.n_bins, "min_group_size": c.min_group_size,
        "users": len(lists.users), "items": dataset.n_items, "protocol": audit_protocol(lists.split), "preference": c.preference,
    }


def _audit(dataset: Dataset, lists: AuditLists, attribute: str, groups: pd.Series, c: AuditConfig,
           say: Callable[[str], None]) -> AuditResult:
    calib_attr, categories = calibration_categories(dataset, c.item_attribute)
    say("user groups")
    user_table, gaps, values = _user_side(lists, groups, categories, c)
    say("item groups")
    item_table, exposure, popularity = _item_side(dataset, lists, c.item_attribute, k=c.k)
    say("re-ranking trade-off")
    tradeoff = audit_tradeoff(dataset, lists, c)
    per_user = pd.concat([pd.DataFrame({"user": groups.index.to_numpy(), "group": groups.to_numpy(),
                                        "test_item": dataset.item_encoder.inverse_transform(lists.relevant)}),
                          values.reset_index(drop=True)], axis=1)
    calibration = _calibration_summary(values["calibration_kl"].to_numpy(float), calib_attr, c.alpha)
    return AuditResult(user_groups=user_table, user_gaps=gaps, item_groups=item_table, exposure=exposure,
                       popularity=popularity, calibration=calibration, tradeoff=tradeoff, per_user=per_user,
                       settings=_settings(dataset, lists, attribute, c))


def audit_from_lists(dataset: Dataset, lists: AuditLists, attribute: str, config: AuditConfig | None = None, *,
                     users: UserTable | None = None, progress: Callable[[str], None] | None = None) -> AuditResult:
    """The audit of given lists (``audit_lists``): audit another attribute without scoring again.

    Args:
        dataset: The loaded dataset.
        lists: The audited users' lists (``config.n_candidates`` is not used: they hold theirs).
        attribute: User attribute to group by (a users-file column, ``"activity"`` or
            ``"mainstreamness"``).
        config: The knobs (default ``AuditConfig()``); ``lambdas=()`` skips the re-ranking sweep
            (``audit_tradeoff`` makes it separately).
        users: User attributes to use instead of ``dataset.users`` (a separately loaded file).
        progress: Called with a short stage description.

    Returns:
        An ``AuditResult`` (tables as DataFrames; ``to_json`` / ``to_csv``).

    Raises:
        DataError: unknown attribute or item attribute, or every audited user in one group.
    """
    c, groups = _groups(dataset, attribute, lists.users, lists.history, config or AuditConfig(), users)
    return _audit(dataset, lists, attribute, groups, c, progress or (lambda stage: None))


def audit_scorer(dataset: Dataset, scorer, attribute: str, config: AuditConfig | None = None, *,
                 split: Split | None = None, users: UserTable | None = None,
                 progress: Callable[[str], None] | None = None) -> AuditResult:
    """Audit any scorer (the Transformer via ``SequenceScorer``, or a baseline): ``audit_lists``
    then ``audit_from_lists``, the attributes checked before anything is scored.

    Args:
        scorer: ``scores(user_idx, history) -> [U, N]``.
        split: The split the scorer was trained on (default: as ``audit_lists``).
        dataset, attribute, config, users, progress: As ``audit_from_lists``.

    Raises:
        DataError: unknown attribute, every audited user in one group, or no user with a test item.
    """
    say = progress or (lambda stage: None)
    split = split or make_split(dataset.interactions, "auto", 0, dataset.time_order)
    audited, history = test_users(split)[0], pd.concat([split.train, split.valid])
    c, groups = _groups(dataset, attribute, audited, history, config or AuditConfig(), users)
    say("scoring candidates")
    lists = audit_lists(dataset, scorer, split=split, n_candidates=max(c.n_candidates, c.k))
    return _audit(dataset, lists, attribute, groups, c, say)


def audit(run, attribute: str, config: AuditConfig | None = None, *, users: UserTable | None = None,
          progress: Callable[[str], None] | None = None) -> AuditResult:
    """Audit a trained run (``recsys.train.load_run``) for one user attribute.

    Recommendations come from the run's Transformer, scored from each test user's training +
    validation history (the run's split is made again from its record, ``Run.split``).

    Args:
        run: A ``recsys.train.Run``.
        attribute, config, users, progress: As ``audit_from_lists``.
    """
    from recsys.evaluate.protocol import SequenceScorer

    scorer = SequenceScorer(run.recommender())
    return audit_scorer(run.dataset, scorer, attribute, config, split=run.split(), users=users, progress=progress)
