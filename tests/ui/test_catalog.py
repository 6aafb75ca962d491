"""What moderators see: the resource form's labels within Discord's limits, the import and audit embeds."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.catalog import forms
from bot.catalog.loader import CatalogIssue
from bot.store.models import AuditEntry, ImportSummary
from bot.ui import catalog as catalog_ui


def test_the_placeholders_and_labels_fit_discord() -> None:
    for label in (
        forms.TITLE_LABEL,
        forms.URL_LABEL,
        forms.AUTHORS_LABEL,
        forms.FACTS_LABEL,
        forms.TEXT_LABEL,
    ):
        assert len(label) <= 45
    assert len(forms.FACTS_PLACEHOLDER) <= 100 and len(forms.TEXT_PLACEHOLDER) <= 100
    assert len(forms.FACTS_HELP) <= 100
    fields, found = forms.parse_facts(forms.FACTS_PLACEHOLDER)
    assert found == []  # the example the moderator sees is itself valid


def test_file_problems_are_cut_to_a_message_and_say_how_many_are_left_out() -> None:
    issues = [CatalogIssue("import.yaml", n, "x" * 150) for n in range(1, 60)]
    text = catalog_ui.catalog_problems_text("Nothing was imported:", issues)
    assert len(text) <= 2000
    assert text.startswith("Nothing was imported:") and "import.yaml:1: " in text
    assert text.rstrip().endswith("more")


def test_the_audit_log_mentions_moderators_and_uses_discord_timestamps() -> None:
    at = datetime(2026, 1, 2, tzinfo=UTC)
    entries = [AuditEntry(n, 1, 42, "retire", f"res-{n}", None, None, at) for n in range(200)]
    embed = catalog_ui.audit_log_embed(entries)
    assert "<@42> retired `res-0`" in embed.description
    assert f"<t:{int(at.timestamp())}:R>" in embed.description
    assert len(embed) <= 6000


def test_an_import_summary_lists_ids_within_limits() -> None:
    summary = ImportSummary(added=[f"id-{n}" for n in range(500)], updated=["a-b"], unchanged=[])
    embed = catalog_ui.import_summary_embed(summary, filename="big.yaml", done=False)
    assert len(embed) <= 6000
    assert embed.fields[0].name == "➕ 500 to add"


def test_the_audit_log_shows_settings_as_mentions_and_imports_as_counts() -> None:
    at = datetime(2026, 1, 2, tzinfo=UTC)
    settings = AuditEntry(1, 1, 42, "settings", "moderator_role_id", None, {"moderator_role_id": 7}, at)
    imported = AuditEntry(2, 1, 42, "import", None, None, {"a-b": {}, "c-d": {}}, at)
    description = catalog_ui.audit_log_embed([settings, imported]).description or ""
    assert "<@42> changed the settings: moderator role → <@&7>" in description
    assert "<@42> imported 2 resources" in description
