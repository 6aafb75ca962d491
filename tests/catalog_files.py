"""Catalog files the tests upload, as a moderator would with /catalog import."""

# One valid resource that is not in the curated catalog.
IMPORT_YAML = """\
resources:
  - id: imported-notes
    title: Imported Notes on Probability
    authors: [Ada Lovelace]
    kind: article
    url: https://example.org/notes
    cost: free
    topics: [probability]
    level: beginner
    length: {amount: 12, unit: pages}
    summary: Short notes.
    why: A quick refresher.
"""
