"""Attention maps for one recommended item, mapped back to the user's history items."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recsys.explain.scoring import ItemScorer
from recsys.model.features import to_model_ids
from recsys.model.stages import attention_model

__all__ = ["AttentionMaps", "attention_maps"]


@dataclass
class AttentionMaps:
    """Attention over the ``n`` real history items (oldest first; padding removed).

    Attributes:
        items: ``[n]`` item indices of the history.
        self_attention: ``{layer name: [heads, n, n]}``, row = query item, column = key item.
        target: ``[heads, n]`` attention from the recommended item to each history item (0 for
            items older than its window, ``ModelConfig.target_window``; empty when the model has
            no target attention).
        target_window: How many of the most recent history positions target attention reads
            (``None`` without it).
    """

    items: np.ndarray
    self_attention: dict
    target: np.ndarray
    target_window: int | None = None

    @property
    def target_mean(self) -> np.ndarray:
        """``[n]`` target attention averaged over heads (zeros without target attention)."""
        return self.target.mean(0) if self.target.size else np.zeros(len(self.items))

    @property
    def history_weights(self) -> np.ndarray:
        """``[n]`` how much the score attends to each history item: target attention (mean over
        heads) when the model has it, else the last block's self-attention from the most recent
        item, the position the user representation is read from (zeros for an empty history)."""
        if self.target.size:
            return self.target_mean
        if not self.self_attention or not len(self.items):
            return np.zeros(len(self.items))
        last_layer = self.self_attention[max(self.self_attention, key=lambda k: int(k.rsplit("_", 1)[-1]))]
        return last_layer[:, -1, :].mean(0)


def attention_maps(scorer: ItemScorer) -> AttentionMaps:
    """Self-attention per layer and head, and target attention from the recommended item."""
    rec = scorer.rec
    call, _ = rec.compiled("attention", attention_model)
    x = rec.model_inputs(scorer.history[None, :], np.array([scorer.user]), to_model_ids([scorer.item])[None, :].astype(np.int32))
    out = {k: v.numpy()[0] for k, v in call(x).items()}
    pos = scorer.positions
    self_att = {k: v[:, pos][:, :, pos] for k, v in sorted(out.items()) if k.startswith("self_attention_")}
    target, window = np.zeros((0, len(pos))), None
    if "target_attention" in out:  # [heads, 1, K] over the K most recent positions L - K .. L - 1
        ta = out["target_attention"][:, 0]
        window = ta.shape[-1]
        start = len(scorer.history) - window
        target = np.zeros((ta.shape[0], len(pos)), ta.dtype)
        inside = pos >= start
        target[:, inside] = ta[:, pos[inside] - start]
    return AttentionMaps(scorer.items.copy(), self_att, target, window)
