"""A generator of valid synthetic catalogs of any size, for benchmarks and scale tests.

Deterministic for a seed; every resource passes the real schema, and prerequisites only point backwards,
so the catalog has no cycles.
"""

from __future__ import annotations

import random

from bot.catalog.catalog import Catalog
from bot.catalog.schema import Resource
from bot.catalog.vocabulary import Background, Cost, Kind, LengthUnit, Level, Topic

_WORDS = (
    "linear algebra probability calculus optimization gradient matrix vector tensor bayes inference "
    "convex stochastic numerical deep neural network learning statistics entropy theory methods"
).split()


def synthetic_resources(count: int, seed: int = 7) -> list[Resource]:
    """`count` valid resources with varied topics, levels, kinds, costs and a few prerequisites each."""
    rng = random.Random(seed)
    topics, backgrounds, levels = list(Topic), list(Background), list(Level)
    kinds, costs, units = list(Kind), list(Cost), list(LengthUnit)
    resources: list[Resource] = []
    for index in range(count):
        title = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(2, 5))).title()
        earlier = rng.sample(range(index), k=min(index, rng.randint(0, 2)))
        unit = rng.choice(units)
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
                    "backgrounds": rng.sample(backgrounds, k=rng.randint(0, 2)),
                    "prerequisites": [f"synthetic-{i}" for i in earlier],
                    "length": {"amount": 100 if unit is LengthUnit.PERCENT else rng.randint(5, 900), "unit": unit},
                    "summary": f"A synthetic resource about {title.lower()}.",
                    "why": "It exists to measure how the bot scales.",
                }
            )
        )
    return resources


def synthetic_catalog(count: int, seed: int = 7) -> Catalog:
    """A Catalog of `count` synthetic resources."""
    return Catalog(synthetic_resources(count, seed))
