"""The Train page offers ``ease_text`` (off by default), and its stage list says why a baseline was skipped."""

from recsys.evaluate.ease_text import NO_TEXT
from recsys.ui.pages import page_path
from recsys.ui.session import state
from recsys.ui.session.loading import Source
from recsys.ui.session.stages import Stages
from tests.ui.helpers import make_interactions_csv


def test_a_skipped_baseline_shows_its_note():
    stages = Stages.plan(("ease", "ease_text"))
    stages.on_event({"stage": "model", "model": "ease_text", "status": "skipped", "seconds": 0.0, "note": NO_TEXT})
    stages.on_event({"stage": "model", "model": "ease", "status": "skipped", "seconds": 0.0})
    rows = {row["stage"]: row["status"] for row in stages.rows()}
    assert rows == {f"EASE + text: {NO_TEXT}": "skipped", "EASE": "skipped"}


def test_the_train_page_offers_ease_text_off_by_default(app):
    app.session_state[state.SOURCES] = {"interactions": Source("small.csv", make_interactions_csv())}
    app.switch_page(page_path("train")).run()
    assert not app.exception
    chosen = app.multiselect(key=state.TRAIN["baselines"])
    assert "EASE + text" in chosen.options and "ease_text" not in chosen.value and "ease" in chosen.value
