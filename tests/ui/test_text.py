"""Counts read as a person writes them."""

from bot.ui.text import counted


def test_counts_take_the_noun_in_the_right_number() -> None:
    assert counted(1, "day") == "1 day"
    assert counted(0, "update") == "0 updates"
    assert counted(3, "day") == "3 days"
    assert counted(2, "entry", "entries") == "2 entries"
