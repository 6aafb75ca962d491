"""Bad ratings, reviews and reasons through the real handlers: a clear private answer, and nothing changed.

A rating of 0 or 6, a review of 10,000 characters (Discord does not hold a string option to its declared
length, and a forged form holds nothing), a rating of a resource never finished, a form filled wrongly, a
reason for a resource not dropped: each is refused privately, in words, and every table is as before.
Then the same commands fuzzed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.interactions.errors import APOLOGY
from bot.sandbox import Sandbox
from bot.sandbox.harness import Modal, Reply, TextInput
from tests.database import dump_database
from tests.factories import ESSENCE, LADR
from tests.reliability.conftest import MakePillars
from tests.reliability.inputs import fuzz_settings, number, text
from tests.reliability.support import database_path, emulator_problems, reply_problems

NEVER_FINISHED = ESSENCE


@pytest.fixture
async def readers(make_pillars: MakePillars) -> AsyncIterator[Sandbox]:
    """The production bot, no cooldown in the way; alice finished LADR and rated it, bob dropped it."""
    async with make_pillars(write_cooldown_rate=100_000) as sandbox:
        await sandbox.command("alice", "progress log", resource=LADR, status="finished")
        rated = await sandbox.command("alice", "progress rate", resource=LADR, rating=4, review="Good.")
        assert "4/5" in rated.content
        await sandbox.command("bob", "progress log", resource=LADR, status="dropped", position=50)
        yield sandbox


async def refused(sandbox: Sandbox, reply_of: Any, words: str, typed: list[str]) -> Reply:
    """Run an action that must be refused: a private answer saying `words`, no bug, every table unchanged."""
    before = dump_database(database_path(sandbox))
    reply = await reply_of()
    if reply.kind == "update" and reply.deferred and reply.followups:  # a press acknowledged first: told below
        [reply] = reply.followups
    assert reply.ephemeral and words in reply.content, reply.content
    assert APOLOGY not in reply.content and sandbox.logged_errors == []
    assert reply_problems(reply, typed) == [] and emulator_problems(sandbox) == []
    assert dump_database(database_path(sandbox)) == before
    return reply


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"resource": LADR, "rating": 0}, "from 1 to 5"),
        ({"resource": LADR, "rating": 6}, "from 1 to 5"),
        ({"resource": LADR, "rating": -(2**31)}, "from 1 to 5"),
        ({"resource": LADR, "rating": 5, "review": "r" * 10_000}, "10,000 characters long; keep it to 500"),
        ({"resource": NEVER_FINISHED, "rating": 5}, "once you have finished it"),
        ({"resource": "no-such-resource", "rating": 5}, "no-such-resource"),
    ],
)
async def test_a_bad_rating_is_refused_privately_and_changes_nothing(
    readers: Sandbox, options: dict[str, Any], words: str
) -> None:
    typed = [v for v in options.values() if isinstance(v, str)]
    await refused(readers, lambda: readers.command("alice", "progress rate", **options), words, typed)


def forged_review(sandbox: Sandbox, user: str, values: dict[str, str]) -> Any:
    """The review form submitted as a client could forge it: the bot's own form with none of Discord's limits."""
    inputs = tuple(TextInput(custom_id=key, label=key, required=False) for key in values)
    rows = [{"type": 1, "components": [{"type": 4, "custom_id": key}]} for key in values]
    form = Modal(custom_id=f"pillars:reviewed:{LADR}", title="Review", inputs=inputs, raw={"components": rows})
    return sandbox.submit_modal(user, Reply(kind="modal", modal=form), values)


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({"rating": "0", "review": "", "named": "no"}, "from 1 to 5"),
        ({"rating": "9", "review": "", "named": "no"}, "from 1 to 5"),
        ({"rating": "five", "review": "", "named": "no"}, "from 1 to 5"),
        ({"rating": "", "review": "Fine.", "named": "no"}, "from 1 to 5"),
        ({"rating": "4", "review": "Fine.", "named": "maybe"}, "yes or no"),
        ({"rating": "4", "review": "w" * 10_000, "named": "no"}, "10,000 characters long"),
    ],
)
async def test_a_review_form_filled_wrongly_is_refused_and_changes_nothing(
    readers: Sandbox, values: dict[str, str], words: str
) -> None:
    await refused(readers, lambda: forged_review(readers, "alice", values), words, list(values.values()))


async def test_a_review_form_for_a_resource_never_finished_is_refused(readers: Sandbox) -> None:
    await refused(
        readers,
        lambda: forged_review(readers, "carol", {"rating": "5", "review": "Sure.", "named": "no"}),
        "finished",
        [],
    )


async def test_a_reason_is_refused_for_what_is_not_dropped_or_too_long(readers: Sandbox) -> None:
    await refused(
        readers,
        lambda: readers.command("alice", "progress log", resource=LADR, status="reading", reason="too hard"),
        "with status dropped",
        ["too hard"],
    )
    await refused(
        readers,
        lambda: readers.command("bob", "progress log", resource=LADR, status="dropped", reason="z" * 10_000),
        "keep it to 200",
        [],
    )
    dropped = await readers.command("carol", "progress log", resource=LADR, status="dropped", position=10)
    await readers.command("carol", "progress log", resource=LADR, status="reading", position=20)
    await refused(readers, lambda: readers.click("carol", dropped, "Too slow"), "not on your dropped shelf", [])


@given(
    rating=number, review=st.none() | text, named=st.none() | st.booleans(), user=st.sampled_from(["alice", "carol"])
)
@fuzz_settings(25)
async def test_progress_rate(readers: Sandbox, rating: int, review: str | None, named: bool | None, user: str) -> None:
    options = {"resource": LADR, "rating": rating, "review": review, "named": named}
    given_options = {k: v for k, v in options.items() if v is not None}
    before = dump_database(database_path(readers))
    reply = await readers.command(user, "progress rate", **given_options)
    assert reply_problems(reply, [v for v in given_options.values() if isinstance(v, str)]) == []
    assert readers.logged_errors == [] and emulator_problems(readers) == []
    accepted = "You rated" in reply.content
    if accepted:
        assert user == "alice" and 1 <= rating <= 5 and (review is None or len(review) <= 500)
    else:
        assert reply.ephemeral and reply.content.strip()
        assert dump_database(database_path(readers)) == before


@given(reason=text, figures=st.sampled_from([None, "count me in", "leave me out"]))
@fuzz_settings(20)
async def test_drop_reasons_and_privacy(readers: Sandbox, reason: str, figures: str | None) -> None:
    before = dump_database(database_path(readers))
    reply = await readers.command("bob", "progress log", resource=LADR, status="dropped", reason=reason)
    assert reply_problems(reply, [reason]) == [] and readers.logged_errors == []
    if not reply.content.startswith("Logged."):
        assert reply.ephemeral and dump_database(database_path(readers)) == before
    else:
        assert reply.buttons == []  # a reason given: nothing more to ask
    privacy = await readers.command("bob", "progress privacy", **({"figures": figures} if figures else {}))
    assert privacy.ephemeral and reply_problems(privacy) == []
