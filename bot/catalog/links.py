"""Checking the catalog's links: which answer, which moved for good, which are dead or too slow.

`python -m bot catalog links` runs this over the curated catalog (and one server's additions): many
requests at once, each with a time limit, following redirects. A page that answers is live; one reached
through a permanent redirect (301, 308) has moved, and the new address is reported so a curator can update
it; 404, 410, other errors, a refused connection or a timeout are dead. Some servers refuse HEAD, so a
refused HEAD is retried as a GET.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import aiohttp

from bot.catalog.schema import Resource
from bot.words import counted

DEFAULT_CONCURRENCY = 8
DEFAULT_TIMEOUT = 15.0
USER_AGENT = "PillarsLinkCheck/1.0 (+https://github.com/; checks the catalog's links)"
_PERMANENT = {301, 308}
_RETRY_AS_GET = {403, 405, 501}


class LinkState(StrEnum):
    """What a link check found."""

    LIVE = "live"
    MOVED = "moved"
    DEAD = "dead"


@dataclass(frozen=True)
class LinkTarget:
    """A link to check and what it belongs to (a resource id and title, for the report)."""

    url: str
    owner: str
    label: str

    @classmethod
    def of(cls, resource: Resource) -> LinkTarget:
        """The link of a catalog resource."""
        return cls(resource.url, resource.id, resource.title)


@dataclass(frozen=True)
class LinkReport:
    """The outcome of one link: its state, the HTTP status, where it ended up and why it is dead."""

    target: LinkTarget
    state: LinkState
    status: int | None = None
    final_url: str | None = None
    problem: str = ""

    def line(self) -> str:
        """One line for the operator: 'dead  book-id  404 Not Found  https://…'."""
        what = {
            LinkState.LIVE: f"{self.status}",
            LinkState.MOVED: f"moved to {self.final_url}",
            LinkState.DEAD: self.problem,
        }[self.state]
        return f"{self.state.value:<5}  {self.target.owner}  {what}  {self.target.url}"


async def check_links(
    targets: Iterable[LinkTarget],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    seconds_each: float = DEFAULT_TIMEOUT,
) -> list[LinkReport]:
    """Check every link, `concurrency` at a time, each within `seconds_each` seconds; reports in the given order."""
    targets = list(targets)
    limit = asyncio.Semaphore(max(1, concurrency))
    client_timeout = aiohttp.ClientTimeout(total=seconds_each)
    async with aiohttp.ClientSession(timeout=client_timeout, headers={"User-Agent": USER_AGENT}) as session:

        async def one(target: LinkTarget) -> LinkReport:
            async with limit:
                return await _check(session, target, seconds_each)

        return list(await asyncio.gather(*(one(t) for t in targets)))


async def _check(session: aiohttp.ClientSession, target: LinkTarget, seconds_each: float) -> LinkReport:
    """One link: HEAD (or GET where HEAD is refused), redirects followed, the outcome classified."""
    try:
        status, history, final = await _request(session, "HEAD", target.url)
        if status in _RETRY_AS_GET:
            status, history, final = await _request(session, "GET", target.url)
    except TimeoutError:
        return LinkReport(target, LinkState.DEAD, problem=f"no answer within {seconds_each:g} s")
    except aiohttp.TooManyRedirects:
        return LinkReport(target, LinkState.DEAD, problem="too many redirects")
    except aiohttp.ClientError as exc:
        return LinkReport(target, LinkState.DEAD, problem=f"cannot connect ({type(exc).__name__})")
    if status >= 400:
        return LinkReport(target, LinkState.DEAD, status, final, problem=f"HTTP {status}")
    if any(code in _PERMANENT for code in history) and final != target.url:
        return LinkReport(target, LinkState.MOVED, status, final)
    return LinkReport(target, LinkState.LIVE, status, final)


async def _request(session: aiohttp.ClientSession, method: str, url: str) -> tuple[int, list[int], str]:
    """The final status, the statuses of the redirects on the way, and the final URL."""
    async with session.request(method, url, allow_redirects=True, max_redirects=10) as response:
        return response.status, [r.status for r in response.history], str(response.url)


def summary(reports: Sequence[LinkReport]) -> str:
    """'24 links: 21 live, 2 moved, 1 dead' for the end of the report."""
    counts = {state: sum(r.state is state for r in reports) for state in LinkState}
    return f"{counted(len(reports), 'link')}: " + ", ".join(f"{counts[s]} {s.value}" for s in LinkState)
