"""Quotation-mark scanning that tolerates machine-translation noise.

Input: the article text and the opener → closers table from ``quotes_markers.json``. Output: a list of
:class:`Quoted` spans (non-overlapping, in text order), one per quoted stretch, each with the offsets of the marks
and of the trimmed content. Method (written for khabar): a left-to-right scan per line (quotes do not cross
paragraphs); « … » nests; an opener accepts its own closer and the noisy ones seen in MT text (“ … ", “ … “,
„ … “); a quote left open at the end of its line ends there (``closed=False``). A repeated “ or " that is glued
to the next word and follows a space is read as a new opener (the previous quote lost its closer); a mark between
a word and a comma or full stop opens nothing (it closes a quote whose opener was lost). A no-break
space standing alone between spaces after a sentence end (how the Gulf dailies of SaudiNewsNet mark paragraphs)
ends a quote left open, like a line end. Linear time.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Quoted:
    """One quoted stretch: ``open``/``close`` offsets of the marks (``close`` = line end when not closed),
    ``start``/``end`` of the content trimmed of spaces, ``closed`` whether a closing mark was found."""

    open: int
    close: int
    start: int
    end: int
    closed: bool


_TRIM = " \t\u00a0\u200f\u200e"
_TRAIL = _TRIM + ".,،:؛;-–—…"
_CLOSE_PUNCT = ".,،؛;:!?؟…)"


def _is_letter(ch: str) -> bool:
    return ch.isalnum()


def _make(text: str, o: int, c: int, closed: bool) -> Quoted | None:
    a, b = o + 1, c
    while a < b and text[a] in _TRIM:
        a += 1
    trail = _TRIM if closed else _TRAIL
    while b > a and text[b - 1] in trail:
        b -= 1
    if b <= a or not any(_is_letter(ch) for ch in text[a:b]):
        return None
    return Quoted(o, c, a, b, closed)


def _sentence_end_before(text: str, opos: int, i: int) -> bool:
    """True when the last non-space character between an opener at ``opos`` and ``i`` ends a sentence."""
    j = i - 1
    while j > opos and text[j] in _TRIM:
        j -= 1
    return j > opos and text[j] in ".!?؟"


def find_quoted(text: str, openers: dict[str, set[str]]) -> list[Quoted]:
    """Quoted stretches of ``text`` (see module doc). Never raises on str input."""
    out: list[Quoted] = []
    n = len(text)
    ls = 0
    while ls <= n:
        le = text.find("\n", ls)
        if le < 0:
            le = n
        state: str | None = None
        opos = -1
        depth = 0
        i = ls
        while i < le:
            ch = text[i]
            prev = text[i - 1] if i > ls else " "
            nxt = text[i + 1] if i + 1 < le else " "
            if state is None:
                if ch in openers:
                    if ch in "‘”" and not (_is_letter(nxt) and not _is_letter(prev)):
                        i += 1
                        continue
                    if ch != "«" and _is_letter(prev) and nxt in _CLOSE_PUNCT:
                        # تعز"، وفي …: between a word and a comma or full stop, the mark closes a quote whose
                        # opener was lost; it opens nothing (ترامب" لا …, with a space, may still open)
                        i += 1
                        continue
                    state, opos, depth = ch, i, 1
            else:
                closers = openers.get(state, set())
                if ch == "\u00a0" and prev in _TRIM and nxt in _TRIM and _sentence_end_before(text, opos, i):
                    # "… الرئيسة. <nbsp> وأوضح: "…": a paragraph break written as a no-break space (Gulf dailies)
                    # after a finished sentence ends a quote left open, so it does not pair with the next opener
                    q = _make(text, opos, i, False)
                    if q:
                        out.append(q)
                    state = None
                    i += 1
                    continue
                if state == "«" and ch == "«":
                    depth += 1
                elif ch in closers:
                    if state == "«" and ch == "»" and depth > 1:
                        depth -= 1
                    elif ch == state and ch != "\"" and _is_letter(nxt) and prev in _TRIM:
                        # “A “B : the first quote lost its closer; close it here and reopen.
                        q = _make(text, opos, i, False)
                        if q:
                            out.append(q)
                        opos = i
                    else:
                        q = _make(text, opos, i, True)
                        if q:
                            out.append(q)
                        state = None
            i += 1
        if state is not None:
            q = _make(text, opos, le, False)
            if q:
                out.append(q)
        ls = le + 1
    return out
