"""Everything personal is personal: goals, reminders and club memberships are in /mydata export and go with delete."""

from __future__ import annotations

import json
from datetime import time, timedelta

from tests.conftest import PillarsSandbox
from tests.e2e.rhythm import local, move_to, today_in


async def test_export_holds_goals_reminders_and_clubs_and_delete_stops_everything(pillars: PillarsSandbox) -> None:
    await pillars.command("admin", "club start", resource="seeing-theory")
    await pillars.command("alice", "goal set", amount=30, unit="pages", timezone="Europe/Paris")
    await pillars.command("alice", "reminders set", time="08:00", streak=True)
    await pillars.command("alice", "club join", club="Seeing Theory", nudges=True)

    export = await pillars.command("alice", "mydata export")
    (data,) = [json.loads(body) for body in export.files.values()]
    assert data["time_zone"] == "Europe/Paris"
    assert [(g["unit"], g["amount"]) for g in data["goals"]] == [("pages", 30)]
    assert data["reminder"]["at"] == "08:00" and data["reminder"]["streak_nudge"] == 1
    assert [c["resource_id"] for c in data["club_memberships"]] == ["seeing-theory"]

    confirm = await pillars.command("alice", "mydata delete")
    assert "goals, reminders and club memberships" in confirm.content
    await pillars.click("alice", confirm, "Delete my data")

    received = len(pillars.dms("alice"))
    await move_to(pillars, local("Europe/Paris", today_in(pillars, "Europe/Paris") + timedelta(days=2), time(9)))
    assert len(pillars.dms("alice")) == received  # no reminder, no nudge: nothing of theirs is left to fire
    board = await pillars.command("carol", "club show", club="Seeing Theory")
    assert "Alice" not in board.text
    after = json.loads(next(iter((await pillars.command("alice", "mydata export")).files.values())))
    assert after["goals"] == [] and after["reminder"] is None and after["club_memberships"] == []
