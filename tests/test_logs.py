"""The log's filter: payloads keep their shape and ids, lose every value and token; tracebacks lose tokens."""

from __future__ import annotations

import functools
import io
import logging

from bot.logs import HIDDEN, PrivateDataFilter, scrubbed

URL = "https://discord.com/api/v10/webhooks/123/aW50ZXJhY3Rpb246c2VjcmV0/messages/@original"


def test_a_payload_keeps_names_and_ids_and_loses_values_tokens_and_files() -> None:
    options = [{"name": "note", "type": 3, "value": "private"}]
    resolved = {"attachments": {"1": {"url": "https://cdn.example/file.yaml"}}}
    event = {
        "t": "INTERACTION_CREATE",
        "d": {"id": "9", "token": "secret", "data": {"options": options, "resolved": resolved}},
    }

    assert scrubbed(event) == {
        "t": "INTERACTION_CREATE",
        "d": {
            "id": "9",
            "token": HIDDEN,
            "data": {"options": [{"name": "note", "type": 3, "value": HIDDEN}], "resolved": {"attachments": HIDDEN}},
        },
    }
    assert scrubbed('{"content": "my note", "flags": 64}') == '{"content": "<hidden>", "flags": 64}'
    assert scrubbed(functools.partial(print, "INSERT ...", ("my note",))) == "print"
    assert scrubbed(URL) == URL.replace("aW50ZXJhY3Rpb246c2VjcmV0", "<token>")


def test_a_traceback_through_the_filter_loses_its_tokens() -> None:
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.addFilter(PrivateDataFilter())
    logger = logging.getLogger("tests.logs")
    logger.addHandler(handler)
    try:
        try:
            raise RuntimeError(f"POST {URL} failed")
        except RuntimeError:
            logger.exception("Could not answer %s", URL)
    finally:
        logger.removeHandler(handler)
    text = written.getvalue()
    assert "Traceback" in text and "RuntimeError" in text
    assert "aW50ZXJhY3Rpb246c2VjcmV0" not in text and text.count("<token>") == 2


def test_a_log_written_to_a_file_has_no_colour_codes_even_in_a_container(monkeypatch) -> None:
    """discord.py colours its log inside Docker whatever the stream; a file the operator greps stays plain."""
    import discord.utils

    from bot.logs import configure_logging

    monkeypatch.setattr(discord.utils, "is_docker", lambda: True)
    root = logging.getLogger()
    level = root.level
    written = io.StringIO()
    handler = configure_logging("INFO", stream=written)
    try:
        logging.getLogger("bot.test").error("the store is unreachable")
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    line = written.getvalue()
    assert "\x1b[" not in line
    assert "[ERROR   ] bot.test: the store is unreachable" in line
