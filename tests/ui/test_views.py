"""Views: a page of persistent buttons sent from cached dicts is exactly what discord.py's items would send."""

from __future__ import annotations

from bot.exts.recommend import MoreButton, ShareButton
from bot.interactions.views import PersistentView, RenderedView
from bot.ui.resource_card import DetailsButton, StartReadingButton


async def test_a_rendered_view_sends_the_same_components_as_one_built_from_items() -> None:
    picks = [("linear-algebra-done-right", "Linear Algebra Done Right"), ("think-stats", "Think Stats " + "x" * 90)]
    built = PersistentView()
    for row, (resource_id, title) in enumerate(picks):
        built.add_item(StartReadingButton(resource_id, title, row=row))
        built.add_item(DetailsButton(resource_id, row=row))
    built.add_item(MoreButton("1.2._._.0", 1234, 3, row=len(picks)))
    built.add_item(ShareButton("1.2._._.0", 1234, 0, row=len(picks)))

    rows = [[StartReadingButton.rendered(rid, title), DetailsButton.rendered(rid)] for rid, title in picks]
    rendered = RenderedView(
        [*rows, [MoreButton.rendered("1.2._._.0", 1234, 3), ShareButton.rendered("1.2._._.0", 1234, 0)]]
    )

    assert rendered.to_components() == built.to_components()
    assert rendered.is_finished() and not rendered.has_components_v2()


async def test_a_rendered_button_is_made_once_and_empty_rows_are_left_out() -> None:
    first = DetailsButton.rendered("think-stats")
    assert DetailsButton.rendered("think-stats") is first
    assert DetailsButton.rendered("think-stats", "1. Think Stats") is not first
    assert RenderedView([[first], []]).to_components() == [{"type": 1, "components": [first]}]
