"""The recommender: explainable, deterministic picks that respect the member's history."""

from __future__ import annotations

import pytest

from bot.catalog.catalog import Catalog
from bot.catalog.concepts import ConceptGraph
from bot.catalog.schema import Concept
from bot.catalog.vocabulary import Background, Level, Topic
from bot.reading import ReadingStatus
from bot.recommend import Query, recommend
from tests.factories import make_catalog, make_resource


@pytest.fixture
def catalog():
    """A small catalog with a clear best pick for each kind of member."""
    return make_catalog(
        make_resource(
            "proof-linear-algebra",
            topics=["linear-algebra"],
            level="advanced",
            backgrounds=["researcher"],
            cost="paid",
        ),
        make_resource(
            "friendly-linear-algebra",
            topics=["linear-algebra"],
            level="beginner",
            written_for=["software-engineer"],
            backgrounds=["high-school-math"],
            cost="free",
            kind="video-series",
            length={"amount": 16, "unit": "videos"},
        ),
        make_resource(
            "matrix-course",
            topics=["linear-algebra", "optimization"],
            level="intermediate",
            backgrounds=["undergraduate-stem"],
            cost="free",
            kind="course",
            prerequisites=["friendly-linear-algebra"],
        ),
        make_resource("probability-book", topics=["probability", "statistics"], level="beginner", cost="paid"),
        make_resource("optimizer", topics=["optimization"], level="advanced", backgrounds=["researcher"]),
    )


def ids(answer) -> list[str]:
    """The ids of an answer's picks, in order."""
    return [pick.resource.id for pick in answer.picks]


def test_a_software_engineer_gets_the_friendly_pick_first_with_reasons(catalog) -> None:
    answer = recommend(catalog, Query(topics=(Topic.LINEAR_ALGEBRA,), background=Background.SOFTWARE_ENGINEER))
    assert ids(answer)[0] == "friendly-linear-algebra"
    assert answer.picks[0].reasons == ("covers linear algebra", "written for software engineers", "free")


def test_a_researcher_gets_the_rigorous_pick_first(catalog) -> None:
    answer = recommend(catalog, Query(topics=(Topic.LINEAR_ALGEBRA,), background=Background.RESEARCHER))
    assert ids(answer)[0] == "proof-linear-algebra"


def test_resources_off_topic_are_not_picked(catalog) -> None:
    answer = recommend(catalog, Query(topics=(Topic.PROBABILITY,)), limit=10)
    assert ids(answer) == ["probability-book"]


def test_free_only_and_kind_filter(catalog) -> None:
    free = recommend(catalog, Query(topics=(Topic.LINEAR_ALGEBRA,), free_only=True), limit=10)
    assert set(ids(free)) == {"friendly-linear-algebra", "matrix-course"}
    from bot.catalog.vocabulary import Kind

    course = recommend(catalog, Query(kind=Kind.COURSE), limit=10)
    assert ids(course) == ["matrix-course"]


def test_a_level_two_steps_away_is_excluded(catalog) -> None:
    answer = recommend(catalog, Query(topics=(Topic.LINEAR_ALGEBRA,), level=Level.BEGINNER), limit=10)
    assert "proof-linear-algebra" not in ids(answer)
    assert ids(answer)[0] == "friendly-linear-algebra"


def test_finished_and_dropped_are_not_recommended_again_and_reading_comes_first(catalog) -> None:
    history = {
        "friendly-linear-algebra": ReadingStatus.FINISHED,
        "proof-linear-algebra": ReadingStatus.DROPPED,
        "matrix-course": ReadingStatus.READING,
    }
    answer = recommend(catalog, Query(topics=(Topic.LINEAR_ALGEBRA,)), history, limit=10)
    assert ids(answer) == ["matrix-course"]
    assert answer.picks[0].continuing and answer.picks[0].reasons[0] == "continue: you are reading it"
    assert "you finished what it builds on" in answer.picks[0].reasons


def test_free_text_typos_find_the_topic(catalog) -> None:
    answer = recommend(catalog, Query(text="probabilty please"))
    assert ids(answer) == ["probability-book"]


def test_unknown_free_text_asks_did_you_mean_instead_of_returning_everything(catalog) -> None:
    answer = recommend(catalog, Query(text="algebrra"))
    assert answer.picks == () and answer.needs_clarification
    assert "linear algebra" in answer.suggestions["algebrra"]


def test_paging_continues_the_same_ranking(catalog) -> None:
    everything = recommend(catalog, Query(), limit=10)
    first = recommend(catalog, Query(), limit=2)
    second = recommend(catalog, Query(), limit=2, offset=2)
    assert ids(first) + ids(second) == ids(everything)[:4]
    assert first.total == len(catalog)


def test_same_input_same_answer(catalog) -> None:
    query = Query(topics=(Topic.OPTIMIZATION, Topic.LINEAR_ALGEBRA), background=Background.UNDERGRADUATE_STEM)
    assert recommend(catalog, query) == recommend(catalog, query)


def test_as_dict_has_the_json_shape(catalog) -> None:
    pick = recommend(catalog, Query(topics=(Topic.PROBABILITY,))).picks[0]
    assert pick.as_dict() == {
        "id": "probability-book",
        "title": "Probability Book",
        "score": pick.as_dict()["score"],
        "reasons": ["covers probability", "beginner friendly"],
    }
    assert pick.as_dict()["score"] == 4.5


def test_a_resource_that_only_suits_a_background_is_not_said_to_be_written_for_it() -> None:
    suits = make_resource("suits-developers", backgrounds=["software-engineer"], cost="free")
    written = make_resource("for-developers", written_for=["software-engineer"], cost="free")
    answer = recommend(
        make_catalog(suits, written), Query(topics=(Topic.LINEAR_ALGEBRA,), background=Background.SOFTWARE_ENGINEER)
    )
    reasons = {pick.resource.id: pick.reasons for pick in answer.picks}
    assert "written for software engineers" in reasons["for-developers"]
    assert "suits software engineers" in reasons["suits-developers"]
    assert "written for software engineers" not in reasons["suits-developers"]
    assert ids(answer) == ["for-developers", "suits-developers"]


CONCEPTS = ConceptGraph(
    [
        Concept(
            id="singular-value-decomposition",
            name="singular value decomposition",
            topic="linear-algebra",
            synonyms=["svd"],
        ),
        Concept(id="kkt-conditions", name="KKT conditions", topic="optimization", synonyms=["kkt"]),
    ]
)


@pytest.fixture
def sectioned() -> Catalog:
    """Linear algebra resources of every level, one teaching the SVD in a named chapter, one hands-on."""
    return Catalog(
        [
            make_resource(
                "gentle-video",
                topics=["linear-algebra"],
                level="beginner",
                kind="video-series",
                cost="free",
                length={"amount": 16, "unit": "videos"},
            ),
            make_resource(
                "axler",
                title="Linear Algebra Done Right",
                authors=["Sheldon Axler"],
                topics=["linear-algebra"],
                level="advanced",
                sections=[
                    {"number": "1", "title": "Vector Spaces", "start": 1},
                    {
                        "number": "7",
                        "title": "Operators on Inner Product Spaces",
                        "start": 225,
                        "concepts": ["singular-value-decomposition"],
                    },
                ],
            ),
            make_resource(
                "middle-book",
                topics=["linear-algebra"],
                level="intermediate",
                concepts=["singular-value-decomposition"],
            ),
            make_resource(
                "coding-course",
                topics=["linear-algebra"],
                level="intermediate",
                kind="course",
                hands_on=True,
                cost="free",
            ),
            make_resource("convex-book", topics=["optimization"], level="advanced", concepts=["kkt-conditions"]),
        ],
        CONCEPTS,
    )


def test_a_pick_for_a_concept_names_the_section_that_teaches_it(sectioned: Catalog) -> None:
    answer = recommend(sectioned, Query(text="where do I learn the svd, something rigorous"))
    assert ids(answer)[0] == "axler"
    assert (
        "teaches singular value decomposition: chapter 7 · Operators on Inner Product Spaces" in answer.picks[0].reasons
    )


def test_a_resource_said_to_be_too_hard_is_not_given_back_and_nothing_harder_is(sectioned: Catalog) -> None:
    answer = recommend(sectioned, Query(text="Linear Algebra Done Right is too hard, I want the svd"), limit=5)
    assert "axler" not in ids(answer)
    assert ids(answer)[0] == "middle-book"  # teaches the SVD, and is easier than Axler
    assert all(pick.resource.level is not Level.ADVANCED for pick in answer.picks)


def test_excluded_resources_never_come_back(sectioned: Catalog) -> None:
    answer = recommend(sectioned, Query(text="svd, but not axler"), limit=5)
    assert "axler" not in ids(answer) and ids(answer)[0] == "middle-book"


def test_hands_on_asks_lift_resources_with_code(sectioned: Catalog) -> None:
    answer = recommend(sectioned, Query(text="linear algebra with python code"))
    assert ids(answer)[0] == "coding-course"
    assert "hands-on, with code" in answer.picks[0].reasons


def test_an_unknown_word_no_longer_empties_an_answer_whose_other_words_were_understood(sectioned: Catalog) -> None:
    answer = recommend(sectioned, Query(text="I'm a zoologist who wants the svd"))
    assert answer.picks and ids(answer)[0] in {"axler", "middle-book"}
    assert "zoologist" in answer.uncovered  # said, not hidden


def test_a_subject_the_catalog_does_not_cover_is_answered_honestly(sectioned: Catalog) -> None:
    answer = recommend(sectioned, Query(text="quantum chromodynamics"))
    assert answer.picks == () and answer.nothing_fits
    assert answer.uncovered == ("quantum chromodynamics",)
    assert answer.nearest  # something to try instead


def test_a_pick_matching_part_of_the_question_says_which_part(sectioned: Catalog) -> None:
    answer = recommend(sectioned, Query(text="svd and kkt"), limit=5)
    reasons = {pick.resource.id: pick.reasons for pick in answer.picks}
    assert "not: KKT conditions" in reasons["axler"]
    assert "not: singular value decomposition" in reasons["convex-book"]


def test_equal_scores_go_to_the_level_the_member_is_ready_for_before_catalog_order() -> None:
    catalog = make_catalog(
        make_resource("hard-first", topics=["probability"], level="advanced", backgrounds=["data-scientist"]),
        make_resource("right-level", topics=["probability"], level="intermediate", backgrounds=["data-scientist"]),
    )
    # Both cover probability as their main topic and suit a data scientist: a tie on score.
    answer = recommend(catalog, Query(topics=(Topic.PROBABILITY,), background=Background.DATA_SCIENTIST))
    first, second = answer.picks
    assert first.score == second.score
    assert first.resource.id == "right-level"


def test_between_two_named_resources_picks_what_lies_between() -> None:
    catalog = make_catalog(
        make_resource("gentle", title="Gentle Videos", authors=["Ann Gentle"], level="beginner", cost="free"),
        make_resource("middle", title="Middle Book", level="intermediate"),
        make_resource("proofs", title="Proof Book", authors=["Pat Proof"], level="advanced"),
    )
    answer = recommend(catalog, Query(text="easier than proof book but more rigorous than gentle videos"), limit=5)
    assert ids(answer) == ["middle"]  # neither bound comes back, and nothing past them
    just_easier = recommend(catalog, Query(text="proof book is too much for me"), limit=5)
    assert "proofs" not in ids(just_easier) and all(p.resource.level is not Level.ADVANCED for p in just_easier.picks)


def test_what_builds_on_a_finished_resource_comes_next() -> None:
    catalog = make_catalog(
        make_resource("first-course", title="First Course", level="beginner"),
        make_resource("unrelated", level="intermediate"),
        make_resource("sequel", level="intermediate", prerequisites=["first-course"]),
    )
    answer = recommend(catalog, Query(text="already finished first course, what next?"), limit=5)
    assert ids(answer)[0] == "sequel" and "first-course" not in ids(answer)
    assert "builds on First Course, which you finished" in answer.picks[0].reasons


def test_kinds_asked_for_filter_only_when_one_of_them_answers_the_subject(sectioned: Catalog) -> None:
    videos = recommend(sectioned, Query(text="any videos on linear algebra?"), limit=5)
    assert ids(videos) == ["gentle-video"]
    # No article teaches the SVD: the articles' absence is no reason to answer with something else.
    articles = recommend(sectioned, Query(text="a short article on the svd"), limit=5)
    assert set(ids(articles)) >= {"axler", "middle-book"}


def test_a_section_named_for_the_concept_ranks_its_resource_first() -> None:
    concepts = ConceptGraph([Concept(id="markov-chains", name="Markov chains", topic="probability")])
    aside = make_resource(
        "linear-course",
        topics=["linear-algebra"],
        level="beginner",
        sections=[{"number": "24", "title": "Markov Matrices; Fourier Series", "concepts": ["markov-chains"]}],
    )
    central = make_resource(
        "probability-book",
        topics=["probability"],
        level="beginner",
        sections=[{"number": "11", "title": "Markov chains", "concepts": ["markov-chains"]}],
    )
    answer = recommend(Catalog([aside, central], concepts), Query(text="markov chains"))
    assert ids(answer) == ["probability-book", "linear-course"]
    assert "teaches Markov chains: chapter 11 · Markov chains" in answer.picks[0].reasons


async def test_many_questions_at_once_prepare_a_catalog_once_off_the_event_loop(monkeypatch) -> None:
    import asyncio
    import threading

    import bot.recommend as recommending
    from bot.recommend import ANY_QUESTION, Preparations, is_prepared, prepare

    catalog = make_catalog(*(make_resource(f"book-{n}") for n in range(12)))
    threads: list[threading.Thread] = []

    def counted(catalog: Catalog, query: Query) -> Catalog:
        threads.append(threading.current_thread())
        return prepare(catalog, query)

    monkeypatch.setattr(recommending, "prepare", counted)
    preparations = Preparations()
    waiting = [asyncio.create_task(preparations.ready(catalog, Query(text=f"question {n}"))) for n in range(20)]
    waiting[0].cancel()  # one member gives up: the others' answers still get what they wait for
    results = await asyncio.gather(*waiting, return_exceptions=True)
    assert isinstance(results[0], asyncio.CancelledError) and results[1:] == [None] * 19
    assert len(threads) == 2  # once what any query needs (the columns), once what questions need: not 20 times
    assert threading.main_thread() not in threads
    assert is_prepared(catalog, ANY_QUESTION)
    await preparations.ready(catalog, Query(text="later"))
    assert len(threads) == 2  # later questions build nothing


async def test_a_query_by_topic_does_not_wait_for_what_only_questions_need() -> None:
    from bot.recommend import ANY_QUESTION, Preparations, is_prepared

    catalog = make_catalog(*(make_resource(f"book-{n}") for n in range(12)))
    await Preparations().ready(catalog, Query(topics=(Topic.LINEAR_ALGEBRA,)))
    assert is_prepared(catalog, Query(topics=(Topic.LINEAR_ALGEBRA,)))
    assert not is_prepared(catalog, ANY_QUESTION)
