"""/help lists the study rhythm's commands with examples, the moderators' ones apart, all within Discord's limits."""

from __future__ import annotations

import json

from tests.conftest import PillarsSandbox


async def test_help_lists_goals_reminders_and_clubs_with_examples(pillars: PillarsSandbox) -> None:
    [embed] = (await pillars.command("alice", "help")).embeds
    everyone = "\n".join(f["value"] for f in embed["fields"] if f["name"].startswith("For everyone"))
    moderators = "\n".join(f["value"] for f in embed["fields"] if f["name"].startswith("For moderators"))
    for name in ("goal set", "goal show", "goal clear", "reminders set", "reminders show", "reminders stop",
                 "club start", "club join", "club leave", "club show", "club end"):  # fmt: skip
        assert f"`/{name}`" in everyone and f"e.g. `/{name}" in everyone, name
    for name in ("reminders channel", "club settings"):
        assert f"`/{name}`" in moderators and f"`/{name}`" not in everyone
    assert "/recommend" in everyone and "/catalog add" in moderators  # nothing older was trimmed away
    assert len(json.dumps(embed)) < 12_000
    assert sum(len(f["name"]) + len(f["value"]) for f in embed["fields"]) + len(embed.get("description", "")) <= 6000
