"""Timing helpers shared by the benchmarks: percentiles over many runs, and one figure with its baseline."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


def percentile(samples: list[float], fraction: float) -> float:
    """The value below which `fraction` of the samples fall (nearest rank)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def time_calls(call: Callable[[], object], runs: int, warmup: int = 3) -> list[float]:
    """Seconds each of `runs` calls took, after a few warm-up calls."""
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return samples


def time_in_turn(
    call: Callable[[], object], baseline: Callable[[], object], runs: int
) -> tuple[list[float], list[float]]:
    """Seconds per call of each, the two taken in turn, so a noisy stretch of the machine hits both alike."""
    for _ in range(3):
        call()
        baseline()
    samples: list[float] = []
    base: list[float] = []
    for _ in range(runs):
        for timed, into in ((call, samples), (baseline, base)):
            start = time.perf_counter()
            timed()
            into.append(time.perf_counter() - start)
    return samples, base


@dataclass
class Figure:
    """One measured figure, its baseline from the same run, and the goal it is held to."""

    name: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    goal: str = ""
    met: bool | None = None
    details: dict[str, float] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        """value / baseline: the machine-independent number to compare between runs."""
        return self.value / self.baseline if self.baseline else None

    def as_dict(self) -> dict:
        """The figure as JSON data."""
        return {
            "name": self.name,
            "value": round(self.value, 4),
            "unit": self.unit,
            "baseline": None if self.baseline is None else round(self.baseline, 4),
            "baseline_name": self.baseline_name,
            "ratio": None if self.ratio is None else round(self.ratio, 3),
            "goal": self.goal,
            "met": self.met,
            "details": {k: round(v, 4) for k, v in self.details.items()},
        }


def p99_ms_figure(
    name: str,
    samples: list[float],
    base: list[float],
    baseline_name: str,
    goal_ms: float | None,
    *,
    goal: str | None = None,
    met: bool | None = None,
    details: dict[str, float] | None = None,
) -> Figure:
    """A latency figure: the p99 of `samples` (seconds) in ms against the p99 of `base` from the same run, its p50
    in the details. Held to `goal_ms` when given (`goal` words it otherwise than "≤ N ms"); `met` overrides the
    verdict when more than the p99 decides it."""
    p99 = percentile(samples, 0.99) * 1e3
    return Figure(
        name=name,
        value=p99,
        unit="ms",
        baseline=percentile(base, 0.99) * 1e3,
        baseline_name=baseline_name,
        goal=goal if goal is not None else (f"≤ {goal_ms:g} ms" if goal_ms is not None else ""),
        met=met if met is not None else (p99 <= goal_ms if goal_ms is not None else None),
        details={"p50_ms": percentile(samples, 0.5) * 1e3, **(details or {})},
    )


def median_ms(samples: list[float]) -> float:
    """The median of samples in seconds, in milliseconds."""
    return statistics.median(samples) * 1e3
