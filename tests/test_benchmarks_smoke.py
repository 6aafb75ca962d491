"""The benchmarks still run: the cheapest pieces in quick mode, checked for shape and for lost writes.

No timing is asserted here: speed is measured by `python -m benchmarks` on a quiet machine, never in tests.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from benchmarks import core, end_to_end, export, outcomes, postgres, rhythm, startup, writes
from benchmarks.__main__ import table
from benchmarks.measure import Figure


def _well_formed(figure: Figure) -> None:
    """A figure with a value, a unit, a baseline from the same run and a ratio."""
    assert figure.name and figure.unit
    assert figure.value > 0
    assert figure.baseline is not None and figure.baseline > 0 and figure.baseline_name
    assert figure.ratio is not None
    assert figure.as_dict()["name"] == figure.name


async def test_writes_lose_nothing_at_any_concurrency() -> None:
    figures = await writes.bench(quick=True)

    assert [f.name for f in figures] == [
        "progress writes @ 1 member",
        "progress writes @ 10 members",
        "progress writes @ 100 members",
        "100 concurrent updates from a cold start @ 1,000 resources",
    ]
    *rates, burst = figures
    for figure in rates:
        _well_formed(figure)
        assert figure.unit == "updates/s"
        assert figure.details["lost"] == 0
        assert figure.details["rows_after"] == figure.details["updates"] == figure.details["raw_rows_after"]
    _well_formed(burst)
    assert burst.unit == "s" and burst.baseline_name == "the same updates one after another"
    assert burst.details["lost"] == 0 and burst.details["rows_after"] == burst.details["updates"] == 100
    assert "progress writes @ 100 members" in table(figures)


async def test_outcomes_are_measured_against_a_group_by_that_agrees_with_them() -> None:
    [figure] = await outcomes.bench(quick=True)

    _well_formed(figure)
    assert figure.unit == "ms" and "progress events" in figure.name
    assert figure.details["mismatches"] == 0  # the kept counts equal the GROUP BY's for every resource timed
    assert figure.details["events"] > 10_000 and figure.details["ratings"] > 1_000
    assert figure.details["most_readers"] >= 3


def test_recommend_with_community_signals_is_measured_against_the_same_without() -> None:
    figure = core.bench_recommend_with_signals(200, 20)

    _well_formed(figure)
    assert figure.goal == "≤ 2 ms" and figure.details["resources_with_facts"] > 0


async def test_end_to_end_answers_every_interaction(tmp_path: Path) -> None:
    async with end_to_end.running_bot(tmp_path) as running:  # the bot in a child process, the emulator here
        floor = await end_to_end.drive(running, end_to_end.noop_data(running), 12, window=4)
        recommend = await end_to_end.drive(running, end_to_end.recommend_data(running), 12, window=4)
        progress = await end_to_end.drive(running, end_to_end.progress_data(running), 12, window=4)
        errors = running.logged_errors

    assert errors == []
    for load in (floor, recommend, progress):
        assert load.unanswered == 0 and len(load.latencies) == 12
    figures = end_to_end.command_figures("/recommend", recommend, floor)
    assert [f.unit for f in figures] == ["/s", "ms"]
    for figure in figures:
        _well_formed(figure)


@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_startup_reports_cold_and_warm_starts_and_the_bots_memory(tmp_path: Path) -> None:
    catalog = startup.write_synthetic_catalog(tmp_path / "catalog", 30)

    report = startup.start_process(catalog, interactions=10)

    assert len(report["cold"]) == len(report["warm"]) == 1
    assert all(seconds > 0 for seconds in report["cold"] + report["warm"])
    assert report["rss_ready_mb"] > 0 and report["rss_after_mb"] > 0 and report["cold_rss_ready_mb"] > 0
    assert report["unanswered"] == 0 and report["logged_errors"] == 0


def test_the_command_line_figure_times_real_answers_against_the_bare_interpreter(tmp_path: Path) -> None:
    seconds = startup.cli_seconds([sys.executable, "-m", "bot", "recommend", "--query", "svd"], 1, tmp_path)
    assert len(seconds) == 1 and seconds[0] > 0
    assert (tmp_path / "pillars.db.catalog-cache.json").exists()  # the first, untimed run wrote the cache


async def test_export_reports_its_time_and_its_worst_stall_each_against_a_same_run_baseline() -> None:
    duration, stall = await export.bench(quick=True)

    assert duration.name == "/catalog export @ 1,000 resources" and duration.unit == "s"
    assert stall.name == "worst event-loop stall during /catalog export @ 1,000 resources" and stall.unit == "ms"
    for figure in (duration, stall):
        _well_formed(figure)
    assert duration.details["resources"] == 1_000 and duration.details["bytes"] > 0


async def test_postgresql_figures_lose_nothing_and_two_processes_answer_everything(postgres_url: str) -> None:
    writes = await postgres.bench_writes(postgres_url, quick=True)
    _well_formed(writes)
    assert writes.unit == "updates/s" and writes.baseline_name.startswith("raw asyncpg insert+commit")
    assert writes.details["lost"] == 0 and writes.details["rows_after"] == writes.details["raw_rows_after"] == 300

    loads = await postgres.measure_processes(postgres_url, [[0], [1]], 12)
    for load in loads.values():
        assert load.unanswered == 0 and len(load.latencies) == 12


async def test_the_reminder_burst_delivers_each_once_within_discords_limit(tmp_path: Path) -> None:
    measured = await rhythm.burst(30, tmp_path)

    assert measured["delivered"] == 30 and measured["twice"] == 0 and measured["errors"] == 0
    assert measured["peak_per_second"] <= 50  # the emulator refuses more, so this holds by construction …
    assert measured["rate_limited"] == 0  # … and the bot's pacing kept it from even asking for more


async def test_the_tick_at_rest_is_measured_against_an_empty_read(tmp_path: Path) -> None:
    ticks, reads = await rhythm.tick_at_rest(500, 10, tmp_path)
    assert len(ticks) == len(reads) == 10 and all(t > 0 for t in ticks + reads)
