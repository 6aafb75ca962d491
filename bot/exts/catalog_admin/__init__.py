"""/catalog: moderators curate this server's catalog (add, edit, retire, restore, suggestions, import, export,
reload, the audit log and the server's settings).

Who may: a moderator (Manage Server, or the server's moderator role; see `bot.interactions.checks`), checked
on every command, button and form submit; `/catalog settings` needs Manage Server itself. `default_permissions`
only hides the group from members in Discord's menu until a server admin opens it to everyone in the
integration settings, so it is a hint, never the check. What moderators see is private (ephemeral); nobody is
ever pinged.

One module per concern:

- `_cog`: the commands.
- `_forms`: the resource form, for adding and editing, the contents form (sections and concepts, opened by
  `/catalog edit part:contents` or the button `pillars:contents:<resource id>`), and what a submitted form does.
- `_suggestions`: the members' queue and its buttons, `pillars:suggestion:<id>:approve|reject|add|resolve|dismiss`
  ("add" opens the resource form filled with the suggestion).
- `_files`: what export writes and import reads (`.yaml`, or `.yaml.gz` for a large catalog), and its limits.
- `_imports`: checking an uploaded file and the buttons that finish or drop it,
  `pillars:import:<moderator id>:<token>:confirm|cancel`. The parsed file cannot fit in a custom_id, so it
  waits in memory under the token for 15 minutes; after that, or after a restart, the button says it expired.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.catalog_admin._cog import CatalogAdmin
from bot.exts.catalog_admin._forms import EditContentsButton
from bot.exts.catalog_admin._imports import ImportButton
from bot.exts.catalog_admin._suggestions import SuggestionButton

if TYPE_CHECKING:
    from bot.app import PillarsBot


async def setup(bot: PillarsBot) -> None:
    """Load the cog and register its persistent buttons."""
    await bot.add_cog(CatalogAdmin(bot))
    bot.add_dynamic_items(SuggestionButton, ImportButton, EditContentsButton)
