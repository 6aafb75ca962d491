"""`python -m bot catalog links` against a real local web server: the curated catalog and one server's additions."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.__main__ import main
from bot.catalog.loader import load_catalog
from bot.catalog.writer import dump_resources
from bot.store import Store
from tests.factories import make_resource

GUILD = 4242


# Stored links must name a public host (`check_web_url`), so the local server is reached under a public-looking
# name that this test's resolver, and only it, points at the loopback address.
SITE_HOST = "links.example"


@pytest.fixture
async def site(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[str]:
    """A web server on a free local port, as http://links.example:<port>: a live page, a moved one, a slow one;
    anything else is missing."""
    resolve = socket.getaddrinfo

    def getaddrinfo(host: object, *args: Any, **kwargs: Any) -> Any:
        return resolve("127.0.0.1" if host == SITE_HOST else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    async def live(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def moved(request: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently("/live")

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(3)
        return web.Response(text="late")

    app = web.Application()
    app.router.add_route("*", "/live", live)
    app.router.add_route("*", "/moved", moved)
    app.router.add_route("*", "/slow", slow)
    runner = web.AppRunner(app)
    await runner.setup()
    server = web.TCPSite(runner, "127.0.0.1", 0)
    await server.start()
    port = server._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://{SITE_HOST}:{port}"
    finally:
        await runner.cleanup()


def write_catalog(folder: Path, base: str, *paths: str) -> Path:
    """A catalog file of one resource per path, each linking to it on the local server."""
    folder.mkdir()
    resources = [
        make_resource(f"page-{n}-{p.strip('/').split('?')[0]}", url=base + p) for n, p in enumerate(paths, start=1)
    ]
    (folder / "catalog.yaml").write_text(dump_resources(resources), encoding="utf-8")
    return folder


async def run(*argv: str) -> int:
    """The command line, in a thread of its own (it runs its own event loop), while the server answers here."""
    return await asyncio.to_thread(main, list(argv))


async def test_every_live_catalog_passes_and_says_how_many_links_it_checked(
    site: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    catalog = write_catalog(tmp_path / "catalog", site, "/live", "/live?again=1")
    assert await run("catalog", "links", str(catalog), "--timeout", "2") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Checking 2 links, 8 at a time, 2 s each…"
    assert out[-1] == "2 links: 2 live, 0 moved, 0 dead"


async def test_dead_and_moved_links_are_listed_and_a_dead_one_fails_the_run(
    site: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    catalog = write_catalog(tmp_path / "catalog", site, "/live", "/moved", "/missing", "/slow")
    assert await run("catalog", "links", str(catalog), "--timeout", "1", "--concurrency", "2") == 1
    out = capsys.readouterr().out
    assert f"moved  page-2-moved  moved to {site}/live  {site}/moved" in out
    assert f"dead   page-3-missing  HTTP 404  {site}/missing" in out
    assert f"dead   page-4-slow  no answer within 1 s  {site}/slow" in out
    assert "page-1-live" not in out  # only what needs a curator's eye
    assert out.rstrip().endswith("4 links: 1 live, 1 moved, 2 dead")


async def test_a_servers_additions_are_checked_from_its_database(
    site: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    catalog_folder = write_catalog(tmp_path / "catalog", site, "/live")
    curated = load_catalog(catalog_folder)
    database = tmp_path / "pillars.db"
    store = await Store.open(database, curated)
    await store.add_resource(GUILD, 1, make_resource("our-notes", url=site + "/gone"))
    # An edit that keeps the link is not checked twice; one that changes it is.
    await store.edit_resource(GUILD, 1, curated["page-1-live"].model_copy(update={"title": "Renamed"}))
    await store.close()

    argv = ["catalog", "links", str(catalog_folder), "--guild", str(GUILD), "--database", str(database)]
    assert await run(*argv, "--timeout", "2") == 1
    out = capsys.readouterr().out
    assert f"dead   our-notes (server {GUILD})  HTTP 404  {site}/gone" in out
    assert out.rstrip().endswith("2 links: 1 live, 0 moved, 1 dead")

    assert await run(*argv[:-4], "--guild", "999", "--database", str(database)) == 0
    assert "Server 999 has added or edited no resources" in capsys.readouterr().out


def test_bad_options_and_a_missing_database_are_one_clear_line(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit):
        main(["catalog", "links", "--concurrency", "0"])
    assert "must be more than 0, not 0" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["catalog", "links", "--timeout", "soon"])
    assert "'soon' is not a number" in capsys.readouterr().err
    assert main(["catalog", "links", "--guild", "1", "--database", str(tmp_path / "none.db")]) == 1
    assert f"No database at {tmp_path / 'none.db'}." in capsys.readouterr().err
