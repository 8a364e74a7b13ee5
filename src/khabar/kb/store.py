"""The khabar knowledge base (KB): canonical entities, Arabic aliases, demonyms, office holders and role phrases.

Use::

    from khabar.kb.store import get_kb
    kb = get_kb()                                   # cached: loads the shipped KB once per process
    kb.lookup("سيرجي لافروف")                        # -> [KBEntity(id="per:sergey-lavrov", ...)]
    kb.fuzzy("زيلينسكي")                             # -> [(KBEntity(... "Volodymyr Zelenskyy"), 100.0), ...]
    kb.demonym("والأمريكيين")                        # -> "USA"
    kb.office_holder("FOREIGN_MINISTER", "RUS", "2025-02-18")   # -> KBEntity("Sergey Lavrov")
    kb.parse_role(["وزير", "الخارجية", "الروسي"])      # -> RoleMatch(role="FOREIGN_MINISTER", country="RUS", agent="GOV", n_tokens=3)

Storage: one SQLite file ``khabar/data/kb/kb.sqlite`` built by ``khabar build kb`` (:mod:`khabar.kb.build`) from the
staged public sources and the curated files in ``khabar/data/kb/``. When the built file is missing, the store falls
back to an in-memory KB built from the curated files alone (no shared data needed), so the package always works.

Entity shapes
-------------
- A **country** entity: ``id="country:RUS"``, ``type="GPE"``, ``subtype="country"``, ``english="Russia"``,
  ``country="RUS"``, ``actor_code="RUS"`` (the bare ISO alpha-3 code is its CAMEO actor code), ``lat``/``lon`` the
  country centroid from mledoze/countries.
- A **city / region**: ``id="city:SAU:riyadh"`` (``type="GPE"``, ``subtype="city"``; ``"region"`` for states),
  ``country`` ISO3, ``actor_code`` = ISO3 of its country.
- A **person**: ``id="per:<slug>"``, ``type="PER"``, ``subtype="person"``, ``actor_code`` e.g. ``RUSGOV`` (the code
  of his/her most recent role), ``roles`` a tuple of ``(role, country, start, end)`` with ISO dates (None = open).
- An **organisation**: ``id="org:<slug>"``, ``type="ORG"``, ``subtype`` one of igo | media | armed_group | party |
  government_body | company | ngo | org; ``actor_code`` e.g. ``IGOUNO``, ``PSEREB``, ``RUSGOV``, ``USAMED``.
- Entities from the UniversalPetrarch Arabic actor dictionary have ids ``up:<n>``.

Matching keys (:func:`alias_key`, :func:`loose_key`, :func:`skeleton`): Arabic normalisation of
:func:`khabar.text.normalize.normalize` (hamza/alef forms, ya/alef maqsura, ta marbuta, diacritics, tatweel,
Persian letters, presentation forms, Arabic-Indic digits), Latin lower-cased, punctuation removed.
"""
from __future__ import annotations

import functools
import json
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from khabar.paths import KB_DIR, LEXICONS
from khabar.text.normalize import normalize, strip_clitics

KB_PATH = KB_DIR / "kb.sqlite"

_WORD = re.compile(r"[\w\u0600-\u06ff]+", re.UNICODE)


@dataclass(frozen=True)
class KBEntity:
    """One canonical KB entity (see the module doc for id conventions).

    ``type`` ∈ PER | ORG | GPE | LOC | MISC; ``english`` the canonical English name; ``country`` ISO 3166 alpha-3
    or None; ``actor_code`` CAMEO style (``RUSGOV``, ``IGOUNO``, ``RUS``) or None; ``aliases`` Arabic (and Latin)
    surface forms; ``roles`` tuples ``(role, country, start, end)`` with ISO ``YYYY-MM-DD`` dates or None (open);
    ``lat``/``lon`` decimal degrees or None; ``subtype`` country | city | region | person | igo | media | … ;
    ``prior`` a popularity prior used to rank candidates sharing an alias (higher = more likely).
    """

    id: str
    type: str
    english: str
    country: str | None = None
    actor_code: str | None = None
    aliases: tuple[str, ...] = ()
    roles: tuple[tuple[str, str | None, str | None, str | None], ...] = ()
    lat: float | None = None
    lon: float | None = None
    subtype: str | None = None
    prior: float = 0.0


@dataclass(frozen=True)
class RoleMatch:
    """A parsed role phrase: ``role`` (FOREIGN_MINISTER, PRESIDENT, NSA, ENVOY, …), ``country`` ISO3 or None,
    ``agent`` CAMEO agent code (GOV, MIL, REB, OPP, BUS, MED, IGO, COP, …) and ``n_tokens`` consumed from the
    start of the token list given to :meth:`KB.parse_role`."""

    role: str
    country: str | None
    agent: str | None
    n_tokens: int

    @property
    def actor_code(self) -> str | None:
        """``country + agent`` (e.g. RUSGOV), the agent alone when no country, None when neither."""
        if self.country and self.agent:
            return self.country + self.agent
        return self.country or self.agent


# ----------------------------------------------------------------------------------------------- matching keys

def tokens(s: str) -> list[str]:
    """Normalised word tokens of ``s`` (Arabic normalised, Latin lower-cased, punctuation dropped).

    A bare ``عبد`` / ``ابو`` is joined to the next word, as news text writes these compound names both ways
    (``عبد المهدي`` = ``عبدالمهدي``, ``ابو ظبي`` = ``ابوظبي``)."""
    toks = _WORD.findall(normalize(s).lower().replace("_", " "))
    if len(toks) < 2 or not any(t in _JOIN_NEXT for t in toks[:-1]):
        return toks
    out: list[str] = []
    i = 0
    while i < len(toks):
        if toks[i] in _JOIN_NEXT and i + 1 < len(toks):
            out.append(toks[i] + toks[i + 1])
            i += 2
        else:
            out.append(toks[i])
            i += 1
    return out


def raw_token_count(s: str) -> int:
    """Number of words of ``s`` before the ``عبد``/``ابو`` joining of :func:`tokens` (a span length in text words)."""
    return len(_WORD.findall(normalize(s).lower().replace("_", " ")))


# words that form one name with the next word (normalised forms, written joined or apart)
_JOIN_NEXT = frozenset({"عبد", "ابو"})


def alias_key(s: str) -> str:
    """Exact-match key: normalised tokens joined by one space."""
    return " ".join(tokens(s))


def _proclitic_forms(word: str) -> list[str]:
    """The word and its forms without proclitics و ف ب ل ك (لل → ال), keeping the article ال (stripping it
    would turn common nouns into names: الصور ≠ صور "Tyre")."""
    out: list[str] = []
    for c in strip_clitics(word):
        if out and out[-1].startswith("ال") and c == out[-1][2:]:
            continue
        out.append(c)
        if c.startswith("لل") and len(c) > 4:
            out.append("ال" + c[2:])
    # a long name written without the article may match an alias with it (بنتاغون → البنتاغون)
    if len(word) >= 5 and not word.startswith("ال"):
        out.append("ال" + word)
    return list(dict.fromkeys(out))


def _loose_tok(t: str) -> str:
    if t.startswith("ال") and len(t) > 4:
        t = t[2:]
    elif t.startswith("لل") and len(t) > 4:
        t = t[2:]
    if len(t) > 3 and t.endswith("ه"):
        t = t[:-1]
    return t


def loose_key(s: str) -> str:
    """Looser key: every token loses the article ال and a final ة/ه; bare prepositions ل / ب dropped.
    Lets lemmatised dictionary forms (``اتحاد_أفريقي_``) meet running text (``الاتحاد الأفريقي``)."""
    toks = [t for t in tokens(s) if t not in ("ل", "ب", "و")]
    return " ".join(_loose_tok(t) for t in toks)


_SKEL = str.maketrans({"غ": "ك", "ج": "ك", "ق": "ك", "ط": "ت", "ص": "س", "ث": "س", "ض": "د", "ذ": "ز",
                       "ظ": "ز", "ح": "ه", "ة": "ه", "ع": "ا", "ء": ""})


def skeleton(s: str) -> str:
    """Variant-tolerant key for transliterated foreign names: loose key, then ج/غ/ق→ك, ط→ت, ص/ث→س, ض→د, ذ/ظ→ز,
    ح→ه, ع→ا, and the vowel letters ا و ي removed inside words (kept when a word would become empty)."""
    out = []
    for t in loose_key(s).split():
        t = t.translate(_SKEL)
        core = t[0] + re.sub("[اوي]", "", t[1:]) if len(t) > 1 else t
        core = re.sub(r"(.)\1+", r"\1", core)
        out.append(core or t)
    return " ".join(out)


# -------------------------------------------------------------------------------------------------- the store

class KB:
    """In-memory view of the KB with alias, loose, skeleton, demonym and office-holder indexes.

    Build with :func:`get_kb` (cached) or ``KB.from_sqlite(path)`` / ``KB(entities, demonyms, role_rows)``.
    """

    def __init__(self, entities: list[KBEntity], demonyms: dict[str, str], role_rows: list[tuple[str, str, str]],
                 translit: dict[str, str] | None = None):
        self.entities: dict[str, KBEntity] = {}
        self._exact: dict[str, list[str]] = {}
        self._loose: dict[str, list[str]] = {}
        self._skel: dict[str, list[tuple[str, str]]] = {}
        self._holders: dict[tuple[str, str], list[tuple[str | None, str | None, str]]] = {}
        self._first_tok: dict[str, int] = {}
        self.translit_words: dict[str, str] = translit or {}
        for e in entities:
            self._add(e)
        for lst in (self._exact, self._loose):
            for k, ids in lst.items():
                ids.sort(key=lambda i: -self.entities[i].prior)
        self._demonyms = {alias_key(k): v for k, v in demonyms.items()}
        # role phrases: list of (token tuple, role, agent), longest first
        self._roles: list[tuple[tuple[str, ...], str, str | None]] = []
        self._role_country: dict[tuple[tuple[str, ...], str], str] = {}  # phrase → country it always names
        for row in role_rows:
            phrase, role, agent = row[:3]
            toks = tuple(tokens(phrase))
            if toks:
                self._roles.append((toks, role, agent or None))
                if len(row) > 3 and row[3]:
                    self._role_country[(toks, role)] = row[3]
        self._roles.sort(key=lambda r: -len(r[0]))
        self._role_first = {r[0][0] for r in self._roles}
        self._skel_keys: list[str] | None = None
        self._dem_cache: dict[str, str | None] = {}

    # -- construction
    def _add(self, e: KBEntity) -> None:
        if e.id in self.entities:
            return
        self.entities[e.id] = e
        for a in set(e.aliases) | {e.english}:
            k = alias_key(a)
            if not k:
                continue
            self._exact.setdefault(k, [])
            if e.id not in self._exact[k]:
                self._exact[k].append(e.id)
            lk = loose_key(a)
            if lk and lk != k:
                self._loose.setdefault(lk, [])
                if e.id not in self._loose[lk]:
                    self._loose[lk].append(e.id)
            sk = skeleton(a)
            if sk and re.search("[\u0600-\u06ff]", sk):
                self._skel.setdefault(sk, []).append((k, e.id))
            n = raw_token_count(a)
            ft = k.split()[0]
            self._first_tok[ft] = max(self._first_tok.get(ft, 0), n)
            raw_first = _WORD.findall(normalize(a).lower().replace("_", " "))[0]
            if raw_first != ft:  # عبد الله … is also reached from the text word عبد
                self._first_tok[raw_first] = max(self._first_tok.get(raw_first, 0), n)
        for role, country, start, end in e.roles:
            self._holders.setdefault((role, country or ""), []).append((start, end, e.id))

    @classmethod
    def from_sqlite(cls, path: Path) -> "KB":
        """Load a KB written by :func:`khabar.kb.build.build`. Raises ``sqlite3.Error`` on a bad file."""
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ents = []
            for row in con.execute("SELECT id,type,english,country,actor_code,aliases,roles,lat,lon,subtype,prior "
                                   "FROM entities"):
                ents.append(KBEntity(row[0], row[1], row[2], row[3], row[4], tuple(json.loads(row[5])),
                                     tuple(tuple(r) for r in json.loads(row[6])), row[7], row[8], row[9],
                                     row[10] or 0.0))
            dem = dict(con.execute("SELECT form, iso3 FROM demonyms"))
            try:
                tr = dict(con.execute("SELECT ar, en FROM translit"))
            except sqlite3.Error:
                tr = {}
        finally:
            con.close()
        return cls(ents, dem, load_role_rows(), tr)

    # -- queries
    def get(self, kb_id: str) -> KBEntity | None:
        """The entity with id ``kb_id`` or None."""
        return self.entities.get(kb_id)

    def max_alias_tokens(self, first_token: str) -> int:
        """Longest alias length (in tokens) among aliases starting with normalised ``first_token`` (0 if none)."""
        return self._first_tok.get(first_token, 0)

    def lookup(self, text: str) -> list[KBEntity]:
        """Entities whose alias equals ``text`` after normalisation; tries clitic-stripped forms of the first word
        (و ف ب ل ك, ال) and then the loose key. Output: list ranked by prior (empty when nothing matches)."""
        toks = tokens(text)
        if not toks:
            return []
        firsts = _proclitic_forms(toks[0])
        # a short first word of a multi-word name can carry a clitic too (لبي بي سي → بي بي سي)
        if len(toks) >= 2 and len(toks[0]) == 3 and toks[0][0] in "وفبلك":
            firsts = firsts + [toks[0][1:]]
        for first in firsts:
            k = " ".join([first] + toks[1:])
            ids = self._exact.get(k)
            if ids:
                return [self.entities[i] for i in ids]
        if len(toks) < 2:  # the loose key is for multi-word names only (single words: too many homographs)
            return []
        for first in firsts:
            lk = loose_key(" ".join([first] + toks[1:]))
            ids = self._loose.get(lk) or self._exact.get(lk)
            if ids:
                return [self.entities[i] for i in ids]
        return []

    def fuzzy(self, text: str, limit: int = 5, cutoff: float = 85.0) -> list[tuple[KBEntity, float]]:
        """Variant-tolerant candidates for ``text``: aliases with the same :func:`skeleton` (score = rapidfuzz
        ratio of the exact keys, floored at ``cutoff``; a skeleton of fewer than 6 consonants needs ratio ≥ 90, any
        needs the ``same_skeleton_min_ratio`` of ``data/kb/fuzzy_thresholds.tsv``), then rapidfuzz ratio over all skeletons of the same token
        count. Output: up to ``limit`` (entity, score 0–100) pairs, best first, all scores ≥ ``cutoff``."""
        from rapidfuzz import fuzz, process

        toks = tokens(text)
        if not toks:
            return []
        if len(toks) == 1 and not self.demonym(toks[0]) and any(
                f.startswith("ال") and f in _common_words() for f in [toks[0]] + strip_clitics(toks[0])):
            # الحديثة "the modern" is not the town حديثة, بالمشهد "in the scene" not Mashhad: a definite ordinary
            # word is not a spelling variant (a nationality adjective, السورية, still reaches its country)
            return []
        best: dict[str, float] = {}
        for first in strip_clitics(toks[0])[:4]:
            q = " ".join([first] + toks[1:])
            sk = skeleton(q)
            short = len(sk.replace(" ", "")) < 6  # few consonants: the skeleton alone is not distinctive
            for k, eid in self._skel.get(sk, []):
                r = fuzz.ratio(q, k)
                if short and r < 90:
                    continue  # لو كانغ is not لي كيانغ
                if r < _fuzzy_thresholds().get("same_skeleton_min_ratio", 0.0):
                    continue  # وليد سليمان is not وليد الصمعاني (same skeleton, ratio 75)
                s = max(cutoff, r)
                best[eid] = max(best.get(eid, 0.0), s)
        if len(toks) == 1 and len(skeleton(toks[0])) < 4:
            # one short word: its skeleton is shared by unrelated names (شيانغ / شنيانغ)
            best = {i: s for i, s in best.items() if s >= 100.0}
        if not best:
            q = " ".join(toks)
            sk = skeleton(q)
            if len(sk) >= 4:
                if self._skel_keys is None:
                    self._skel_keys = list(self._skel.keys())
                for cand, sc, _ in process.extract(sk, self._skel_keys, scorer=fuzz.ratio, limit=limit * 3,
                                                   score_cutoff=max(cutoff, 80.0)):
                    if len(cand.split()) != len(sk.split()):
                        continue
                    short = len(sk.replace(" ", "")) < 6
                    for k, eid in self._skel[cand]:
                        if fuzz.ratio(q, k) < _fuzzy_thresholds().get("same_skeleton_min_ratio", 0.0):
                            continue  # جوستين برونك is not Gaston Browne (ratio 75)
                        s = min(sc, fuzz.ratio(q, k) + (0 if short else 10))
                        if s >= cutoff:
                            best[eid] = max(best.get(eid, 0.0), s)
        # every word must match: a shared generic word (شبه جزيرة …) is not enough
        for eid in list(best):
            e = self.entities[eid]
            if not any(self._tokwise(toks, a) for a in e.aliases if len(tokens(a)) == len(toks)):
                del best[eid]
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], -self.entities[kv[0]].prior))
        return [(self.entities[i], s) for i, s in ranked[:limit]]

    def _tokwise(self, qwords: list[str], alias: str) -> bool:
        """Word-by-word agreement of a query (normalised words) with an alias of the same length.

        An ordinary Arabic word (``noise_common_words``) or a nationality adjective must be the same word
        (article and final ة aside; inner vowel letters may differ, الفدرالي = الفيدرالي, the last letter not) or
        the same nationality (القوات الإماراتية is not القوات الأمريكية, المفوض is not
        المفوضية); a name word with the same skeleton agrees; otherwise a name word may differ by one consonant when both skeletons
        have ≥ 4 consonants (a replaced one: ≥ 5, بولتون is not بولسون), by two when both have ≥ 7 — so كاري
        (كر) is not كوريلا (كرل) and كين (كن) is not ماكين (مكن); a 3-consonant word may differ by one only when
        it is the one differing word of a multi-word name (إيمانويل ماكغون → ماكرون)."""
        from rapidfuzz.distance import Levenshtein

        awords = tokens(alias)
        atoks = [skeleton(t) for t in awords]
        if len(atoks) != len(qwords):
            return False
        common = _common_words()
        n_diff = 0
        pending: list[tuple[list[str], str]] = []
        for i, (w, aw, a) in enumerate(zip(qwords, awords, atoks)):
            forms = strip_clitics(w) if i == 0 else [w]
            if any(f.startswith("ابو") for f in forms) != aw.startswith("ابو"):
                return False  # a joined kunya (ابوشعر) is not an article name (البشير) of the same skeleton
            given = _given_names()
            ga = aw[2:] if aw.startswith("ال") else aw
            gf = [f[2:] if f.startswith("ال") else f for f in forms]
            if ga in given and ga not in gf and any(f in given for f in gf):
                return False  # two different Arabic given names (محمود / محمد, الحسين / الحسان) are never variants
            if any(f in common or self.demonym(f) for f in forms):
                # an ordinary word: the same word (article / final ة aside), or the same nationality
                dem = self.demonym(aw)
                la = _loose_tok(aw)
                if not any(_loose_tok(f) == la or (dem and self.demonym(f) == dem)
                           or (skeleton(f) == a and _loose_tok(f)[-1:] == la[-1:]) for f in forms):
                    return False
                continue
            sks = [skeleton(f) for f in forms]
            if a in sks:
                others = [x for k, x in enumerate(qwords) if k != i and x not in _generic_heads()
                          and not self.demonym(x)]
                if len(a) > _fuzzy_thresholds().get("short_skeleton_max", 0.0) or others:
                    continue  # (another name word carries the match: هيذر نوريت / هيذر ناورت)
                # the only name word, of a short skeleton: mostly vowel letters, the skeleton alone does not
                # identify it (منظمة آيباك / منظمة أوبك share ا ب ك); it may differ by at most one letter
                la = _loose_tok(aw)
                if any(skeleton(f) == a and Levenshtein.distance(_loose_tok(f), la)
                       <= _fuzzy_thresholds().get("short_word_max_edit", 1.0) for f in forms):
                    continue
                return False
            n_diff += 1
            pending.append((sks, a))
        for sks, a in pending:
            ok = False
            for q in sks:
                if not q:
                    continue
                d = Levenshtein.distance(q, a)
                m = min(len(q), len(a))
                sub = len(q) == len(a)  # a replaced consonant (not an inserted / dropped one)
                if (d <= 1 and (m >= 5 or (m == 4 and not sub) or (m == 3 and not sub and n_diff == 1
                                                                     and len(qwords) >= 2))) or (d <= 2 and m >= 7):
                    ok = True
                    break
            if not ok:
                return False
        return True

    def demonym(self, word: str) -> str | None:
        """ISO alpha-3 of an Arabic nationality adjective in any inflection and with clitics (الروسي، الروسية،
        الروس، والأمريكيين، الأميركي) or None."""
        if word in self._dem_cache:
            return self._dem_cache[word]
        res = self._demonym(word)
        if len(self._dem_cache) > 100_000:
            self._dem_cache.clear()
        self._dem_cache[word] = res
        return res

    def _demonym(self, word: str) -> str | None:
        toks = tokens(word)
        if len(toks) != 1:
            return None
        for c in strip_clitics(toks[0]):
            for form in (c, c[2:] if c.startswith("ال") else None):
                if form and form in self._demonyms:
                    return self._demonyms[form]
            base = c[2:] if c.startswith("ال") and len(c) > 4 else c
            for suf in ("يين", "يون", "يات", "يه", "ين", "ون", "ات", "ه"):
                if base.endswith(suf) and len(base) > len(suf) + 2:
                    stem = base[: -len(suf)]
                    if not stem.endswith("ي"):
                        stem += "ي"
                    if stem in self._demonyms:
                        return self._demonyms[stem]
        return None

    def office_holder(self, role: str, country: str | None, date: str | None = None) -> KBEntity | None:
        """The entity holding ``role`` for ``country`` (ISO3; None/"" for international posts) on ``date``
        (ISO ``YYYY-MM-DD``; None = today's holder, i.e. an open-ended term). None when unknown."""
        rows = self._holders.get((role, country or ""), [])
        if not rows:
            return None
        d = (date or "9999-12-31")[:10]
        live = [(s, e, i) for s, e, i in rows if (s is None or s <= d) and (e is None or d <= e)]
        if not live:
            return None
        live.sort(key=lambda r: r[0] or "")
        return self.entities[live[-1][2]]

    def parse_role(self, words: list[str]) -> RoleMatch | None:
        """Parse a role phrase at the start of ``words`` (normalised tokens; the first may carry clitics).

        Recognises the role noun phrase (longest match from ``lexicons/roles.tsv``), a nationality adjective
        inside or right after it (``المبعوث الأمريكي الخاص``, ``وزير الخارجية الروسي``) or a country name in
        construct (``وزير خارجية روسيا``). Output: :class:`RoleMatch` or None."""
        if not words:
            return None
        firsts = strip_clitics(normalize(words[0]).lower())
        if not any(f in self._role_first or (f.startswith("ال") and f[2:] in self._role_first) for f in firsts):
            return None
        words = [normalize(w).lower() for w in words[:12]]
        for first in firsts:
            if first not in self._role_first and not (first.startswith("ال") and first[2:] in self._role_first):
                continue
            cand = [first] + words[1:]
            for toks, role, agent in self._roles:
                m = self._match_role(cand, toks)
                if m is None:
                    continue
                n, country = m
                # country after the phrase: demonym or country name in construct
                if country is None and n < len(cand):
                    c = self.demonym(cand[n])
                    if c:
                        country, n = c, n + 1
                    else:
                        for span in (3, 2, 1):
                            # only words: a full stop after the country (ولي العهد الأردن.) is not part of it
                            if n + span <= len(cand) and all(re.search(r"\w", w) for w in cand[n:n + span]):
                                ents = [e for e in self.lookup(" ".join(cand[n:n + span]))
                                        if e.subtype == "country"]
                                if ents:
                                    country, n = ents[0].country, n + span
                                    break
                    # trailing adjective of the phrase after the demonym (المبعوث الروسي الخاص)
                # a phrase that names one country's office by itself (خادم الحرمين الشريفين: the Saudi king)
                country = country or self._role_country.get((toks, role))
                return RoleMatch(role, country, agent, n)
        return None

    def is_role_word(self, word: str) -> bool:
        """True when normalised ``word`` (as written, clitics included) begins a role phrase of ``roles.tsv``."""
        w = normalize(word).lower()
        return w in self._role_first or (w.startswith("ال") and w[2:] in self._role_first)

    def _match_role(self, cand: list[str], toks: tuple[str, ...]) -> tuple[int, str | None] | None:
        i = j = 0
        country = None
        while j < len(toks):
            if i >= len(cand):
                return None
            w = cand[i]
            if w == toks[j] or (j == 0 and ("ال" + w == toks[j] or w == "ال" + toks[j])):
                i += 1
                j += 1
                continue
            if country is None and j > 0:
                c = self.demonym(w)
                if c:
                    country = c
                    i += 1
                    continue
            return None
        return i, country


@functools.lru_cache(maxsize=1)
def _fuzzy_thresholds() -> dict[str, float]:
    """``name → value`` of ``data/kb/fuzzy_thresholds.tsv`` (empty when the file is missing)."""
    out: dict[str, float] = {}
    p = KB_DIR / "fuzzy_thresholds.tsv"
    if p.is_file():
        for line in p.read_text(encoding="utf-8").splitlines():
            cols = line.split("\t")
            if line and not line.startswith("#") and len(cols) >= 2:
                try:
                    out[cols[0].strip()] = float(cols[1])
                except ValueError:
                    continue
    return out


@functools.lru_cache(maxsize=1)
def _generic_heads() -> frozenset[str]:
    """Generic head words of names (مدينة، حركة، منظمة …; ``data/kb/generic_heads.txt`` and
    ``data/kb/fuzzy_generic_words.txt``), normalised like tokens."""
    out: set[str] = set()
    for name in ("generic_heads.txt", "fuzzy_generic_words.txt"):
        p = KB_DIR / name
        if p.is_file():
            out.update(tokens(w)[0] for w in p.read_text(encoding="utf-8").splitlines()
                       if w.strip() and not w.startswith("#") and tokens(w))
    return frozenset(out)


@functools.lru_cache(maxsize=1)
def _given_names() -> frozenset[str]:
    """Arabic given names (normalised, article-free) of ``data/kb/arabic_given_names.txt`` (empty when missing)."""
    p = KB_DIR / "arabic_given_names.txt"
    if not p.is_file():
        return frozenset()
    return frozenset(tokens(w)[0] for w in p.read_text(encoding="utf-8").splitlines()
                     if w.strip() and not w.startswith("#") and tokens(w))


@functools.lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    """Ordinary Arabic words (normalised) from ``lexicons/noise_common_words.txt.gz`` (empty when missing)."""
    import gzip
    p = LEXICONS / "noise_common_words.txt.gz"
    try:
        with gzip.open(p, "rt", encoding="utf-8") as fh:
            return frozenset(w.strip() for w in fh if w.strip() and not w.startswith("#"))
    except OSError:
        return frozenset()


def load_role_rows(path: Path | None = None) -> list[tuple[str, str, str, str]]:
    """Rows ``(arabic phrase, ROLE, AGENT, COUNTRY)`` of ``lexicons/roles.tsv`` (and ``roles*.tsv``); '#' comments.
    COUNTRY (ISO3, optional fourth column, else "") is the country a phrase always names by itself."""
    rows = []
    paths = [path] if path else sorted(LEXICONS.glob("roles*.tsv"))
    for p in paths:
        if not p or not p.is_file():
            continue
        for line in p.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) >= 2:
                rows.append((parts[0].strip(), parts[1].strip(), (parts[2].strip() if len(parts) > 2 else ""),
                             (parts[3].strip() if len(parts) > 3 else "")))
    return rows


@functools.lru_cache(maxsize=1)
def get_kb() -> KB:
    """The shipped KB, loaded once per process. Falls back to the curated files only when ``kb.sqlite`` is
    missing or unreadable (never raises for a missing KB)."""
    if KB_PATH.is_file():
        try:
            return KB.from_sqlite(KB_PATH)
        except sqlite3.Error:
            pass
    from khabar.kb.build import curated_only_kb
    return curated_only_kb()
