from datetime import timedelta, datetime, UTC
from tests.conftest import PillarsSandbox

async def test_smoke(pillars: PillarsSandbox) -> None:
    reply = await pillars.command("admin", "club start", resource="Linear Algebra Done Right", pace=2)
    print(reply.content, reply.ephemeral)
    await pillars.bot.scheduler.catch_up()
    print(pillars.world.threads)
    for m in pillars.thread_messages("Club: Linear Algebra Done Right (4th edition)"): print("T", m.content)
    r = await pillars.command("alice", "club join", club="Linear Algebra Done Right (4th edition)", nudges=True)
    print(r.content)
    r = await pillars.command("bob", "club join", club="Linear Algebra Done Right (4th edition)", show_on_board=False)
    await pillars.command("alice", "progress log", resource="linear-algebra-done-right", position=30)
    print((await pillars.command("carol", "club show", club="Linear Algebra Done Right (4th edition)")).text)
    posted = await pillars.advance_time(timedelta(days=7))
    for p in posted: print("POSTED", p.content)
    posted = await pillars.advance_time(timedelta(days=30))
    for p in posted: print("POSTED", p.content)
    print((await pillars.command("carol", "club start", resource="Linear Algebra Done Right", pace=2)).content)
    print((await pillars.command("admin", "club start", resource="grokking-deep-learning", pace=2)).content)
    print(pillars.logged_errors)
