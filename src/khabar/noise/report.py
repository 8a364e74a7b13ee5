"""Noise report stage (stub)."""
from khabar.document import Document


def report_noise(doc: Document) -> Document:
    """Fill ``doc.noise``. Stub."""
    return doc
