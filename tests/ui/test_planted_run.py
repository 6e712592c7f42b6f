"""A planted run folder in the workspace: the app refuses it with a plain message and runs nothing."""

from __future__ import annotations

import numpy as np
from streamlit.testing.v1 import AppTest

from recsys.train import save_run
from recsys.ui.session import state
from recsys.ui.session.runs import data_key, workspace
from tests.ui.helpers import APP


class Payload:
    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return open, (self.marker, "w")


def test_a_planted_pickle_in_a_listed_run_is_refused_on_every_page(dataset, trained, tmp_path):
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    key = data_key(at.session_state[state.LOADED])  # the demo data's: the run is listed for this session
    run = save_run(trained, dataset, workspace() / "planted", data_key=key)
    marker = tmp_path / "pwned"
    payload = np.empty(1, dtype=object)
    payload[0] = Payload(marker)
    np.savez(run / "tables.npz", allow_pickle=True, user_ids=payload, user_tokens=payload)
    for page in ("recommend", "explain", "model", "fairness"):
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, [e.value for e in at.exception]
        assert any("could run code" in e.value for e in at.error), page
    assert not marker.exists()
