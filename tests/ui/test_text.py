"""Counts read as a person writes them."""

from bot.ui.text import counted, masked_link


def test_counts_take_the_noun_in_the_right_number() -> None:
    assert counted(1, "day") == "1 day"
    assert counted(0, "update") == "0 updates"
    assert counted(3, "day") == "3 days"
    assert counted(2, "entry", "entries") == "2 entries"


def test_a_masked_link_keeps_its_shape_whatever_the_title_and_url_hold() -> None:
    assert masked_link("Linear Algebra", "https://x.org/a") == "[Linear Algebra](https://x.org/a)"
    assert masked_link("A [draft] ]book", "https://x.org/Foo_(bar)") == (
        "[A \\[draft\\] \\]book](https://x.org/Foo_%28bar%29)"
    )
