"""What the community's reading shows, privacy first: the threshold on every figure, and the ranking's signals.

Plain Python: tallies as the store keeps them, published as a member would see them.
"""

from __future__ import annotations

import pytest

from bot.catalog.vocabulary import Level, Topic
from bot.community import (
    MAX_BONUS,
    CommunityFacts,
    CommunitySignals,
    DropReason,
    FactRow,
    Figure,
    ResourceFacts,
    Tally,
    check_rating,
    community_facts,
    publish,
    read_drop_reason,
)
from bot.errors import InvalidInputError
from bot.reading import ReadingStatus
from bot.recommend import Query, recommend
from tests.factories import make_catalog, make_resource

BOOK = make_resource(
    "sectioned-book",
    title="A Sectioned Book",
    length={"amount": 300, "unit": "pages"},
    sections=[
        {"number": "1", "title": "Vectors", "start": 1},
        {"number": "2", "title": "Eigenvalues", "start": 100},
        {"number": "3", "title": "The SVD", "start": 200},
    ],
)


def tally(**figures: dict) -> Tally:
    """A tally from figure name → {key: members}."""
    return Tally.of((figure, key, members) for figure, counts in figures.items() for key, members in counts.items())


def test_every_figure_needs_three_members_behind_it() -> None:
    shown = publish(tally(started={"": 5}, finished={"": 3}, dropped={"": 2}, rating={4: 1, 5: 1}))
    assert (shown.started, shown.finished, shown.dropped) == (5, 3, None)
    assert shown.completion == pytest.approx(0.6)
    assert shown.rating is None and shown.ratings is None  # two ratings: one member's could be read off


def test_a_rate_stands_only_when_what_it_is_made_of_stands() -> None:
    # 4 started, 2 finished: "50% finished" would tell that two (of four known) members finished.
    shown = publish(tally(started={"": 4}, finished={"": 2}))
    assert shown.started == 4 and shown.finished is None and shown.completion is None


def test_nothing_stands_below_the_threshold() -> None:
    shown = publish(tally(started={"": 2}, finished={"": 2}, days={5: 2}, next={"other": 2}, rating={5: 2}))
    assert not shown.shows_anything
    assert shown.median_days is None and shown.went_on == ()


def test_the_median_days_is_exact() -> None:
    assert publish(tally(days={3: 1, 10: 1, 30: 1})).median_days == 10.0
    assert publish(tally(days={3: 2, 10: 1, 30: 1})).median_days == 6.5  # 3, 3, 10, 30


def test_droppers_stop_in_the_section_most_of_them_stopped_in() -> None:
    # Pages 120 and 150 are in chapter 2, 210 in chapter 3.
    shown = publish(tally(stop={120: 2, 150: 1, 210: 2}, dropped={"": 5}), BOOK)
    assert shown.stop is not None and shown.stop.section is not None
    assert (shown.stop.section.number, shown.stop.members, shown.stop.of) == ("2", 3, 5)


def test_a_section_with_fewer_than_three_droppers_is_not_named() -> None:
    shown = publish(tally(stop={120: 2, 210: 2}, dropped={"": 4}), BOOK)
    assert shown.stop is None


def test_without_sections_droppers_stop_around_their_median_position() -> None:
    plain = make_resource("plain-book", length={"amount": 300, "unit": "pages"})
    shown = publish(tally(stop={40: 1, 90: 1, 250: 1}), plain)
    assert shown.stop is not None and (shown.stop.position, shown.stop.section) == (90, None)


def test_the_reason_shown_is_the_listed_one_most_gave_and_never_the_members_own_words() -> None:
    shown = publish(tally(reason={"too-hard": 3, "too-slow": 1, "other": 9}))
    assert shown.reason == (DropReason.TOO_HARD, 3)
    assert publish(tally(reason={"other": 9})).reason is None


def test_what_finishers_went_on_to_counts_only_paths_three_members_took() -> None:
    shown = publish(tally(next={"a": 5, "b": 3, "c": 2, "d": 4}))
    assert shown.went_on == (("a", 5), ("d", 4), ("b", 3))


def test_ratings_are_whole_stars_from_one_to_five() -> None:
    assert check_rating(5) == 5
    for wrong in (0, 6, -1, 4.5, "5", True, None):
        with pytest.raises(InvalidInputError, match="from 1 to 5"):
            check_rating(wrong)


def test_a_reason_is_read_from_the_list_forgivingly_or_kept_as_the_members_own_words() -> None:
    assert read_drop_reason("Too hard!") == (DropReason.TOO_HARD, None)
    assert read_drop_reason("not-what-I-needed") == (DropReason.NOT_WHAT_I_NEEDED, None)
    assert read_drop_reason("  life got\nbusy ") == (DropReason.OTHER, "life got busy")
    with pytest.raises(InvalidInputError, match="200"):
        read_drop_reason("x" * 10_000)
    with pytest.raises(InvalidInputError):
        read_drop_reason("   ")


# --- the ranking's signals ------------------------------------------------------------------------


def rows(*entries: tuple[str, str, object, int]) -> list[FactRow]:
    """FactRows from (resource id, figure, key, members)."""
    return [FactRow(*entry) for entry in entries]


def test_the_rankings_facts_keep_only_what_stands() -> None:
    facts = community_facts(
        rows(
            ("a", Figure.FINISHED, "", 12),
            ("a", Figure.RATING, 5, 4),
            ("a", Figure.RATING, 4, 1),
            ("b", Figure.FINISHED, "", 2),
            ("b", Figure.RATING, 1, 2),
            ("a", Figure.NEXT, "b", 3),
        ),
        here=True,
    )
    assert facts.resources == {"a": ResourceFacts(finished=12, rating=4.8, ratings=5)}
    assert facts.went_on == {"a": (("b", 3),)}


@pytest.fixture
def books():
    """Three linear algebra books the rules score alike, and one advanced."""
    return make_catalog(
        make_resource("first", title="First", level="beginner"),
        make_resource("second", title="Second", level="beginner"),
        make_resource("third", title="Third", level="beginner"),
        make_resource("advanced", title="Advanced", level="advanced"),
    )


def signals(here: bool = True, after: dict | None = None, **known: ResourceFacts) -> CommunitySignals:
    """Signals with these facts per resource id."""
    return CommunitySignals(CommunityFacts(here, known, {}), after or {})


def ids(answer) -> list[str]:
    """The ids of an answer's picks, in order."""
    return [pick.resource.id for pick in answer.picks]


def test_signals_break_a_tie_and_each_pick_that_used_one_says_so(books) -> None:
    query = Query(topics=(Topic.LINEAR_ALGEBRA,), level=Level.BEGINNER)
    assert ids(recommend(books, query)) == ["first", "second", "third"]

    community = signals(third=ResourceFacts(finished=12, rating=4.6, ratings=7), after={"second": "Axler's Book"})
    answer = recommend(books, query, community=community)

    assert ids(answer) == ["third", "second", "first"]
    assert answer.picks[0].reasons[-1] == "finished by 12 members here · 4.6/5"
    assert answer.picks[1].reasons[-1] == "members who finished Axler's Book went on to this"
    assert not any("members" in reason for reason in answer.picks[2].reasons)


def test_a_rating_at_or_under_three_lifts_nothing_and_is_not_given_as_a_reason(books) -> None:
    community = signals(False, third=ResourceFacts(rating=2.5, ratings=8))
    answer = recommend(books, Query(topics=(Topic.LINEAR_ALGEBRA,)), community=community)
    assert ids(answer) == ["first", "second", "third"]
    assert not any("/5" in reason for pick in answer.picks for reason in pick.reasons)
    liked = recommend(
        books,
        Query(topics=(Topic.LINEAR_ALGEBRA,)),
        community=signals(False, third=ResourceFacts(rating=4.0, ratings=3)),
    )
    assert liked.picks[0].reasons[-1] == "rated 4.0/5 by 3 members"  # across servers: no "here"


def test_without_data_the_curated_order_stands_exactly(books) -> None:
    query = Query(topics=(Topic.LINEAR_ALGEBRA,))
    history = {"first": ReadingStatus.WANT_TO_READ}
    plain = recommend(books, query, history, limit=4)
    empty = recommend(books, query, history, limit=4, community=signals())
    assert [(p.resource.id, p.score, p.reasons) for p in empty.picks] == [
        (p.resource.id, p.score, p.reasons) for p in plain.picks
    ]


def test_signals_never_pass_a_filter_or_outweigh_a_level(books) -> None:
    best = ResourceFacts(finished=500, rating=5.0, ratings=500)
    community = signals(advanced=best, after={"advanced": "Everything"})
    assert community.bonus("advanced") == MAX_BONUS < 0.5
    beginner = recommend(
        books, Query(topics=(Topic.LINEAR_ALGEBRA,), level=Level.BEGINNER), limit=4, community=community
    )
    assert "advanced" not in ids(beginner)  # two levels off: filtered, whatever members say
    capped = recommend(books, Query(topics=(Topic.LINEAR_ALGEBRA,), not_above=Level.INTERMEDIATE), community=community)
    assert "advanced" not in ids(capped)


def test_signals_never_outweigh_the_asked_level() -> None:
    catalog = make_catalog(make_resource("praised", level="intermediate"), make_resource("plain", level="beginner"))
    community = signals(praised=ResourceFacts(finished=500, rating=5.0, ratings=500), after={"praised": "X"})
    answer = recommend(catalog, Query(topics=(Topic.LINEAR_ALGEBRA,), level=Level.BEGINNER), community=community)
    assert ids(answer) == ["plain", "praised"]  # +2 at the asked level against −1 and the most members can add


def test_a_new_resource_that_fits_better_keeps_its_place(books) -> None:
    # "second" is free (+0.5): members' praise of "first" (at most +0.375) cannot pass it.
    catalog = make_catalog(
        make_resource("first", level="beginner"),
        make_resource("second", level="beginner", cost="free"),
    )
    community = signals(first=ResourceFacts(finished=500, rating=5.0, ratings=500), after={"first": "X"})
    assert ids(recommend(catalog, Query(topics=(Topic.LINEAR_ALGEBRA,)), community=community)) == ["second", "first"]


def test_a_finished_resource_stays_out_whatever_members_say(books) -> None:
    community = signals(first=ResourceFacts(finished=50, rating=5.0, ratings=50))
    answer = recommend(books, Query(), {"first": ReadingStatus.FINISHED}, community=community)
    assert "first" not in ids(answer)


def test_a_member_gets_what_others_went_on_to_from_what_they_finished(books) -> None:
    facts = community_facts(
        rows(("first", Figure.NEXT, "third", 3), ("second", Figure.NEXT, "third", 7), ("first", Figure.NEXT, "x", 9)),
        here=True,
    )
    mine = facts.for_member(["first", "second", "gone-from-the-catalog"], books)
    assert mine.after == {"third": "Second", "x": "First"}  # the most travelled path names it
    assert facts.for_member([], books).after == {}
