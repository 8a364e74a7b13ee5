"""Sentence splitting and tokenisation with character offsets into the original text.

Tokens: runs of Arabic letters (with diacritics/tatweel), runs of Latin letters/digits (with inner ``-``/``.``
such as ``G-20``, ``3.5``), or single punctuation characters. Clitics stay attached (as in ANERcorp).
Sentences end at a newline, or after ``. ! ? ؟ …`` followed by whitespace when not inside a quotation.
A run-on "sentence" longer than :data:`MAX_SENTENCE_TOKENS` tokens (machine-translated text without full stops,
an unclosed quotation mark) is cut into pieces, after the last clause mark (``، ؛ , ; :``) before the limit when
there is one, so that the per-sentence stages stay linear in the length of the input.
"""
from __future__ import annotations

import re

from khabar.document import Document, Sentence, Token
from khabar.text.normalize import normalize

# Zero-width (non-)joiners inside an Arabic word belong to it; direction marks, zero-width spaces, bidi isolates
# and the BOM are invisible formatting and never form a token of their own.
_FORMAT = "\u200b\u200e\u200f\u061c\u2066-\u2069\u202a-\u202e\ufeff"
_TOKEN = re.compile(
    r"(?:(?<=\s)|^)(?<![0-9\u0660-\u0669] )[\u0621-\u064a]\.(?=\s)"  # a one-letter title abbreviation: م. د. أ.
    r"|[\u0621-\u064a\u0660-\u0669\u066e-\u06d3\u06d5-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufefe\u064b-\u065f\u0670\u0640]"
    r"(?:[\u0621-\u064a\u0660-\u0669\u066e-\u06d3\u06d5-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufefe\u064b-\u065f\u0670\u0640\u200c\u200d]*"
    r"[\u0621-\u064a\u0660-\u0669\u066e-\u06d3\u06d5-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufefe\u064b-\u065f\u0670\u0640])?"
    r"|[A-Za-z0-9\u00c0-\u024f]+(?:[-.'’][A-Za-z0-9\u00c0-\u024f]+)*"
    rf"|[^\s{_FORMAT}\u200c\u200d]",
)
_END = set(".!?؟…")
_OPEN_Q = {"“": "”", "«": "»", "„": "“"}
MAX_SENTENCE_TOKENS = 120
_CLAUSE_MARKS = set("،؛,;:")


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Tokens of ``text[start:end]`` as :class:`Token` with absolute offsets."""
    end = len(text) if end is None else end
    return [Token(m.start(), m.end(), m.group(), normalize(m.group())) for m in _TOKEN.finditer(text, start, end)]


def _abbreviation(text: str, ls: int, i: int) -> bool:
    """True when the full stop at ``i`` ends a one-letter Arabic abbreviation of a title (م. engineer, د. doctor,
    أ. professor) rather than a sentence: a lone Arabic letter after a space, not after a number (2018 م. is the
    era mark that may end a sentence)."""
    if text[i] != "." or i - 1 < ls or not ("\u0621" <= text[i - 1] <= "\u064a"):
        return False
    if i - 2 >= ls and not text[i - 2].isspace():
        return False
    k = i - 2
    while k >= ls and text[k].isspace():
        k -= 1
    return not (k >= ls and (text[k].isdigit() or "\u0660" <= text[k] <= "\u0669"))


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
            elif ch in _END and not depth_close and not _abbreviation(text, ls, i):
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


def _pieces(toks: list[Token], limit: int = MAX_SENTENCE_TOKENS) -> list[list[Token]]:
    """``toks`` cut into runs of at most ``limit`` tokens, each ending after a clause mark when one lies in the
    second half of the window."""
    out: list[list[Token]] = []
    i = 0
    while len(toks) - i > limit:
        cut = i + limit
        for k in range(i + limit - 1, i + limit // 2 - 1, -1):
            if toks[k].text in _CLAUSE_MARKS:
                cut = k + 1
                break
        out.append(toks[i:cut])
        i = cut
    out.append(toks[i:])
    return out


def segment(doc: Document) -> Document:
    """Fill ``doc.tokens`` and ``doc.sentences`` (in place; returns ``doc``). Never raises on any str input.

    Sentence offsets are characters of ``doc.text``; a sentence over :data:`MAX_SENTENCE_TOKENS` tokens is cut
    into pieces (see the module doc), and a warning in ``doc.warnings`` says how many were cut.
    """
    doc.tokens, doc.sentences = [], []
    cut = 0
    for a, b in _sentence_spans(doc.text):
        toks = tokenize(doc.text, a, b)
        if not toks:
            continue
        pieces = _pieces(toks) if len(toks) > MAX_SENTENCE_TOKENS else [toks]
        cut += len(pieces) > 1
        for piece in pieces:
            i0 = len(doc.tokens)
            doc.tokens.extend(piece)
            pa, pb = (a, b) if len(pieces) == 1 else (piece[0].start, piece[-1].end)
            doc.sentences.append(Sentence(pa, pb, i0, len(doc.tokens)))
    if cut:
        doc.warnings.append(f"{cut} run-on sentence(s) of over {MAX_SENTENCE_TOKENS} tokens were cut into pieces "
                            "at clause marks")
    return doc
