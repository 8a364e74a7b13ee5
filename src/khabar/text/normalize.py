"""Arabic orthographic normalisation for matching (never for output: offsets always point into the original).

Method: the usual Arabic IR normalisation (Larkey et al. 2002; CAMeL Tools' ``normalize_*`` family):
NFKC (folds presentation forms and Arabic-Indic digits' compatibility variants), diacritics and tatweel removed,
أ إ آ ٱ → ا, ى → ي, ة → ه, ؤ → و, ئ → ي, Persian ک → ك and ی → ي, Arabic-Indic / Persian digits → ASCII.
"""
from __future__ import annotations

import re
import unicodedata

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_TABLE = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي",
    "ک": "ك", "ی": "ي", "ې": "ي", "ۀ": "ه", "ھ": "ه", "گ": "ك",
    **{chr(0x0660 + i): str(i) for i in range(10)},
    **{chr(0x06F0 + i): str(i) for i in range(10)},
    "\u200c": "", "\u200d": "", "\u200e": "", "\u200f": "", "\u00a0": " ",
})
_CLITICS = "وفبلك"


def normalize(s: str) -> str:
    """Return the matching form of ``s`` (str → str). Length may change; use only for comparison/lookup."""
    s = unicodedata.normalize("NFKC", s or "")
    s = _DIACRITICS.sub("", s)
    return s.translate(_TABLE)


def strip_clitics(word: str, min_stem: int = 2) -> list[str]:
    """Candidate stems of one normalised word after removing proclitics (و ف ب ل ك, then ال / لل).

    Input: one normalised token. Output: list of candidate forms, the word itself first, shortest last.
    Example: ``"وبالرياض"`` → ``["وبالرياض", "بالرياض", "الرياض", "رياض"]``.
    """
    out = [word]
    w = word
    for _ in range(2):
        if len(w) > min_stem + 1 and w[0] in _CLITICS:
            w = w[1:]
            out.append(w)
        else:
            break
    # "لل" = ل + ال
    if word.startswith("لل") and len(word) > 4:
        out.append("ال" + word[2:])
    base = out[-1]
    if base.startswith("ال") and len(base) > min_stem + 2:
        out.append(base[2:])
    seen, uniq = set(), []
    for c in out:
        if c not in seen:
            seen.add(c)
            uniq.append(c)
    return uniq


def is_arabic_char(ch: str) -> bool:
    """True for letters of the Arabic blocks (U+0600–U+06FF, U+0750–U+077F, presentation forms)."""
    o = ord(ch)
    return 0x0600 <= o <= 0x06FF or 0x0750 <= o <= 0x077F or 0xFB50 <= o <= 0xFDFF or 0xFE70 <= o <= 0xFEFF
