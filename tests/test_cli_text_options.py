"""The text-vector options of ``python -m recsys train`` and ``evaluate`` reach the ModelConfig."""

import pytest

from recsys.cli import build_parser
from recsys.cli.train import configs


@pytest.mark.parametrize("command", ["train", "evaluate"])
def test_text_options_reach_the_model_config(command):
    args = build_parser().parse_args(
        [
            command,
            "--interactions",
            "x.csv",
            "--text-whitening",
            "pca",
            "--text-whiten-dim",
            "128",
            "--text-adaptor",
            "moe",
        ]
    )
    cfg, _ = configs(args)
    assert (cfg.text_whitening, cfg.text_whiten_dim, cfg.text_adaptor) == ("pca", 128, "moe")
    default, _ = configs(build_parser().parse_args([command, "--interactions", "x.csv"]))
    assert (default.text_whitening, default.text_whiten_dim, default.text_adaptor) == ("none", None, "dense")


def test_a_bad_width_is_refused_with_what_to_give(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["train", "--interactions", "x.csv", "--text-whiten-dim", "-3"])
    assert "1 or more (e.g. 128)" in capsys.readouterr().err
