"""Every helper of bot.ui.limits keeps any text within Discord's limits, whatever it is given."""

from __future__ import annotations

import discord
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.ui import limits

text = st.text(max_size=9000)


@given(text, st.integers(min_value=0, max_value=5000))
def test_cut_never_exceeds_the_limit(value: str, limit: int) -> None:
    result = limits.cut(value, limit)
    assert len(result) <= limit
    if len(value) <= limit:
        assert result == value


def test_cut_ends_at_a_word_boundary_with_an_ellipsis() -> None:
    sentence = "Linear algebra done right, for people who write software every day"
    result = limits.cut(sentence, 30)
    assert result == "Linear algebra done right,…"
    assert len(result) <= 30


def test_cut_a_long_word_is_cut_mid_word_rather_than_emptied() -> None:
    url = "https://example.org/" + "x" * 300
    result = limits.cut(url, 100)
    assert len(result) == 100 and result.endswith("…") and result.startswith("https://example.org/xxx")


def test_choices_keep_at_most_25_with_short_names_and_drop_unsendable_values() -> None:
    pairs = [("n" * 300, f"value-{i}") for i in range(40)] + [("too long", "v" * 101)]
    result = limits.choices(pairs)
    assert len(result) == 25
    assert all(1 <= len(choice.name) <= 100 for choice in result)
    assert all(choice.value != "v" * 101 for choice in result)


def test_custom_id_refuses_to_exceed_100_characters() -> None:
    assert (
        limits.custom_id("pillars", "start", "linear-algebra-done-right") == "pillars:start:linear-algebra-done-right"
    )
    with pytest.raises(ValueError):
        limits.custom_id("pillars", "x" * 100)


@settings(max_examples=60, deadline=None)
@given(
    title=text,
    description=text,
    footer=text,
    author=text,
    fields=st.lists(st.tuples(text, text), max_size=40),
)
def test_fit_embed_keeps_every_part_and_the_total_within_limits(
    title: str, description: str, footer: str, author: str, fields: list[tuple[str, str]]
) -> None:
    embed = discord.Embed(title=title or None, description=description or None)
    embed.set_footer(text=footer or None)
    if author:
        embed.set_author(name=author)
    for name, value in fields:
        embed.add_field(name=name, value=value)
    limits.fit_embed(embed)
    assert len(embed) <= limits.EMBED_TOTAL
    assert len(embed.title or "") <= limits.EMBED_TITLE
    assert len(embed.description or "") <= limits.EMBED_DESCRIPTION
    assert len(embed.footer.text or "") <= limits.EMBED_FOOTER
    assert len(embed.author.name or "") <= limits.EMBED_AUTHOR
    assert len(embed.fields) <= limits.EMBED_FIELDS
    for field in embed.fields:
        assert 1 <= len(field.name or "") <= limits.EMBED_FIELD_NAME
        assert 1 <= len(field.value or "") <= limits.EMBED_FIELD_VALUE


def test_fit_embed_says_how_many_fields_it_dropped() -> None:
    embed = discord.Embed(title="Picks")
    for index in range(30):
        embed.add_field(name=f"Pick {index}", value="x" * 1000)
    limits.fit_embed(embed)
    assert len(embed) <= limits.EMBED_TOTAL
    dropped = 30 - len(embed.fields)
    assert embed.footer.text == f"{dropped} more not shown"


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(text, text), min_size=1, max_size=12))
def test_fit_embeds_share_the_6000_character_total(parts: list[tuple[str, str]]) -> None:
    embeds = [discord.Embed(title=title or None, description=description or None) for title, description in parts]
    fitted = limits.fit_embeds(embeds)
    assert len(fitted) <= limits.EMBEDS_PER_MESSAGE
    assert sum(len(embed) for embed in fitted) <= limits.EMBED_TOTAL
