"""The console shows what the bot does on its own: time moves, reminders arrive by DM, a club's thread fills."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from bot.sandbox.console import run_lines
from tests.conftest import MakePillars


async def test_a_script_moves_time_and_sees_the_dm_and_the_thread(make_pillars: MakePillars) -> None:
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date()
    script = [
        "as alice: /reminders set time: 07:00 timezone: UTC",
        f"time {tomorrow.isoformat()} 07:01",
        "click Stop reminders",
        "dms alice",
        "as admin: /club start resource: seeing-theory pace: 3",
        "time +2h",  # past 09:00, when a club's week is posted
        "threads",
        "close-dms bob",
        "time +soon",
        "time 2001-01-01 00:00",
    ]
    out = io.StringIO()
    async with make_pillars() as sandbox:
        failed = await run_lines(sandbox, script, as_json=False, out=out)
    text = out.getvalue()
    assert failed == 2  # the two bad `time` lines, each answered with how to write it
    assert "✉ DM to alice\n  ⏰ Reminders at **07:00**" in text  # the first word, shown as it arrives
    assert f"⏱ It is now {tomorrow:%a %d %b %Y} 07:01 UTC; the bot posted 1 message(s)." in text
    assert "#3 ✉ DM to alice\n  ⏰ Time for some study." in text  # numbered like an answer, so a click can name it
    assert "alice › click Stop reminders on #3  (DM, updated)\n  🔕 Reminders are off." in text  # #3: the reminder
    assert "DMs to alice: 2 message(s)" in text
    assert "# Club: Seeing Theory\n  📚 Week 1 of 2" in text
    assert "Club: Seeing Theory: 1 message(s)" in text
    assert "bob's DMs are closed to the server." in text
    assert "Write time +30m" in text and "Time only moves forward" in text
