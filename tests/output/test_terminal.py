"""Terminal output: control characters in file content are shown, never obeyed."""

from recsys.output.terminal import echo, printable


def test_escape_sequences_are_shown_visibly():
    hostile = "u3,i1,\x1b]0;PWNED\x07\x1b[2J\x9b31m"
    assert printable(hostile) == "u3,i1,\\x1b]0;PWNED\\x07\\x1b[2J\\x9b31m"


def test_line_breaks_dels_and_bidi_controls_inside_a_value_are_escaped():
    assert printable("a\nb\rc\x7fd\u202eevil") == "a\\x0ab\\x0dc\\x7fd\\u202eevil"


def test_plain_text_tabs_and_non_ascii_are_kept():
    assert printable("Amélie\t(2001) 東京 ＝") == "Amélie\t(2001) 東京 ＝"


def test_echo_keeps_its_own_line_breaks(capsys):
    echo("first \x1b[2J\nsecond")
    assert capsys.readouterr().out == "first \\x1b[2J\nsecond\n"
