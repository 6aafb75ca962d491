"""The PostgreSQL server the tests run against: where it is, whether it answers, and a fresh database for a test.

`PILLARS_TEST_POSTGRES_URL` names a database the tests may wipe (its name must end in `test`), e.g.
`postgresql://pillars@127.0.0.1:55432/pillars_test`; `.ci/postgres` starts a server and prints that line
(README, "Running the tests"). Without a server the PostgreSQL tests skip, saying why; with `CI` set they
fail instead, so CI never passes while testing only SQLite.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
from functools import cache
from typing import NoReturn
from urllib.parse import urlsplit

import pytest

from bot.store.connection import shown

URL_VARIABLE = "PILLARS_TEST_POSTGRES_URL"


def unavailable(reason: str) -> NoReturn:
    """Skip the test (fail it under CI), saying why there is no PostgreSQL to test against."""
    if os.environ.get("CI"):
        pytest.fail(f"CI must test PostgreSQL too, but {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL tests skipped: {reason} (README: 'Running the tests')")


@cache
def _probe(url: str) -> str | None:
    """None when a server answers at `url`, else why not (asked once per test run)."""
    import asyncpg

    async def probe() -> None:
        conn = await asyncpg.connect(url, timeout=5)
        await conn.close()

    try:  # in a thread of its own: the test asking may be running an event loop already
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, probe()).result()
    except Exception as exc:
        return f"no PostgreSQL server answers at {shown(url)} ({type(exc).__name__}: {exc})"
    return None


def server_url() -> str:
    """The test database's URL, once the server is known to answer (else skip, or fail under CI)."""
    url = os.environ.get(URL_VARIABLE, "").strip()
    if not url:
        unavailable(f"{URL_VARIABLE} is not set")
    name = urlsplit(url).path.lstrip("/")
    if not name.endswith("test"):
        pytest.fail(f"{URL_VARIABLE} must name a database for tests to wipe (ending in 'test'), not {name!r}")
    problem = _probe(url)
    if problem is not None:
        unavailable(problem)
    return url


async def fresh_database(url: str) -> None:
    """Empty the test database: every other connection to it ended (a killed test's), its schema dropped."""
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        await conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        await conn.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
    finally:
        await conn.close()
