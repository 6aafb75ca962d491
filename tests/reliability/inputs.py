"""Hostile and odd input for every kind of option, as hypothesis strategies and as plain random draws.

The tests draw with hypothesis; the soak draws the same values with `random` so it can run for minutes.
"""

from __future__ import annotations

import random

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from bot.sandbox.world import SANDBOX_WORLD

_ROLE_ID = next(iter(r.id for r in SANDBOX_WORLD.roles.values() if r.name == "Moderator"))
_USER_ID = SANDBOX_WORLD.user("alice").id

NASTY = [
    "",
    " ",
    "   \n\t  ",
    "@everyone",
    "@here",
    "@everyone please read this",
    f"<@&{_ROLE_ID}>",
    f"<@{_USER_ID}>",
    f"<@!{_USER_ID}>",
    f"<#{SANDBOX_WORLD.default_channel.id}>",
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "https://example.org/book?q=<script>",
    "http://",
    "ftp://example.org/file",
    "**bold** __underline__ ~~strike~~ ||spoiler|| `code` ```py\nprint(1)\n``` > quote # heading",
    "[click me](https://evil.example/)",
    "\u202egnp.exe",  # right-to-left override
    "\u200f\u200e",  # right-to-left and left-to-right marks
    "\u200b\u200c\u200d\ufeff",  # zero-width characters
    "\x00\x01\x07\x1b[31m",  # control characters, an ANSI escape
    "\r\n\r\n",
    "🧮📐" * 20,
    "Z̴̡̛̖a̷l̶g̷o̸",
    "'; DROP TABLE read_throughs; --",
    '" OR 1=1 --',
    "%s %d {0} {__class__}",
    "../../../../etc/passwd",
    "linear algebra",
    "linalg",
    "probability for a developer, free",
    "linear-algebra-done-right",
    "essence-of-linear-algebra",
    "a" * 101,
    "x" * 2001,
    "word " * 1200,
    "9" * 40,
]

# Discord delivers at most 6,000 characters in a string option, whatever the command declares.
LONGEST_OPTION = 6000

# Every piece of text a member can type: the list above, random Unicode, mixtures, and very long strings
# (up to what Discord delivers: past the lengths our commands declare, which Discord may not enforce).
text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=200),
    st.lists(st.sampled_from(NASTY), min_size=2, max_size=5).map(" ".join),
    st.builds(
        lambda piece, times: (piece * times)[:LONGEST_OPTION],
        st.sampled_from(NASTY[3:] + ["é", "字"]),
        st.integers(50, 800),
    ),
)
# A number option: in range, at the edges, and far outside.
number = st.one_of(st.integers(-5, 500), st.sampled_from([-(2**31), -1, 0, 100_000, 100_001, 2**31, 2**53, 10**15]))


def fuzz_settings(examples: int = 20) -> settings:
    """Hypothesis settings for a test that drives the sandbox: modest here, larger under the soak.

    PILLARS_FUZZ_SCALE (the soak sets it) multiplies the examples. One sandbox serves every example of a
    test, hence the suppressed health check.
    """
    import os

    scale = float(os.environ.get("PILLARS_FUZZ_SCALE", "1"))
    return settings(
        max_examples=max(1, int(examples * scale)),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


def random_text(rng: random.Random) -> str:
    """A draw like `text`, for the soak."""
    roll = rng.random()
    if roll < 0.5:
        return rng.choice(NASTY)
    if roll < 0.7:
        return " ".join(rng.choice(NASTY) for _ in range(rng.randint(2, 5)))
    if roll < 0.85:
        return (rng.choice(NASTY[3:]) * rng.randint(50, 800))[:LONGEST_OPTION]
    return "".join(chr(rng.choice([rng.randint(32, 0x2FF), rng.randint(0x2000, 0x206F), rng.randint(0x1F300, 0x1F6FF)]))
                   for _ in range(rng.randint(0, 120)))  # fmt: skip


def random_number(rng: random.Random) -> int:
    """A draw like `number`, for the soak."""
    return rng.choice([rng.randint(-5, 500), -(2**31), -1, 0, 100_000, 100_001, 2**31, 10**15])
