"""Members' reading goals, and the readings a goal's period adds up (the arithmetic is `bot.rhythm.goals`)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.catalog.vocabulary import LengthUnit
from bot.rhythm.goals import (
    Goal,
    GoalPeriod,
    GoalStanding,
    GoalUnit,
    Period,
    ReadingInPeriod,
    Resources,
    check_amount,
    days_left,
    done_in_period,
    period_containing,
    previous_period,
)
from bot.store.connection import Database, time_to_db


class GoalBook:
    """One goal per member and unit."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def set(self, user_id: int, unit: GoalUnit, amount: int, period: GoalPeriod, now: datetime) -> Goal:
        """Set (or replace) the member's goal for `unit`; InvalidInputError for an amount of 0 or less."""
        amount = check_amount(amount)
        unit, period = GoalUnit(unit), GoalPeriod(period)
        async with self._db.transaction() as session:
            await session.execute(
                "INSERT INTO goals (user_id, unit, amount, period, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (user_id, unit) DO UPDATE SET amount = excluded.amount, period = excluded.period,"
                " updated_at = excluded.updated_at",
                (user_id, unit.value, amount, period.value, time_to_db(now), time_to_db(now)),
            )
        return Goal(user_id, unit, amount, period)

    async def goals(self, user_id: int) -> list[Goal]:
        """The member's goals, in the units' order."""
        async with self._db.read() as session:
            rows = await session.fetchall("SELECT unit, amount, period FROM goals WHERE user_id = ?", (user_id,))
        order = list(GoalUnit)
        found = [Goal(user_id, GoalUnit(r["unit"]), r["amount"], GoalPeriod(r["period"])) for r in rows]
        return sorted(found, key=lambda goal: order.index(goal.unit))

    async def clear(self, user_id: int, unit: GoalUnit | None = None) -> int:
        """Remove the member's goal for `unit`, or all of them; how many went."""
        async with self._db.transaction() as session:
            if unit is None:
                return await session.execute("DELETE FROM goals WHERE user_id = ?", (user_id,))
            return await session.execute("DELETE FROM goals WHERE user_id = ? AND unit = ?", (user_id, unit.value))

    async def readings(self, user_id: int, starts_at: datetime, ends_at: datetime) -> list[ReadingInPeriod]:
        """Each reading the member updated in [starts_at, ends_at): where they stood before and at its end."""
        start, end = time_to_db(starts_at), time_to_db(ends_at)
        async with self._db.read() as session:
            rows = await session.fetchall(
                "SELECT r.resource_id, r.unit, r.total,"
                " (SELECT e.position FROM progress_events AS e WHERE e.read_through_id = r.id AND e.at < :start"
                "  ORDER BY e.at DESC, e.id DESC LIMIT 1) AS before,"
                " (SELECT e.position FROM progress_events AS e WHERE e.read_through_id = r.id AND e.at < :end"
                "  ORDER BY e.at DESC, e.id DESC LIMIT 1) AS after,"
                " (r.finished_at >= :start AND r.finished_at < :end) AS finished"
                " FROM read_throughs AS r WHERE r.user_id = :user AND r.id IN"
                " (SELECT read_through_id FROM progress_events WHERE user_id = :user AND at >= :start AND at < :end)",
                {"user": user_id, "start": start, "end": end},
            )
        return [
            ReadingInPeriod(
                resource_id=row["resource_id"],
                unit=LengthUnit(row["unit"]),
                total=row["total"],
                before=row["before"],
                after=row["after"],
                finished_in_period=bool(row["finished"]),
            )
            for row in rows
        ]

    async def standing(self, goal: Goal, period: Period, resources: Resources) -> int:
        """How much of the goal's unit the member did in `period`."""
        readings = await self.readings(goal.user_id, period.starts_at, period.ends_at)
        return done_in_period(goal.unit, readings, resources)

    async def standings(
        self, user_id: int, zone: str, now: datetime, resources: Resources, *, history: int = 0
    ) -> list[tuple[GoalStanding, list[GoalStanding]]]:
        """Each goal in its current period (with days left), and in the `history` periods before, newest first."""
        today = now.astimezone(ZoneInfo(zone)).date()
        found = []
        for goal in await self.goals(user_id):
            period = period_containing(goal.period, today, zone)
            current = GoalStanding(goal, period, await self.standing(goal, period, resources), days_left(period, today))
            past = []
            for _ in range(history):
                period = previous_period(goal.period, period, zone)
                past.append(GoalStanding(goal, period, await self.standing(goal, period, resources)))
            found.append((current, past))
        return found
