"""User-facing messages of the fairness audit (constants, so tests assert on them and the UI
shows them verbatim)."""

from __future__ import annotations

__all__ = ["FairnessMsg"]


class FairnessMsg:
    """Message templates (``str.format`` placeholders in braces)."""

    UNKNOWN_USER_ATTRIBUTE = (
        "The user attribute '{attribute}' is not available. Choose one of: {choices}. Upload a users "
        "file (--users users.csv) to audit other attributes."
    )
    UNKNOWN_ITEM_ATTRIBUTE = (
        "The item attribute '{attribute}' is not available. Choose one of: {choices}. Upload an items "
        "file to audit item categories or providers."
    )
    NO_TEST_USERS = (
        "No user has a test interaction, so there is nothing to audit. Leave-last-out needs users with "
        "3 or more interactions."
    )
    BAD_LAMBDA = "Re-ranking weight lambda must be between 0 and 1; got {value}."
    BAD_K = "The cut-off k must be a positive integer no larger than the {n} candidates; got {k}."
    UNKNOWN_RERANKER = "Unknown re-ranker '{name}'. Choose from: {choices}."
    ONE_GROUP = (
        "Every one of the {n} audited users is in the same group of '{attribute}' ('{group}'), so there is "
        "nothing to compare. Choose another attribute, or a users file where it takes two or more values."
    )
