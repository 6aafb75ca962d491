"""Pillars: a Discord bot for studying the mathematics behind machine learning."""

__version__ = "0.1.0"
