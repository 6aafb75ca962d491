"""What members and moderators read says each count once, with the noun in the number it takes.

Through the production bot and the emulator, as the sandbox's members see it.
"""

from __future__ import annotations

from bot.sandbox.harness import Reply
from tests.catalog_files import IMPORT_YAML
from tests.conftest import PillarsSandbox
from tests.factories import ESSENCE, LADR

MOMENTUM = "why-momentum-really-works"  # an interactive article measured in percent


def field(reply: Reply, starting: str) -> tuple[str, str]:
    """The (name, value) of the first embed field whose name starts with `starting`."""
    for embed_field in reply.embeds[0].get("fields") or []:
        if embed_field["name"].startswith(starting):
            return embed_field["name"], embed_field["value"]
    raise AssertionError(f"no field {starting!r} in {reply.text!r}")


async def test_a_kind_reads_in_its_own_plural_when_picks_are_filtered_by_it(pillars: PillarsSandbox) -> None:
    series = await pillars.command("alice", "recommend", topic="calculus", kind="video series")
    interactive = await pillars.command("alice", "recommend", topic="linear algebra", kind="interactive")

    assert series.embeds[0]["description"] == "calculus · video series only"
    assert interactive.embeds[0]["description"] == "linear algebra · interactive only"
    assert "seriess" not in series.text and "interactives" not in interactive.text


async def test_a_page_of_one_pick_says_which_one_not_a_range(pillars: PillarsSandbox) -> None:
    only = await pillars.command("alice", "recommend", topic="calculus", kind="video series")

    assert only.embeds[0]["footer"]["text"] == "1 of 1"


async def test_a_resource_measured_in_percent_shows_no_length_and_no_fraction_of_a_hundred(
    pillars: PillarsSandbox,
) -> None:
    logged = await pillars.command("alice", "progress log", resource=MOMENTUM, position=50)
    details = await pillars.command("alice", "resource info", resource=MOMENTUM)

    assert "50%" in logged.content and "percent" not in logged.content, logged.content
    _, what = field(details, "What")
    assert what == "interactive · intermediate · free", what


async def test_a_shelf_gives_each_entry_the_shelfs_icon_once(pillars: PillarsSandbox) -> None:
    await pillars.command("alice", "progress log", resource=LADR, position=120)
    await pillars.command("alice", "progress log", resource=MOMENTUM, position=10)

    shelf = await pillars.command("alice", "progress show")

    name, value = field(shelf, "📖 Reading")
    assert name == "📖 Reading (2)"
    assert value.count("📖") == 0 and value.startswith("**"), value


async def test_an_import_counts_its_problems_and_its_resources_in_words(pillars: PillarsSandbox) -> None:
    one_problem = IMPORT_YAML.replace("kind: article", "kind: magazine")

    refused = await pillars.command("admin", "catalog import", file=("one.yaml", one_problem))
    checked = await pillars.command("admin", "catalog import", file=("mine.yaml", IMPORT_YAML))

    assert "one.yaml has 1 problem. Fix it and retry:" in refused.content, refused.content
    assert "(s)" not in refused.content
    names = [f["name"] for f in checked.embeds[0]["fields"]]
    assert names == ["➕ 1 to add", "✏️ 0 to update", "＝ 0 unchanged"], names


async def test_finished_counts_the_same_everywhere_and_a_re_read_keeps_the_finish(pillars: PillarsSandbox) -> None:
    await pillars.command("alice", "progress log", resource=LADR, status="finished")
    await pillars.command("alice", "progress log", resource=ESSENCE, status="finished")

    reread = await pillars.command("alice", "progress log", resource=LADR, position=10)
    stats = await pillars.command("alice", "progress stats")
    board = await pillars.command("alice", "leaderboard")
    shelf = await pillars.command("alice", "progress show")

    assert "re-read" in reread.content and "stays finished" in reread.content, reread.content
    assert field(stats, "✅ Finished")[1] == "2 (2 this year)"
    assert field(stats, "📖 Reading")[1] == "1"
    assert "**Alice** — 2 finished" in board.text
    name, finished = field(shelf, "✅ Finished")
    assert name == "✅ Finished (2)"
    assert "Linear Algebra Done Right" in finished and "Essence of Linear Algebra" in finished
    assert "re-reading" in finished
    assert field(shelf, "📖 Reading")[0] == "📖 Reading (1)"


async def test_a_plain_update_of_a_resource_being_read_says_nothing_of_a_re_read(pillars: PillarsSandbox) -> None:
    await pillars.command("alice", "progress log", resource=LADR, position=10)
    logged = await pillars.command("alice", "progress log", resource=LADR, position=20)
    assert "re-read" not in logged.content


async def test_an_empty_shelf_of_someone_else_is_worded_for_the_one_looking(pillars: PillarsSandbox) -> None:
    carols = await pillars.command("alice", "progress show", member="carol")
    own = await pillars.command("carol", "progress show")

    assert carols.embeds[0]["description"] == "Carol has nothing on their shelf yet."
    assert "/recommend" in own.embeds[0]["description"]  # the advice is for carol herself
