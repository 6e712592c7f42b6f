"""ModelConfig: the recommender's size and which inputs it uses."""

from __future__ import annotations

from dataclasses import asdict, dataclass

WHITENINGS = ("none", "pca")
ADAPTORS = ("dense", "whiten", "moe", "residual")

__all__ = ["ADAPTORS", "WHITENINGS", "ModelConfig"]


@dataclass(frozen=True)
class ModelConfig:
    """Hyperparameters of the Transformer recommender.

    Attributes:
        max_len: History length L; longer histories keep the most recent ``max_len`` items.
        dim: Width d of every representation.
        heads: Attention heads in self-attention and target attention.
        blocks: Number of causal self-attention Transformer blocks.
        dropout: Dropout rate (embeddings, attention, feed-forward).
        mlp_units: Hidden units of the output MLP.
        target_attention: Add the candidate-to-history attention term (DIN/BST-style, through the
            output MLP) to the score; its weights show which history items a recommendation
            attends to. It costs training time; README, "Accuracy", compares the model with and
            without it.
        target_window: Target attention reads the candidate's match with this many most recent
            history items (BST and DIN attend over recent behaviour), so its cost, ``[B, heads, C,
            K]``, does not grow with ``max_len`` (``0``: the whole history).
        use_text: Use pretrained item text vectors (when the dataset has them).
        text_whitening: ``"none"`` or ``"pca"``: PCA-whiten the text vectors (fitted on the
            catalogue, a fixed transform saved with the run, layer ``text_whitening``) before the
            adaptor; see ``recsys.text.whitening``.
        text_whiten_dim: With ``"pca"``, keep the top k whitened dimensions (``None``: all).
        text_adaptor: How text vectors become item vectors: ``"dense"`` (``text_projection``),
            ``"whiten"`` (UniSRec parametric whitening, ``text_adaptor``), ``"moe"`` (a gated
            mixture of parametric-whitening experts, ``text_experts`` and ``text_expert_gate``) or
            ``"residual"`` (a trainable per-item ``text_delta`` added before ``text_projection``);
            see ``recsys.model.adaptors``.
        use_graph: Use LightGCN item and user vectors of the training graph (``graph_projection``,
            ``graph_user_projection``; off by default: training first fits LightGCN on the
            training split).
        use_item_features: Use item categories and numeric columns (when present).
        use_user_features: Use user attributes (when present).
    """

    max_len: int = 50
    dim: int = 64
    heads: int = 2
    blocks: int = 2
    dropout: float = 0.2
    mlp_units: int = 32
    target_attention: bool = True
    target_window: int = 50
    use_text: bool = True
    use_graph: bool = False
    use_item_features: bool = True
    use_user_features: bool = True
    text_whitening: str = "none"
    text_whiten_dim: int | None = None
    text_adaptor: str = "dense"

    def __post_init__(self):
        if self.text_whitening not in WHITENINGS:
            raise ValueError(f"text_whitening must be one of {', '.join(WHITENINGS)}, not {self.text_whitening!r}.")
        if self.text_adaptor not in ADAPTORS:
            raise ValueError(f"text_adaptor must be one of {', '.join(ADAPTORS)}, not {self.text_adaptor!r}.")
        if self.text_whiten_dim is not None and self.text_whiten_dim < 1:
            raise ValueError(f"text_whiten_dim must be a positive number of dimensions (or None for all), "
                             f"not {self.text_whiten_dim}.")

    @property
    def target_window_size(self) -> int:
        """K, the history positions target attention reads: ``target_window`` capped at ``max_len``."""
        return min(self.target_window, self.max_len) if self.target_window > 0 else self.max_len

    def to_dict(self) -> dict:
        return asdict(self)
