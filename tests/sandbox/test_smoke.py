from bot.sandbox import Sandbox


async def test_echo(sandbox: Sandbox) -> None:
    reply = await sandbox.command("alice", "echo", text="hi", times=2)
    assert reply.content == "hi hi"
