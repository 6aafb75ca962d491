"""The controlled vocabulary of the catalog: topics, backgrounds, levels, kinds, costs and units.

One concept, one place: the catalog schema, the recommender, autocomplete and the command line all
read their words from here, so a new topic or synonym is added once.
"""

from __future__ import annotations

from enum import StrEnum


class Words(StrEnum):
    """A vocabulary of hyphenated words ('software-engineer'); `label` is how a person writes one."""

    @property
    def label(self) -> str:
        """'software engineer' for 'software-engineer'."""
        return self.value.replace("-", " ")


class Topic(StrEnum):
    """A subject a resource teaches; the first four are the seed's pillars."""

    LINEAR_ALGEBRA = "linear-algebra"
    PROBABILITY = "probability"
    MULTIVARIATE_CALCULUS = "multivariate-calculus"
    OPTIMIZATION = "optimization"
    CALCULUS = "calculus"
    STATISTICS = "statistics"
    INFORMATION_THEORY = "information-theory"
    NUMERICAL_METHODS = "numerical-methods"
    MACHINE_LEARNING = "machine-learning"
    DEEP_LEARNING = "deep-learning"
    NEURAL_NETWORKS = "neural-networks"
    GRADIENT_DESCENT = "gradient-descent"
    REAL_ANALYSIS = "real-analysis"
    REINFORCEMENT_LEARNING = "reinforcement-learning"

    @property
    def label(self) -> str:
        """The topic as a person writes it."""
        return TOPIC_LABELS[self]


PILLARS: tuple[Topic, ...] = (
    Topic.LINEAR_ALGEBRA,
    Topic.PROBABILITY,
    Topic.MULTIVARIATE_CALCULUS,
    Topic.OPTIMIZATION,
)

TOPIC_LABELS: dict[Topic, str] = {
    Topic.LINEAR_ALGEBRA: "linear algebra",
    Topic.PROBABILITY: "probability",
    Topic.MULTIVARIATE_CALCULUS: "multivariate calculus",
    Topic.OPTIMIZATION: "optimization",
    Topic.CALCULUS: "calculus",
    Topic.STATISTICS: "statistics",
    Topic.INFORMATION_THEORY: "information theory",
    Topic.NUMERICAL_METHODS: "numerical methods",
    Topic.MACHINE_LEARNING: "machine learning",
    Topic.DEEP_LEARNING: "deep learning",
    Topic.NEURAL_NETWORKS: "neural networks",
    Topic.GRADIENT_DESCENT: "gradient descent",
    Topic.REAL_ANALYSIS: "real analysis",
    Topic.REINFORCEMENT_LEARNING: "reinforcement learning",
}

# Words members type, mapped to the topic they mean. Labels and slugs are added automatically below;
# these are the abbreviations and near-synonyms people actually use.
TOPIC_SYNONYMS: dict[str, Topic] = {
    "linalg": Topic.LINEAR_ALGEBRA,
    "lin alg": Topic.LINEAR_ALGEBRA,
    "matrices": Topic.LINEAR_ALGEBRA,
    "matrix": Topic.LINEAR_ALGEBRA,
    "vectors": Topic.LINEAR_ALGEBRA,
    "vector spaces": Topic.LINEAR_ALGEBRA,
    "eigenvalues": Topic.LINEAR_ALGEBRA,
    "la": Topic.LINEAR_ALGEBRA,
    "prob": Topic.PROBABILITY,
    "probability theory": Topic.PROBABILITY,
    "random variables": Topic.PROBABILITY,
    "bayes": Topic.PROBABILITY,
    "stats": Topic.STATISTICS,
    "stat": Topic.STATISTICS,
    "inference": Topic.STATISTICS,
    "calc": Topic.CALCULUS,
    "derivatives": Topic.CALCULUS,
    "single variable calculus": Topic.CALCULUS,
    "multivariable calculus": Topic.MULTIVARIATE_CALCULUS,
    "multivar calc": Topic.MULTIVARIATE_CALCULUS,
    "multivariable": Topic.MULTIVARIATE_CALCULUS,
    "vector calculus": Topic.MULTIVARIATE_CALCULUS,
    "partial derivatives": Topic.MULTIVARIATE_CALCULUS,
    "gradients": Topic.MULTIVARIATE_CALCULUS,
    "calc 3": Topic.MULTIVARIATE_CALCULUS,
    "optimisation": Topic.OPTIMIZATION,
    "convex optimization": Topic.OPTIMIZATION,
    "convex": Topic.OPTIMIZATION,
    "sgd": Topic.GRADIENT_DESCENT,
    "gd": Topic.GRADIENT_DESCENT,
    "backprop": Topic.NEURAL_NETWORKS,
    "backpropagation": Topic.NEURAL_NETWORKS,
    "neural nets": Topic.NEURAL_NETWORKS,
    "nn": Topic.NEURAL_NETWORKS,
    "dl": Topic.DEEP_LEARNING,
    "ml": Topic.MACHINE_LEARNING,
    "entropy": Topic.INFORMATION_THEORY,
    "numerics": Topic.NUMERICAL_METHODS,
    "numerical computation": Topic.NUMERICAL_METHODS,
    "numerical linear algebra": Topic.NUMERICAL_METHODS,
    "rl": Topic.REINFORCEMENT_LEARNING,
}


def topic_words() -> dict[str, Topic]:
    """Every word or phrase that names a topic: slugs, labels and synonyms, lower-cased."""
    words: dict[str, Topic] = {}
    for topic in Topic:
        words[topic.value] = topic
        words[topic.label] = topic
    words.update(TOPIC_SYNONYMS)
    return words


class Background(Words):
    """Where a member comes from; resources say which backgrounds they suit."""

    HIGH_SCHOOL_MATH = "high-school-math"
    NO_CALCULUS_YET = "no-calculus-yet"
    SOFTWARE_ENGINEER = "software-engineer"
    UNDERGRADUATE_STEM = "undergraduate-stem"
    DATA_SCIENTIST = "data-scientist"
    RESEARCHER = "researcher"


class Level(StrEnum):
    """How demanding a resource is."""

    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"

    @property
    def rank(self) -> int:
        """0 for beginner up to 2 for advanced, for comparing levels."""
        return list(Level).index(self)


# The level a member of each background is ready for; resources far above it rank lower.
BACKGROUND_LEVEL: dict[Background, Level] = {
    Background.HIGH_SCHOOL_MATH: Level.BEGINNER,
    Background.NO_CALCULUS_YET: Level.BEGINNER,
    Background.SOFTWARE_ENGINEER: Level.BEGINNER,
    Background.UNDERGRADUATE_STEM: Level.INTERMEDIATE,
    Background.DATA_SCIENTIST: Level.INTERMEDIATE,
    Background.RESEARCHER: Level.ADVANCED,
}


class Kind(Words):
    """What form a resource takes."""

    BOOK = "book"
    COURSE = "course"
    LECTURE_SERIES = "lecture-series"
    VIDEO_SERIES = "video-series"
    ARTICLE = "article"
    INTERACTIVE = "interactive"


class Cost(StrEnum):
    """What a resource costs; everything but PAID has a free way in."""

    FREE = "free"
    FREE_ONLINE_PAID_PRINT = "free-online-paid-print"
    FREE_TO_AUDIT = "free-to-audit"
    PAID = "paid"

    @property
    def is_free(self) -> bool:
        """Whether a member can study it without paying."""
        return self is not Cost.PAID

    @property
    def label(self) -> str:
        """How the cost reads in a reason or an embed."""
        return COST_LABELS[self]


COST_LABELS: dict[Cost, str] = {
    Cost.FREE: "free",
    Cost.FREE_ONLINE_PAID_PRINT: "free online (print is paid)",
    Cost.FREE_TO_AUDIT: "free to audit (certificate is paid)",
    Cost.PAID: "paid",
}


class LengthUnit(StrEnum):
    """The unit a resource is measured in, and so the unit of a member's position in it."""

    PAGES = "pages"
    CHAPTERS = "chapters"
    LECTURES = "lectures"
    VIDEOS = "videos"
    LESSONS = "lessons"
    SECTIONS = "sections"
    HOURS = "hours"
    PERCENT = "percent"

    @property
    def singular(self) -> str:
        """'page' for pages: how one position reads."""
        return "percent" if self is LengthUnit.PERCENT else self.value.removesuffix("s")

    @property
    def counts_parts(self) -> bool:
        """Whether a position counts whole parts done (3 lectures) rather than a place inside (page 120)."""
        return self in (
            LengthUnit.CHAPTERS,
            LengthUnit.LECTURES,
            LengthUnit.VIDEOS,
            LengthUnit.LESSONS,
            LengthUnit.SECTIONS,
        )


class SectionKind(StrEnum):
    """What one part of a resource is called: 'chapter 7', 'lecture 29'."""

    CHAPTER = "chapter"
    PART = "part"
    APPENDIX = "appendix"
    LECTURE = "lecture"
    VIDEO = "video"
    LESSON = "lesson"
    MODULE = "module"
    WEEK = "week"
    SECTION = "section"


# What a resource's parts are called when its sections do not say: a book in pages has chapters.
SECTION_KIND_OF_UNIT: dict[LengthUnit, SectionKind] = {
    LengthUnit.PAGES: SectionKind.CHAPTER,
    LengthUnit.CHAPTERS: SectionKind.CHAPTER,
    LengthUnit.LECTURES: SectionKind.LECTURE,
    LengthUnit.VIDEOS: SectionKind.VIDEO,
    LengthUnit.LESSONS: SectionKind.LESSON,
    LengthUnit.SECTIONS: SectionKind.SECTION,
    LengthUnit.HOURS: SectionKind.PART,
    LengthUnit.PERCENT: SectionKind.PART,
}
