"""Linking stage (stub)."""
from khabar.document import Document


def link(doc: Document) -> Document:
    """Link ``doc.entities`` to the KB. Stub."""
    return doc
