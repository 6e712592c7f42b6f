"""TrainConfig: how the recommender is trained."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from recsys.data.split import SPLITS

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
            weights are restored). Validation NDCG@10 wanders between epochs and can stay below its
            best for several epochs before rising again, so this is generous.
        seed: Seeds Python, NumPy and TensorFlow, so the same data and config give the same model,
            on an idle or a busy machine.
        max_eval_users: Validation users scored after each epoch (``None`` = all).
        time_budget_s: A safety cap, not a schedule: early stopping decides when training ends,
            and training stops anyway before an epoch that would end past this many seconds of
            training (counted from the end of the first step, so building the model, tracing its
            graph, the text vectors and the baselines never count). A run it cuts records
            ``stop_reason = "time limit"``, and the app and ``run.json`` say so. ``None``: no cap.
            Ignored under multi-worker training (workers must stop at the same epoch).
        head_samples: With the full softmax, the output head (target attention and the MLP, the
            costliest part of a step: ``[batch, heads, items, K]``) scores the batch's targets plus
            this many random catalogue items per step instead of the whole catalogue (sampled
            softmax with the logQ correction, ``recsys.train.sampling``); the dot-product scores at
            every position keep the full softmax. ``None`` (or a catalogue smaller than batch +
            samples): the whole catalogue. README, "Accuracy", compares sample counts.
        sequence_samples: Catalogues of more than ``4 * sequence_samples`` items train the
            per-position softmax (the dot-product scores at every history position) on the batch's
            targets plus this many random items, with the same logQ correction as the head, instead
            of on the whole catalogue: its cost then stops growing with the catalogue. Smaller
            catalogues, and ``None``, keep the full softmax.
        head_loss_weight: Weight of the output head's loss (``scores``: the full score, target
            attention and MLP included, of one random prefix per window) beside the dot-product
            loss at every position (weight 1). The head sees one example per window per step, the
            dot product up to ``max_len``: weighted equally, the head overfits within a few epochs.
        input_pipeline: ``"memory"`` (windows in NumPy arrays, the default) or ``"parquet"``
            (windows streamed from Parquet shards through ``tf.data``; softmax loss; always used
            with a ``tf.distribute`` strategy, see ``recsys.train.stream``).
        split: How ``recsys.evaluate.run_experiment`` splits the data (``recsys.data.split.SPLITS``):
            ``"time"`` leave-last-out, ``"random"`` random leave-one-out per user (seeded by ``seed``),
            ``"auto"`` random when the data has no usable time order (``Dataset.time_order``), else
            time. ``fit`` itself trains on the split it is given.
        shuffle_histories: Train a set model: each user's training history in a new random order
            every epoch (``recsys.train.windows.shuffle_sequences``), so the model cannot learn an
            order the data does not have. ``None`` (the default): on when the split is random
            (``fit`` records the value it used).
    """

    epochs: int = 30
    batch_size: int = 128
    learning_rate: float = 3e-3
    loss: str = "softmax"
    num_negatives: int = 2048
    patience: int = 6
    seed: int = 0
    max_eval_users: int | None = 2000
    time_budget_s: float | None = 1800.0
    input_pipeline: str = "memory"
    head_samples: int | None = 64
    head_loss_weight: float = 0.1
    sequence_samples: int | None = 1024
    split: str = "auto"
    shuffle_histories: bool | None = None

    def __post_init__(self):
        if self.loss not in LOSSES:
            raise ValueError(f"loss must be one of {LOSSES}, got {self.loss!r}")
        if self.input_pipeline not in INPUT_PIPELINES:
            raise ValueError(f"input_pipeline must be one of {INPUT_PIPELINES}, got {self.input_pipeline!r}")
        if self.split not in SPLITS:
            raise ValueError(f"split must be one of {SPLITS}, got {self.split!r}")

    def to_dict(self) -> dict:
        return asdict(self)
