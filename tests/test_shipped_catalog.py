"""The shipped catalog in data/: it carries the seed's five books with what the seed says about them,
and the real recommender, run on it, gives each kind of member the pick the seed would give.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.catalog import Catalog
from bot.catalog.loader import catalog_files, load_catalog
from bot.catalog.schema import Resource
from bot.catalog.vocabulary import Background, Cost, Level, Topic
from bot.paths import concept_path, topic_path
from bot.recommend import Query, recommend
from tests.factories import LADR

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"

# The five resources of the seed post, "5 Books That Will Teach You the Math Behind Machine Learning".
AXLER = LADR
MIT_18_02 = "mit-18-02-multivariable-calculus"
TRASK = "grokking-deep-learning"
GOODFELLOW = "deep-learning-goodfellow"
DANKA = "mathematics-of-machine-learning-danka"
SEED_FIVE = (AXLER, MIT_18_02, TRASK, GOODFELLOW, DANKA)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    """The catalog exactly as the bot loads it at start-up."""
    return load_catalog(DATA)


def ids(answer) -> list[str]:
    """The ids of an answer's picks, in order."""
    return [pick.resource.id for pick in answer.picks]


def reasons_of(answer, resource_id: str) -> tuple[str, ...]:
    """The reasons given for one pick of an answer."""
    return next(pick.reasons for pick in answer.picks if pick.resource.id == resource_id)


def run_check(path: Path) -> subprocess.CompletedProcess[str]:
    """`python -m bot catalog check PATH`, as a curator runs it."""
    return subprocess.run(
        [sys.executable, "-m", "bot", "catalog", "check", str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )


# --- The seed's five, with the seed's facts ---------------------------------------------------------


def test_the_seed_five_are_shipped_alongside_at_least_twenty_more(catalog) -> None:
    for resource_id in SEED_FIVE:
        assert resource_id in catalog
    assert len(catalog) >= len(SEED_FIVE) + 20


def test_goodfellow_is_free_online_and_the_hardest_of_the_five(catalog) -> None:
    deep_learning = catalog[GOODFELLOW]
    assert deep_learning.cost is Cost.FREE_ONLINE_PAID_PRINT and deep_learning.is_free
    assert deep_learning.url == "https://www.deeplearningbook.org/"
    assert deep_learning.level is Level.ADVANCED
    others = [catalog[resource_id].level.rank for resource_id in SEED_FIVE if resource_id != GOODFELLOW]
    assert all(rank < deep_learning.level.rank for rank in others)


def test_danka_is_written_for_software_engineers_from_high_school_math(catalog) -> None:
    danka = catalog[DANKA]
    assert Background.SOFTWARE_ENGINEER in danka.written_for
    assert Background.HIGH_SCHOOL_MATH in danka.backgrounds
    assert danka.level is Level.BEGINNER
    assert {Topic.LINEAR_ALGEBRA, Topic.MULTIVARIATE_CALCULUS, Topic.PROBABILITY} <= set(danka.topics)


def test_18_02_needs_no_calculus_and_says_it_does_not_cover_gradient_descent(catalog) -> None:
    course = catalog[MIT_18_02]
    assert course.topics[0] is Topic.MULTIVARIATE_CALCULUS
    assert Background.NO_CALCULUS_YET in course.suits
    assert course.cost is Cost.FREE
    assert any("gradient descent" in gap.lower() for gap in course.not_covered)
    assert Topic.GRADIENT_DESCENT not in course.topics


def test_axler_is_open_access_and_puts_vector_spaces_before_determinants(catalog) -> None:
    axler = catalog[AXLER]
    assert axler.url == "https://linear.axler.net/"
    assert axler.cost is Cost.FREE_ONLINE_PAID_PRINT and axler.is_free
    assert axler.topics == (Topic.LINEAR_ALGEBRA,)
    assert "determinants" in axler.why.lower() and "vector spaces" in axler.why.lower()


def test_grokking_is_hands_on_you_build_a_network_from_scratch(catalog) -> None:
    grokking = catalog[TRASK]
    assert grokking.topics[0] is Topic.NEURAL_NETWORKS
    assert Background.SOFTWARE_ENGINEER in grokking.suits
    assert grokking.level is Level.BEGINNER
    assert "from scratch" in grokking.why.lower()


# --- What the recommender makes of it ----------------------------------------------------------------


def test_a_software_engineer_asking_for_linear_algebra_gets_an_engineer_friendly_pick_first(catalog) -> None:
    answer = recommend(catalog, Query(topics=(Topic.LINEAR_ALGEBRA,), background=Background.SOFTWARE_ENGINEER))
    first = answer.picks[0].reasons
    assert "suits software engineers" in first or "written for software engineers" in first
    assert DANKA in ids(answer)
    assert "written for software engineers" in reasons_of(answer, DANKA)
    assert AXLER not in ids(answer)  # proof-based, not where an engineer should start


def test_a_software_engineer_asking_for_the_math_of_ml_gets_danka_first(catalog) -> None:
    answer = recommend(catalog, Query(text="math of ML", background=Background.SOFTWARE_ENGINEER))
    assert ids(answer)[0] == DANKA
    assert answer.picks[0].reasons == ("covers machine learning", "written for software engineers")


def test_a_researcher_asking_for_deep_learning_gets_goodfellow(catalog) -> None:
    answer = recommend(catalog, Query(topics=(Topic.DEEP_LEARNING,), background=Background.RESEARCHER))
    assert ids(answer)[0] == GOODFELLOW
    assert answer.picks[0].reasons == ("covers deep learning", "suits researchers", "free online (print is paid)")


def test_a_researcher_asking_in_words_for_an_intro_to_convex_optimization_gets_boyd(catalog) -> None:
    """'An intro to X' asks for a first resource on X, not a beginner's one: the researcher still gets Boyd."""
    answer = recommend(catalog, Query(text="any good intro to convex optimization for a researcher?"))
    assert ids(answer)[0] == "convex-optimization-boyd"
    assert answer.query.level is None


def test_an_undergraduate_asking_for_deep_learning_is_not_sent_to_the_hardest_book_first(catalog) -> None:
    answer = recommend(catalog, Query(topics=(Topic.DEEP_LEARNING,), background=Background.UNDERGRADUATE_STEM))
    assert ids(answer)[0] != GOODFELLOW
    assert catalog[ids(answer)[0]].level.rank < Level.ADVANCED.rank


def test_a_member_without_calculus_asking_for_multivariate_calculus_gets_18_02(catalog) -> None:
    answer = recommend(catalog, Query(topics=(Topic.MULTIVARIATE_CALCULUS,), background=Background.NO_CALCULUS_YET))
    assert ids(answer)[0] == MIT_18_02
    assert "needs no calculus to start" in answer.picks[0].reasons


def test_asking_for_gradient_descent_finds_an_optimization_resource_not_18_02(catalog) -> None:
    answer = recommend(catalog, Query(text="gradient descent"), limit=10)
    top = catalog[ids(answer)[0]]
    assert top.topics[0] is Topic.GRADIENT_DESCENT and Topic.OPTIMIZATION in top.topics
    assert MIT_18_02 not in ids(answer)


def test_free_only_never_offers_a_paid_book(catalog) -> None:
    answer = recommend(catalog, Query(topics=(Topic.LINEAR_ALGEBRA,), free_only=True), limit=len(catalog))
    assert answer.picks and all(pick.resource.is_free for pick in answer.picks)
    assert DANKA not in ids(answer)


def test_finishing_the_math_earns_goodfellow_the_finished_what_it_builds_on_reason(catalog) -> None:
    from bot.reading import ReadingStatus

    history = {prerequisite: ReadingStatus.FINISHED for prerequisite in catalog[GOODFELLOW].prerequisites}
    answer = recommend(catalog, Query(topics=(Topic.DEEP_LEARNING,), background=Background.RESEARCHER), history)
    assert ids(answer)[0] == GOODFELLOW
    assert "you finished what it builds on" in answer.picks[0].reasons


# --- Learning paths ----------------------------------------------------------------------------------
# Each fault the issue names is tested on what `python -m bot path` prints, which the old resource-based
# path printed too, so these fail on it: a path is read as the titles its steps send the member to.


def path_lines(capsys: pytest.CaptureFixture[str], target: str) -> list[str]:
    """The numbered step lines `python -m bot path TARGET` prints, against the shipped catalog."""
    from bot.__main__ import main

    assert main(["path", target]) == 0
    return [line for line in capsys.readouterr().out.splitlines() if line.lstrip()[:1].isdigit()]


def titles_in(catalog: Catalog, line: str) -> list[Resource]:
    """The resources whose title appears in a line, longest title first (so 'Deep Learning' is not mistaken)."""
    found: list[Resource] = []
    for resource in sorted(catalog, key=lambda r: -len(r.title)):
        if resource.title in line and not any(resource.title in other.title for other in found):
            found.append(resource)
    return found


@pytest.fixture
def in_the_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line's default CATALOG_PATH, data/, is relative to where it runs."""
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("CATALOG_PATH", raising=False)


@pytest.mark.usefixtures("in_the_repository")
def test_the_probability_path_starts_with_probability_not_with_groundwork(catalog, capsys) -> None:
    first = path_lines(capsys, "probability")[0]
    assert "groundwork" not in first
    (resource,) = titles_in(catalog, first)
    assert resource.topics[0] is Topic.PROBABILITY, first


@pytest.mark.usefixtures("in_the_repository")
def test_the_linear_algebra_path_sends_members_only_to_linear_algebra(catalog, capsys) -> None:
    lines = path_lines(capsys, "linear algebra")
    sent_to = {resource.id for line in lines for resource in titles_in(catalog, line)}
    assert "introduction-to-probability-blitzstein" in catalog and GOODFELLOW in catalog
    assert "introduction-to-probability-blitzstein" not in sent_to and GOODFELLOW not in sent_to
    # Not to a calculus course either: a resource that only touches linear algebra is not where to learn it.
    assert sent_to and all(catalog[r].topics[0] is Topic.LINEAR_ALGEBRA for r in sent_to), sent_to


@pytest.mark.usefixtures("in_the_repository")
@pytest.mark.parametrize("topic", ["linear algebra", "probability", "optimization"])
def test_multivariable_calculus_is_not_the_first_step_of_a_pillar(catalog, capsys, topic: str) -> None:
    first = path_lines(capsys, topic)[0]
    assert MIT_18_02 not in {resource.id for resource in titles_in(catalog, first)}, first


def test_every_topic_path_puts_each_concept_after_what_it_builds_on(catalog) -> None:
    for topic in Topic:
        path = topic_path(catalog, topic)
        order = [step.concept.id for step in path.steps]
        for position, concept_id in enumerate(order):
            for prerequisite in catalog.concepts[concept_id].prerequisites:
                assert order.index(prerequisite) < position, (topic, concept_id, prerequisite)
        assert path.left_out == 0, topic  # every topic's whole path is shown


def test_the_deep_learning_path_reaches_attention_through_its_real_groundwork(catalog) -> None:
    path = topic_path(catalog, Topic.DEEP_LEARNING)
    order = [step.concept.id for step in path.steps]
    for groundwork in ("matrices", "inner-products-and-norms", "backpropagation"):
        assert order.index(groundwork) < order.index("attention")
        assert path.steps[order.index(groundwork)].groundwork
    assert not path.steps[order.index("attention")].groundwork


def test_pca_leads_on_from_linear_algebra_rather_than_pulling_probability_into_it(catalog) -> None:
    path = topic_path(catalog, Topic.LINEAR_ALGEBRA)
    assert {step.concept.topic for step in path.steps} == {Topic.LINEAR_ALGEBRA}
    assert path.unlocks[0].id == "principal-component-analysis"
    assert [c.id for c in path.also_needs["principal-component-analysis"]] == ["covariance-and-correlation"]
    # The way to PCA itself still goes through the probability it needs.
    to_pca = concept_path(catalog, "principal-component-analysis")
    assert "covariance-and-correlation" in [step.concept.id for step in to_pca.steps]


# --- Hygiene of the data -----------------------------------------------------------------------------


def test_every_url_is_https_and_every_id_and_url_unique(catalog) -> None:
    urls = [resource.url for resource in catalog]
    assert all(url.startswith("https://") for url in urls)
    assert len(set(urls)) == len(urls)
    assert len(set(catalog.ids)) == len(catalog.ids)


def test_every_resource_says_who_it_suits_and_why_it_is_here(catalog) -> None:
    for resource in catalog:
        assert resource.suits, resource.id
        assert len(resource.summary) >= 80 and len(resource.why) >= 80, resource.id


def test_the_shipped_files_pass_catalog_check() -> None:
    result = run_check(DATA)
    assert result.returncode == 0, result.stderr
    assert "all valid" in result.stdout


def test_catalog_check_fails_with_file_and_line_on_a_broken_copy(tmp_path: Path) -> None:
    broken = tmp_path / "data"
    shutil.copytree(DATA, broken)
    target = broken / "calculus.yaml"
    lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
    line_number = next(n for n, line in enumerate(lines, start=1) if line.strip() == "level: beginner")
    lines[line_number - 1] = lines[line_number - 1].replace("beginner", "beginer")
    target.write_text("".join(lines), encoding="utf-8")

    result = run_check(broken)

    assert result.returncode == 1
    assert f"{target}:{line_number}: 'beginer' is not a known level (did you mean 'beginner'?)" in result.stderr
    assert len(catalog_files(broken)) == len(catalog_files(DATA))


# --- what the catalog knows (issue "Know the material") ----------------------------------------------


def test_the_catalog_is_large_enough_and_every_concept_is_taught_somewhere(catalog: Catalog) -> None:
    assert len(catalog) >= 80
    assert len(catalog.concepts) >= 120
    taught = {concept for r in catalog for section in r.sections for concept in section.concepts}
    assert [c.id for c in catalog.concepts if c.id not in taught] == []  # each by a section, not only a resource


def test_most_resources_carry_their_table_of_contents_the_seeds_five_included(catalog: Catalog) -> None:
    with_contents = [r.id for r in catalog if r.sections]
    assert len(with_contents) >= 0.7 * len(catalog)
    assert set(SEED_FIVE) <= set(with_contents)


@pytest.mark.parametrize(
    "pillar", [Topic.LINEAR_ALGEBRA, Topic.PROBABILITY, Topic.MULTIVARIATE_CALCULUS, Topic.OPTIMIZATION]
)
def test_each_pillar_has_free_and_paid_beginner_to_advanced_books_videos_and_courses(catalog: Catalog, pillar) -> None:
    on_it = [r for r in catalog if pillar in r.topics]
    assert {r.is_free for r in on_it} == {True, False}
    assert {r.level for r in on_it} == set(Level)
    kinds = {r.kind.value for r in on_it}
    # Something to watch: a video or lecture series, or a course of recorded lectures (18.02's 35).
    watchable = [
        r
        for r in on_it
        if r.kind.value in ("video-series", "lecture-series") or r.length.unit.value in ("videos", "lectures")
    ]
    assert "book" in kinds and watchable and kinds & {"course", "lecture-series"}
