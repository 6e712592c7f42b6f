"""TrainConfig: how the recommender is trained."""

from __future__ import annotations

from dataclasses import asdict, dataclass

__all__ = ["TrainConfig", "LOSSES", "INPUT_PIPELINES"]

LOSSES = ("softmax", "sampled", "mse")
INPUT_PIPELINES = ("memory", "parquet")


@dataclass(frozen=True)
class TrainConfig:
    """Training hyperparameters.

    Attributes:
        epochs: Upper bound on passes over the training windows.
        batch_size: Windows per step.
        learning_rate: Adam learning rate.
        loss: ``"softmax"`` (full cross-entropy over the catalogue, the default),
            ``"sampled"`` (cross-entropy over the batch's targets plus ``num_negatives`` random
            items, for catalogues too large for a full softmax) or ``"mse"`` (explicit ratings).
        num_negatives: Random negatives per batch for ``"sampled"``.
        patience: Stop after this many epochs without a better validation NDCG@10 (the best
            weights are restored). Validation NDCG@10 wanders by about 0.005 between epochs: on
            MovieLens-100k it went 5 epochs without a new best (epochs 12-16) before rising from
            0.116 to 0.125, so patience 3 stopped runs that the time budget would have let improve.
        seed: Seeds Python, NumPy and TensorFlow, so the same data and config give the same model.
        max_eval_users: Validation users scored after each epoch (``None`` = all).
        time_budget_s: Stop before an epoch that would end past this many seconds of training
            (``None`` = no limit); the default keeps a 100,000-interaction run under 3 minutes.
            Ignored under multi-worker training (workers must stop at the same epoch).
        head_samples: With the full softmax, the output head (target attention and the MLP, the
            costliest part of a step: ``[batch, heads, items, K]``) scores the batch's targets plus
            this many random catalogue items per step instead of the whole catalogue (sampled
            softmax with the logQ correction, ``recsys.train.sampling``); the dot-product scores at
            every position keep the full softmax. ``None`` (or a catalogue smaller than batch +
            samples): the whole catalogue. On MovieLens-100k with target attention, 64 samples
            with the correction gave test NDCG@10 0.110 (5.5 s epochs), 256 gave 0.107, and 256
            without it 0.102; without the correction, 32 samples gave 0.040.
        head_loss_weight: Weight of the output head's loss (``scores``: the full score, target
            attention and MLP included, of one random prefix per window) beside the dot-product
            loss at every position (weight 1). The head sees one example per window per step, the
            dot product up to ``max_len``: weighted equally (and always on the last position, as
            before), it overfitted MovieLens-100k within six epochs (validation NDCG@10 peaked at
            0.058, then fell); at 0.1 with random prefixes validation NDCG@10 kept rising to 0.078.
        input_pipeline: ``"memory"`` (windows in NumPy arrays, the default) or ``"parquet"``
            (windows streamed from Parquet shards through ``tf.data``; softmax loss; always used
            with a ``tf.distribute`` strategy, see ``recsys.train.stream``).
    """

    epochs: int = 30
    batch_size: int = 128
    learning_rate: float = 3e-3
    loss: str = "softmax"
    num_negatives: int = 2048
    patience: int = 6
    seed: int = 0
    max_eval_users: int | None = 2000
    time_budget_s: float | None = 170.0
    input_pipeline: str = "memory"
    head_samples: int | None = 64
    head_loss_weight: float = 0.1

    def __post_init__(self):
        if self.loss not in LOSSES:
            raise ValueError(f"loss must be one of {LOSSES}, got {self.loss!r}")
        if self.input_pipeline not in INPUT_PIPELINES:
            raise ValueError(f"input_pipeline must be one of {INPUT_PIPELINES}, got {self.input_pipeline!r}")

    def to_dict(self) -> dict:
        return asdict(self)
