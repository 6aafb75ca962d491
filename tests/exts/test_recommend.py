"""The recommendation buttons carry their question in the custom_id: it must round-trip and fit in 100."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.catalog.vocabulary import Background, Kind, Level, Topic
from bot.exts.recommend import MoreButton, ShareButton, decode_query, encode_query
from bot.recommend import Query
from bot.ui import limits

queries = st.builds(
    Query,
    topics=st.lists(st.sampled_from(list(Topic)), unique=True).map(tuple),
    background=st.none() | st.sampled_from(list(Background)),
    level=st.none() | st.sampled_from(list(Level)),
    kind=st.none() | st.sampled_from(list(Kind)),
    free_only=st.booleans(),
)
BIGGEST_SNOWFLAKE = 2**64 - 1


@given(queries, st.integers(min_value=0, max_value=1000))
def test_a_query_survives_the_custom_id_and_fits(query: Query, offset: int) -> None:
    encoded = encode_query(query)
    assert decode_query(encoded) == query
    for button in (MoreButton(encoded, BIGGEST_SNOWFLAKE, offset), ShareButton(encoded, 1, offset)):
        assert len(button.custom_id) <= limits.CUSTOM_ID
        assert button.template.fullmatch(button.custom_id)


def test_a_mangled_query_is_a_friendly_error() -> None:
    import pytest

    from bot.errors import InvalidInputError

    with pytest.raises(InvalidInputError, match="run /recommend again"):
        decode_query("zz.9.9.9.1")
