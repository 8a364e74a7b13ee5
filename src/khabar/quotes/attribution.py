"""Quote attribution stage (stub)."""
from khabar.document import Document


def attribute_quotes(doc: Document) -> Document:
    """Fill ``doc.quotes``. Stub."""
    return doc
