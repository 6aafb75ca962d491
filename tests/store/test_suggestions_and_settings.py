"""Members' suggestions and the moderators' queue; per-server settings."""

from __future__ import annotations

import pytest

from bot.errors import ConflictError, InvalidInputError, NotFoundError
from bot.store import MAX_NOTE, Store
from bot.store.models import GuildSettings, SuggestionStatus
from tests.store.conftest import GUILD, MEMBER, MODERATOR, OTHER_GUILD


async def test_a_suggestion_waits_in_the_queue_until_a_moderator_decides(store: Store) -> None:
    first = await store.add_suggestion(GUILD, MEMBER, " Calculus\nby Spivak ", " https://example.org/spivak ", "proofs")
    assert (first.title, first.url, first.note, first.status) == (
        "Calculus by Spivak", "https://example.org/spivak", "proofs", SuggestionStatus.PENDING,
    )  # fmt: skip
    second = await store.add_suggestion(GUILD, MEMBER + 1, "Murphy", "http://probml.github.io/")
    await store.add_suggestion(OTHER_GUILD, MEMBER, "Elsewhere", "https://example.org/elsewhere")
    assert [s.id for s in await store.suggestions(GUILD)] == [first.id, second.id]

    decided = await store.decide_suggestion(GUILD, MODERATOR, first.id, approve=True)
    assert (decided.status, decided.decided_by) == (SuggestionStatus.APPROVED, MODERATOR)
    assert decided.decided_at is not None
    assert [s.id for s in await store.suggestions(GUILD)] == [second.id]
    assert [s.status for s in await store.suggestions(GUILD, pending_only=False)] == [
        SuggestionStatus.APPROVED, SuggestionStatus.PENDING,
    ]  # fmt: skip
    with pytest.raises(ConflictError, match="already approved"):
        await store.decide_suggestion(GUILD, MODERATOR, first.id, approve=False)
    with pytest.raises(NotFoundError, match="no suggestion #"):
        await store.decide_suggestion(OTHER_GUILD, MODERATOR, second.id, approve=True)
    with pytest.raises(NotFoundError):
        await store.decide_suggestion(GUILD, MODERATOR, 9999, approve=True)


@pytest.mark.parametrize(
    ("title", "url", "note", "message"),
    [
        ("A title", "javascript:alert(1)", None, "web address"),
        ("A title", "data:text/html,hi", None, "web address"),
        ("A title", "ftp://example.org/book.pdf", None, "web address"),
        ("A title", "https://example.org/\x00evil", None, "web address"),
        ("A title", "https://example.org/" + "a" * 600, None, "at most 500"),
        ("   ", "https://example.org/", None, "cannot be empty"),
        ("x" * 201, "https://example.org/", None, "keep it to 200"),
        ("A title", "https://example.org/", "n" * (MAX_NOTE + 1), "keep it to"),
    ],
)
async def test_a_bad_suggestion_is_refused(store: Store, title: str, url: str, note: str | None, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        await store.add_suggestion(GUILD, MEMBER, title, url, note)
    assert await store.suggestions(GUILD, pending_only=False) == []


async def test_settings_have_defaults_and_changes_are_kept(store: Store) -> None:
    assert await store.guild_settings(GUILD) == GuildSettings(guild_id=GUILD)
    changed = await store.update_guild_settings(GUILD, MODERATOR, moderator_role_id=11, announce_channel_id=22)
    assert changed == GuildSettings(GUILD, moderator_role_id=11, announce_channel_id=22)
    assert await store.guild_settings(GUILD) == changed
    cleared = await store.update_guild_settings(GUILD, MODERATOR, announce_channel_id=None)
    assert cleared == GuildSettings(GUILD, moderator_role_id=11)
    assert await store.guild_settings(OTHER_GUILD) == GuildSettings(OTHER_GUILD)
    # A change to the same value is no change, and is not audited.
    await store.update_guild_settings(GUILD, MODERATOR, moderator_role_id=11)
    assert [e.after for e in await store.audit_log(GUILD)] == [
        {"announce_channel_id": None}, {"moderator_role_id": 11, "announce_channel_id": 22},
    ]  # fmt: skip


@pytest.mark.parametrize(
    "changes",
    [{"colour": 3}, {"moderator_role_id": -5}, {"moderator_role_id": True}, {"announce_channel_id": "general"}],
)
async def test_bad_settings_are_refused(store: Store, changes: dict) -> None:
    with pytest.raises(InvalidInputError):
        await store.update_guild_settings(GUILD, MODERATOR, **changes)
    assert await store.guild_settings(GUILD) == GuildSettings(GUILD)
