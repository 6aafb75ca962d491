"""The link check against a real local web server: live, missing, moved, temporarily redirected and slow pages."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from bot.catalog.links import LinkState, LinkTarget, check_links, summary


@pytest.fixture
async def server() -> AsyncIterator[str]:
    """A web server on a free local port with one page of each kind; yields its base URL."""

    async def live(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def moved(request: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently("/new-home")

    async def temporary(request: web.Request) -> web.Response:
        raise web.HTTPFound("/live")

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return web.Response(text="late")

    async def no_head(request: web.Request) -> web.Response:
        if request.method == "HEAD":
            raise web.HTTPMethodNotAllowed("HEAD", ["GET"])
        return web.Response(text="only GET")

    async def loop(request: web.Request) -> web.Response:
        raise web.HTTPFound("/loop")

    app = web.Application()
    app.router.add_route("*", "/live", live)
    app.router.add_route("*", "/new-home", live)
    app.router.add_route("*", "/moved", moved)
    app.router.add_route("*", "/temporary", temporary)
    app.router.add_route("*", "/slow", slow)
    app.router.add_route("*", "/no-head", no_head)
    app.router.add_route("*", "/loop", loop)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def test_each_kind_of_page_is_classified(server: str) -> None:
    paths = ["/live", "/missing", "/moved", "/temporary", "/slow", "/no-head", "/loop"]
    targets = [LinkTarget(server + path, path.strip("/"), path) for path in paths]

    reports = await check_links(targets, concurrency=4, seconds_each=1.0)

    found = {r.target.owner: r for r in reports}
    assert [r.target.owner for r in reports] == [p.strip("/") for p in paths]  # in the order given
    assert found["live"].state is LinkState.LIVE and found["live"].status == 200
    assert found["missing"].state is LinkState.DEAD and found["missing"].problem == "HTTP 404"
    assert found["moved"].state is LinkState.MOVED and found["moved"].final_url == server + "/new-home"
    assert found["temporary"].state is LinkState.LIVE  # a temporary redirect is no reason to edit the catalog
    assert found["slow"].state is LinkState.DEAD and "within 1 s" in found["slow"].problem
    assert found["no-head"].state is LinkState.LIVE  # HEAD refused, GET answers
    assert found["loop"].state is LinkState.DEAD and found["loop"].problem == "too many redirects"
    assert summary(reports) == "7 links: 3 live, 1 moved, 3 dead"


async def test_a_refused_connection_is_dead_and_slow_pages_do_not_hold_up_the_others(server: str) -> None:
    closed = LinkTarget("http://127.0.0.1:9/", "closed", "nothing listens on port 9")
    slow = [LinkTarget(f"{server}/slow?{n}", f"slow-{n}", "slow") for n in range(4)]
    started = asyncio.get_running_loop().time()

    reports = await check_links([closed, *slow], concurrency=8, seconds_each=1.0)

    assert reports[0].state is LinkState.DEAD and reports[0].problem.startswith("cannot connect")
    assert all(r.state is LinkState.DEAD for r in reports[1:])
    # Four slow pages checked at once time out together, not one after another.
    assert asyncio.get_running_loop().time() - started < 3.5
