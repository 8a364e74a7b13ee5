"""khabar — offline Arabic news extraction.

Public API:
    analyze(text, pub_date=None) -> Document
    pipe(texts, pub_dates=None, n_process=1) -> Iterator[Document]
    Document (see khabar.document)
"""
from khabar.document import Document
from khabar.pipeline import KhabarInputError, analyze, pipe

__all__ = ["analyze", "pipe", "Document", "KhabarInputError"]
__version__ = "0.1.0"
