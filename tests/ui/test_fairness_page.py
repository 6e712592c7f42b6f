"""AppTest over the Fairness page on the tiny demo run (``tests/ui/trained.py``): it runs without
exception, changing the attributes re-draws the audit for them, moving lambda re-ranks, user
mistakes are plain messages, and the report download is spreadsheet-safe."""

from __future__ import annotations

import base64
import io
import json
import zipfile

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from recsys.fairness import AUDIT_PROTOCOL, AuditConfig, AuditResult, FairnessMsg, audit, user_attributes
from recsys.train import list_runs, load_run
from recsys.ui.session import fairness_audit, state
from recsys.ui.session.loading import Source
from recsys.ui.session.runs import NO_RUN
from recsys.ui.views import fairness_view
from tests.ui.helpers import make_interactions_csv, unescape
from tests.ui.test_pages import assert_clean, open_page, table
from tests.ui.trained import Trained, train_on_page


def _figure(at: AppTest, key: str) -> go.Figure:
    chart = next(c for c in at.get("plotly_chart") if key in c.proto.id)
    return go.Figure(_decode(json.loads(chart.proto.spec)))


def _decode(value):
    """Plotly 6+ sends numeric arrays as base64 (``{"dtype", "bdata"}``): back to numpy arrays."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
    if isinstance(value, dict):
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def _metrics(at: AppTest) -> dict:
    return {m.label: m for m in at.metric}


@pytest.fixture
def fairness(run_app: AppTest) -> AppTest:
    return open_page(run_app, "fairness")


def test_without_a_run_the_page_points_to_the_train_page(app: AppTest):
    open_page(app, "fairness")
    assert not app.exception
    assert [i.value for i in app.info] == [NO_RUN]


def test_the_page_shows_the_audit_of_the_demo_run(fairness: AppTest, app_run: Trained):
    at = fairness
    assert_clean(at)
    run = load_run(list_runs(app_run.workspace)[0]["path"])
    options = at.selectbox(key=state.FAIR_USER_ATTRIBUTE).options  # labels: derived ones say how they are made
    assert [o.split(" (")[0] for o in options] == user_attributes(run.dataset)
    assert options[3] == "activity (derived: interactions per user, in quartiles)"
    assert at.selectbox(key=state.FAIR_USER_ATTRIBUTE).value == "gender"
    assert at.selectbox(key=state.FAIR_ITEM_ATTRIBUTE).value == "genres"
    # The protocol is stated where the numbers are.
    assert any(AUDIT_PROTOCOL in unescape(c.value) for c in at.caption)
    # Group table = the library's audit of the same run (same bootstrap seed).
    expected = audit(run, "gender", AuditConfig(item_attribute="genres", n_boot=fairness_audit.N_BOOT, lambdas=()))
    shown = table(at, "fairness_group_table")
    assert shown["group"].tolist() == expected.user_groups["group"].tolist() == ["F", "M", "X"]
    assert np.allclose(shown["NDCG@10"], expected.user_groups["ndcg@10"])
    assert np.allclose(shown["95% low"], expected.user_groups["ndcg@10_ci_low"])
    # Bars with intervals, two exposure charts, calibration, trade-off and Lorenz.
    assert len(at.get("plotly_chart")) == 6
    bars = _figure(at, "fairness_groups").data[0]
    assert bars.error_y.visible and len(bars.y) == 3
    assert np.allclose(bars.y, expected.user_groups["ndcg@10"])
    metrics = _metrics(at)
    assert float(metrics["Gini of exposure"].value) == pytest.approx(expected.exposure["gini"], abs=1e-3)
    assert len(at.download_button) == 1


def test_changing_the_attributes_redraws_the_audit(fairness: AppTest):
    at = fairness
    at.selectbox(key=state.FAIR_USER_ATTRIBUTE).set_value("age_group").run()
    assert_clean(at)
    groups = table(at, "fairness_group_table")["group"].tolist()
    assert groups == ["18-24", "25-34", "35-44", "45-54", "55+"]
    assert "NDCG@10 by age_group" in _figure(at, "fairness_groups").layout.title.text
    at.selectbox(key=state.FAIR_USER_ATTRIBUTE).set_value("activity").run()
    assert_clean(at)
    assert all(g.startswith("Q") for g in table(at, "fairness_group_table")["group"])
    at.radio(key=state.FAIR_METRIC).set_value("calibration_kl").run()
    assert_clean(at)
    assert "miscalibration (KL)" in table(at, "fairness_group_table").columns

    at.selectbox(key=state.FAIR_ITEM_ATTRIBUTE).set_value("popularity").run()
    assert_clean(at)
    exposure = [c for c in at.get("plotly_chart") if "fairness_exposure" in c.proto.id]
    assert len(exposure) == 1  # popularity is the audited attribute itself: one chart, head / mid / tail
    assert list(_figure(at, "fairness_exposure_popularity").data[0].x) == ["head", "mid", "tail"]


def test_moving_lambda_reranks_and_moves_the_marked_point(fairness: AppTest):
    at = fairness
    assert at.slider(key=state.FAIR_LAMBDA).value == 0.0
    assert len(_figure(at, "fairness_lorenz").data) == 2  # equal line + the model
    base_ndcg = _metrics(at)["NDCG@10"].value
    at.radio(key=state.FAIR_RERANKER).set_value("exposure").run()
    at.slider(key=state.FAIR_LAMBDA).set_value(1.0).run()
    assert_clean(at)
    lorenz = _figure(at, "fairness_lorenz").data
    assert len(lorenz) == 3 and "λ = 1" in lorenz[2].name  # the re-ranked lists' curve joins
    tradeoff = _figure(at, "fairness_tradeoff").data
    assert tradeoff[-1].name == "λ = 1"
    metrics = _metrics(at)
    aplt = metrics["Long-tail share (APLT)"]
    assert float(aplt.delta) > 0  # lambda 1 pushes long-tail items into the lists
    assert float(aplt.value) == pytest.approx(tradeoff[-1].x[0], abs=1e-4)
    assert metrics["NDCG@10"].value != base_ndcg or float(metrics["NDCG@10"].delta) <= 0

    at.radio(key=state.FAIR_RERANKER).set_value("calibrated").run()
    at.slider(key=state.FAIR_LAMBDA).set_value(0.6).run()
    assert_clean(at)
    kl = _metrics(at)["Miscalibration (mean KL)"]
    assert float(kl.delta) < 0  # calibrated re-ranking lowers the mean KL


@pytest.mark.slow
def test_no_users_file_and_an_attribute_with_one_group_are_plain_messages(app: AppTest):
    # The small upload has no users file, and every user has 6 interactions: "activity" puts every
    # audited user in one group, which cannot be compared.
    app.session_state[state.SOURCES] = {"interactions": Source("small.csv", make_interactions_csv())}
    open_page(app, "train")
    train_on_page(app, poll_seconds=0.5)
    at = open_page(app, "fairness")
    assert not at.exception
    assert [o.split(" (")[0] for o in at.selectbox(key=state.FAIR_USER_ATTRIBUTE).options] == ["activity",
                                                                                                "mainstreamness"]
    assert at.selectbox(key=state.FAIR_ITEM_ATTRIBUTE).options == ["popularity (head / mid / tail)"]
    assert fairness_view.NO_USERS_FILE in [i.value for i in at.info]
    errors = [unescape(e.value) for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("Every one of the 12 audited users is in the same group of "
                                                     "'activity'")
    assert errors[0].endswith(FairnessMsg.ONE_GROUP.split("}")[-1])
    assert not at.get("plotly_chart")
    at.selectbox(key=state.FAIR_USER_ATTRIBUTE).set_value("mainstreamness").run()
    assert not at.exception and not at.error
    assert len(table(at, "fairness_group_table")) >= 2
    assert "Calibration needs item categories" in at.info[-1].value  # no items file
    assert set(at.radio(key=state.FAIR_RERANKER).options) == {"Exposure-aware (long tail)"}


def test_the_report_is_spreadsheet_safe():
    # A users file can hold anything: a group called "=HYPERLINK(...)" must reach a spreadsheet as text.
    groups = pd.DataFrame({"group": ["=HYPERLINK(\"x\")", "@SUM(1)", "plain"], "n_users": [40, 35, 50],
                           "ndcg@10": [-0.0, 0.12, 0.2]})
    gaps = pd.DataFrame({"metric": ["ndcg@10"], "measure": ["gap_to_rest"], "group": ["+1"], "value": [-0.05],
                         "ci_low": [-0.09], "ci_high": [-0.01]})
    result = AuditResult(user_groups=groups, user_gaps=gaps, item_groups=pd.DataFrame({"group": ["-tail"]}),
                         exposure={"gini": 0.5}, popularity={"arp": 10.0}, calibration={"kl_mean": None},
                         tradeoff=pd.DataFrame({"lambda": [0.0]}), settings={"attribute": "a/b", "k": 10})
    archive = zipfile.ZipFile(io.BytesIO(fairness_audit.report_zip(result)))
    assert set(archive.namelist()) == {"user_groups.csv", "user_gaps.csv", "item_groups.csv", "tradeoff.csv",
                                       "per_user.csv", "summary.csv", "audit.json", "settings.json"}
    table_ = pd.read_csv(archive.open("user_groups.csv"), dtype=str)
    assert table_["group"].tolist() == ["'=HYPERLINK(\"x\")", "'@SUM(1)", "plain"]
    assert pd.read_csv(archive.open("user_gaps.csv"), dtype=str)["group"].tolist() == ["'+1"]
    assert pd.read_csv(archive.open("user_gaps.csv"))["value"].tolist() == [-0.05]  # numbers stay numbers
    assert pd.read_csv(archive.open("item_groups.csv"), dtype=str)["group"].tolist() == ["'-tail"]
    assert json.loads(archive.read("audit.json"))["user_groups"][0]["group"] == "=HYPERLINK(\"x\")"
