"""Run the quality benchmark: `python -m benchmarks.quality [--json] [--show-tuning-misses]`.

Prints, for each half, the share of questions the bot's answer meets and the share a plain BM25 ranking of
the same catalog meets, in the same run. Misses are listed for the tuning half only: the test half is
never looked at question by question.
"""

from __future__ import annotations

import argparse
import json
import sys

from benchmarks.quality import HALVES, bot_answer, load_questions, problems_with, run_half
from bot.catalog.loader import load_catalog

DATA = HALVES["tuning"].parents[2] / "data"
GOAL_SHARE = 0.90
GOAL_POINTS_ABOVE_BM25 = 20


def main(argv: list[str] | None = None) -> int:
    """Check the questions against the catalog, run both halves, print the table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.quality", description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="one JSON document instead of the table")
    parser.add_argument("--show-tuning-misses", action="store_true", help="the tuning questions the bot misses")
    args = parser.parse_args(argv)
    catalog = load_catalog(DATA)
    halves = {half: load_questions(path) for half, path in HALVES.items() if path.exists()}
    problems = problems_with([q for qs in halves.values() for q in qs], catalog)
    if problems:
        print("The questions do not fit the catalog:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 2
    results = [run_half(catalog, half, questions) for half, questions in halves.items()]
    test = next((r for r in results if r.half == "test"), None)
    met = test is not None and (
        test.share("bot") >= GOAL_SHARE and (test.share("bot") - test.share("bm25")) * 100 >= GOAL_POINTS_ABOVE_BM25
    )
    if args.json:
        data = {
            "halves": [
                {"half": r.half, "questions": r.questions, "bot": r.share("bot"), "bm25": r.share("bm25")}
                for r in results
            ],
            "goal": f"test half ≥ {GOAL_SHARE:.0%} and ≥ {GOAL_POINTS_ABOVE_BM25} points above BM25",
            "met": met,
        }
        print(json.dumps(data, indent=2))
    else:
        print(f"Catalog: {len(catalog)} resources, {len(catalog.concepts)} concepts")
        print("| half | questions | bot | BM25 (same run) | bot − BM25 |")
        print("| --- | --- | --- | --- | --- |")
        for r in results:
            gap = (r.share("bot") - r.share("bm25")) * 100
            print(f"| {r.half} | {r.questions} | {r.share('bot'):.1%} | {r.share('bm25'):.1%} | {gap:+.1f} points |")
        print(
            f"Goal (test half): ≥ {GOAL_SHARE:.0%} and ≥ {GOAL_POINTS_ABOVE_BM25} points above BM25: "
            f"{'met' if met else 'not met'}"
        )
    if args.show_tuning_misses:
        tuning = {q.id: q for q in halves.get("tuning", [])}
        for r in results:
            if r.half != "tuning":
                continue
            for qid in r.bot_missed:
                q = tuning[qid]
                picks = [p.id for p in bot_answer(catalog, q).picks]
                print(f"- {qid}: {q.ask!r} → {picks}  (wants: {q.why})")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
