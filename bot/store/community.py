"""The community's side of the store: ratings and reviews, reasons for stopping, privacy, and outcomes.

The outcomes are counts kept by triggers (migration 0004) in the same transaction as every write that changes
them, so they are exact under group commit, rollbacks and deletions; reading a resource's outcomes is one
index range (`CommunityBook.card`). Members who opted out (`member_privacy`) are in no count and no review
shown: the triggers leave them out (`counted = 0`), and `set_privacy` moves their rows in or out at once.

Nothing here hands out a raw count: `card` and `facts` return figures past the threshold
(`bot.community.publish`, `community_facts`). `counted_tally` and `recounted_tally` read the raw counts, the
kept ones and the same figures recounted from the base tables with a plain GROUP BY: they are for the tests
that hold the two equal and for the benchmark, never for showing.
"""

from __future__ import annotations

import time
from datetime import datetime

from bot.catalog.schema import Resource
from bot.community import (
    EVERY_SERVER,
    PRIVACY_THRESHOLD,
    CommunityFacts,
    DropReason,
    FactRow,
    Tally,
    check_rating,
    community_facts,
    publish,
)
from bot.errors import InvalidInputError
from bot.store.connection import Database, Dialect, Row, Session, as_utc, time_from_db, time_to_db
from bot.store.models import CommunityCard, Rating, Review
from bot.store.text import clean_note

MAX_REVIEW = 500
LATEST_REVIEWS = 3
FACTS_MAX_AGE = 60.0  # seconds: a rare change the store does not track (see `changed`) shows within a minute

_OUTCOMES = "SELECT scope, figure, key, members FROM outcome_counts WHERE resource_id = ? AND scope IN (?, ?)"
# What a card reads, in one statement (one hop, its own snapshot): the counts of the server and of every server,
# without the paths fewer than the threshold took (they can never show), then the latest reviews, marked by a NULL
# scope. In a server, the reviews written there, signed where their author chose; in a DM, every review, unsigned.
_CARD_COUNTS = (
    "SELECT scope, figure, key, members, NULL, NULL, NULL FROM outcome_counts"
    " WHERE resource_id = :resource AND scope IN (:scope, 0) AND (figure <> 'next' OR members >= :threshold)"
)


_NO_NUMBER = "CAST(NULL AS BIGINT)"


def _card_sql(dialect: Dialect, here: bool) -> str:
    """The card's statement in a server (`here`: its reviews, signed where chosen) or in a DM (every review)."""
    rating, order = dialect.as_key("rating"), dialect.insertion_order
    # The reviews' empty columns are typed: a subquery's bare NULL would be text to PostgreSQL, not a number.
    if here:
        return _CARD_COUNTS + (
            f" UNION ALL SELECT * FROM (SELECT {_NO_NUMBER}, 'review', {rating}, {_NO_NUMBER}, review,"
            " CASE WHEN named = 1 THEN user_id END, updated_at FROM ratings WHERE resource_id = :resource"
            f" AND guild_id = :scope AND review IS NOT NULL AND counted = 1 ORDER BY updated_at DESC, {order} DESC"
            " LIMIT :latest) AS latest"
        )
    return _CARD_COUNTS + (
        f" UNION ALL SELECT * FROM (SELECT {_NO_NUMBER}, 'review', {rating}, {_NO_NUMBER}, review, {_NO_NUMBER},"
        " updated_at FROM ratings"
        f" WHERE resource_id = :resource AND review IS NOT NULL AND counted = 1 ORDER BY updated_at DESC, {order} DESC"
        " LIMIT :latest) AS latest"
    )


_FACTS = (
    "SELECT resource_id, figure, key, members FROM outcome_counts WHERE scope = ?"
    " AND (figure IN ('finished', 'rating') OR (figure = 'next' AND members >= ?))"
)
_FINISHED_IT = "SELECT 1 FROM read_throughs WHERE user_id = ? AND resource_id = ? AND finished_at IS NOT NULL LIMIT 1"
_COUNTED = "CASE WHEN EXISTS (SELECT 1 FROM member_privacy WHERE user_id = ? AND in_community = 0) THEN 0 ELSE 1 END"


def scope_of(guild_id: int | None) -> int:
    """The scope of a server's figures; every server's for a direct message."""
    return EVERY_SERVER if guild_id is None else guild_id


class CommunityBook:
    """Ratings, reasons, privacy choices and the outcomes they feed."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._generation = 0
        self._facts: dict[int, tuple[int, float, CommunityFacts]] = {}

    def changed(self) -> None:
        """Outcome counts changed (a commit said so): the ranking's facts are read again when next asked for."""
        self._generation += 1

    # --- ratings and reviews ----------------------------------------------------------------------

    async def rate(
        self,
        user_id: int,
        guild_id: int | None,
        resource: Resource,
        rating: int,
        *,
        review: str | None = None,
        named: bool | None = None,
        now: datetime | None = None,
    ) -> Rating:
        """Rate a finished resource; `review` replaces the review ('' removes it, None keeps it), as `named`.

        InvalidInputError, changing nothing, for a rating outside 1–5, a review over MAX_REVIEW characters, or a
        resource the member never finished.
        """
        rating = check_rating(rating)
        cleaned = None if review is None else clean_note(review, what="review")  # None now means: remove it
        at = time_to_db(as_utc(now))
        async with self._db.transaction() as session:
            if await session.scalar(_FINISHED_IT, (user_id, resource.id)) is None:
                raise InvalidInputError(
                    f"You can rate **{resource.title}** once you have finished it: "
                    "`/progress log status:finished` records that."
                )
            before = await session.fetchone(
                "SELECT review, named FROM ratings WHERE user_id = ? AND resource_id = ?", (user_id, resource.id)
            )
            text = cleaned if review is not None else (before["review"] if before is not None else None)
            signed = bool(named) if named is not None else bool(before is not None and before["named"])
            await session.execute(
                "INSERT INTO ratings (user_id, resource_id, guild_id, rating, review, named, counted, rated_at,"
                f" updated_at) VALUES (?, ?, ?, ?, ?, ?, {_COUNTED}, ?, ?)"
                " ON CONFLICT (user_id, resource_id) DO UPDATE SET guild_id = excluded.guild_id,"
                " rating = excluded.rating, review = excluded.review, named = excluded.named,"
                " updated_at = excluded.updated_at",
                (user_id, resource.id, guild_id, rating, text, int(signed), user_id, at, at),
            )
            session.after_commit(self.changed)
        return Rating(user_id, resource.id, rating, text, signed, as_utc(now))

    async def rating_of(self, user_id: int, resource_id: str) -> Rating | None:
        """The member's rating of a resource, or None."""
        async with self._db.read() as session:
            row = await session.fetchone(
                "SELECT rating, review, named, updated_at FROM ratings WHERE user_id = ? AND resource_id = ?",
                (user_id, resource_id),
            )
        if row is None:
            return None
        updated_at = time_from_db(row["updated_at"])
        assert updated_at is not None
        return Rating(user_id, resource_id, row["rating"], row["review"], bool(row["named"]), updated_at)

    # --- reasons for stopping ----------------------------------------------------------------------

    async def give_drop_reason(
        self, user_id: int, resource: Resource, reason: DropReason, detail: str | None, *, now: datetime | None = None
    ) -> None:
        """Say why the member dropped the resource; InvalidInputError when it is not dropped."""
        async with self._db.transaction() as session:
            row = await session.fetchone(
                "SELECT id, status FROM read_throughs WHERE user_id = ? AND resource_id = ?"
                " ORDER BY number DESC LIMIT 1",
                (user_id, resource.id),
            )
            if row is None or row["status"] != "dropped":
                raise InvalidInputError(
                    f"**{resource.title}** is not on your dropped shelf, so there is no stop to explain."
                )
            await write_drop_reason(session, row["id"], reason, detail, as_utc(now))
            session.after_commit(self.changed)

    # --- privacy ------------------------------------------------------------------------------------

    async def in_community(self, user_id: int) -> bool:
        """Whether the member counts in community figures (the default) or chose to be left out."""
        async with self._db.read() as session:
            value = await session.scalar("SELECT in_community FROM member_privacy WHERE user_id = ?", (user_id,))
        return value is None or bool(value)

    async def set_privacy(self, user_id: int, in_community: bool, *, now: datetime | None = None) -> None:
        """Count the member in, or leave them out of, every community figure and every review shown, at once."""
        counted = int(bool(in_community))
        async with self._db.transaction() as session:
            await session.execute(
                "INSERT INTO member_privacy (user_id, in_community, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (user_id) DO UPDATE SET in_community = excluded.in_community,"
                " updated_at = excluded.updated_at",
                (user_id, counted, time_to_db(as_utc(now))),
            )
            # The triggers move each of the member's rows out of (or into) the counts.
            for table in ("member_outcomes", "ratings"):
                await session.execute(
                    f"UPDATE {table} SET counted = ? WHERE user_id = ? AND counted <> ?",  # names from the tuple
                    (counted, user_id, counted),
                )
            session.after_commit(self.changed)

    # --- what others see ----------------------------------------------------------------------------

    async def card(self, resource: Resource, guild_id: int | None) -> CommunityCard:
        """A resource's outcomes here and everywhere, past the threshold, and its latest reviews given here.

        In a direct message, reviews come from every server and are never signed (a name is a server's).
        """
        scope = scope_of(guild_id)
        sql = _card_sql(self._db.dialect, here=guild_id is not None)
        params = {"resource": resource.id, "scope": scope, "threshold": PRIVACY_THRESHOLD, "latest": LATEST_REVIEWS}
        by_scope: dict[int, list[tuple[str, object, int]]] = {scope: [], EVERY_SERVER: []}
        reviews = []
        for row in await self._db.read_rows(sql, params):  # a popular resource has a couple of thousand rows
            if row[0] is None:
                reviews.append(_review(row))
            else:
                by_scope[row[0]].append((row[1], row[2], row[3]))
        here = publish(Tally.of(by_scope[scope]), resource) if guild_id is not None else None
        return CommunityCard(
            here=here,
            everywhere=publish(Tally.of(by_scope[EVERY_SERVER]), resource),
            reviews=tuple(reviews),
        )

    async def facts(self, guild_id: int | None) -> CommunityFacts:
        """A scope's facts for the ranking, past the threshold; kept until the counts change (or a minute)."""
        scope = scope_of(guild_id)
        cached = self._facts.get(scope)
        if cached is not None and cached[0] == self._generation and time.monotonic() - cached[1] < FACTS_MAX_AGE:
            return cached[2]
        generation, started = self._generation, time.monotonic()
        async with self._db.read() as session:
            rows = await session.fetchall(_FACTS, (scope, PRIVACY_THRESHOLD))
        facts = community_facts((FactRow(*row) for row in rows), here=guild_id is not None)
        if generation == self._generation:  # no commit raced the read: it may be kept
            self._facts[scope] = (generation, started, facts)
        return facts


def _review(row: Row) -> Review:
    """A review row of the card's query (scope, 'review', rating, -, text, author, updated) as others see it."""
    updated_at = time_from_db(row[6])
    assert updated_at is not None
    return Review(row[2], row[4], row[5], updated_at)


async def write_drop_reason(
    session: Session, read_through_id: int, reason: DropReason, detail: str | None, at: datetime
) -> None:
    """Record (or replace) why a read-through was dropped, inside the caller's transaction."""
    await session.execute(
        "INSERT INTO drop_reasons (read_through_id, reason, detail, given_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (read_through_id) DO UPDATE SET reason = excluded.reason, detail = excluded.detail,"
        " given_at = excluded.given_at",
        (read_through_id, reason.value, detail if reason is DropReason.OTHER else None, time_to_db(at)),
    )


# --- raw counts, for the tests that check them and the benchmark: never shown --------------------------


async def counted_tally(db: Database, resource_id: str, guild_id: int | None) -> Tally:
    """The counts the triggers keep for a resource in a scope."""
    scope = scope_of(guild_id)
    async with db.read() as session:
        rows = await session.fetchall(_OUTCOMES, (resource_id, scope, scope))
    return Tally.of((row["figure"], row["key"], row["members"]) for row in rows)


# The same figures from the base tables, as a plain GROUP BY would compute them: each member's outcome with the
# resource (their read-throughs of it), where they first logged it, what they started after their first finish.
def _recount_sql(dialect: Dialect) -> str:
    """The recount's statement: flags as 0/1 and keys as stored, so both backends read it alike."""
    key = dialect.as_key
    blank = key("CAST('' AS TEXT)")  # typed: PostgreSQL makes no JSONB of a bare ''
    days = dialect.days_between("first.started_at", "m.finished_at")
    return f"""
WITH left_out AS (SELECT user_id FROM member_privacy WHERE in_community = 0),
per_member AS (
    SELECT user_id, MAX(CASE WHEN started_at IS NOT NULL THEN 1 ELSE 0 END) AS started,
           MIN(finished_at) AS finished_at, MAX(number) AS last
    FROM read_throughs WHERE resource_id = :resource AND user_id NOT IN (SELECT user_id FROM left_out)
    GROUP BY user_id
),
described AS (
    SELECT m.user_id, m.started, CASE WHEN m.finished_at IS NOT NULL THEN 1 ELSE 0 END AS finished,
           CASE WHEN cur.status = 'dropped' THEN 1 ELSE 0 END AS dropped,
           CASE WHEN cur.status = 'dropped' THEN cur.position END AS stop,
           CASE WHEN cur.status = 'dropped' THEN d.reason END AS reason,
           {days} AS days,
           (SELECT n.resource_id FROM read_throughs AS n
            WHERE n.user_id = m.user_id AND n.resource_id <> :resource AND n.started_at >= m.finished_at
            ORDER BY n.started_at, n.id LIMIT 1) AS next_id,
           (SELECT e.guild_id FROM progress_events AS e
            WHERE e.user_id = m.user_id AND e.resource_id = :resource AND e.guild_id IS NOT NULL
            ORDER BY e.id LIMIT 1) AS guild_id
    FROM per_member AS m
    JOIN read_throughs AS cur ON cur.user_id = m.user_id AND cur.resource_id = :resource AND cur.number = m.last
    LEFT JOIN read_throughs AS first
        ON first.user_id = m.user_id AND first.resource_id = :resource AND first.finished_at = m.finished_at
    LEFT JOIN drop_reasons AS d ON d.read_through_id = cur.id
),
scoped AS (SELECT * FROM described WHERE CAST(:scope AS BIGINT) = 0 OR guild_id = :scope)
SELECT 'started', {blank}, COUNT(*) FROM scoped WHERE started = 1
UNION ALL SELECT 'finished', {blank}, COUNT(*) FROM scoped WHERE finished = 1
UNION ALL SELECT 'dropped', {blank}, COUNT(*) FROM scoped WHERE dropped = 1
UNION ALL SELECT 'days', {key("days")}, COUNT(*) FROM scoped WHERE days IS NOT NULL GROUP BY days
UNION ALL SELECT 'stop', {key("stop")}, COUNT(*) FROM scoped WHERE stop IS NOT NULL GROUP BY stop
UNION ALL SELECT 'reason', {key("reason")}, COUNT(*) FROM scoped WHERE reason IS NOT NULL GROUP BY reason
UNION ALL SELECT 'next', {key("next_id")}, COUNT(*) FROM scoped WHERE next_id IS NOT NULL GROUP BY next_id
UNION ALL SELECT 'rating', {key("rating")}, COUNT(*) FROM ratings
    WHERE resource_id = :resource AND (CAST(:scope AS BIGINT) = 0 OR guild_id = :scope)
      AND user_id NOT IN (SELECT user_id FROM left_out)
    GROUP BY rating
"""


async def recounted_tally(db: Database, resource_id: str, guild_id: int | None) -> Tally:
    """A resource's counts in a scope recounted from the base tables (read-throughs, events, ratings)."""
    async with db.read() as session:
        sql = _recount_sql(session.dialect)
        rows = await session.fetchall(sql, {"resource": resource_id, "scope": scope_of(guild_id)})
    return Tally.of((row[0], row[1], row[2]) for row in rows)
