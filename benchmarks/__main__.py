"""Run every benchmark and print one table (or JSON with --json): `python -m benchmarks [--quick] [--json]`.

Each figure comes with a baseline measured in the same run; the ratio between them is the number to
compare across runs, because these machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys

from benchmarks.measure import Figure


def _machine() -> dict[str, str]:
    """What the figures were measured on."""
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": str(os.cpu_count()),
    }


def run(quick: bool) -> list[Figure]:
    """Every benchmark, in the order the README's table shows them."""
    from benchmarks import core

    runs = 300 if quick else 2_000
    figures = core.bench_recommend((100, 1_000, 10_000), runs)
    figures.append(core.bench_recommend_with_signals(10_000, runs))
    figures.append(core.bench_new_questions(10_000, runs))
    figures.append(core.bench_autocomplete(10_000, runs))
    figures.append(core.bench_path(10_000, runs // 4))
    figures.append(core.bench_path_autocomplete(runs))
    for section in ("outcomes", "writes", "end_to_end", "postgres", "startup", "export", "rhythm"):
        module = _optional(section)
        if module is not None:
            figures.extend(asyncio.run(module.bench(quick)) if section != "startup" else module.bench(quick))
    return figures


def _optional(name: str):
    """A benchmark module that needs more of the bot than the core, if it is there."""
    import importlib

    try:
        return importlib.import_module(f"benchmarks.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"benchmarks.{name}":
            return None
        raise


def table(figures: list[Figure]) -> str:
    """The figures as a Markdown table."""
    lines = [
        "| figure | value | baseline (same run) | ratio | goal | met |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for f in figures:
        baseline = f"{f.baseline:,.3g} {f.unit} ({f.baseline_name})" if f.baseline is not None else "—"
        ratio = f"{f.ratio:.3g}" if f.ratio is not None else "—"
        met = {True: "yes", False: "**no**", None: ""}[f.met]
        lines.append(f"| {f.name} | {f.value:,.3g} {f.unit} | {baseline} | {ratio} | {f.goal} | {met} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run, print."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs: a smoke test, not figures to quote")
    parser.add_argument("--json", action="store_true", help="one JSON document instead of the table")
    args = parser.parse_args(argv)
    figures = run(args.quick)
    if args.json:
        print(json.dumps({"machine": _machine(), "figures": [f.as_dict() for f in figures]}, indent=2))
    else:
        machine = _machine()
        print(f"Machine: {machine['processor']}, {machine['cpus']} CPUs, Python {machine['python']}")
        print(table(figures))
    return 0 if all(f.met is not False for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
