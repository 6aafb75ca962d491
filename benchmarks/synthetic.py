"""A generator of valid synthetic catalogs of any size, for benchmarks and scale tests.

Deterministic for a seed; every resource passes the real schema, and prerequisites only point backwards,
so the catalog has no cycles. Resources carry tables of contents (sections with starts and the concepts
they teach, from the shipped concept vocabulary), so what sections cost is measured, not assumed.
"""

from __future__ import annotations

import random
from functools import lru_cache
from pathlib import Path

from bot.catalog.catalog import Catalog
from bot.catalog.concepts import ConceptGraph
from bot.catalog.loader import parse_documents
from bot.catalog.schema import Resource
from bot.catalog.vocabulary import Background, Cost, Kind, LengthUnit, Level, Topic

_WORDS = (
    "linear algebra probability calculus optimization gradient matrix vector tensor bayes inference "
    "convex stochastic numerical deep neural network learning statistics entropy theory methods"
).split()


CONCEPTS_FILE = Path(__file__).resolve().parent.parent / "data" / "concepts.yaml"
MAX_SECTIONS = 16


@lru_cache(maxsize=1)
def shipped_concepts() -> ConceptGraph:
    """The shipped concept vocabulary, which synthetic sections draw their concepts from."""
    _, concepts = parse_documents([(str(CONCEPTS_FILE), CONCEPTS_FILE.read_text(encoding="utf-8"))])
    return ConceptGraph(concepts)


def _sections(rng: random.Random, amount: int, concept_ids: list[str]) -> list[dict]:
    """Up to MAX_SECTIONS sections with rising starts inside `amount`, each teaching one to three concepts."""
    count = min(amount, rng.randint(0, MAX_SECTIONS))
    starts = sorted(rng.sample(range(2, amount + 1), k=count - 1)) if count > 1 else []
    return [
        {
            "number": str(number),
            "title": f"Part {number}: " + " ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 4))),
            "start": start,
            "concepts": rng.sample(concept_ids, k=rng.randint(1, 3)),
        }
        for number, start in enumerate([1, *starts][:count], start=1)
    ]


def synthetic_resources(count: int, seed: int = 7) -> list[Resource]:
    """`count` valid resources with varied topics, levels, kinds, costs, a few prerequisites and sections."""
    rng = random.Random(seed)
    concept_ids = shipped_concepts().ids
    topics, backgrounds, levels = list(Topic), list(Background), list(Level)
    kinds, costs, units = list(Kind), list(Cost), list(LengthUnit)
    resources: list[Resource] = []
    for index in range(count):
        title = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(2, 5))).title()
        earlier = rng.sample(range(index), k=min(index, rng.randint(0, 2)))
        unit = rng.choice(units)
        amount = 100 if unit is LengthUnit.PERCENT else rng.randint(5, 900)
        chosen = rng.sample(backgrounds, k=rng.randint(0, 2))
        written = rng.random() < 0.2  # some are written for their first background, the rest only suit it
        resources.append(
            Resource.model_validate(
                {
                    "id": f"synthetic-{index}",
                    "title": f"{title} {index}",
                    "authors": [f"Author {rng.randint(1, 500)}"],
                    "kind": rng.choice(kinds),
                    "url": f"https://example.org/resources/{index}",
                    "cost": rng.choice(costs),
                    "topics": rng.sample(topics, k=rng.randint(1, 3)),
                    "level": rng.choice(levels),
                    "written_for": chosen[:1] if written else [],
                    "backgrounds": chosen[1:] if written else chosen,
                    "prerequisites": [f"synthetic-{i}" for i in earlier],
                    "length": {"amount": amount, "unit": unit},
                    "sections": _sections(rng, amount, concept_ids),
                    "summary": f"A synthetic resource about {title.lower()}.",
                    "why": "It exists to measure how the bot scales.",
                }
            )
        )
    return resources


def synthetic_catalog(count: int, seed: int = 7) -> Catalog:
    """A Catalog of `count` synthetic resources, with the shipped concept vocabulary."""
    return Catalog(synthetic_resources(count, seed), shipped_concepts())
