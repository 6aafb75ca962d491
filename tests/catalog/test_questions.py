"""Reading a member's question: subjects, cues, resources named or excluded, and what nothing knows."""

from __future__ import annotations

import pytest

from bot.catalog.catalog import Catalog
from bot.catalog.concepts import ConceptGraph
from bot.catalog.questions import understand, words_of
from bot.catalog.schema import Concept
from bot.catalog.vocabulary import Background, Kind, Level, Topic
from tests.factories import make_resource

CONCEPTS = ConceptGraph(
    [
        Concept(
            id="singular-value-decomposition",
            name="singular value decomposition",
            topic="linear-algebra",
            synonyms=["svd", "singular values"],
        ),
        Concept(
            id="eigenvalues",
            name="eigenvalues and eigenvectors",
            topic="linear-algebra",
            synonyms=["eigenvalues", "eigenvectors"],
        ),
        Concept(
            id="kl-divergence",
            name="KL divergence",
            topic="information-theory",
            synonyms=["kullback leibler divergence"],
        ),
        Concept(id="transformers", name="transformers", topic="deep-learning", synonyms=["transformer"]),
        Concept(id="backpropagation", name="backpropagation", topic="neural-networks", synonyms=["backprop"]),
    ]
)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    """A few resources whose names, authors and aliases a question can use."""
    return Catalog(
        [
            make_resource("axler", title="Linear Algebra Done Right", authors=["Sheldon Axler"], level="advanced"),
            make_resource(
                "strang-course",
                title="18.06SC Linear Algebra",
                authors=["Gilbert Strang"],
                aliases=["18.06"],
                kind="course",
                level="beginner",
            ),
            make_resource(
                "deep-learning-book",
                title="Deep Learning",
                authors=["Ian Goodfellow", "Yoshua Bengio"],
                topics=["deep-learning"],
                aliases=["the deep learning book"],
                level="advanced",
            ),
            make_resource(
                "zero-to-hero",
                title="Neural Networks: Zero to Hero",
                authors=["Andrej Karpathy"],
                topics=["neural-networks"],
                summary="Build micrograd and a small GPT in Python.",
            ),
        ],
        CONCEPTS,
    )


def test_words_drop_punctuation_and_possessives() -> None:
    assert words_of("Strang's 18.06 — self-attention!") == ["strang", "18", "06", "self", "attention"]


def test_a_biologist_asking_about_transformers_is_understood_whole(catalog: Catalog) -> None:
    meaning = understand("I'm a biologist who wants to understand transformers", catalog)
    assert meaning.concepts == ["transformers"]
    assert meaning.backgrounds == [Background.UNDERGRADUATE_STEM]
    assert meaning.unknown == []  # 'wants' is no longer an unknown word that empties the answer


def test_level_background_cost_kind_and_hands_on_cues_are_read(catalog: Catalog) -> None:
    meaning = understand("gentle, free video on backprop for a developer, with code", catalog)
    assert meaning.levels == [Level.BEGINNER]
    assert meaning.backgrounds == [Background.SOFTWARE_ENGINEER]
    assert meaning.free_only and meaning.hands_on
    assert meaning.kinds == [Kind.VIDEO_SERIES]
    assert meaning.concepts == ["backpropagation"]
    assert understand("I'm bad at math", catalog).levels == [Level.BEGINNER]
    assert understand("something rigorous, proof based", catalog).levels == [Level.ADVANCED]
    assert understand("not too mathy please", catalog).not_above is Level.INTERMEDIATE


def test_misspelt_concepts_are_read_when_unambiguous(catalog: Catalog) -> None:
    assert understand("kl divergnce", catalog).concepts == ["kl-divergence"]
    assert understand("singular valu decomposition", catalog).concepts == ["singular-value-decomposition"]


@pytest.mark.parametrize(
    ("text", "resource_id", "by", "role"),
    [
        ("is strang's course enough for svd?", "strang-course", "author", "wanted"),
        ("what does 18.06 cover", "strang-course", "alias", "wanted"),
        ("axler is too hard for me", "axler", "author", "easier-than"),
        ("Linear Algebra Done Right was too dense", "axler", "title", "easier-than"),
        ("not the deep learning book, something else", "deep-learning-book", "alias", "excluded"),
        ("other than karpathy", "zero-to-hero", "author", "excluded"),
        ("already finished axler, what next", "axler", "author", "done"),
        ("easier than axler", "axler", "author", "easier-than"),
        ("harder than 18.06", "strang-course", "alias", "harder-than"),
        ("something like zero to hero but for probability", "zero-to-hero", "title", "like"),
    ],
)
def test_a_named_resource_is_found_with_what_the_question_does_with_it(
    catalog: Catalog, text: str, resource_id: str, by: str, role: str
) -> None:
    named = [(n.resource_id, n.by, n.role) for n in understand(text, catalog).named]
    assert named == [(resource_id, by, role)]


def test_a_title_that_is_also_a_subject_names_the_subject(catalog: Catalog) -> None:
    meaning = understand("deep learning for beginners", catalog)
    assert meaning.topics == [Topic.DEEP_LEARNING]
    assert meaning.named == []


def test_words_only_the_catalog_knows_are_searched_and_words_nothing_knows_are_reported(catalog: Catalog) -> None:
    meaning = understand("micrograd and quantum chromodynamics", catalog)
    assert meaning.searched == ["micrograd"]
    assert meaning.unknown == ["quantum chromodynamics"]  # one subject, named as the member wrote it


def test_negation_turns_a_cue_around_within_its_clause(catalog: Catalog) -> None:
    meaning = understand("no videos please, nothing too basic. and don't care about rigorous proofs", catalog)
    assert meaning.avoided_kinds == [Kind.VIDEO_SERIES]
    assert meaning.not_above is Level.INTERMEDIATE  # "don't care about rigorous": nothing advanced
    assert understand("not a beginner, linear algebra", catalog).not_below is Level.INTERMEDIATE
    # A full stop ends what 'no' reaches: 'deep learning' here is asked for, not refused.
    after_stop = understand("no paid stuff. deep learning", catalog)
    assert after_stop.free_only and after_stop.topics == [Topic.DEEP_LEARNING] and not after_stop.avoided_topics


def test_a_topic_after_for_beside_another_subject_is_what_it_is_for(catalog: Catalog) -> None:
    meaning = understand("linalg for deep learning", catalog)
    assert meaning.topics == [Topic.LINEAR_ALGEBRA]
    assert meaning.context_topics == [Topic.DEEP_LEARNING]
    assert understand("something for deep learning", catalog).topics == [Topic.DEEP_LEARNING]  # alone, the subject


def test_a_kind_is_read_only_when_asked_for(catalog: Catalog) -> None:
    assert understand("any good videos on the svd?", catalog).kinds == [Kind.VIDEO_SERIES]
    assert understand("linear algebra videos", catalog).kinds == [Kind.VIDEO_SERIES]
    assert understand("svd keeps coming up in recommender papers i read", catalog).kinds == []


def test_one_slip_typos_are_read_and_plurals_fold(catalog: Catalog) -> None:
    assert understand("eigenvlaues", catalog).concepts == ["eigenvalues"]  # two letters swapped
    assert understand("backpropp", catalog).concepts == ["backpropagation"]  # one extra
    assert understand("transformer", catalog).concepts == ["transformers"]
    assert understand("svd for a begginer", catalog).levels == [Level.BEGINNER]


def test_words_never_side_by_side_in_the_catalog_are_one_unknown_subject(catalog: Catalog) -> None:
    assert understand("small gpt", catalog).searched == ["small", "gpt"]  # 'a small GPT': side by side
    meaning = understand("gpt micrograd", catalog)  # both known, never together: no subject the catalog names
    assert meaning.unknown == ["gpt micrograd"] and meaning.searched == []


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("already watched zero to hero, what next", "done"),
        ("something shorter than the deep learning book", "shorter-than"),
        ("more beginner friendly than axler", "easier-than"),
        ("anything that isn't zero to hero", "excluded"),
    ],
)
def test_more_ways_of_naming_a_resource_to_compare_with(catalog: Catalog, text: str, role: str) -> None:
    [named] = understand(text, catalog).named
    assert named.role == role


def test_a_question_is_read_into_background_kind_and_cost(catalog: Catalog) -> None:
    meaning = understand("I'm a software engineer with no calculus yet, any free book on backprop?", catalog)
    assert meaning.concepts == ["backpropagation"]
    assert set(meaning.backgrounds) == {Background.SOFTWARE_ENGINEER, Background.NO_CALCULUS_YET}
    assert meaning.kinds == [Kind.BOOK]
    assert meaning.free_only


def test_close_matches_are_difflibs_over_every_name() -> None:
    """Narrowing the names by their letters first changes no answer: each phrase, typed with slips, finds
    what difflib.get_close_matches finds among all the names (the synthetic catalog's titles and more)."""
    import difflib
    import random

    from benchmarks.synthetic import synthetic_resources
    from bot.catalog.questions import NAME_SLIP_RATIO, _CloseMatches

    names = [r.title.lower() for r in synthetic_resources(2_000)] + ["attention is all you need", "zero to hero"]
    close = _CloseMatches(names, NAME_SLIP_RATIO, most=3)
    rng = random.Random(7)
    phrases = ["attn is all u need", "attention is al you ned", "optimisation stochastic theory", "where do i"]
    phrases += ["a" * 300 + " is all you need", "e" * 70_000]  # more of a letter than a count's type holds
    for name in rng.sample(names, 200):
        slipped = list(name)
        for _ in range(rng.randint(0, 4)):
            slipped[rng.randrange(len(slipped))] = rng.choice("aeiost ")
        phrases.append("".join(slipped))
    found = 0
    for phrase in phrases:
        expected = difflib.get_close_matches(phrase, names, n=3, cutoff=NAME_SLIP_RATIO)
        assert close.of(phrase) == expected, phrase
        assert close.of(phrase) == expected, phrase  # the kept answer too
        found += bool(expected)
    assert found > 100  # most slipped names are still found: the comparison is not of empty answers


def test_close_matches_among_names_of_the_same_letters_count_them_all_at_once_and_still_answer_as_difflib() -> None:
    """Names that are one another's words reordered all share a phrase's letters, so the letter bound keeps
    them all and their common subsequences are counted together in numpy: the same answers as difflib, for
    ASCII names and (one at a time) for names that are not."""
    import difflib
    import itertools

    from bot.catalog.questions import _ALL_AT_ONCE, NAME_SLIP_RATIO, _CloseMatches

    words = ["linear", "convex", "matrix", "gradient", "bayesian"]
    names = [" ".join(order) for order in itertools.permutations(words, 4)]  # 120 names, alike in letters
    accented = [name.replace("e", "é", 1) for name in names[:40]]
    phrases = ["linear convex matrix gradeint", "bayesian linaer matrix convex", "matrix gradient convex linear"]
    phrases += ["gradient bayesian linear", "linéar convex matrix gradient"]
    for these in (names, names + accented):
        close = _CloseMatches(these, NAME_SLIP_RATIO, most=3)
        for phrase in phrases:
            assert close.of(phrase) == difflib.get_close_matches(phrase, these, n=3, cutoff=NAME_SLIP_RATIO)
    assert len(names) > _ALL_AT_ONCE


def test_common_subsequences_counted_all_at_once_are_those_counted_one_at_a_time() -> None:
    import random

    from bot.catalog.questions import _common_length, _common_lengths

    rng = random.Random(3)
    for _ in range(50):
        phrase = "".join(rng.choice("abcde ") for _ in range(rng.randint(1, 63)))
        names = ["".join(rng.choice("abcdef ") for _ in range(rng.randint(1, 80))) for _ in range(40)]
        where: dict[str, int] = {}
        for position, letter in enumerate(phrase):
            where[letter] = where.get(letter, 0) | (1 << position)
        one_at_a_time = [_common_length(where, len(phrase), name) for name in names]
        assert _common_lengths(where, len(phrase), names).tolist() == one_at_a_time


def test_a_slip_difflib_scores_low_is_still_read_as_the_concept() -> None:
    from pathlib import Path

    from bot.catalog.loader import load_catalog

    shipped = load_catalog(Path(__file__).resolve().parents[2] / "data")
    # 'hessain' is too far from 'hessian' for difflib's cutoff; one swapped pair of letters is still a slip.
    assert understand("where do i learn the hessain", shipped).concepts == ["hessian"]


def test_close_matches_are_built_when_a_question_first_needs_them_or_when_prepared() -> None:
    from pathlib import Path

    from bot.catalog.loader import load_catalog
    from bot.catalog.questions import _Reader, prepare_questions, questions_prepared

    shipped = load_catalog(Path(__file__).resolve().parents[2] / "data")
    assert understand("where do i learn the singular value decomposition", shipped).concepts  # every word known
    reader = _Reader.of(shipped)
    assert not any(matches.prepared for matches in reader.close_matches())  # a command line needs none of them
    assert not questions_prepared(shipped)  # so the bot still prepares them off its event loop

    assert understand("where do i learn the hessain", shipped).concepts == ["hessian"]  # needs them: built now
    assert reader.fuzzy_close.prepared
    prepare_questions(shipped)
    assert questions_prepared(shipped) and all(matches.prepared for matches in reader.close_matches())


def test_a_question_of_known_cues_and_subjects_is_not_read_for_misspelt_titles(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.catalog.questions import _CloseMatches, _Reader

    long_names = set(map(id, _Reader.of(catalog).long_names.values()))
    looked_for: list[str] = []
    of = _CloseMatches.of

    def recording(self: _CloseMatches, phrase: str) -> list[str]:
        if id(self) in long_names:
            looked_for.append(phrase)
        return of(self, phrase)

    monkeypatch.setattr(_CloseMatches, "of", recording)
    # Each word is one of a cue's or a concept's ("school" of "high school student"), none the catalog's text.
    meaning = understand("kullback leibler divergence for a high school student", catalog)
    assert meaning.concepts == ["kl-divergence"] and meaning.backgrounds == [Background.HIGH_SCHOOL_MATH]
    assert looked_for == []

    assert understand("neural netwrks zero to hero", catalog).named  # a slip in a title is still looked for
    assert looked_for


def test_the_catalogs_own_words_are_indexed_only_when_a_question_needs_them() -> None:
    from pathlib import Path

    from bot.catalog.loader import load_catalog

    shipped = load_catalog(Path(__file__).resolve().parents[2] / "data")
    assert understand("where do i learn the singular value decomposition", shipped).concepts  # all known words
    assert not shipped.has_derived("lexical-index")

    assert understand("a book by strang on singular values", shipped).concepts  # "strang": the catalog's text
    assert shipped.has_derived("lexical-index")


def test_close_matches_keep_only_the_phrases_met_lately_and_still_answer_as_difflib(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import difflib

    from bot.catalog import questions
    from bot.catalog.questions import _CloseMatches

    monkeypatch.setattr(questions, "CLOSE_MATCHES_KEPT", 8)
    names = ["linear algebra done right", "zero to hero", "convex optimization"]
    close = _CloseMatches(names, 0.8)
    asked = [f"linear algebra done rihgt {n}" for n in range(20)] + ["zero to heor"]

    for phrase in asked:
        assert close.of(phrase) == difflib.get_close_matches(phrase, names, n=1, cutoff=0.8)

    assert close._memo.cache_info().currsize == 8  # not one a phrase ever asked: memory stays bounded
    assert close.of("zero to heor") == ["zero to hero"]  # kept, and a copy: changing it changes nothing kept
    close.of("zero to heor").append("x")
    assert close.of("zero to heor") == ["zero to hero"]
