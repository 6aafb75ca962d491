"""A local Discord for trying and testing the bot: the emulator, a test harness on top, and a console.

Nothing in the bot's production code imports this package.
"""

from bot.sandbox.emulator import SANDBOX_TOKEN, ApiError, Emulator, InteractionRecord
from bot.sandbox.harness import (
    Button,
    Modal,
    NoReply,
    Reply,
    Sandbox,
    SandboxError,
    Select,
    TextInput,
    sandbox_settings,
)
from bot.sandbox.world import SANDBOX_APPLICATION_ID, SANDBOX_GUILD_ID, World, build_world

__all__ = [
    "SANDBOX_APPLICATION_ID",
    "SANDBOX_GUILD_ID",
    "SANDBOX_TOKEN",
    "ApiError",
    "Button",
    "Emulator",
    "InteractionRecord",
    "Modal",
    "NoReply",
    "Reply",
    "Sandbox",
    "SandboxError",
    "Select",
    "TextInput",
    "World",
    "build_world",
    "sandbox_settings",
]
