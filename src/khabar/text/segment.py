"""Sentence splitting and tokenisation with character offsets into the original text.

Tokens: runs of Arabic letters (with diacritics/tatweel), runs of Latin letters/digits (with inner ``-``/``.``
such as ``G-20``, ``3.5``), or single punctuation characters. Clitics stay attached (as in ANERcorp).
Sentences end at a newline, or after ``. ! ? ؟ …`` followed by whitespace when not inside a quotation.
"""
from __future__ import annotations

import re

from khabar.document import Document, Sentence, Token
from khabar.text.normalize import normalize

_TOKEN = re.compile(
    r"[\u0621-\u064a\u0660-\u0669\u066e-\u06d3\u06d5-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff\u064b-\u065f\u0670\u0640]+"
    r"|[A-Za-z0-9\u00c0-\u024f]+(?:[-.'’][A-Za-z0-9\u00c0-\u024f]+)*"
    r"|\S",
)
_END = set(".!?؟…")
_OPEN_Q = {"“": "”", "«": "»", "„": "“"}


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Tokens of ``text[start:end]`` as :class:`Token` with absolute offsets."""
    end = len(text) if end is None else end
    return [Token(m.start(), m.end(), m.group(), normalize(m.group())) for m in _TOKEN.finditer(text, start, end)]


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        ls, le = line.start(), line.end()
        depth_close: list[str] = []
        s = ls
        i = ls
        while i < le:
            ch = text[i]
            if ch in _OPEN_Q:
                depth_close.append(_OPEN_Q[ch])
            elif depth_close and ch == depth_close[-1]:
                depth_close.pop()
            elif ch in _END and not depth_close:
                j = i + 1
                while j < le and (text[j] in _END or text[j] in "\"'”»)"):
                    j += 1
                if j >= le or text[j].isspace():
                    spans.append((s, j))
                    s = j
                    i = j
                    continue
            i += 1
        if s < le:
            spans.append((s, le))
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


def segment(doc: Document) -> Document:
    """Fill ``doc.tokens`` and ``doc.sentences`` (in place; returns ``doc``). Never raises on any str input."""
    doc.tokens, doc.sentences = [], []
    for a, b in _sentence_spans(doc.text):
        toks = tokenize(doc.text, a, b)
        if not toks:
            continue
        i0 = len(doc.tokens)
        doc.tokens.extend(toks)
        doc.sentences.append(Sentence(a, b, i0, len(doc.tokens)))
    return doc
