"""The catalog: schema, vocabulary and the loader of the curated files."""

from bot.catalog.catalog import Catalog
from bot.catalog.schema import Length, Resource
from bot.catalog.vocabulary import Background, Cost, Kind, LengthUnit, Level, Topic

__all__ = ["Background", "Catalog", "Cost", "Kind", "Length", "LengthUnit", "Level", "Resource", "Topic"]
