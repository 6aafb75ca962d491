"""Text shown as typed, counts read as a person writes them."""

import re

from hypothesis import given
from hypothesis import strategies as st

from bot.ui.text import code, counted, literal, masked_link, no_masked_links


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


# Discord's escape rule: a backslash before any ASCII punctuation shows that character plainly.
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def shown(markdown: str) -> str:
    """The text a reader sees once Discord has taken the escapes out (no other markdown left to render)."""
    return _ESCAPE.sub(r"\1", markdown)


def test_literal_escapes_every_mark_discord_renders_and_the_reader_sees_the_text_as_typed() -> None:
    typed = "[Free Nitro](https://evil.example/x) **bold** _it_ ~~s~~ ||spoiler|| `code` <@123> @everyone a\\b"
    escaped = literal(typed)

    assert escaped.startswith("\\[Free Nitro\\](https://evil.example/x)")  # the link is bare: still clickable
    for mark in ("\\*\\*bold\\*\\*", "\\_it\\_", "\\~\\~s\\~\\~", "\\|\\|spoiler\\|\\|", "\\`code\\`", "\\<\\@123\\>"):
        assert mark in escaped
    assert shown(escaped) == typed


def test_literal_escapes_the_marks_of_a_line_start_only_there() -> None:
    typed = "# Heading\n-# small\n- item\n+ item\n  12. item\nA-B 3. ok"
    escaped = literal(typed)
    assert escaped == "\\# Heading\n\\-# small\n\\- item\n\\+ item\n  12\\. item\nA-B 3. ok"
    assert shown(escaped) == typed


@given(st.text(max_size=200))
def test_whatever_is_typed_literal_shows_it_unchanged(typed: str) -> None:
    escaped = literal(typed)
    assert shown(escaped) == typed or "http" in typed  # a bare link keeps its characters and is not unescaped
    assert no_masked_links(escaped) == escaped  # no bracket is left unescaped


def test_core_messages_keep_their_bold_and_code_but_cannot_carry_a_masked_link() -> None:
    message = "There is no resource '[x](https://evil.example)'; did you mean **Linear Algebra Done Right** (`ladr`)?"
    assert no_masked_links(message) == (
        "There is no resource '\\[x\\](https://evil.example)'; did you mean **Linear Algebra Done Right** (`ladr`)?"
    )
    assert code("a`b") == "`aˋb`"
