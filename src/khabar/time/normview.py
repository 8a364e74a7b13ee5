"""A normalised view of a text with a map back to the original offsets.

The temporal tagger matches its rules on ``normalize``d text (diacritics, tanween and tatweel removed, hamza/alef
folded, Arabic-Indic digits → ASCII, see :func:`khabar.text.normalize.normalize`), whose length differs from the
original. :class:`NormView` keeps, for every character of the normalised string, the index of the original
character it came from, so that a match ``[a, b)`` in the view maps back to exact offsets in the original.
"""
from __future__ import annotations

import re
from array import array
from functools import lru_cache

from khabar.text.normalize import normalize


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[int, str], re.Pattern[str], set[str]]:
    """(1:1 translate table, regex of length-changing characters, set of dropped characters). Built once (BMP scan)."""
    one: dict[int, str] = {}
    special: list[str] = []
    dropped: set[str] = set()
    for cp in range(0x10000):
        if 0xD800 <= cp < 0xE000:
            continue
        c = chr(cp)
        n = normalize(c)
        if len(n) == 1:
            if n != c:
                one[cp] = n
        else:
            special.append(c)
            if n == "":
                dropped.add(c)
    cls = "".join(re.escape(c) for c in special)
    return one, re.compile(f"[{cls}]"), dropped


class NormView:
    """Normalised view of ``text``.

    Attributes: ``text`` (original), ``norm`` (normalised str). :meth:`span` maps a half-open span of ``norm`` to a
    half-open span of ``text`` (trailing diacritics of the last letter are included). Cost: O(len(text)).
    """

    __slots__ = ("text", "norm", "_map")

    def __init__(self, text: str) -> None:
        one, special, _ = _tables()
        self.text = text
        out: list[str] = []
        m = array("l")
        pos = 0
        for mt in special.finditer(text):
            i = mt.start()
            if i > pos:
                out.append(text[pos:i].translate(one))
                m.extend(range(pos, i))
            r = normalize(text[i])
            out.append(r)
            m.extend([i] * len(r))
            pos = i + 1
        if pos < len(text):
            out.append(text[pos:].translate(one))
            m.extend(range(pos, len(text)))
        self.norm = "".join(out)
        m.append(len(text))
        self._map = m

    def orig(self, k: int) -> int:
        """Original index of normalised index ``k`` (``k == len(norm)`` maps to ``len(text)``)."""
        return self._map[k]

    def span(self, a: int, b: int) -> tuple[int, int]:
        """Original ``(start, end)`` of the normalised span ``[a, b)``; ``end`` swallows trailing dropped marks."""
        _, _, dropped = _tables()
        s = self._map[a]
        e = self._map[b - 1] + 1 if b > a else s
        t = self.text
        while e < len(t) and t[e] in dropped:
            e += 1
        return s, e
