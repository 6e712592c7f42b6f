"""The Train page's settings form: model size, training, text and graph inputs, baselines and the
time limit, one row part each; submitting starts a ``TrainJob``."""

from __future__ import annotations

import streamlit as st

from recsys.data.order import usable_time_order
from recsys.model import ModelConfig
from recsys.train import TrainConfig
from recsys.ui.session import state
from recsys.ui.session.loading import LoadOutcome
from recsys.ui.session.runs import data_key, workspace
from recsys.ui.session.training import (
    BASELINES,
    TrainJob,
    TrainSettings,
    default_settings,
    start_training,
    text_encoder_available,
)
from recsys.ui.views.train_view import MODEL_LABELS, owner_token

__all__ = ["NO_TEXT", "SPLIT_LABELS", "render_form", "split_caption"]

NO_TEXT = (
    "The text encoder is not available in this installation (the `recsys.text` package is missing), so "
    "the model learns from ids, categories and user attributes only."
)
SPLIT_LABELS = {"auto": "auto", "time": "time: last items held out", "random": "random items held out"}
AUTO_RANDOM = (
    "This data has no usable time order ({time_order}), so the auto split holds out a random interaction per user "
    "(test) and another (validation), and the Transformer trains on histories shuffled every epoch."
)
TIME_WITHOUT_TIME = (
    "This data has no usable time order ({time_order}): the time split would test each user's last row in file "
    "order, not the most recent one. Choose auto or random."
)


def split_caption(split: str, time_order: str) -> str | None:
    """What the split setting will do on data whose order is ``time_order`` (``Dataset.time_order``),
    when it is not the usual time split on timed data; ``None`` otherwise."""
    if usable_time_order(time_order) or split == "random":
        return None
    return (AUTO_RANDOM if split == "auto" else TIME_WITHOUT_TIME).format(time_order=time_order)


def _model_size(last: TrainSettings) -> dict:
    """First row: embedding size, attention blocks and heads, history length."""
    c = st.columns(4)
    dim = c[0].selectbox(
        "Embedding size",
        [16, 32, 64, 128],
        index=[16, 32, 64, 128].index(last.dim) if last.dim in (16, 32, 64, 128) else 2,
        key=state.TRAIN["dim"],
        help="Width of every item, position and user vector (model size).",
    )
    blocks = c[1].selectbox(
        "Self-attention blocks", [1, 2, 3, 4], index=min(last.blocks, 4) - 1, key=state.TRAIN["blocks"]
    )
    heads = c[2].selectbox(
        "Attention heads",
        [1, 2, 4],
        index=[1, 2, 4].index(last.heads) if last.heads in (1, 2, 4) else 1,
        key=state.TRAIN["heads"],
    )
    max_len = c[3].number_input(
        "Max history length",
        5,
        200,
        last.max_len,
        step=5,
        key=state.TRAIN["max_len"],
        help="The model reads each user's most recent items, up to this many.",
    )
    return {"dim": int(dim), "blocks": int(blocks), "heads": int(heads), "max_len": int(max_len)}


def _training(c: list, last: TrainSettings) -> dict:
    """Epoch limit and split, and learning rate, in the first two of the second row's columns ``c``."""
    epochs = c[0].number_input(
        "Epochs (at most)",
        1,
        100,
        last.epochs,
        key=state.TRAIN["epochs"],
        help=f"Training stops earlier when validation NDCG@10 has not improved for {TrainConfig.patience} "
        "epochs (the best epoch's weights are kept), so the same settings give the same model on a busy "
        "machine, only later.",
    )
    rate = c[1].number_input(
        "Learning rate",
        1e-4,
        1e-1,
        float(last.learning_rate),
        step=1e-3,
        format="%.4f",
        key=state.TRAIN["learning_rate"],
    )
    split = c[0].selectbox(
        "Split",
        list(SPLIT_LABELS),
        index=list(SPLIT_LABELS).index(last.split) if last.split in SPLIT_LABELS else 0,
        format_func=SPLIT_LABELS.get,
        key=state.TRAIN["split"],
        help="Which interactions are held out. Time: each user's last one is the test item, the one before it "
        "validation. Random: a random one each (seeded), for data without a time order; the Transformer then "
        "trains on shuffled histories. Auto: random when the data has no timestamps and its rows are sorted "
        "(by item id or rating) within each user, else time.",
    )
    return {"epochs": int(epochs), "learning_rate": float(rate), "split": str(split)}


def _text_and_graph(c: list, last: TrainSettings, text_ok: bool) -> dict:
    """The text encoder, graph vectors and target attention toggles, in the second row's last two columns."""
    use_text = c[2].toggle(
        "Text encoder",
        value=last.use_text and text_ok,
        disabled=not text_ok,
        key=state.TRAIN["use_text"],
        help="Embed item titles and descriptions with the pretrained all-MiniLM-L6-v2 model "
        "and feed the vectors to the recommender (cached after the first time).",
    )
    use_graph = c[3].toggle(
        "Graph vectors",
        value=last.use_graph,
        key=state.TRAIN["use_graph"],
        help="Fit LightGCN on the user-item graph of the training split first (about 30 s) and "
        "feed its user and item vectors to the recommender.",
    )
    target_attention = c[3].toggle(
        "Target attention",
        value=last.target_attention,
        key=state.TRAIN["target_attention"],
        help=f"Add attention from each candidate item to its {ModelConfig.target_window} most recent history "
        "items (and its weights to the Explain page). Training takes longer with it; on items with a history it "
        "adds little accuracy.",
    )
    return {"use_text": bool(use_text), "use_graph": bool(use_graph), "target_attention": bool(target_attention)}


def _baselines(column, last: TrainSettings) -> dict:
    """The baselines to fit after the Transformer, in ``BASELINES`` order."""
    chosen = column.multiselect(
        "Baselines",
        list(BASELINES),
        default=[b for b in last.baselines if b in BASELINES],
        format_func=MODEL_LABELS.get,
        key=state.TRAIN["baselines"],
        help="Fitted after the Transformer and evaluated the same way, fastest first; each shows its own "
        "stage while it runs and can be skipped. LightGCN trains until validation stops improving (the "
        "slowest). With Graph vectors on, LightGCN is always fitted first. EASE + text pulls EASE's item-item "
        "weights toward item-item weights from the text vectors, so it also ranks never-clicked items; it needs "
        "Text encoder on.",
    )
    return {"baselines": tuple(b for b in BASELINES if b in chosen)}


def _time_limit(column, last: TrainSettings) -> dict:
    """The cap on the Transformer's training, asked in minutes, kept in seconds."""
    minutes = column.number_input(
        "Time limit (minutes)",
        1,
        600,
        int(round((last.time_limit_s or 0) / 60)) or 30,
        key=state.TRAIN["time_limit"],
        help="A safety cap on the Transformer's training, not a schedule: early stopping decides when it "
        "ends. Preparing the data and model and the baselines do not count. If the cap cuts training short "
        "the page says so.",
    )
    return {"time_limit_s": float(minutes) * 60.0}


def _start(outcome: LoadOutcome, last: TrainSettings, chosen: dict) -> TrainJob:
    """Start training with the form's values; what the form does not ask is kept from ``last``."""
    settings = TrainSettings(**chosen, batch_size=last.batch_size, max_eval_users=last.max_eval_users,
                             lightgcn_epochs=last.lightgcn_epochs)
    job = start_training(outcome.dataset, settings, workspace(), data_key(outcome), owner=owner_token(),
                         text_key=outcome.load_key)
    st.session_state[state.TRAIN_JOB] = job
    return job


def render_form(outcome: LoadOutcome, job: TrainJob | None) -> TrainJob | None:
    """The settings form; returns the new job when the user starts training."""
    last = job.settings if job is not None else default_settings()
    text_ok = text_encoder_available()
    busy = job is not None and job.running
    with st.form("train_form"):
        chosen = _model_size(last)
        c = st.columns(4)
        chosen |= _training(c, last) | _text_and_graph(c, last, text_ok)
        c = st.columns([3, 1, 1])
        chosen |= _baselines(c[0], last) | _time_limit(c[1], last)
        submitted = c[2].form_submit_button(
            "Train",
            type="primary",
            icon=":material/model_training:",
            disabled=busy,
            key=state.TRAIN_SUBMIT,
            width="stretch",
        )
    if not text_ok:
        st.caption(NO_TEXT)
    caption = split_caption(chosen["split"], outcome.dataset.time_order)
    if caption:
        st.caption(caption)
    if not submitted or busy:
        return None
    return _start(outcome, last, chosen)
