"""Event coding stage (stub)."""
from khabar.document import Document


def code_events(doc: Document) -> Document:
    """Fill ``doc.events``. Stub."""
    return doc
