"""Links the bot stores: public web addresses only, and each one a valid URI (RFC 3986) that Discord accepts.

A stored link ends up in an embed's `url` (which Discord refuses unless it is a valid URI), in messages other
members click, and in `catalog links`, which fetches it. So `check_web_url` refuses what points inside a
network (loopback, private, link-local, the cloud metadata address, names only a local network resolves),
what carries credentials or disguises its host (`https://discord.com@evil.example/`), invisible and
right-to-left characters, markdown, and characters a URI may not hold; an internationalised address is
normalised (IDNA host, percent-encoded path) rather than refused. The RFC 3986 check here is an independent
one: `rfc3986-validator`, the grammar of the RFC as a regular expression.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rfc3986_validator import validate_rfc3986

from bot.catalog.loader import load_catalog
from bot.catalog.schema import check_web_url
from tests.conftest import PillarsSandbox
from tests.database import dump_database
from tests.reliability.support import database_path, new_resource_form, reply_problems

DATA = Path(__file__).resolve().parents[2] / "data"

# Each refused with a sentence that names what is wrong with it.
REFUSED: dict[str, str] = {
    "http://localhost:8080/admin": "public host",
    "http://127.0.0.1/": "public",
    "http://127.1/": "IP address",
    "http://2130706433/": "IP address",
    "http://0x7f.0.0.1/": "IP address",
    "http://0.0.0.0/": "public",
    "http://[::1]/": "public",
    "http://[::ffff:127.0.0.1]/": "public",
    "http://[fe80::1]/": "public",
    "http://169.254.169.254/latest/meta-data/": "public",
    "http://10.0.0.8/": "public",
    "http://172.16.4.2/": "public",
    "http://192.168.1.1/": "public",
    "http://printer.local/": "public host",
    "http://router.home.arpa/": "public host",
    "http://intranet/wiki": "public host",
    "http://ⓛocalhost/": "public host",  # IDNA maps it to plain "localhost"
    "https://user:pass@example.org/": "user name or password",
    "https://discord.com@evil.example/login": "user name or password",
    "https://example.org/\u202egnp.exe": "invisible",
    "https://exa\u200bmple.org/": "invisible",
    "https://example.org/a b": "space",
    "https://example.org/[Free_Nitro](https://evil.example/x)": "'['",
    "https://example.org/`code`": "'`'",
    "https://example.org/||spoiler||": "'|'",
    "https://example.org/<b>": "'<'",
    "https://example.org\\@evil.example/": "'\\\\'",
    "https://example.org/{x}": "'{'",
    "https://example.org/^": "'^'",
    "https://example.org/100%": "%",
    "https://example.org/%zz": "%",
    "https://example.org:99999/": "port",
    "https://%6c%6fcalhost/": "host",
    "https://-bad-.example/": "host",
    "https:example.org": "http",
    "javascript:alert(1)": "http",
    "data:text/html,hello": "http",
    "ftp://example.org/file": "http",
}

# Typed as a browser shows them; stored as a URI.
NORMALISED = {
    "https://de.wikipedia.org/wiki/Lineare_Algebra_für_Anfänger": (
        "https://de.wikipedia.org/wiki/Lineare_Algebra_f%C3%BCr_Anf%C3%A4nger"
    ),
    "https://Bücher.example/Straße?q=ü#Kapitel_1": "https://xn--bcher-kva.example/Stra%C3%9Fe?q=%C3%BC#Kapitel_1",
    "HTTPS://Example.ORG/Path": "https://example.org/Path",
    "https://example.org./x": "https://example.org/x",
}


def is_uri(url: str) -> bool:
    """Whether RFC 3986's grammar accepts `url` as an absolute URI (the independent check)."""
    return validate_rfc3986(url, rule="URI") is not None


@pytest.mark.parametrize("url", list(REFUSED))
def test_a_link_inside_a_network_disguised_or_not_a_uri_is_refused_with_its_reason(url: str) -> None:
    with pytest.raises(ValueError) as refused:
        check_web_url(url)
    assert REFUSED[url] in str(refused.value), str(refused.value)


@pytest.mark.parametrize("typed", list(NORMALISED))
def test_an_internationalised_link_is_stored_as_a_valid_uri(typed: str) -> None:
    stored = check_web_url(typed)
    assert stored == NORMALISED[typed]
    assert is_uri(stored) and check_web_url(stored) == stored  # normalising twice changes nothing


def test_every_link_of_the_shipped_catalog_is_a_valid_uri_as_it_is() -> None:
    catalog = load_catalog(DATA)
    assert len(catalog) > 50
    for resource in catalog:
        assert is_uri(resource.url), resource.url
        assert check_web_url(resource.url) == resource.url, resource.id


PUBLIC_HOSTS = ["example.org", "Bücher.example", "93.184.215.14", "[2606:2800:220:1::1]", "a.b"]
_URL_PARTS = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from("/?#%[]@:!$&'()*+,;=-._~"),
    max_size=40,
)


@settings(max_examples=400, deadline=None)
@given(
    host=st.sampled_from(["example.org", "Bücher.example", "93.184.215.14", "[2606:2800:220:1::1]", "a.b"]),
    rest=_URL_PARTS,
)
def test_whatever_a_link_is_made_of_an_accepted_one_is_a_public_web_uri(host: str, rest: str) -> None:
    try:
        stored = check_web_url(f"https://{host}/{rest}")
    except ValueError:
        return  # refused, with a sentence: nothing stored
    assert is_uri(stored), stored
    assert stored.startswith("https://") and check_web_url(stored) == stored


async def test_suggest_refuses_every_hostile_link_and_stores_an_internationalised_one_normalised(
    pillars: PillarsSandbox,
) -> None:
    before = dump_database(database_path(pillars))
    for url in REFUSED:
        reply = await pillars.command("alice", "suggest", title="A resource", url=url)
        assert reply.ephemeral and reply.content.startswith("The link "), (url, reply.content)
        assert reply_problems(reply, typed=[url]) == []
    assert dump_database(database_path(pillars)) == before  # nothing stored, nothing counted

    for typed in NORMALISED:
        reply = await pillars.command("alice", "suggest", title=f"About {typed[-12:]}", url=typed)
        assert "is suggestion #" in reply.content, reply.content
    queue = await pillars.command("admin", "catalog suggestions")
    assert NORMALISED["https://de.wikipedia.org/wiki/Lineare_Algebra_für_Anfänger"] in queue.text

    stored = stored_urls(database_path(pillars))
    assert sorted(stored) == sorted(NORMALISED.values())
    assert all(is_uri(url) for url in stored)


async def test_the_moderator_form_and_an_import_refuse_a_hostile_link_and_keep_every_stored_link_a_uri(
    pillars: PillarsSandbox,
) -> None:
    form = await pillars.command("admin", "catalog add")
    typed = new_resource_form("Notes on Linear Maps", url="https://discord.com@evil.example/login")
    refused = await pillars.submit_modal("admin", form, typed)
    assert refused.ephemeral and "user name or password" in refused.content, refused.content

    reopened = await pillars.click("admin", refused, "Fix it")
    typed["url"] = "https://de.wikipedia.org/wiki/Lineare_Abbildung_für_Anfänger"
    added = await pillars.submit_modal("admin", reopened, typed)
    assert added.content.startswith("➕ Added"), added.content
    assert added.embeds[0]["url"] == "https://de.wikipedia.org/wiki/Lineare_Abbildung_f%C3%BCr_Anf%C3%A4nger"

    upload = IMPORT_WITH_URL.format(url="http://169.254.169.254/latest/meta-data/")
    checked = await pillars.command("admin", "catalog import", file=("mine.yaml", upload))
    assert "Nothing was imported" in checked.content and "mine.yaml:5" in checked.content, checked.content
    assert "public" in checked.content

    for url in stored_urls(database_path(pillars)):
        assert is_uri(url), url


IMPORT_WITH_URL = """\
resources:
  - id: imported-notes
    title: Imported Notes
    authors: [Ada Lovelace]
    url: {url}
    kind: article
    cost: free
    topics: [probability]
    level: beginner
    length: {{amount: 12, unit: pages}}
    summary: Short notes.
    why: A quick refresher.
"""


def stored_urls(path: Path) -> list[str]:
    """Every link the database holds: suggestions' and the resources moderators added or edited."""
    with sqlite3.connect(path) as conn:
        suggested = [row[0] for row in conn.execute("SELECT url FROM suggestions")]
        own = [row[0] for row in conn.execute("SELECT json_extract(data, '$.url') FROM guild_resources")]
    conn.close()
    return suggested + own
