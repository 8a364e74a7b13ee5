"""English names for unlinked (NIL) institutions, composed by a small grammar over a glossary.

``وزارة العمل`` → ``Ministry of Labour``, ``هيئة الرقابة ومكافحة الفساد`` → ``Oversight and Anti-Corruption Authority``,
``جامعة الملك سعود`` → ``King Saud University``, ``وزارة العمل السعودية`` → ``Ministry of Labour (Saudi Arabia)``.

Grammar: [proclitic] HEAD, then in any order: adjectives (English before the head), field nouns and fixed field
phrases (joined by "and" after و; a ل / لل preposition is allowed), a proper name (a title word + transliterated
name words, a KB place's English name, or indefinite words that are not ordinary Arabic words), and a nationality
adjective (→ ``(Country)``). A whole fixed name (``مجلس الشورى``) is a ``phrase``. The English order of the head
with its fields/name comes from the glossary (``of``: "Ministry of X"; ``for``: "Centre for X"; ``pre``: "X
Authority"; with a name also ``after``: "Ittihad Tangier"). When any word is unknown the composition fails (``None``) and the caller keeps its transliteration:
never half-English output.

Data: ``data/kb/institution_glossary.tsv`` (written for khabar) and the portfolio words of
``data/kb/ministry_fields.tsv``.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable

from khabar.kb.store import KB, tokens
from khabar.paths import KB_DIR

_MAX_PHRASE = 3
_PREP_ARTICLE = ("لل", "بال", "وال", "فال", "كال")


@dataclass(frozen=True)
class GlossEntry:
    """One glossary row: ``english``, ``kind`` (head|phrase|field|adj|title|join), the head's ``field_order`` and
    ``name_order`` (of|for|pre) and its English form next to a proper name (``with_name``)."""
    english: str
    kind: str
    field_order: str = "of"
    name_order: str = "pre"
    with_name: str = ""


@functools.lru_cache(maxsize=1)
def glossary() -> dict[str, GlossEntry]:
    """Normalised Arabic key (words joined by one space) → :class:`GlossEntry`.

    Sources: ``data/kb/institution_glossary.tsv`` and ``data/kb/ministry_fields.tsv`` (portfolios as fields; the
    institution glossary wins on a shared key). Missing files give an empty / partial glossary."""
    out: dict[str, GlossEntry] = {}
    p = KB_DIR / "ministry_fields.tsv"
    if p.is_file():
        for line in p.read_text(encoding="utf-8").splitlines():
            r = line.split("\t")
            if line.startswith("#") or len(r) < 2 or not r[0].strip():
                continue
            key = " ".join(tokens(r[0]))
            if key:
                out[key] = GlossEntry(r[1].strip(), "field")
    p = KB_DIR / "institution_glossary.tsv"
    if p.is_file():
        for line in p.read_text(encoding="utf-8").splitlines():
            r = [c.strip() for c in line.split("\t")]
            if line.startswith("#") or len(r) < 3 or not r[0] or not r[1]:
                continue
            key = " ".join(tokens(r[0]))
            if not key:
                continue
            out[key] = GlossEntry(r[1], r[2], r[3] if len(r) > 3 and r[3] else "of",
                                  r[4] if len(r) > 4 and r[4] else "pre", r[5] if len(r) > 5 else "")
    return out


def _forms(tok: str) -> list[tuple[str, str]]:
    """(form, proclitic) pairs of one normalised token: itself, without و / ل / ب / ف, لل → ال."""
    out = [(tok, "")]
    if len(tok) > 3 and tok[0] in "وفبلك":
        rest = tok[1:]
        out.append((rest, tok[0]))
        if len(rest) > 3 and rest[0] in "لب" and tok[0] in "وف":
            out.append((rest[1:], tok[0] + rest[0]))
            if rest.startswith("لل") and len(rest) > 4:
                out.append(("ال" + rest[2:], tok[0] + "ل"))
    if tok.startswith("لل") and len(tok) > 4:
        out.append(("ال" + tok[2:], "ل"))
    return out


def _match(toks: list[str], j: int, kinds: tuple[str, ...]) -> tuple[int, GlossEntry, str] | None:
    """Longest glossary entry of a kind in ``kinds`` starting at token ``j``: (length, entry, proclitic)."""
    g = glossary()
    for n in range(min(_MAX_PHRASE, len(toks) - j), 0, -1):
        for form, clit in _forms(toks[j]):
            key = " ".join([form] + toks[j + 1:j + n])
            e = g.get(key)
            if e is not None and e.kind in kinds:
                return n, e, clit
    return None


def _agrees(head: str, adj: str) -> bool:
    """False when a nisba adjective right after the head disagrees in gender with a singular head
    (``الاتحاد الجوية``: masculine head, feminine adjective — another phrase, here an airline)."""
    if head.endswith("ات"):
        return True  # a feminine plural head takes feminine adjectives
    fem_head = head.endswith("ه")
    if adj.endswith("يه"):
        return fem_head
    if adj.endswith("ي") and len(adj) > 4:
        return not fem_head
    return True


def _place(kb: KB, toks: list[str], j: int) -> tuple[int, str] | None:
    """Longest KB place (GPE/LOC) alias starting at token ``j`` (the token itself, no preposition): (length, English)."""
    if toks[j].startswith(_PREP_ARTICLE):
        return None  # a preposition + article (للسلامة) is a common noun, not a place
    for n in range(min(3, len(toks) - j), 0, -1):
        try:
            cands = [e for e in kb.lookup(" ".join(toks[j:j + n])) if e.type in ("GPE", "LOC") and e.english]
        except Exception:  # noqa: BLE001
            cands = []
        names = {e.english for e in cands}
        if len(names) == 1:  # an ambiguous alias (two different places) is not trusted
            return n, names.pop()
    return None


def compose(text: str, kb: KB, romanize: Callable[[str, KB], str]) -> str | None:
    """English name of an institution mention (str → str), or None when the phrase is not fully understood.

    Input: the Arabic surface of an ORG/LOC/MISC mention, the KB (places, demonyms, ordinary-word list) and the
    transliteration function used for proper-name words (``romanize(word, kb) -> str``).
    Output: e.g. ``"Ministry of Labour (Saudi Arabia)"``; None for a lone head, an unknown common word, a definite
    head directly followed by a name (``النادي سامي``) or a preposition phrase (``جامعة X بفيلادلفيا``). Never raises
    on text (any failure → None)."""
    try:
        return _compose(text, kb, romanize)
    except Exception:  # noqa: BLE001 - the caller falls back to the transliteration
        return None


def _compose(text: str, kb: KB, romanize: Callable[[str, KB], str]) -> str | None:
    from khabar.kb.store import _common_words
    toks = tokens(text)
    if len(toks) < 2 or any(not t.isalpha() for t in toks):
        return None
    m = _match(toks, 0, ("phrase", "head"))
    if m is None:
        return None
    n, head, _ = m
    head_form = next((f for f, _c in _forms(toks[0]) if (" ".join([f] + toks[1:n])) in glossary()), toks[0])
    definite = head_form.startswith("ال")
    adjs: list[str] = []
    fields: list[str] = []
    names: list[str] = []
    country: str | None = None
    j = n
    in_name = titled = False
    common = _common_words()
    while j < len(toks):
        tok = toks[j]
        g = _match(toks, j, ("field", "phrase", "adj", "title", "join"))
        if g is not None:
            k, e, clit = g
            if e.kind == "join":
                if not in_name:
                    return None
                names.append(e.english)
            elif e.kind == "title":
                if names or (definite and "ل" not in clit):
                    return None
                names.append(e.english)
                in_name = titled = True
            elif e.kind == "adj":
                if j == n and head.kind == "head" and not _agrees(head_form, toks[j]):
                    return None
                adjs.append(e.english)
                in_name = titled = False
            else:  # field / phrase used as a complement
                if head.kind == "phrase" or (definite and not clit.endswith("ل")):
                    return None
                if fields and clit.startswith("و"):
                    fields.append("and")
                elif fields:
                    return None  # two complements without "and": an unknown structure
                fields.append(e.english)
                in_name = titled = False
            j += k
            continue
        dem = kb.demonym(tok) if tok.startswith("ال") else None
        if dem and country is None:
            country = dem
            in_name = titled = False
            j += 1
            continue
        if head.kind == "phrase":
            return None
        pl = _place(kb, toks, j)
        if pl is not None:
            if names and not in_name or definite:
                return None
            names.append(pl[1])
            in_name = False  # a place name is complete: no transliterated words after it
            j += pl[0]
            continue
        # a word after a title (الملك فهد) or an indefinite word that is not an ordinary Arabic word: a proper name
        if in_name and titled and not tok.startswith(_PREP_ARTICLE):
            names.append(romanize(tok, kb))
            j += 1
            continue
        bare = tok[1:] if tok[0] in "وبلف" and len(tok) > 3 else None
        if tok.startswith("ال") or tok in common or definite:
            return None
        if names and in_name and tok.startswith("ب"):
            return None  # most likely a preposition phrase after the name (جامعة تيمبل بفيلادلفيا)
        if bare and (_place(kb, [bare], 0) or bare in common):
            return None  # a preposition phrase (بفيلادلفيا) or a conjunction: not one name
        if names and not in_name:
            return None
        names.append(romanize(tok, kb))
        in_name = True
        j += 1
    if not (adjs or fields or names or country) and head.kind != "phrase":
        return None
    if head.kind == "phrase":
        core = " ".join(adjs + [head.english])
    else:
        h = head.with_name if names and head.with_name else head.english
        fld = " ".join(fields)
        name = " ".join(x for x in names if x)
        if names and fields:
            if head.field_order == "pre" or head.name_order != "pre":
                return None
            core = " ".join([name] + adjs + [h, head.field_order, fld])
        elif names:
            if head.name_order == "pre":
                core = " ".join([name] + adjs + [h])
            elif head.name_order == "after":
                core = " ".join(adjs + [h, name])
            else:
                core = " ".join(adjs + [h, "of", name])
        elif fields:
            core = " ".join(adjs + [fld, h]) if head.field_order == "pre" else " ".join(
                adjs + [h, head.field_order, fld])
        else:
            core = " ".join(adjs + [h])
    if country:
        c = kb.get(f"country:{country}")
        core += f" ({c.english if c is not None else country})"
    return core[:1].upper() + core[1:]
