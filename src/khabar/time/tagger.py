"""Temporal tagger stage (stub)."""
from khabar.document import Document


def tag_timexes(doc: Document) -> Document:
    """Fill ``doc.timexes``. Stub."""
    return doc
