"""Quote attribution stage: direct and indirect quotes, their cue and their speaker.

Public entry: :func:`attribute_quotes` (``Document -> Document``, in place).

Method (rule-based, written for khabar; lexicons in ``khabar/data/lexicons/quotes_*``, see
:mod:`khabar.quotes.lexicon`):

1. **Quoted stretches** in “…”, «…», "…", „…“, ‘…’ with MT noise tolerated (:mod:`khabar.quotes.marks`).
2. **Cues**: speech-verb tokens (any person, with و / ف proclitics), circumstantial participles (مضيفا),
   verbal nouns (قوله), according-to prepositions (بحسب، وفقا ل) — outside quoted stretches.
3. **Indirect speech**: a verb cue followed (within a bounded window, no colon or quote mark between) by a
   complementiser إن / أن / بأن (also إنه، أنها …) → kind ``indirect``; text = the reported clause up to the sentence
   end, a colon that opens a quote, or the next coordinated speech cue (، مضيفا أن …).
4. **Direct quotes**: a quoted stretch is kept when it is attributed: inside a reported clause (that cue), a cue
   before it in its sentence (or in the previous sentence ending with a colon), a cue right after it
   («…»، قال الوزير), it is the short quoted object of a describe / express verb (وصفه بـ"…"، عبرت عن "…"), or it
   continues the previous attributed quote (split quotes). A short quoted term after a term noun (نظام "…") or
   right after an organisation's name (its acronym: وكالة الأنباء "واس") is not a quote.
5. **Speaker**: the named subject after the cue (VSO, skipping addressees such as لوكالة … and adjuncts such as
   في بيان, a detached لـ"…" and a circumstantial phrase between commas), or before it (SVO: زيلنسكي يقول إن); a
   verbal-noun cue (قوله) takes the NP after the preposition its verb governs (نقلت … عن X، نسبت … إلى X); a
   role noun (وأضاف الوزير) resolves to the last entity introduced with that role (وزير الخارجية X, or
   "X، رئيس …"); an implicit / pronoun subject resolves to the
   most recent person who was a speaker or a sentence subject in the last few sentences. Speakers come from
   ``doc.entities`` (NER + linker); with no entity, the subject noun phrase's surface is the speaker's ``text``
   (a role NP followed by a name the NER missed keeps the name; an indefinite source such as مسؤول أمني stays a
   new unnamed speaker; "المسؤول" later refers back to it). A statement noun (البيان) stands for its author; a
   person in construct after a title (مستشار X … Y) is the complement, not the speaker; a cue nested inside
   another reported clause does not change the discourse's salient speaker.

Output: ``doc.quotes`` (list of :class:`khabar.document.Quote`, in text order), offsets into the original text.
Cost: linear in the text length (every look-around is bounded). Never raises: an internal error becomes a
``doc.warnings`` entry and leaves the quotes found so far.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass

from khabar.document import Actor, Document, Entity, Quote, Span, Token
from khabar.quotes.lexicon import CueInfo, QuoteLexicon, common_words, load
from khabar.quotes.marks import Quoted, find_quoted
from khabar.text.normalize import normalize

_PUNCT_STOP = {".", "!", "?", "؟", "؛", ";"}
_COMMA = {"،", ",", "-", "–", "—"}
_QUOTE_CHARS = set("“”«»\"„‘’‹›")
_TRIM_END = " \t\u00a0.,،:؛;-–—…"
_HASHTAG_MARKS = {"#", "_"}


def _newlines(text: str) -> list[int]:
    out, i = [], text.find("\n")
    while i >= 0:
        out.append(i)
        i = text.find("\n", i + 1)
    return out


@dataclass
class _Cue:
    tok: int
    info: CueInfo
    proclitic: bool  # the token carried و / ف
    suffixed: bool = False  # a cue with an object pronoun (ووصفته)


@dataclass
class _Sal:
    pos: int
    sent: int
    ent: Entity | None
    actor: Actor
    label: str | None
    speaker: bool = False  # recorded by a speech cue (not only a sentence subject)


class _Ctx:
    """Per-document working state (indexes built once; every look-up is O(1) or O(log n))."""

    def __init__(self, doc: Document, lex: QuoteLexicon):
        self.doc = doc
        self.text = doc.text
        self.lex = lex
        self.toks: list[Token] = doc.tokens
        self.tok_starts = [t.start for t in self.toks]
        self.sent_of_tok = [0] * len(self.toks)
        for si, s in enumerate(doc.sentences):
            for k in range(s.tok_start, min(s.tok_end, len(self.toks))):
                self.sent_of_tok[k] = si
        self.sent_starts = [s.start for s in doc.sentences]
        ents = sorted((e for e in doc.entities if isinstance(e.start, int) and isinstance(e.end, int)),
                      key=lambda e: (e.start, -(e.end - e.start)))
        self.ents = ents
        self.ent_starts = [e.start for e in ents]
        self.ent_at_tok: dict[int, Entity] = {}
        self.ent_cover_tok: dict[int, Entity] = {}
        for e in ents:
            ti = self.tok_index(e.start)
            if ti < 0:
                continue
            self.ent_at_tok.setdefault(ti, e)
            k = ti
            while k < len(self.toks) and self.toks[k].start < e.end:
                self.ent_cover_tok.setdefault(k, e)
                k += 1
        # cluster representative: the mention with a kb_id, else with english, else the longest
        self.cluster_rep: dict[int, Entity] = {}
        for e in ents:
            if e.cluster is None:
                continue
            cur = self.cluster_rep.get(e.cluster)
            if cur is None or self._rank(e) > self._rank(cur):
                self.cluster_rep[e.cluster] = e
        self._role_memo: dict[str, str | None] = {}
        self.line_starts = [0] + [m + 1 for m in _newlines(self.text)]
        self.quoted: list[Quoted] = find_quoted(self.text, lex.openers)
        self.q_opens = [q.open for q in self.quoted]
        self.sal: list[_Sal] = []
        self.object_quotes: set[int] = set()  # content starts of quotes attributed as a describe verb's object

    @staticmethod
    def _rank(e: Entity) -> tuple:
        return (e.kb_id is not None, e.english is not None and e.link != "role", e.end - e.start)

    # ---------------------------------------------------------------- look-ups
    def tok_index(self, pos: int) -> int:
        """Index of the token containing (or starting before) character ``pos``; -1 if none."""
        i = bisect.bisect_right(self.tok_starts, pos) - 1
        return i

    def sent_of_pos(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.sent_starts, pos) - 1)

    def in_quoted(self, pos: int) -> Quoted | None:
        i = bisect.bisect_right(self.q_opens, pos) - 1
        if i >= 0:
            q = self.quoted[i]
            if q.open < pos < max(q.close, q.end):
                return q
        return None

    def quoted_at_mark(self, pos: int) -> Quoted | None:
        """The quoted stretch whose opening or closing mark is at character ``pos`` (None if none)."""
        i = bisect.bisect_right(self.q_opens, pos) - 1
        for q in self.quoted[max(0, i - 1): i + 1]:
            if q.open == pos or (q.closed and q.close == pos):
                return q
        return None

    def sent_bounds(self, si: int) -> tuple[int, int]:
        s = self.doc.sentences[si]
        return s.tok_start, min(s.tok_end, len(self.toks))

    def cue_at(self, i: int) -> _Cue | None:
        t = self.toks[i]
        norm = t.norm
        if i + 1 < len(self.toks) and self.toks[i + 1].norm in self.lex.cue_blockers.get(self.strip_pro(norm), ()):
            return None  # ردّ فعل (a reaction), not the speech verb ردّ
        info = self.lex.cues.get(norm)
        if info is not None:
            if info.kind == "participle" and i > 0 and self.toks[i - 1].norm == "غير":
                return None  # تقارير غير مؤكدة: an adjective (unconfirmed), not a speech participle
            return _Cue(i, info, False)
        if len(norm) > 3 and norm[0] in "وف":
            info = self.lex.cues.get(norm[1:])
            if info is not None:
                return _Cue(i, info, True)
        if self.lex.suffixed_cue_lemmas and len(norm) > 4:
            for w in (norm, norm[1:] if norm[0] in "وف" else ""):
                for suf in self.lex.pronoun_suffixes:
                    if len(w) > len(suf) + 2 and w.endswith(suf):
                        info = self.lex.cues.get(w[: -len(suf)])
                        if info is not None and info.kind == "verb" and info.lemma in self.lex.suffixed_cue_lemmas:
                            if self._describes_at_once(i):
                                return None  # معلومات وصفتها بالحصرية: a description, no speech follows
                            return _Cue(i, info, w != norm, True)  # ووصفته بأنه: the pronoun is the thing described
        if len(norm) > 4 and norm.endswith("ه") and i > 0 and self.toks[i - 1].norm in ("ما", "حسبما"):
            info = self.lex.cues.get(norm[:-1])  # بحسب ما ذكرته / أوردته / نقلته
            if info is not None and info.kind == "verb":
                return _Cue(i, info, False)
        return None

    def _describes_at_once(self, i: int) -> bool:
        """True when the object-pronoun cue at ``i`` is followed at once by a definite ب-word (بال…) that is not a
        complementiser: "وصفتها بالحصرية" describes its object and reports nothing (a subject such as باكستان or a
        bare بـ before a quotation keeps the cue)."""
        if i + 1 >= len(self.toks):
            return False
        nxt = self.toks[i + 1].norm
        return len(nxt) > 4 and nxt.startswith("بال") and nxt not in self.lex.complementisers

    def strip_pro(self, norm: str) -> str:
        if len(norm) > 3 and norm[0] in "وف":
            return norm[1:]
        return norm

    def is_comp(self, i: int) -> bool:
        if self.toks[i].norm not in self.lex.complementisers:
            return False
        return not self._in_acronym(i)

    def _in_acronym(self, i: int) -> bool:
        """True when token ``i`` (a letter name that is also a word: إن) is a letter of a spelled-out acronym:
        before a letter name that is no ordinary word (إن بي سي), or one of a pair of them after such a letter
        (سي إن إن: both N of CNN). After a finished acronym it is the complementiser (بي بي سي إن …، سي إن إن إن …)."""
        lex = self.lex
        t = [x.text for x in self.toks]
        if t[i] not in lex.letter_names_all:
            return False
        nxt = t[i + 1] if i + 1 < len(t) else ""
        prev = t[i - 1] if i > 0 else ""
        prev2 = t[i - 2] if i > 1 else ""
        if nxt in lex.letter_names:
            return True
        if prev in lex.letter_names and nxt in lex.letter_names_all and nxt not in lex.letter_names:
            return True  # the first N of سي إن إن
        return prev in lex.letter_names_all and prev not in lex.letter_names and prev2 in lex.letter_names \
            and self._in_acronym(i - 1)  # the second N of سي إن إن

    def role_head(self, norm: str) -> str | None:
        """The role noun of one normalised token (وزير for والوزير / وزيرا / للوزير), or None (memoised)."""
        try:
            return self._role_memo[norm]
        except KeyError:
            pass
        r = self._role_head(norm)
        if len(self._role_memo) < 200_000:
            self._role_memo[norm] = r
        return r

    def _role_head(self, norm: str) -> str | None:
        cands = [norm, self.strip_pro(norm)]
        for suf in ("ها", "هم", "ه"):
            if len(cands[1]) > len(suf) + 3 and cands[1].endswith(suf):
                cands.append(cands[1][: -len(suf)])  # محاميه، رئيسها: a possessed role noun
                break
        for w in dict.fromkeys(cands):
            for c in (w, w[2:] if w.startswith("ال") else None, w[1:] if w.startswith("ل") and len(w) > 4 else None,
                      "ال" + w[2:] if w.startswith("لل") else None):
                if not c:
                    continue
                for d in (c, c[2:] if c.startswith("ال") else None,
                          c[:-1] if c.endswith("ا") and len(c) > 3 else None):
                    if d and d in self.lex.roles:
                        return d
        return None

    def is_source_noun(self, norm: str) -> bool:
        for w in (norm, self.strip_pro(norm)):
            for c in (w, w[2:] if w.startswith("ال") else "", "ال" + w, w[:-1] if w.endswith("ا") else "",
                      w[:-2] if w.endswith(("ين", "ون")) and len(w) > 5 else "",
                      w[:-2] + "ه" if w.endswith("ات") and len(w) > 4 else ""):
                if c and (c in self.lex.source_nouns or (c.startswith("ال") and c[2:] in self.lex.source_nouns)):
                    return True
        return False

    def is_addressee(self, norm: str) -> bool:
        lex = self.lex
        if norm in lex.addressee_pronouns:
            return True
        w = norm[1:] if norm.startswith("و") and len(norm) > 3 else norm
        if w.startswith("لل") and len(w) > 4:
            return True
        if w.startswith("ل") and len(w) > 2 and (w[1:] in lex.addressee_nouns or "ال" + w[1:] in lex.addressee_nouns):
            return True
        return False

    def is_punct(self, i: int) -> bool:
        return len(self.toks[i].text) == 1 and not self.toks[i].text.isalnum()

    # ---------------------------------------------------------------- actors
    def _name_antecedent(self, e: Entity) -> Entity | None:
        """An earlier linked person whose name contains this mention's words (جوستن → جوستن ترودو)."""
        words = set(normalize_word(e.text).split())
        if not words or e.label not in ("PER", None):
            return None
        hi = bisect.bisect_left(self.ent_starts, e.start)
        for ei in range(hi - 1, max(-1, hi - 200), -1):
            c = self.ents[ei]
            if c.english and c.label == "PER" and words <= set(normalize_word(c.text).split()):
                return c
        return None

    def actor_of(self, e: Entity, mention: Entity | None = None) -> Actor:
        if e.english is None or e.link == "translit":
            ante = self._name_antecedent(e)
            if ante is not None and ante.english and ante.link != "translit":
                e = Entity(e.start, e.end, e.text, e.label, english=ante.english, kb_id=ante.kb_id,
                           country=ante.country, actor_code=ante.actor_code, cluster=ante.cluster)
        rep = self.cluster_rep.get(e.cluster) if e.cluster is not None else None
        src = e
        if rep is not None and (e.english is None or (e.kb_id is None and rep.kb_id is not None)):
            src = rep
        m = mention or e
        return Actor(english=src.english, country=src.country or e.country, actor_code=src.actor_code or e.actor_code,
                     kb_id=src.kb_id, start=m.start, end=m.end, text=m.text)

    def surface_actor(self, a: int, b: int) -> Actor:
        s, e = self.toks[a].start, self.toks[b - 1].end
        n = self.toks[a].norm
        if len(n) > 3 and n[0] == "ل" and not n.startswith("لل") and self.is_source_noun(n[1:]) \
                and self.text[s:s + 1] == "ل" and s + 1 < e:
            s += 1  # وفقا لمصادر …: the speaker is "مصادر", not the preposition's word
        return Actor(start=s, end=e, text=self.text[s:e])


# ------------------------------------------------------------------------ speaker resolution
def _definite(ctx: _Ctx, a: int, b: int) -> bool:
    """True when the role NP ``[a, b)`` is definite (anaphoric: الوزير، وزير الخارجية), not a new indefinite
    speaker (متحدث باسم …, مسؤول رفيع, ناطق عسكري)."""
    n = ctx.toks[a].norm
    if n[:1] in "وف" and n[1:3] in ("ال", "لل"):
        n = n[1:]
    if n.startswith("ال") or n.startswith("لل"):
        return True
    head = ctx.role_head(n)
    if head is not None and ((n != head and n.startswith(head) and n[len(head):] in ("ه", "ها", "هم"))
                             or (head.endswith("ه") and head[:-1] in ctx.lex.roles
                                 and ctx.toks[a].text.rstrip().endswith("ه"))):
        return True  # محاميه، رئيسها: a possessed role noun is definite (محاميه also reads محامية)
    if n.endswith("ا") or ctx.lex.roles.get(ctx.role_head(n) or "") == "org":
        return False  # حزب البديل …: a name in construct, not an anaphor
    if a + 1 < len(ctx.toks):
        nxt = ctx.toks[a + 1].norm
        if nxt == "باسم" or nxt in ctx.lex.adjunct_starters:
            return False
        if nxt.startswith("ال") or nxt.startswith("لل") or ctx.ent_at_tok.get(a + 1) is not None:
            return True
        k = a + 1
        while k < len(ctx.toks) and k < a + 4 and ctx.role_head(ctx.toks[k].norm) is not None:
            k += 1  # نائب رئيس الوزراء: a chain of constructs ending in a definite noun
        if k > a + 1 and k < len(ctx.toks) and ctx.toks[k].norm.startswith("ال"):
            return True
    return False


def _apposition(ctx: _Ctx, j: int, limit: int) -> Entity | tuple[int, int] | None:
    """A person named right after the comma at token ``j`` (up to 3 title words first): "، الجنرال X" → the
    entity; or, when NER missed the name, a short run of plain words closed by a comma (", سفيان السليطي،")
    → its token range."""
    for k in range(j + 1, min(limit, j + 6)):
        e = ctx.ent_at_tok.get(k)
        if e is not None:
            return e if e.label in ("PER", None) else None
        t = ctx.toks[k]
        if k == j + 1 and t.norm in ctx.lex.apposition_pronouns:
            continue  # "، هي تشوي سون-هوي"
        words = [m for m in range(j + 1, k) if ctx.toks[m].text not in _HASHTAG_MARKS]
        if t.text in _COMMA and words and all(ctx.toks[m].text.isalpha() and ctx.role_head(ctx.toks[m].norm)
                                              is None and not ctx.is_source_noun(ctx.toks[m].norm)
                                              for m in words):
            return (j + 1, k)  # (also a hashtag name "#دميتري_بيسكوف" the NER missed)
        if t.text in _HASHTAG_MARKS:
            continue
        if ctx.is_punct(k) or ctx.is_comp(k) or t.norm in ctx.lex.adjunct_starters or t.norm in ctx.lex.skip_words:
            return None
    return None


def _subject_after(ctx: _Ctx, i: int, lo: int, hi: int) -> tuple[str, object] | None:
    """Scan the tokens after cue ``i`` (up to ``hi``) for the subject noun phrase.

    Returns ("entity", Entity), ("role", (a, b)) token range of a role NP, ("np", (a, b)) a bare noun phrase, or
    None when the subject is implicit. Addressees (لوكالة …، للصحفيين) and adjuncts (في بيان، يوم الاثنين) are
    skipped; inside a role NP, its complements (باسم …، لدى الأمم المتحدة، في ولاية …) are kept and the first
    person entity is the speaker.
    """
    lex = ctx.lex
    adjunct: bool | str = False
    role_a = np_a = None
    name_seen = False  # plain words after a role NP: a name NER missed (… المعارض توم واتسون)
    j = i + 1
    limit = min(hi, i + 1 + lex.max_cue_comp)
    # وأشارت "أمنستي" إلى أن …: a quoted name (≤ 3 words) right after the cue and before the complementiser
    if j < hi and ctx.toks[j].text in _QUOTE_CHARS:
        k = j + 1
        while k < min(hi, j + 5) and ctx.toks[k].text not in _QUOTE_CHARS and not ctx.is_punct(k):
            k += 1
        m = k + 1
        if m < hi and ctx.toks[m].norm in lex.adjunct_starters:
            m += 1
        if j + 1 < k < hi and ctx.toks[k].text in _QUOTE_CHARS and m < hi and ctx.is_comp(m):
            e = ctx.ent_at_tok.get(j + 1)
            return ("entity", e) if e is not None else ("np", (j + 1, k))

    def skip_entity(e: Entity, j: int) -> int:
        k = j
        while k + 1 < limit and ctx.toks[k + 1].start < e.end:
            k += 1
        return k + 1

    while j < limit:
        t = ctx.toks[j]
        n = t.norm
        head = role_a if role_a is not None else np_a
        if head is not None and not adjunct and t.text in _QUOTE_CHARS | {"("} and j > head \
                and ctx.lex.roles.get(ctx.role_head(ctx.toks[head].norm) or "") != "person" \
                and not any(ctx.toks[m].norm in lex.adjunct_starters or ctx.toks[m].norm == "باسم"
                            or ctx.ent_cover_tok.get(m) is not None for m in range(head, j)):
            # وكالة الأنباء الرسمية "سانا" / (سبأ): the organisation's name in quotes or brackets after it
            e = ctx.ent_at_tok.get(j + 1)
            after = ctx.tok_index(e.end - 1) + 1 if e is not None else len(ctx.toks)
            if e is not None and e.label in ("ORG", None) and after < len(ctx.toks) \
                    and ctx.toks[after].text in _QUOTE_CHARS | {")"}:
                return ("entity", e)
        if head is not None and not adjunct and t.text in _QUOTE_CHARS:
            qn = ctx.quoted_at_mark(t.start)
            if qn is not None and qn.open == t.start and qn.closed \
                    and len(ctx.text[qn.start:qn.end].split()) <= 3:
                j = max(j + 1, ctx.tok_index(qn.close) + 1)  # رئيس "نادي الأمل" سامي نور: a quoted name
                continue
        if t.text in _QUOTE_CHARS and role_a is None and np_a is None and not adjunct:
            q = ctx.in_quoted(t.start + 1)
            if q is not None and q.open == t.start and q.closed:
                e = ctx.ent_at_tok.get(ctx.tok_index(q.start))
                if e is not None and e.end >= q.end - 1:
                    return ("entity", e)  # وأعلنت "إنتربول"
        if ctx.is_comp(j) or t.text == ":" or t.text in _QUOTE_CHARS or n in _PUNCT_STOP:
            break
        cj = ctx.cue_at(j)
        if cj is not None:
            if j > i + 1 or cj.info.kind == "source":
                break  # (وتابع وفقا لمقتطف …: an according-to phrase, the subject is implicit)
            j += 1  # وأضافت قائلة …: the participle repeats the cue
            continue
        if j == i + 1 and _circumstantial(ctx, j, limit):
            return None  # وأضاف ملوحا بسيف …: a circumstantial accusative first, the subject is implicit
        if not adjunct and role_a is None and np_a is None and j > i + 1 and ctx.toks[j - 1].text in _COMMA \
                and _circumstantial(ctx, j, limit) and _ordinary(n):
            # وقال، في تصريح …، متوجها إلى القاهرة، إن …: a circumstantial phrase between commas is an adjunct,
            # not the subject (the subject stays implicit unless a noun phrase follows the next comma)
            adjunct = "prep"
            j += 1
            continue
        if not adjunct and role_a is None and np_a is None and n in lex.addressee_proclitics:
            # وقال لـ"رويترز" إن …: a detached ل introduces the one spoken to (as لرويترز does), quoted or not
            adjunct = "addr"
            j += 1
            if j < limit and ctx.toks[j].text in _QUOTE_CHARS:
                qn = ctx.quoted_at_mark(ctx.toks[j].start)
                if qn is not None and qn.open == ctx.toks[j].start and qn.closed \
                        and len(ctx.text[qn.start:qn.end].split()) <= 4:
                    j = max(j + 1, ctx.tok_index(qn.close) + 1)
            continue
        if j == i + 1 and j + 1 < limit and (n, ctx.toks[j + 1].norm) in lex.subject_quantifiers:
            j += 2  # قال كل من X و Y: the first conjunct is the speaker
            continue
        if n in lex.relatives:
            break
        e = ctx.ent_at_tok.get(j)
        if e is not None:
            if adjunct:
                j = skip_entity(e, j)
                continue
            if np_a is not None:
                if j == np_a + 1 and ctx.toks[np_a].norm in lex.demonstratives and e.label != "PER" \
                        and (ctx.role_head(n) is not None or ctx.is_source_noun(n)):
                    # وقالت هذه المنظمة …: a demonstrative NP the NER tagged as a name stands for an earlier
                    # speaker (the entity is cut at the complementiser it may have swallowed)
                    k = j + 1
                    while k < limit and ctx.toks[k].start < e.end and not ctx.is_comp(k) and not ctx.is_punct(k):
                        k += 1
                    return ("np", (np_a, k))
                if j > np_a + 1 and e.label == "GPE" and ctx.tok_index(e.end - 1) == j and _nisba(n) \
                        and n[:1] not in "لب" and not n.startswith("ال") and not ctx.toks[j - 1].norm.startswith("ال"):
                    j += 1  # وسائل إعلام سعودية: an indefinite nisba adjective tagged as a country agrees with the NP
                    continue
                # title / first name the NER missed, then the name: الفريق ضاحي خلفان
                if j <= np_a + 3 and e.label in ("PER", None) and not ctx.is_source_noun(ctx.toks[np_a].norm):
                    return ("entity", e)  # (وصف المركز عدالت بأنه: the person is the object, not a name)
                if j == np_a + 1 and e.label == "ORG" and ctx.is_source_noun(ctx.toks[np_a].norm) \
                        and n[:1] not in "لب":
                    # وكالة الأناضول، صحيفة الغارديان: the noun names the organisation; a bracketed or quoted
                    # name right after it is the organisation's own name (وكالة الأنباء الرسمية (سانا))
                    return ("entity", _bracketed_name(ctx, skip_entity(e, j)) or e)
                if j == np_a + 1 and e.label in ("GPE", "LOC") and n[:1] not in "لب" \
                        and not ctx.toks[np_a].norm.startswith("ال"):
                    return ("np", (np_a, skip_entity(e, j)))  # مطار أبوظبي، حكومة كندا: a construct name
                if j == np_a + 1 and e.label == "PER" and n[:1] not in "لب" \
                        and ctx.is_source_noun(ctx.toks[np_a].norm) and not ctx.toks[np_a].norm.startswith("ال"):
                    return ("np", (np_a, skip_entity(e, j)))  # عائلة فلان: a source noun in construct with a name
                if n.startswith("لل") and j <= np_a + 3 and e.label in ("ORG", "GPE"):
                    # القيادة العامة للجيش السوري: the organisation owns the subject NP
                    return ("np", (np_a, skip_entity(e, j)))
                break
            if role_a is None and e.link == "role" and e.english is None:
                role_a = j  # a role mention the linker could not resolve: read it as a role NP
                j = skip_entity(e, j)
                continue
            if role_a is None and (e.actor_code or "").endswith("MED") and _lam_introduced(ctx, j):
                adjunct = "addr"  # وقال لرويترز إن …، قال لـ"رويترز": the outlet spoken to, not the speaker
                j = skip_entity(e, j)
                continue
            if role_a is None and _title_entity(ctx, e, j):
                role_a = j  # وقال محاميه إن: a possessed title the NER tagged as a name is a role NP
                j = skip_entity(e, j)
                continue
            if role_a is None and e.label == "PER" and e.kb_id is None and ctx.tok_index(e.end - 1) == j \
                    and j + 2 < limit and ctx.toks[j + 1].norm.startswith("ال") \
                    and ctx.ent_cover_tok.get(j + 1) is None:
                # وقال وكيل اللاعبين فلان: a lone unknown word tagged as a person, in construct with a definite
                # noun, is a title (an untagged role noun); the person named right after it is the speaker
                e2 = ctx.ent_at_tok.get(j + 2)
                if e2 is not None and e2.label == "PER":
                    return ("entity", e2)
            if role_a is None and _possessed_title(ctx, e, j):
                # مستشار ترامب للأمن القومي جون بولتون: the title's possessor was tagged with the title; the
                # person named after the possessor (and its complement) is the speaker
                e2 = _name_after_possessor(ctx, e, skip_entity(e, j), limit)
                if e2 is not None:
                    return ("entity", e2)
            if role_a is None:
                if e.label not in ("PER", None) and ctx.role_head(n) is not None \
                        and ctx.lex.roles.get(ctx.role_head(n) or "") == "person":
                    # a title tagged as an organisation (وزير الخارجية الأمريكي): a role NP, keep looking
                    role_a = j
                    j = skip_entity(e, j)
                    continue
                return ("entity", e)
            if j - 1 > role_a and ctx.toks[j - 1].norm[:1] == "ل" and ctx.role_head(ctx.toks[j - 1].norm) is not None \
                    and ctx.ent_cover_tok.get(j - 1) is None:
                j = skip_entity(e, j)  # المحامي السابق للرئيس الأمريكي دونالد ترامب: the complement's holder
                continue
            if e.label in ("PER", None) and not (j - 2 > role_a and ctx.ent_cover_tok.get(j - 1) is None
                                                 and ctx.toks[j - 2].norm in lex.adjunct_starters):
                if j == role_a + 1 and not ctx.toks[role_a].norm.startswith(("ال", "وال", "فال")):
                    # مستشار ترامب للأمن القومي جون بولتون: the first person is the head's complement when a
                    # second person is named before the cue's complement
                    k = skip_entity(e, j)
                    while k < limit and not (ctx.is_comp(k) or ctx.toks[k].text in (":",) or
                                             ctx.toks[k].text in _QUOTE_CHARS or ctx.toks[k].norm in _PUNCT_STOP):
                        e2 = ctx.ent_at_tok.get(k)
                        if e2 is not None and e2.label in ("PER", None) and e2 is not e:
                            return ("entity", e2)
                        k += 1
                return ("entity", e)
            j = skip_entity(e, j)  # the role's complement (الأمين العام للأمم المتحدة …, في عهد X)
            continue
        if t.text in _COMMA:
            if role_a is not None or np_a is not None:
                e2 = _apposition(ctx, j, limit) if role_a is not None else None
                if isinstance(e2, Entity):
                    return ("entity", e2)
                if e2 is not None:
                    return ("np", (role_a, e2[1]))  # role + the name NER missed
                break
            adjunct = False
            j += 1
            continue
        if ctx.role_head(n) is not None and not ctx.is_addressee(n) and np_a is None and adjunct != "prep":
            if role_a is None:
                role_a = j
            adjunct = False
            j += 1
            continue
        if n in lex.skip_words or ctx.strip_pro(n) in lex.skip_words:
            if role_a is not None or np_a is not None:
                break
            j += 1
            continue
        if (role_a is not None or np_a is not None) and not adjunct and _genitive_ll(ctx, n) \
                and j + 1 < limit and not ctx.is_comp(j + 1):
            j += 1  # القيادة العامة للجيش …: a genitive complement of the subject NP, not an addressee
            continue
        if role_a is not None and (n in lex.adjunct_starters or n.startswith("ل") or n == "باسم"):
            nxt = ctx.toks[j + 1].norm if j + 1 < limit else ""
            if n in ("مع", "عبر", "خلال", "امام", "اثناء", "عقب", "بعد", "قبل") or ctx.is_addressee(n) \
                    or _adjunct_noun(ctx, nxt) or nxt in lex.skip_words:
                break
            j += 1  # complement of the role: المتحدث باسم …, السفيرة لدى …, نائب الوزير في ولاية …
            continue
        if ctx.is_addressee(n) or n in lex.adjunct_starters or ctx.strip_pro(n) in lex.adjunct_starters:
            if role_a is not None or np_a is not None:
                break
            # an addressee (لوكالة …) may be followed by the subject; a prepositional adjunct (في وزارة …) not
            adjunct = "addr" if ctx.is_addressee(n) else "prep"
            j += 1
            continue
        if not adjunct and role_a is None and np_a is None and t.text.isalpha():
            if n in lex.document_nouns or ctx.strip_pro(n) in lex.document_nouns:
                # بيان للحكومة العراقية / البيان الصادر عن المكتب …: the author follows; else salience
                k = j + 1
                while k < limit and k < j + 4 and ctx.toks[k].norm in ("الصادر", "صادر", "عن", "من"):
                    k += 1
                if k < limit and (k > j + 1 or ctx.toks[k].norm.startswith("ل")):
                    e = ctx.ent_at_tok.get(k)
                    if e is not None:
                        return ("entity", e)
                    if ctx.role_head(ctx.toks[k].norm) is not None or ctx.is_source_noun(ctx.toks[k].norm):
                        b = k + 1
                        while b < limit and b < k + 5 and not ctx.is_punct(b) and not ctx.is_comp(b) \
                                and ctx.toks[b].norm not in lex.skip_words:
                            b += 1
                        return ("np", (k, b))
                return _document_issuer(ctx, j)
            np_a = j
        elif role_a is not None and not adjunct and t.text.isalpha() and not n.startswith("ال") \
                and not _nisba(n) and ctx.role_head(n) is None and j > role_a + 1 and not _adjunct_noun(ctx, n) \
                and not _ordinary(n) and ctx.toks[j - 1].norm not in lex.adjunct_starters:
            name_seen = True
        j += 1
    end = j
    if role_a is not None:
        if name_seen and end - role_a <= 12:
            return ("np", (role_a, end))  # a role NP that introduces a new named speaker
        return ("role", (role_a, _np_tail(ctx, role_a, _np_end(ctx, role_a, end))))
    if np_a is not None:
        return ("np", (np_a, _np_tail(ctx, np_a, _np_end(ctx, np_a, end))))
    return None


def _bracketed_name(ctx: _Ctx, k: int) -> Entity | None:
    """An organisation entity enclosed in brackets or quote marks that open at token ``k`` (… (سانا)), else None."""
    if k >= len(ctx.toks) or ctx.toks[k].text not in _QUOTE_CHARS | {"("}:
        return None
    e = ctx.ent_at_tok.get(k + 1)
    if e is None or e.label not in ("ORG", None):
        return None
    after = ctx.tok_index(e.end - 1) + 1
    if after < len(ctx.toks) and ctx.toks[after].text in _QUOTE_CHARS | {")"}:
        return e
    return None


def _title_entity(ctx: _Ctx, e: Entity, j: int) -> bool:
    """True when entity ``e`` (at token ``j``) is one possessed person-title token (محاميه، مستشارها), not a name:
    the NER tagged the title itself, and it should be resolved as a role."""
    if e.kb_id is not None or ctx.tok_index(e.end - 1) != j:
        return False
    n = ctx.toks[j].norm
    head = ctx.role_head(n)
    if head is None or ctx.lex.roles.get(head) != "person" or n.startswith("ال"):
        return False
    stem, raw = ctx.strip_pro(n), ctx.toks[j].text.rstrip()
    return any(stem.endswith(suf) and raw.endswith(suf) and ctx.lex.roles.get(stem[: -len(suf)]) == "person"
               for suf in ctx.lex.pronoun_suffixes if suf)  # (raw ه, not ة: محامية is a new speaker)


def _possessed_title(ctx: _Ctx, e: Entity, j: int) -> bool:
    """True when person entity ``e`` opens at token ``j`` with an indefinite person-title noun in construct with a
    name (مستشار ترامب): the title's possessor, not the bearer of the title."""
    if e.label not in ("PER", None) or ctx.toks[j].start != e.start or j + 1 >= len(ctx.toks) \
            or ctx.toks[j + 1].start >= e.end:
        return False
    n, n2 = ctx.toks[j].norm, ctx.toks[j + 1].norm
    head = ctx.role_head(n)
    return head is not None and ctx.lex.roles.get(head) == "person" and not n.startswith(("ال", "لل")) \
        and n2[:2] != "ال" and ctx.role_head(n2) is None and ctx.toks[j + 1].text.isalpha()


def _name_after_possessor(ctx: _Ctx, e: Entity, k: int, limit: int) -> Entity | None:
    """The person named after the possessor entity ``e`` (ending before token ``k``) and its complement
    (للأمن القومي), before any comma, complementiser, colon, quote, adjunct preposition or clause end."""
    stop = 0
    while k < limit and stop < ctx.lex.max_cue_comp:
        t = ctx.toks[k]
        if ctx.is_comp(k) or t.text == ":" or t.text in _QUOTE_CHARS or t.text in _COMMA or t.norm in _PUNCT_STOP \
                or t.norm in ctx.lex.adjunct_starters:
            return None
        e2 = ctx.ent_at_tok.get(k)
        if e2 is not None and e2 is not e:
            if e2.label in ("PER", None):
                return e2
            while k + 1 < limit and ctx.toks[k + 1].start < e2.end:
                k += 1
        k += 1
        stop += 1
    return None


def _circumstantial(ctx: _Ctx, j: int, limit: int) -> bool:
    """True when token ``j`` reads as a circumstantial accusative (متوجها، ملوحا): an indefinite word in ـا that is
    no entity, role or source noun, and is not directly followed by a complementiser (nor the last in reach)."""
    n = ctx.toks[j].norm
    return ctx.ent_at_tok.get(j) is None and ctx.role_head(n) is None and len(n) > 4 and n.endswith("ا") \
        and not n.startswith("ال") and ctx.toks[j].text.isalpha() and not ctx.is_source_noun(n) \
        and j + 1 < limit and not ctx.is_comp(j + 1)


def _lam_introduced(ctx: _Ctx, j: int) -> bool:
    """True when token ``j`` carries the preposition ل (لرويترز) or follows a detached لـ, quotation marks
    skipped (لـ"رويترز")."""
    if ctx.toks[j].text[:1] == "ل" and not ctx.toks[j].norm.startswith("لل"):
        return True
    k = j - 1
    while k >= 0 and ctx.toks[k].text in _QUOTE_CHARS:
        k -= 1
    return k >= 0 and ctx.toks[k].norm in ctx.lex.detached_proclitics


def _definite_source_antecedent(ctx: _Ctx, a: int, b: int, si: int) -> Entity | Actor | None:
    """A bare definite source / organisation noun (وصف المركز، وقالت الجامعة) names an organisation introduced
    before: the latest earlier organisation entity whose name holds that noun (مركز حقوق الإنسان), else the
    latest earlier unnamed speaker whose surface holds it. None when the NP is longer or nothing matches."""
    n = ctx.strip_pro(ctx.toks[a].norm)
    if b - a != 1 or not n.startswith("ال") or not ctx.is_source_noun(n):
        return None
    stem = n[2:]
    hi = bisect.bisect_left(ctx.ent_starts, ctx.toks[a].start)
    best_e = None
    for ei in range(hi - 1, max(-1, hi - 300), -1):
        e = ctx.ents[ei]
        if e.label in ("ORG", None) and stem in set(normalize_word(e.text).split()):
            best_e = e
            break
    best_s = None
    for r in reversed(ctx.sal[-60:]):
        if r.sent < si - 3 * ctx.lex.max_back:
            break
        words = normalize_word(r.actor.text or "").split()
        if r.pos < ctx.toks[a].start and r.ent is None and r.actor.text and \
                stem in {w[2:] if w.startswith("ال") else w for w in words} \
                and r.actor.text.strip() != ctx.toks[a].text \
                and ctx.lex.roles.get(ctx.role_head(words[0]) or "") != "person":
            # (المتحدثة باسم الوزارة is a person speaking for the ministry, not "الوزارة" itself)
            best_s = r
            break
    if best_s is not None and (best_e is None or (best_s.actor.start or 0) > best_e.start):
        return best_s.actor
    return best_e


def _np_before_comp(ctx: _Ctx, res: tuple[str, object], hi: int) -> bool:
    """True when the subject candidate ``res`` is directly followed by a complementiser (… الأمر بأنه)."""
    kind, val = res
    if kind == "entity":
        end = ctx.tok_index(val.end - 1) + 1  # type: ignore[union-attr]
    else:
        end = val[1]  # type: ignore[index]
    return end < hi and ctx.is_comp(end)


def _container_author(ctx: _Ctx, i: int, lo: int) -> tuple[str, object] | None:
    """Subject of a cue followed by "فيه / خلاله" (in it / during it) that refers back to a statement or speech
    noun of its sentence: "أصدرت قبائل صعدة بياناً أكدت فيه أن" / "ألقى ماكرون خطابا قال خلاله إنه" → the
    one who issued / gave it (the sentence's first person or organisation, else the NP after the issuing verb)."""
    lex = ctx.lex
    if i + 1 >= len(ctx.toks) or ctx.toks[i + 1].norm not in lex.container_pronouns:
        return None
    noun = None
    for k in range(i - 1, max(lo - 1, i - 12), -1):
        w = ctx.strip_pro(ctx.toks[k].norm)
        w = w[:-1] if w.endswith("ا") and len(w) > 3 else w
        if w in lex.document_nouns or w in lex.adjunct_nouns:
            noun = k
            break
    if noun is None:
        return None
    e = ctx.ent_at_tok.get(noun + 1)
    if e is not None and e.label in ("PER", "ORG", None) and ctx.toks[noun + 1].norm[:1] == "ل":
        return ("entity", e)  # بعد تغريدة لترامب، قال فيها إن …: the noun's own author
    first = _first_subject(ctx, lo, noun, ("PER", "ORG"))
    if first is not None:
        return first
    iss = _document_issuer(ctx, noun + 1)
    return iss


def _document_issuer(ctx: _Ctx, j: int) -> tuple[str, object] | None:
    """Author of the statement noun at token ``j`` (وأضاف البيان) when an earlier sentence (up to 3 back)
    says who issued it: "أصدر مكتب الرئاسة بيانا" → the NP between the issuing verb and the indefinite
    statement noun (an entity, else its surface). None when there is no such sentence."""
    lex = ctx.lex
    si = ctx.sent_of_tok[j]
    lo = max(ctx.sent_bounds(max(0, si - 3))[0], j - 200)
    for k in range(j - 1, lo, -1):
        w = ctx.strip_pro(ctx.toks[k].norm)
        if w.endswith("ا") and len(w) > 3:
            w = w[:-1]  # بيانا (accusative)
        if w not in lex.document_nouns or w.startswith("ال"):
            continue
        a = k - 1
        while a > lo and ctx.toks[a - 1].norm not in _PUNCT_STOP and a > k - 10 \
                and ctx.strip_pro(ctx.toks[a - 1].norm) not in lex.issue_verbs:
            a -= 1
        if a - 1 < lo or ctx.strip_pro(ctx.toks[a - 1].norm) not in lex.issue_verbs or a >= k:
            continue
        for m in range(a, k):
            e = ctx.ent_at_tok.get(m)
            if e is not None and e.label in ("ORG", "PER", None):
                return ("entity", e)
        b = a + 1
        while b < k and not ctx.is_punct(b) and ctx.toks[b].norm not in lex.skip_words:
            b += 1  # the NP after the verb, up to a comma or an adverb (قبائل صعدة، الأربعاء، بياناً)
        return ("np", (a, b)) if b > a else None
    return None


def _adjunct_noun(ctx: _Ctx, n: str) -> bool:
    """بيان / بيانها / البيان / تصريحات …: a noun that heads an adjunct (في بيان، خلال مؤتمر)."""
    w = n[2:] if n.startswith("ال") else n
    for suf in ("", "ه", "ها", "هم", "هما"):
        if suf and not w.endswith(suf):
            continue
        stem = w[: len(w) - len(suf)] if suf else w
        if stem in ctx.lex.adjunct_nouns or ("ال" + stem) in ctx.lex.adjunct_nouns:
            return True
    return False


def _ordinary(n: str) -> bool:
    """True when the normalised word (or it without و / ف) is ordinary Arabic vocabulary, i.e. not a name the
    NER missed (see :func:`khabar.quotes.lexicon.common_words`)."""
    common = common_words()
    return n in common or (len(n) > 3 and n[0] in "وف" and n[1:] in common)


def _nisba(n: str) -> bool:
    return n.endswith(("ي", "يه", "يين", "يون", "يان"))


def _np_end(ctx: _Ctx, a: int, hard: int) -> int:
    """End (exclusive token index) of a noun phrase starting at ``a``: up to 5 tokens, stopping at an adjunct.
    After a definite role head (الوزارة، الرئيس) only nisba adjectives follow (الروسي، الأمريكية). A hashtag
    name written with underscores (#البيت_الأبيض) is kept whole."""
    return _hashtag_end(ctx, _np_end0(ctx, a, hard), hard)


def _hashtag_end(ctx: _Ctx, b: int, hard: int) -> int:
    """Extend an NP end ``b`` over ``_``-joined words (no spaces): #المجلس_الأعلى is one name."""
    while b + 1 < hard and b > 0 and ctx.toks[b].text == "_" and ctx.toks[b].start == ctx.toks[b - 1].end \
            and ctx.toks[b + 1].start == ctx.toks[b].end and ctx.toks[b + 1].text.isalpha():
        b += 2
    return b


def _np_end0(ctx: _Ctx, a: int, hard: int) -> int:
    lex = ctx.lex
    b = a + 1
    h = ctx.toks[a].norm
    if h[:1] in "وف" and h[1:3] == "ال":
        h = h[1:]
    if ctx.role_head(h) is not None and h.startswith("ال"):
        if b + 1 < hard and ctx.toks[b].norm == "باسم" and not ctx.is_punct(b + 1):
            e = ctx.ent_at_tok.get(b + 1)  # المتحدث باسم الكرملين / باسم وزارة الخارجية الروسية
            b += 2
            if e is not None:
                while b < hard and ctx.toks[b].start < e.end:
                    b += 1
            return b
        while b < hard and b < a + 4 and not ctx.is_punct(b) and (
                _nisba(ctx.toks[b].norm) or _genitive_ll(ctx, ctx.toks[b].norm)
                or (b == a + 1 and ctx.toks[b].norm in lex.definite_adjectives)):
            b += 1
        return b
    while b < hard and b < a + 5:
        n = ctx.toks[b].norm
        if ctx.is_punct(b) or n in lex.skip_words or n in lex.relatives or n in lex.np_stop_words \
                or n in lex.detached_proclitics \
                or (ctx.is_addressee(n) and not (n.startswith("لل") and ctx.toks[b - 1].norm.startswith("ال"))
                    and not _genitive_ll(ctx, n)) \
                or (n in lex.adjunct_starters and (b + 1 >= hard or ctx.toks[b + 1].norm in lex.adjunct_nouns
                                                   or ctx.toks[b + 1].norm[2:] in lex.adjunct_nouns)):
            break
        b += 1
    return b


def _genitive_ll(ctx: _Ctx, n: str) -> bool:
    """True when a لل-word is a genitive complement (القيادة العامة للجيش، صديق للاعب), not an addressee
    (للصحفيين، للوكالة): its ال-form is not an addressee noun."""
    if not n.startswith("لل") or len(n) < 5:
        return False
    w = n[2:]
    return w not in ctx.lex.addressee_nouns and ("ال" + w) not in ctx.lex.addressee_nouns


def _np_tail(ctx: _Ctx, a: int, b: int) -> int:
    """Repair the end ``b`` of NP ``[a, b)`` ending in a preposition (الشرطة في …): take the preposition's
    entity object (الشرطة في واشنطن), else drop the preposition."""
    if b - 1 > a and ctx.toks[b - 1].norm in ctx.lex.adjunct_starters:
        e = ctx.ent_at_tok.get(b)
        if e is not None:
            k = b
            while k < len(ctx.toks) and ctx.toks[k].start < e.end:
                k += 1
            return k
        return b - 1
    return b


def _prep_object(ctx: _Ctx, e: Entity, lo: int) -> bool:
    """True when entity ``e`` is governed by a preposition (في سوريا، لروسيا، للحوثيين)."""
    et = ctx.tok_index(e.start)
    prev = ctx.toks[et - 1].norm if et - 1 >= lo else ""
    return prev in ctx.lex.adjunct_starters or (ctx.toks[et].norm[:1] in "لب" and e.label in ("GPE", "LOC", "ORG"))


def _subject_before(ctx: _Ctx, i: int, lo: int) -> tuple[str, object] | None:
    """SVO: an entity / role NP just before an unprefixed cue (``زيلنسكي يقول إن``, ``وكان الوزير قد قال``)."""
    j = i - 1
    steps = 0
    if j > lo and ctx.toks[j].norm in ctx.lex.relatives:
        # … أنقرة، التي تقول إن: the relative's antecedent
        k = j - 1
        if k >= lo and ctx.toks[k].text in _COMMA:
            k -= 1
        e = ctx.ent_cover_tok.get(k) if k >= lo else None
        if e is not None:
            return ("entity", e)
        # التقارير التي أشارت / المسؤول الذي قال: a source / role noun heading the antecedent NP
        for h in range(k, max(lo - 1, k - 3), -1):
            if ctx.is_punct(h):
                break
            if ctx.role_head(ctx.toks[h].norm) is not None:
                return ("role", (h, k + 1))
            if ctx.is_source_noun(ctx.toks[h].norm):
                return ("np", (h, k + 1))
        h = k
        while h - 1 >= lo and _nisba(ctx.toks[h].norm) and ctx.toks[h - 1].norm.startswith("ال") \
                and not ctx.is_punct(h - 1):
            h -= 1  # head noun + nisba adjectives
        if h >= lo and ctx.toks[h].norm.startswith("ال") and ctx.toks[h].text.isalpha() \
                and ctx.toks[h].norm not in ctx.lex.skip_words:
            return ("np", (h, k + 1))
        return None
    while j >= lo and steps < 6:
        t = ctx.toks[j]
        if ctx.is_punct(j) and t.text not in ("\"", "“", "”"):
            if t.text in _COMMA and j - 1 >= lo and ctx.ent_cover_tok.get(j - 1) is not None \
                    and not _prep_object(ctx, ctx.ent_cover_tok[j - 1], lo):
                return ("entity", ctx.ent_cover_tok[j - 1])
            return None
        e = ctx.ent_cover_tok.get(j)
        if e is not None:
            if _prep_object(ctx, e, lo):
                # an object of a preposition (… إزاء سوريا قال، وسائل إعلام تابعة للحوثيين أوردت): not the
                # subject; the subject NP may start before it
                et = ctx.tok_index(e.start)
                if et - 1 >= lo and ctx.toks[et - 1].norm in ctx.lex.adjunct_starters:
                    et -= 1
                steps += 1
                j = et - 1
                continue
            return ("entity", e)
        n = ctx.strip_pro(t.norm)
        if t.norm in ctx.lex.skip_words or n in ctx.lex.skip_words:
            j -= 1
            steps += 1
            continue
        # a role / source NP ending here: walk back to its leftmost head (مسؤولا بارزا في الشرطة)
        k = j
        found = None
        while k >= lo and k > j - 9:
            if ctx.is_punct(k) or ctx.cue_at(k) is not None or ctx.toks[k].norm in ctx.lex.breakers:
                break
            if found is not None and k <= j - 5:
                break  # beyond five words only when nothing nearer heads the NP (حزب الخضر فضلا عن …)
            if ctx.role_head(ctx.toks[k].norm) is not None:
                found = ("role", (k, _np_end(ctx, k, j + 1)))
            elif ctx.is_source_noun(ctx.toks[k].norm):
                found = ("np", (k, _np_end(ctx, k, j + 1)))
            k -= 1
        return found
    return None


def _no_al(w: str) -> str:
    return w[2:] if w.startswith("ال") and len(w) > 3 else w


def _bare_head(ctx: _Ctx, k: int) -> bool:
    """True when token ``k`` is a role noun without the article (وزارة in وزارة الخارجية الإسرائيلية): the head
    of a full construct name, which can introduce a speaker the NER missed (later "الوزارة")."""
    n = ctx.strip_pro(ctx.toks[k].norm)
    return not n.startswith(("ال", "لل")) and not n.startswith("ل") and not n.startswith("ب")


def _named_after(ctx: _Ctx, after: int, before: int) -> _Sal | None:
    """The speaker that directly follows an unnamed introduction (قال متحدث باسم الوكالة … . وقال سوتوبو إن …
    → "وأوضح المتحدث" is Sutopo): the first salient entry after ``after`` (and before ``before``) when it is a
    person named bare right after a cue (no title of its own, no KB role); None otherwise."""
    cands = [r for r in ctx.sal[-60:] if after < r.pos < before]
    cands.sort(key=lambda r: r.pos)
    for r in cands[:1]:
        e = r.ent
        if e is None or e.label != "PER" or e.role or _unresolved_role(e):
            return None
        ti = ctx.tok_index(e.start)
        return r if ti > 0 and ctx.cue_at(ti - 1) is not None else None
    return None


def _construct_complement(ctx: _Ctx, a: int, b: int) -> set[str]:
    """Stems (without ال) of the genitive complement of an indefinite role head at ``a`` (رئيس مجلس النواب →
    {مجلس, نواب}); empty when the head is definite or has no definite non-nisba noun right after it."""
    h = ctx.strip_pro(ctx.toks[a].norm)
    if h.startswith("ال") or h.startswith("لل") or a + 1 >= b:
        return set()
    out: set[str] = set()
    for k in range(a + 1, min(b, a + 4)):
        n = ctx.toks[k].norm
        if ctx.is_punct(k) or _nisba(n):
            return set()  # رئيس أمريكي / رئيس الأمريكي: an adjective, not a construct
        if n.startswith("ال"):
            out.add(n[2:])
            return out  # the chain (رئيس مجلس النواب) ends at its definite noun
        out.add(n)
    return set()


def _same_role_class(ctx: _Ctx, surface: str, head: str) -> bool:
    """False when ``surface`` is headed by a role of another class than role noun ``head`` (a person
    "المتحدثة باسم الوزارة" is not the organisation "الوزارة")."""
    words = surface.split()
    h0 = ctx.role_head(normalize_word(words[0])) if words else None
    return h0 is None or ctx.lex.roles.get(h0) == ctx.lex.roles.get(head)


def _unresolved_role(e: Entity) -> bool:
    """A role mention (مسؤول إسرائيلي) the linker could not resolve to a named entity."""
    return e.link == "role" and e.english is None


def _role_resolve(ctx: _Ctx, a: int, b: int) -> Entity | None:
    """The most recent earlier entity introduced with the role of tokens ``[a, b)`` (head noun + modifiers)."""
    head = ctx.role_head(ctx.toks[a].norm)
    if head is None:
        return None
    mods = {ctx.toks[k].norm for k in range(a + 1, b) if not ctx.is_punct(k)}
    mods = {m[2:] if m.startswith("ال") else m for m in mods} - {"باسم", "في", "لدى"}
    # a construct role (رئيس مجلس النواب، وزير الخارجية): its genitive names the office, so an antecedent must
    # share it; a bare earlier "الرئيس X" is another office
    construct = _construct_complement(ctx, a, b)
    pos = ctx.toks[a].start
    hi = bisect.bisect_left(ctx.ent_starts, pos)
    best, best_score = None, 0
    seen = 0
    for ei in range(hi - 1, -1, -1):
        e = ctx.ents[ei]
        seen += 1
        if seen > 300:
            break
        cls = ctx.lex.roles.get(head)
        if cls == "person" and e.label not in ("PER", None):
            continue
        if cls == "org" and e.label not in ("ORG", None):
            continue
        if e.link == "role" and e.english is None:
            continue  # itself an unresolved role mention
        ti0 = ctx.tok_index(e.start)
        if ti0 >= 1 and (ctx.toks[ti0 - 1].norm in ctx.lex.adjunct_starters or (
                ti0 >= 2 and ctx.toks[ti0 - 2].norm in ctx.lex.adjunct_starters
                and ctx.role_head(ctx.toks[ti0 - 1].norm) is None)):
            continue  # عبر موقع تويتر: an object of a preposition does not hold the role
        ctx_words: list[str] = []
        if e.role:
            ctx_words.extend(e.role.split())
        ti = ctx.tok_index(e.start)
        for k in range(ti - 1, max(-1, ti - 5), -1):
            if ctx.toks[k].norm in _PUNCT_STOP or ctx.cue_at(k) is not None or ctx.is_comp(k):
                break  # … المسؤول إن نتنياهو: the words before إن belong to another clause
            ctx_words.append(ctx.toks[k].norm)
        k = ti
        while k < len(ctx.toks) and ctx.toks[k].start < e.end:
            ctx_words.append(ctx.toks[k].norm)
            k += 1
        if k < len(ctx.toks) and ctx.toks[k].text in _COMMA:
            for kk in range(k + 1, min(len(ctx.toks), k + 7)):
                ctx_words.append(ctx.toks[kk].norm)
        elif k < len(ctx.toks) and ctx.role_head(ctx.toks[k].norm) is not None:
            ctx_words.append(ctx.toks[k].norm)  # X محامي الطبيب: an apposed title without a comma
        stems = set()
        for w in ctx_words:
            w = normalize_word(w)
            for x in (w, ctx.strip_pro(w)):
                stems.add(x[2:] if x.startswith("ال") else x)
                if x.startswith("لل"):
                    stems.add(x[2:])
        if head not in stems and ("ال" + head) not in stems and _no_al(head) not in stems \
                and not (head.endswith("ه") and head[:-1] in ctx.lex.roles and head[:-1] in stems):
            continue
        if construct and not (construct & stems):
            continue
        score = 1 + len(mods & stems)
        if score > best_score:
            best, best_score = e, score
            if not mods or score == 1 + len(mods):
                break
    return best


def normalize_word(w: str) -> str:
    """Normalise one word with :func:`khabar.text.normalize.normalize` (idempotent on normalised tokens)."""
    return normalize(w)


def _salient(ctx: _Ctx, pos: int, si: int, person: str, only_person: bool = False,
             speakers_only: bool = False) -> _Sal | None:
    """Most recent salient speaker/subject before ``pos`` within the last ``max_back`` sentences.

    A masculine-singular cue (or ``only_person``) prefers a person (PER, or a speaker with no entity); other
    persons (feminine, plural) take the most recent of any label. ``speakers_only`` skips entries that are only
    sentence subjects (not recorded by a speech cue).
    """
    first_any = None
    for r in reversed(ctx.sal):
        if r.pos >= pos or (speakers_only and not r.speaker):
            continue
        if r.sent < si - ctx.lex.max_back:
            break
        if first_any is None:
            first_any = r
        if person == "m" or only_person:
            if r.label == "PER":
                return r
        else:
            return r
    return None if only_person else first_any


def _resolve(ctx: _Ctx, cue: _Cue, cache: dict[int, Actor | None], record: bool = True) -> Actor | None:
    """Speaker of ``cue`` (cached per cue token); appends it to the salience list unless ``record`` is False
    (a cue nested inside another reported clause)."""
    if cue.tok in cache:
        return cache[cue.tok]
    if not record:
        n_sal = len(ctx.sal)
        actor = _resolve(ctx, cue, cache)
        del ctx.sal[n_sal:]
        return actor
    si = ctx.sent_of_tok[cue.tok]
    lo, hi = ctx.sent_bounds(si)
    actor: Actor | None = None
    ent: Entity | None = None
    res = None
    i = cue.tok
    pos = ctx.toks[i].start
    if cue.info.flag == "relay" or cue.info.kind == "noun":
        # نقلت رويترز عن مسؤول قوله إن … / على لسان X قوله: the speaker follows عن / لسان
        gov = _governed_relay_prep(ctx, i, lo) if cue.info.kind == "noun" else None
        if gov is not None:
            res = _subject_after(ctx, gov, lo, hi)  # نسبت الصحيفة إلى X قوله / نقلت عن X، لم تكشف عن …، قوله
        elif cue.info.kind == "noun":
            rng = range(i - 1, max(lo, i - 12) - 1, -1)
        else:
            rng = range(i + 1, min(hi, i + 12))
        for k in (rng if gov is None else ()):
            if ctx.toks[k].norm in ctx.lex.relay_preps:
                res = _subject_after(ctx, k, lo, hi)
                break
    elif cue.info.kind == "source":
        k = i + 1
        if k < hi and ctx.toks[k].norm in ("ما", "عن"):
            k += 1
        res = _subject_after_source(ctx, k, hi)
    elif cue.info.kind == "participle":
        contrast = _contrast_subject(ctx, lo, i)
        for r in reversed(ctx.sal):
            if r.sent < si:
                break
            if r.pos < pos and r.sent == si and (contrast is None or r.pos > ctx.toks[contrast[0]].start):
                cache[cue.tok] = r.actor
                return r.actor
        res = contrast[1] if contrast is not None else None
        if res is None and cue.info.person == "p":
            res = _counted_subject(ctx, lo, i)  # كتب 18 عضوا … إلى X قائلين: the counted plural subject
        if res is None and contrast is None and cue.info.person == "f":
            # وكانت مصر قد انتقدت … منح الجائزة لفلان، معتبرة أن: a feminine participle goes with the country
            # that is the sentence's subject, not with a person named later in its clause
            res = _gpe_subject(ctx, lo, i)
        if res is None and contrast is None:
            res = _clause_subject(ctx, lo, i)
        if res is None and cue.info.person == "f":
            res = _gpe_subject(ctx, lo, i)  # صعدت الرياض …، مؤكدة أنها
    else:
        res = None
        k0 = lo + 1 if ctx.is_punct(lo) else lo
        if not cue.proclitic and i > k0 + 1 and ctx.toks[k0].norm in ctx.lex.copula_openers:
            res = _subject_before(ctx, i, k0 + 1)  # وكان X قد قال …: the subject precedes the verb
        container = res is None and _container_author(ctx, i, lo)
        if container:
            res = container
        if res is None:
            res = _subject_after(ctx, i, lo, hi)
            if res is not None and cue.info.lemma in ctx.lex.object_first_cues and not cue.suffixed \
                    and _np_before_comp(ctx, res, hi):
                res = None  # ووصف الأمر بأنه "غش": the NP is the thing described, the subject is implicit
        if res is not None and res[0] == "np" and not cue.proclitic and not _after_relative(ctx, i) \
                and not container:
            # (… هجوم السبت الذي قالت جماعات إغاثة إنه: the NP after the verb is the relative clause's subject)
            before = _subject_before(ctx, i, lo)
            if before is not None:
                res = before
        if res is None and not cue.proclitic:
            res = _subject_before(ctx, i, lo)
        if res is None and i > lo + 1:
            # coordinated verb (… وقال إن، حيث قالت): shares the subject of its sentence
            for r in reversed(ctx.sal):
                if r.sent < si:
                    break
                if r.pos < pos and r.sent == si:
                    cache[cue.tok] = r.actor
                    return r.actor
            k0 = lo + 1 if ctx.is_punct(lo) else lo
            c0 = ctx.cue_at(k0) if k0 < i else None
            if c0 is not None and c0.info.kind == "verb":
                res = _subject_after(ctx, k0, lo, hi)
            if res is None:
                res = _vso_source_subject(ctx, lo, i)  # ولم تذكر الشرطة …، لكنها أكدت
            if res is None:
                res = _clause_subject(ctx, lo, i)
            if res is None and cue.info.person == "f":
                res = _gpe_subject(ctx, lo, i)
            if res is None and cue.info.person == "p":
                res = _first_subject(ctx, lo, i, ("ORG", None))  # ويسيطر الحوثيون … وقالوا إن
    if res is not None and res[0] in ("np", "role") and (cue.info.lemma in ctx.lex.object_quote_lemmas
                                                        or cue.info.lemma in ctx.lex.object_first_cues) \
            and _demonstrative_object(ctx, res[1], i):  # type: ignore[arg-type]
        res = None  # واعتبر هذه الخطوة "نقطة تحول": the demonstrative NP after the verb is its object
    if res is not None and res[0] in ("np", "role"):
        ante_sal = _demonstrative_antecedent(ctx, res[1], pos, si)  # type: ignore[arg-type]
        if ante_sal is not None:
            cache[cue.tok] = ante_sal.actor
            ctx.sal.append(_Sal(pos, si, ante_sal.ent, ante_sal.actor, ante_sal.label, True))
            return ante_sal.actor
    if res is not None:
        kind, val = res
        if kind == "entity":
            ent = val  # type: ignore[assignment]
            if ent.link == "role" and ent.english is None:
                a = ctx.tok_index(ent.start)
                ante = _role_resolve(ctx, a, a + 1)
                if ante is not None:
                    ent = ante
            actor = ctx.actor_of(ent)
        elif kind == "role":
            a, b = val  # type: ignore[misc]
            ante = None
            if _definite(ctx, a, b):
                ante = _role_resolve(ctx, a, b)
                head = ctx.role_head(ctx.toks[a].norm) or ""
                # candidates, the most recent wins: a named entity with that role (ante), an earlier unnamed
                # speaker with that role (ناطق عسكري … → وقال الناطق), an earlier indefinite mention of the role
                # (… عن مسؤول سعودي … → وقال المسؤول)
                best_pos = ante.start if ante is not None else -1
                best_actor: Actor | None = None
                for r in reversed(ctx.sal):
                    if r.sent < si - 3 * ctx.lex.max_back or r.pos <= best_pos:
                        break
                    if r.pos < pos and (r.ent is None or _unresolved_role(r.ent)) and r.actor.text and head and \
                            any(ctx.role_head(normalize_word(w)) == head for w in r.actor.text.split()) and \
                            _same_role_class(ctx, r.actor.text, head):
                        best_pos, best_actor = r.actor.start or r.pos, r.actor
                        break
                for k in range(a - 1, max(-1, a - 150), -1):
                    if ctx.toks[k].start <= best_pos:
                        break
                    ek = ctx.ent_cover_tok.get(k)
                    hk = ctx.role_head(ctx.toks[k].norm) or ""
                    if (hk == head or (hk and _no_al(hk) == _no_al(head))) and (not _definite(ctx, k, k + 2) or (
                            _bare_head(ctx, k) and ek is None and k + 1 < len(ctx.toks)
                            and ctx.toks[k + 1].norm.startswith("ال") and ctx.cue_at(k) is None)) \
                            and ctx.in_quoted(ctx.toks[k].start) is None \
                            and (ek is None or (_unresolved_role(ek) and ek.start == ctx.toks[k].start)) \
                            and not (k >= 1 and ctx.ent_cover_tok.get(k - 1) is not None) \
                            and not (k >= 2 and ctx.toks[k - 1].text in _COMMA and ctx.ent_cover_tok.get(k - 2)):
                        best_pos, best_actor = ctx.toks[k].start, ctx.surface_actor(k, _np_end(ctx, k, len(ctx.toks)))
                        break
                if best_actor is not None:
                    named = _named_after(ctx, best_pos, pos)
                    if named is not None:
                        best_actor, ent = named.actor, named.ent
                    cache[cue.tok] = best_actor
                    ctx.sal.append(_Sal(pos, si, None, best_actor, "PER", True))
                    return best_actor
                if ante is None and (head in ctx.lex.anaphoric_sources or _no_al(head) in ctx.lex.anaphoric_sources):
                    # وأضاف المصدر with no earlier "مصدر": the source is the previous speaker (any kind)
                    for r in reversed(ctx.sal[-60:]):
                        if r.sent < si - ctx.lex.max_back:
                            break
                        if r.pos < pos:
                            cache[cue.tok] = r.actor
                            ctx.sal.append(_Sal(pos, si, r.ent, r.actor, r.label, True))
                            return r.actor
                if ante is None and b - a <= 2 and not _construct_complement(ctx, a, b) and \
                        ctx.lex.roles.get(ctx.role_head(ctx.toks[a].norm) or "") == "person":
                    r = _salient(ctx, pos, si, "m", only_person=True)
                    if r is not None and r.ent is not None:
                        ante = r.ent
            if ante is not None:
                ent = ante
                actor = ctx.actor_of(ante)
            else:
                actor = ctx.surface_actor(a, b)
        else:
            a, b = val  # type: ignore[misc]
            ante_np = _definite_source_antecedent(ctx, a, b, si)
            if isinstance(ante_np, Entity):
                ent = ante_np
                actor = ctx.actor_of(ante_np)
            elif ante_np is not None:
                actor = ante_np
            else:
                actor = ctx.surface_actor(a, b)
    if actor is None:
        r = _salient(ctx, pos, si, cue.info.person)
        if r is not None and not r.speaker and cue.info.lemma in ctx.lex.continuation_lemmas and r.sent < si:
            # وأضاف أن … after a sentence about someone else (قال X …. واكتسح Y الانتخابات …. وأضاف): the
            # continuation verb goes on with the last speaker of the same kind, when there is one in reach
            last = _salient(ctx, pos, si, "p", speakers_only=True)  # the last speaker, any label
            r2 = _salient(ctx, pos, si, cue.info.person, speakers_only=True)
            if last is not None and last.pos > r.pos and last.sent >= si - 1 \
                    and not (cue.info.person == "m" and last.label == "ORG"):
                r = last  # (a person the NER labelled as a place is still the one who goes on speaking)
            elif r2 is not None and (r2.label == "PER") == (r.label == "PER"):
                r = r2
        if r is not None:
            actor, ent = r.actor, r.ent
    if actor is not None:
        ctx.sal.append(_Sal(pos, si, ent, actor, ent.label if ent else ("PER" if cue.info.person == "m" else None), True))
    cache[cue.tok] = actor
    return actor


def _governed_relay_prep(ctx: _Ctx, i: int, lo: int) -> int | None:
    """For a verbal-noun cue at ``i`` (قوله): the preposition that introduces the speaker, found from the verb
    that governs it. An attribution verb (``attribution_verbs``: نسبت الصحيفة إلى X قوله) takes its first
    ``attribution_prepositions`` after it; a relay verb (نقلت … عن X قوله) its first ``relay_prepositions`` after
    it (عن لسان X: the last of the pair), or, when it introduces a media outlet, the last one of an unbroken chain
    (عن صحيفة X عن مصدر); so an عن inside an aside between commas (، لم تكشف عن هويته،) or an NP's own
    complement (مسؤول عن العمليات) is not taken. The nearest such verb before the cue within
    ``max_cue_to_complementiser_tokens``; None when there is none."""
    lex = ctx.lex
    for v in range(i - 1, max(lo, i - lex.max_cue_comp) - 1, -1):
        if ctx.toks[v].norm in _PUNCT_STOP:
            return None
        w = ctx.toks[v].norm
        if w in lex.attribution_verbs or ctx.strip_pro(w) in lex.attribution_verbs:
            preps = lex.attribution_preps
        else:
            c = ctx.cue_at(v)
            if c is None or c.info.kind != "verb" or c.info.flag != "relay":
                continue
            preps = lex.relay_preps
        for k in range(v + 1, i):
            if ctx.toks[k].norm in preps:
                if preps is lex.relay_preps and k + 1 < i and _media_word(ctx, k + 1):
                    m = k + 1
                    while m < i and not ctx.is_punct(m):
                        if ctx.toks[m].norm in preps:
                            k = m  # نقلت عن صحيفة X عن مصدر: the last link of an unbroken chain
                        m += 1
                while k + 1 < i and ctx.toks[k + 1].norm in preps:
                    k += 1  # عن لسان X
                return k
        return None
    return None


def _media_word(ctx: _Ctx, k: int) -> bool:
    """True when token ``k`` names a media outlet: an entity whose actor code ends in MED, or a media noun of
    ``addressee_prefix_nouns`` (صحيفة، وكالة، قناة، the article or a ل dropped)."""
    e = ctx.ent_cover_tok.get(k)
    if e is not None and (e.actor_code or "").endswith("MED"):
        return True
    n = ctx.toks[k].norm
    return n in ctx.lex.addressee_nouns or _no_al(n) in ctx.lex.addressee_nouns


def _counted_subject(ctx: _Ctx, lo: int, i: int) -> tuple[str, object] | None:
    """A counted subject right after the sentence's first verb (وقد كتب 18 عضوا ديمقراطيا في المجلس …، قائلين):
    a number token, then the counted noun phrase; ("np", (a, b)) or None. Used for plural participles only, so
    an addressee later in the sentence (… إلى نتنياهو قائلين) is not taken for the speaker."""
    k = lo + 1 if lo < i and ctx.is_punct(lo) else lo
    while k < i and (ctx.toks[k].norm in ctx.lex.skip_words
                     or (ctx.toks[k].norm[:1] in "وف" and ctx.toks[k].norm[1:] in ctx.lex.skip_words)):
        k += 1  # وقد
    k += 1  # the verb
    if k + 1 >= i or not ctx.toks[k].text.isdigit() or ctx.ent_cover_tok.get(k + 1) is not None:
        return None
    b = _np_end(ctx, k + 1, i)
    return ("np", (k, _np_tail(ctx, k, b)))


def _demonstrative_object(ctx: _Ctx, span: tuple[int, int], i: int) -> bool:
    """True when the NP ``span`` = (a, b) found after cue ``i`` opens with a demonstrative followed by a plain
    noun (not a role or source noun): after a describe / consider verb (واعتبر هذه الخطوة "…") هذه الخطوة، هذا
    القرار are the verb's object, not its subject (the caller checks the verb; ويقول هؤلاء المهاجرون is a subject)."""
    a, b = span
    if a <= i or b - a < 2 or ctx.toks[a].norm not in ctx.lex.demonstratives:
        return False
    n = ctx.toks[a + 1].norm
    return ctx.role_head(n) is None and not ctx.is_source_noun(n)


def _demonstrative_antecedent(ctx: _Ctx, span: tuple[int, int], pos: int, si: int) -> _Sal | None:
    """Antecedent of a demonstrative subject NP ``span`` = (a, b) token range (وقالت هذه المنظمة، وأضاف هذا
    المسؤول): the most recent salience entry before character ``pos`` within ``max_back_sentences`` whose kind
    fits the head noun (a person for a person role, else a non-person). None when the NP does not open with a
    demonstrative (``demonstratives``) or no antecedent fits."""
    a, b = span
    if b - a < 2 or ctx.toks[a].norm not in ctx.lex.demonstratives:
        return None
    head = ctx.role_head(ctx.toks[a + 1].norm)
    if head is None and not ctx.is_source_noun(ctx.toks[a + 1].norm):
        return None  # هؤلاء المهاجرون: a group described, not a title standing for an earlier speaker
    person = head is not None and ctx.lex.roles.get(head) == "person"
    for r in reversed(ctx.sal):
        if r.sent < si - ctx.lex.max_back:
            break
        if r.pos >= pos:
            continue
        if (r.label == "PER") == person:
            return r
    return None


def _subject_after_source(ctx: _Ctx, k: int, hi: int) -> tuple[str, object] | None:
    """Speaker after an according-to preposition (بحسب الوزارة، وفقا لوكالة …, حسبما قال X)."""
    if k >= hi:
        return None
    c = ctx.cue_at(k)
    if c is not None and c.info.kind == "verb":
        return _subject_after(ctx, k, k, hi)
    e = ctx.ent_at_tok.get(k) or ctx.ent_at_tok.get(k + 1) if k + 1 < hi else ctx.ent_at_tok.get(k)
    if e is not None and ctx.tok_index(e.start) <= k + 1:
        return ("entity", e)
    n = ctx.toks[k].norm
    w = n[1:] if n.startswith("ل") and len(n) > 3 else n
    w2 = w[2:] if w.startswith("ال") else w
    dn = ctx.lex.document_nouns
    if w in dn or w2 in dn or ("ال" + w2) in dn:
        for m in range(k + 1, min(hi, k + 4)):
            e = ctx.ent_at_tok.get(m)
            if e is not None and e.label in ("ORG", "PER", None):
                return ("entity", e)  # بحسب تقرير لوكالة رويترز: the report's author
            if ctx.is_punct(m):
                break
    if ctx.role_head(w) is not None:
        return ("role", (k, _np_end(ctx, k, hi)))
    if w in ctx.lex.source_nouns or w2 in ctx.lex.source_nouns or ("ال" + w2) in ctx.lex.source_nouns:
        return ("np", (k, _np_end(ctx, k, hi)))
    return None


def _first_subject(ctx: _Ctx, lo: int, hi: int, labels: tuple = ("PER", "ORG", "GPE", None)) -> tuple[str, object] | None:
    """The first person (else the first other entity) of tokens ``[lo, hi)`` not governed by a preposition."""
    best = None
    for k in range(lo, hi):
        e = ctx.ent_at_tok.get(k)
        if e is None:
            continue
        q = ctx.in_quoted(e.start)
        if q is not None and not (e.start <= q.start + 1 and e.end >= q.end - 1):
            continue
        prev = ctx.toks[k - 1].norm if k > lo else ""
        if prev in ctx.lex.adjunct_starters or ctx.is_addressee(ctx.toks[k].norm) or prev in ("—", "-"):
            continue
        if k + 1 < len(ctx.toks) and ctx.toks[k + 1].text in ("(", "،", ",") and k == lo:
            continue  # a dateline (دبي، …)
        if e.label in labels:
            if e.label == "PER" or "PER" not in labels:
                return ("entity", e)
            if best is None:
                best = e
    return ("entity", best) if best is not None else None


def _vso_source_subject(ctx: _Ctx, lo: int, hi: int) -> tuple[str, object] | None:
    """A non-entity subject right after the sentence's first verb (أغلقت الشرطة …، ولم تذكر الشرطة …،
    ورفضت مدرسة …): a source / organisation noun (``source_nouns``, or an org role noun) not covered by an entity,
    unprefixed by a preposition. A negation particle (``verb_negation_particles``) before the verb is skipped.
    Returns ("np", (a, b)) token span (with a following في + place entity: الشرطة في كندا) or None."""
    k0 = lo + 1 if lo < hi and ctx.is_punct(lo) else lo
    if k0 < hi and ctx.toks[k0].norm in ctx.lex.negation_particles:
        k0 += 1
    k = k0 + 1
    if k >= hi:
        return None
    v = ctx.strip_pro(ctx.toks[k0].norm)
    if not ctx.toks[k0].text.isalpha() or v.startswith("ال") or ctx.toks[k0].norm in ctx.lex.adjunct_starters \
            or v in ctx.lex.adjunct_starters or ctx.ent_cover_tok.get(k0) is not None \
            or ctx.role_head(v) is not None or ctx.is_source_noun(v) or ctx.in_quoted(ctx.toks[k0].start):
        return None  # the first word is not a verb
    t = ctx.toks[k]
    n = t.norm
    if not t.text.isalpha() or ctx.ent_cover_tok.get(k) is not None or n[:1] in "بل" or n in ctx.lex.skip_words:
        return None
    head = ctx.role_head(n)
    if not (ctx.is_source_noun(n) or (head is not None and ctx.lex.roles.get(head) == "org")):
        return None
    b = _np_end(ctx, k, hi)
    if b < hi - 1 and ctx.toks[b].norm == "في":
        e = ctx.ent_at_tok.get(b + 1)
        if e is not None and e.label in ("GPE", "LOC"):
            b += 1
            while b < hi and ctx.toks[b].start < e.end:
                b += 1
    return ("np", (k, _np_tail(ctx, k, b)))


def _gpe_subject(ctx: _Ctx, lo: int, hi: int) -> tuple[str, object] | None:
    """A country / city that is the sentence's subject (لكن إسرائيل رفضت …، وسعت كندا …): a GPE entity as the
    sentence's first word, or right after its first word when that word is not a preposition; unprefixed by ب / ل.
    Countries are grammatically feminine: such a subject is an antecedent of a later dropped subject (حذرت من أنها)."""
    k0 = lo + 1 if lo < hi and ctx.is_punct(lo) else lo
    for k in (k0, k0 + 1):
        if k >= hi:
            break
        e = ctx.ent_at_tok.get(k)
        if e is not None and e.label == "GPE" and ctx.toks[k].norm[:1] not in "بل" \
                and ctx.in_quoted(e.start) is None:
            if k == k0 + 1:
                w = ctx.toks[k0].norm
                if ctx.is_punct(k0) or w in ctx.lex.adjunct_starters or ctx.strip_pro(w) in ctx.lex.adjunct_starters:
                    return None
            return ("entity", e)
        if ctx.ent_cover_tok.get(k) is not None:
            return None
    return None


def _contrast_subject(ctx: _Ctx, lo: int, i: int) -> tuple[int, tuple[str, object]] | None:
    """Subject of the nearest contrastive clause before participle ``i`` (… بيد أن محكمة ألمانية أمرت بإعادته،
    واصفة …): a circumstantial participle belongs to the nearest clause. Returns (token index of أن, subject) or
    None when no بيد / غير / إلا + أن clause precedes it in the sentence (no other cue or clause end between)."""
    for k in range(i - 1, lo, -1):
        t = ctx.toks[k]
        if t.norm in _PUNCT_STOP or ctx.cue_at(k) is not None:
            return None
        if t.norm in ctx.lex.contrast_openers and k + 1 < i and ctx.toks[k + 1].norm in ctx.lex.latter_words:
            # لكن الأخير رفض …، مكتفيا بالقول: "the latter" = the last person named before it
            before = [e for e in ctx.doc.entities if e.label == "PER" and e.end <= ctx.toks[k].start
                      and not (e.link == "role" and e.english is None)]
            if before:
                return (k, ("entity", max(before, key=lambda e: e.end)))
        if t.norm in ("ان", "أن") and ctx.toks[k - 1].norm in ctx.lex.contrast_particles and k + 1 < i:
            e = ctx.ent_at_tok.get(k + 1)
            if e is not None:
                return (k, ("entity", e))
            if not ctx.toks[k + 1].text.isalpha():
                return None
            b = k + 2
            while b < i and _nisba(ctx.toks[b].norm) and not ctx.is_punct(b):
                b += 1
            return (k, ("np", (k + 1, b)))
    return None


def _clause_subject(ctx: _Ctx, lo: int, i: int) -> tuple[str, object] | None:
    """Subject of the sentence a participle / coordinated verb at ``i`` belongs to: a role NP right after the
    sentence's first verb (وتطرق المتحدث …), else its first person entity; None (→ salience) otherwise."""
    k0 = lo + 1 if lo < i and ctx.is_punct(lo) else lo
    if k0 + 1 < i and ctx.ent_cover_tok.get(k0) is None and ctx.role_head(ctx.toks[k0].norm) is None:
        if ctx.role_head(ctx.toks[k0 + 1].norm) is not None and \
                ctx.lex.roles.get(ctx.role_head(ctx.toks[k0 + 1].norm) or "") == "person":
            for k in range(k0 + 1, min(i, k0 + 9)):
                e = ctx.ent_at_tok.get(k)
                if e is not None and e.label == "PER" and not (e.link == "role" and e.english is None) \
                        and k < k0 + 5:
                    return ("entity", e)  # واتهم الشيخ X …
                if ctx.toks[k].text in _COMMA and k > k0 + 1:
                    ap = _apposition(ctx, k, i)
                    if isinstance(ap, Entity):
                        return ("entity", ap)  # طرحت وزيرة الخارجية الأسبق، هيلاري كلينتون، …، قائلة
                    break
            e = ctx.ent_at_tok.get(k0 + 1)
            if e is not None and not (e.link == "role" and e.english is None):
                return ("entity", e)
            return ("role", (k0 + 1, _np_end(ctx, k0 + 1, i)))
        if ctx.role_head(ctx.toks[k0 + 1].norm) is not None:
            return ("role", (k0 + 1, _np_end(ctx, k0 + 1, i)))
    return _first_subject(ctx, lo, i, ("PER",))


# ------------------------------------------------------------------------ clause extraction
def _clause_end(ctx: _Ctx, j: int, hi: int) -> int:
    """Character end of the reported clause starting after token ``j``."""
    k = j + 1
    while k < hi:
        t = ctx.toks[k]
        if t.text == ":" and k + 1 < hi and ctx.toks[k + 1].text in _QUOTE_CHARS:
            return t.start
        if t.text in _COMMA and k + 1 < hi:
            c1 = ctx.cue_at(k + 1)
            if c1 is not None and c1.info.kind == "source":
                return t.start  # …، وفق وكالة (وام): the sourcing note is not part of the clause
            if ctx.toks[k + 1].norm in ctx.lex.clause_enders or (
                    k + 2 < hi and (ctx.toks[k + 1].norm, ctx.toks[k + 2].norm) in ctx.lex.clause_ender_pairs):
                return t.start  # …، وذلك ردا على … / …، دون مزيد من التفاصيل: the reporter's words
        if t.text in _COMMA and k + 1 < hi and ctx.toks[k + 1].norm in ctx.lex.breakers:
            for m in range(k + 2, min(hi, k + 8)):
                c = ctx.cue_at(m)
                if c is not None and c.info.kind in ("verb", "participle") and _opens_quote(ctx, m, hi):
                    return t.start
        c = ctx.cue_at(k)
        if c is not None and k > j + 1 and not ctx.in_quoted(t.start):
            prev = ctx.toks[k - 1].text
            if c.info.kind == "participle" or c.proclitic or prev in _COMMA:
                if c.info.kind in ("verb", "participle") and _opens_quote(ctx, k, hi):
                    return ctx.toks[k - 1].start if prev in _COMMA else t.start
        k += 1
    return ctx.toks[hi - 1].end


def _opens_quote(ctx: _Ctx, i: int, hi: int) -> bool:
    """True when cue ``i`` is followed (within the window) by a complementiser, a colon or a quote mark."""
    for k in range(i + 1, min(hi, i + 1 + ctx.lex.max_cue_comp)):
        t = ctx.toks[k]
        if ctx.is_comp(k) or t.text == ":" or t.text in _QUOTE_CHARS:
            return True
        if t.norm in _PUNCT_STOP:
            return False
    return False


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a] in " \t\u00a0":
        a += 1
    while b > a and text[b - 1] in _TRIM_END:
        b -= 1
    return a, b


# ------------------------------------------------------------------------ main
def _find_comp(ctx: _Ctx, i: int, hi: int) -> int | None:
    """Token index of the complementiser governed by cue ``i`` (no colon / quote / other cue between)."""
    k = i + 1
    end = min(hi, i + 1 + ctx.lex.max_cue_comp)
    while k < end:
        t = ctx.toks[k]
        if ctx.is_comp(k):
            if k - 1 > i and ctx.toks[k - 1].norm in ctx.lex.non_speech_comp:
                k += 1  # بعد أن / إلى أن / منذ أن: not a reported clause
                continue
            return k
        if t.text in _QUOTE_CHARS:
            q = ctx.in_quoted(t.start + 1)
            if q is not None and q.open == t.start and q.closed and len(ctx.text[q.start:q.end].split()) <= 4:
                k = max(k + 1, ctx.tok_index(q.close) + 1)
                continue
            return None
        if t.text == ":" and k + 1 < hi and ctx.is_comp(k + 1):
            return k + 1  # وقال: إنه تم …: the colon before the complementiser (common in Gulf press)
        if t.text == ":" or t.norm in _PUNCT_STOP:
            return None
        if t.text in _COMMA and k + 1 < end and ctx.toks[k + 1].norm in ctx.lex.breakers:
            return None  # …، كما سبق أن …: a new clause
        if t.text in _COMMA and _in_relative(ctx, i):
            return None  # … والذي يعتبر مهندس الاتفاق، إن …: the relative clause ends at the comma
        if k > i + 1 and ctx.cue_at(k) is not None \
                and not (_in_relative(ctx, k) and _comma_before_comp(ctx, k, end)):
            return None  # (a cue inside a relative clause closed by a comma does not take the complement)
        k += 1
    return None


def _find_colon(ctx: _Ctx, i: int, hi: int) -> int | None:
    """Token index of a colon that opens unmarked speech after verb cue ``i`` (وقال مدير الجمارك: تم إحباط …):
    a third-person "say" verb outside a relative clause; within the cue window, no complementiser, quote mark, full stop or other cue before it, and at least three
    words of the sentence after it, none of them a quote mark. None otherwise."""
    cue = ctx.cue_at(i)
    if cue is None or cue.info.kind != "verb" or cue.info.flag != "say" or cue.info.person not in ("m", "f", "p") \
            or cue.info.lemma in ctx.lex.object_first_cues or _after_relative(ctx, i):
        return None  # (يصف X: / الأوبريت التي تقول: / أقول: — a description, a relative clause, the author)
    end = min(hi, i + 1 + ctx.lex.max_cue_comp)
    for k in range(i + 1, end):
        t = ctx.toks[k]
        if t.text == ":":
            rest = [x for x in ctx.toks[k + 1:hi] if x.text.isalpha()]
            if len(rest) < 3 or any(x.text in _QUOTE_CHARS for x in ctx.toks[k + 1:hi]):
                return None
            return k
        if ctx.is_comp(k) or t.text in _QUOTE_CHARS or t.norm in _PUNCT_STOP or ctx.in_quoted(t.start):
            return None
        if k > i + 1 and ctx.cue_at(k) is not None:
            return None
    return None


def _comma_before_comp(ctx: _Ctx, k: int, end: int) -> bool:
    """True when a comma comes after token ``k`` before the next complementiser (within ``end``)."""
    for m in range(k + 1, end):
        if ctx.is_comp(m):
            return False
        if ctx.toks[m].text in _COMMA:
            return True
    return False


def _after_relative(ctx: _Ctx, i: int) -> bool:
    """True when token ``i`` directly follows a relative pronoun (الذي / والذي / التي …)."""
    return i > 0 and ctx.strip_pro(ctx.toks[i - 1].norm) in ctx.lex.relatives


def _in_relative(ctx: _Ctx, i: int) -> bool:
    """True when cue ``i`` is a verb of a relative clause: it directly follows a relative pronoun, or it is a
    و-coordinated verb (… الذي أجري الجمعة وأعلنت نتائجه) with a relative pronoun at most five tokens before it
    and no punctuation between."""
    if _after_relative(ctx, i):
        return True
    if not ctx.toks[i].norm.startswith("و"):
        return False
    for k in range(i - 1, max(-1, i - 6), -1):
        if ctx.is_punct(k) or ctx.cue_at(k) is not None or ctx.is_comp(k):
            return False
        if ctx.strip_pro(ctx.toks[k].norm) in ctx.lex.relatives:
            return True
    return False


def _fully_quoted(ctx: _Ctx, a: int, b: int) -> bool:
    """True when the clause ``[a, b)`` is one quoted stretch (opening at ``a``, closing at or near ``b``, or
    closing right before a comma: the reported clause is the quote, what follows the comma is the reporter's)."""
    if a >= b or ctx.text[a] not in _QUOTE_CHARS:
        return False
    q = ctx.in_quoted(a + 1)
    if q is None or q.open != a:
        return False
    tail = ctx.text[q.close + 1:b] if q.closed else ""
    if q.closed and tail.lstrip(" \u00a0")[:1] in ("،", ","):
        return True  # قالت إنها "زائفة"، ووقع …: the quoted clause ends at its mark; a new clause follows the comma
    return all(not ch.isalnum() for ch in tail)


def _impersonal(ctx: _Ctx, cue: _Cue) -> bool:
    """يذكر أن / يعتقد أن / قيل إن: a passive or impersonal verb directly before its complementiser."""
    n = ctx.toks[cue.tok].norm
    if n not in ctx.lex.impersonal and ctx.strip_pro(n) not in ctx.lex.impersonal:
        return False
    k = cue.tok + 1
    return k < len(ctx.toks) and (ctx.is_comp(k) or ctx.toks[k].norm == "الي" or ctx.toks[k].norm == "إلى")


def _run(doc: Document) -> None:
    lex = load()
    ctx = _Ctx(doc, lex)
    text = ctx.text
    cache: dict[int, Actor | None] = {}
    quotes: list[Quote] = []
    indirect_spans: list[tuple[int, int, _Cue]] = []
    last_direct: tuple[Quote, int] | None = None  # (quote, sentence index)

    # events in text order: cues (token index) and quoted stretches
    qi = 0
    nq = len(ctx.quoted)
    for si, s in enumerate(doc.sentences):
        lo, hi = ctx.sent_bounds(si)
        for i in range(lo, hi):
            tok = ctx.toks[i]
            # quoted stretches opening before this token
            while qi < nq and ctx.quoted[qi].open < tok.start:
                q = ctx.quoted[qi]
                qi += 1
                last_direct = _direct(ctx, q, quotes, indirect_spans, last_direct, cache) or last_direct
            if ctx.in_quoted(tok.start):
                continue
            cue = ctx.cue_at(i)
            if cue is None or _impersonal(ctx, cue):
                continue
            if cue.info.kind == "source":
                q = _source_quote(ctx, cue, lo, hi, cache)
                if q is not None:
                    quotes.append(q)
                continue
            if cue.info.kind not in ("verb", "noun", "participle") or cue.info.flag == "call":
                continue  # دعا / طالب / ناشد + أن: a request (PLOVER REQUEST), not reported speech
            j = _find_comp(ctx, i, hi)
            kind = "indirect"
            if j is None:
                j = _find_colon(ctx, i, hi)
                if j is None:
                    continue
                kind = "direct"  # وقال الوزير: تم إحباط …: speech after a colon, without quote marks
            a = ctx.toks[j].end
            b = _clause_end(ctx, j, hi)
            a, b = _trim(text, a, b)
            if b <= a:
                continue
            nested = any(sa <= tok.start < sb for sa, sb, _ in indirect_spans[-4:])
            if nested and cue.suffixed:
                continue  # … إنها تحقق في الواقعة التي وصفتها بأنها …: part of the outer report
            speaker = _resolve(ctx, cue, cache, record=not nested)
            indirect_spans.append((a, b, cue))
            if _fully_quoted(ctx, a, b):
                continue  # قال إن "…": the quoted stretch itself is the (direct) quote
            qq = Quote(a, b, text[a:b], kind, Span(tok.start, tok.end, tok.text), speaker)
            quotes.append(qq)
        # subject of the sentence → salience (after its own quotes were resolved)
        line0 = ctx.line_starts[bisect.bisect_right(ctx.line_starts, s.start) - 1]
        if lex.related_markers and normalize_word(text[line0:line0 + 40]).startswith(lex.related_markers):
            continue  # a "read also" link line: its names are not the article's speakers
        first_cue = next((k for k in range(lo, hi) if k in cache), hi)
        subj = _first_subject(ctx, lo, first_cue, ("PER", "ORG")) or _gpe_subject(ctx, lo, first_cue)
        np_subj = _vso_source_subject(ctx, lo, first_cue) if first_cue == hi else None
        if np_subj is not None and (subj is None or subj[1].start >= ctx.toks[np_subj[1][1] - 1].end):  # type: ignore
            # a non-entity subject right after the first verb (أوقفت الشرطة …، ونشر المركز الإعلامي …) is the
            # antecedent of the next dropped subject (وقالت …، وأوضح …); an entity later in the sentence is not
            subj = None
            na, nb = np_subj[1]  # type: ignore[misc]
            ante_np = _definite_source_antecedent(ctx, na, nb, si)
            if isinstance(ante_np, Entity):
                sal = _Sal(ctx.toks[na].start, si, ante_np, ctx.actor_of(ante_np), ante_np.label)
            else:
                # a masculine noun (المركز) serves a masculine dropped subject like an unnamed speaker does
                head = ctx.toks[na].text
                label = None if head.endswith(("ة", "ات")) else "PER"
                sal = _Sal(ctx.toks[na].start, si, None, ante_np or ctx.surface_actor(na, nb), label)
            _insert_sal(ctx, sal)
        if subj is not None:
            e = subj[1]
            sal = _Sal(e.start, si, e, ctx.actor_of(e), e.label)  # type: ignore[union-attr]
            k = len(ctx.sal)
            while k > 0 and ctx.sal[k - 1].pos > sal.pos:
                k -= 1
            ctx.sal.insert(k, sal)
    while qi < nq:
        q = ctx.quoted[qi]
        qi += 1
        last_direct = _direct(ctx, q, quotes, indirect_spans, last_direct, cache) or last_direct
    quotes.sort(key=lambda q: (q.start, -q.end))
    doc.quotes.extend(quotes)


def _scare_term(ctx: _Ctx, q: Quoted) -> bool:
    """True when the short quoted stretch ``q`` (at most ``term_max_words`` words) is a term or a name, not
    speech: it follows a term head (``term_head_nouns``: نظام "الكفالة"، فريق "…"، the detached article الـ"…",
    also with ل / ب / ال), or it directly follows an organisation entity, a bracketed acronym between them
    allowed (وكالة الأنباء (واس) "واس"، وكالة الأنباء "واس"): the organisation's own name or acronym."""
    lex = ctx.lex
    if not q.closed or len(ctx.text[q.start:q.end].split()) > lex.term_max_words:
        return False
    k0 = ctx.tok_index(q.open) - 1
    if k0 >= 0 and ctx.toks[k0].end <= q.open:
        for pn in dict.fromkeys((ctx.toks[k0].norm, ctx.strip_pro(ctx.toks[k0].norm))):  # (فريق keeps its ف)
            for c in (pn, pn[1:] if pn[:1] in "لب" and len(pn) > 3 else "", pn[2:] if pn.startswith("ال") else "",
                      pn[2:] if pn.startswith("لل") else ""):
                if c and c in lex.term_heads:
                    return True
        if ctx.toks[k0].norm in lex.term_coordinators and k0 >= 1 and ctx.toks[k0 - 1].text in _QUOTE_CHARS:
            q0 = ctx.quoted_at_mark(ctx.toks[k0 - 1].start)  # قرى "…" و"…": coordinated with a quoted term
            if q0 is not None and q0 is not q and q0.closed and q0.open < q.open and _scare_term(ctx, q0):
                return True
    text = ctx.text
    j = q.open - 1
    while j >= 0 and text[j] in " \t\u00a0":
        j -= 1
    if j >= 0 and text[j] == ")":
        k = text.rfind("(", max(0, j - 40), j)
        if k < 0 or "\n" in text[k:j] or len(text[k + 1:j].split()) > 3:
            return False
        j = k - 1
        while j >= 0 and text[j] in " \t\u00a0":
            j -= 1
    if j < 0:
        return False
    e = ctx.ent_cover_tok.get(ctx.tok_index(j))
    return e is not None and e.end == j + 1 and e.label == "ORG" \
        and normalize_word(e.text.split()[-1]) not in lex.detached_proclitics


def _insert_sal(ctx: _Ctx, sal: _Sal) -> None:
    """Insert ``sal`` into the salience list, kept in text order."""
    k = len(ctx.sal)
    while k > 0 and ctx.sal[k - 1].pos > sal.pos:
        k -= 1
    ctx.sal.insert(k, sal)


def _direct(ctx: _Ctx, q: Quoted, quotes: list[Quote], indirect_spans: list[tuple[int, int, _Cue]],
            last: tuple[Quote, int] | None, cache: dict[int, Actor | None]) -> tuple[Quote, int] | None:
    """Attribute one quoted stretch; append a direct :class:`Quote` when attributed and return (quote, sentence)."""
    text = ctx.text
    # a quoted stretch that is just a named entity ("داعش") is a name, not a quote
    ti = ctx.tok_index(q.start)
    e = ctx.ent_at_tok.get(ti)
    if e is not None and e.start <= q.start + 1 and e.end >= q.end - 1:
        return None
    si = ctx.sent_of_pos(q.open)
    lo, hi = ctx.sent_bounds(si) if ctx.doc.sentences else (0, 0)
    cue: _Cue | None = None
    # a quoted name after a naming noun (حزب "…", حملة "…") is a name, not a quote
    k0 = ctx.tok_index(q.open) - 1
    if k0 >= 0:
        pn = ctx.strip_pro(ctx.toks[k0].norm)
        for c in (pn, pn[1:] if pn[:1] in "لب" and len(pn) > 3 else "", pn[2:] if pn.startswith("لل") else ""):
            if c and (c in ctx.lex.name_nouns or (c.startswith("ال") and c[2:] in ctx.lex.name_nouns)):
                return None  # حزب "…" / لتنظيم "الدولة الإسلامية"
    if _scare_term(ctx, q):
        return None  # نظام "الكفالة"، وكالة الأنباء (واس) "واس": a quoted term or name, not speech
    # 1. inside a reported clause
    for a, b, c in indirect_spans[-6:]:
        if a <= q.open < b:
            cue = c  # the outermost reported clause: a partial quote is the reporter's speaker's words
            break
    if cue is not None:
        # … السائق الذي قالت الشرطة إنه "…": a quote that opens a report nested inside the outer one is the
        # nested speaker's (only when nothing but spaces lies between the nested complementiser and the quote)
        for a, b, c in reversed(indirect_spans[-6:]):
            if c is cue:
                break
            if a <= q.open < b and not text[a:q.open].strip() and ctx.tok_index(a) > cue.tok:
                sl, sh = ctx.sent_bounds(ctx.sent_of_tok[c.tok])
                sub = _subject_after(ctx, c.tok, sl, sh) if c.info.kind == "verb" else None
                if sub is not None and sub[0] in ("entity", "role", "np"):
                    cue = c  # (… تصريحات ترامب أكدت أنه "…": no speaker after the nested verb, the reporter's)
                break
    # 2. a cue before it in its sentence (nearest, not across another quote)
    if cue is None:
        k = ctx.tok_index(q.open) - 1
        steps = 0
        skipped_quote = False  # a describe verb's object is the first quote after it, not one past a quoted name
        while k >= lo and steps < ctx.lex.max_cue_quote:
            t = ctx.toks[k]
            qn = ctx.quoted_at_mark(t.start) if t.text in _QUOTE_CHARS else ctx.in_quoted(t.start)
            if qn is not None and qn is not q and qn.closed and len(text[qn.start:qn.end].split()) <= 3 \
                    and not any(ch in text[qn.start:qn.end] for ch in ".،,:"):
                # وقال رئيس "سيرك دو سولاي" … في بيان "…": a quoted name on the way, not an earlier quote
                k = ctx.tok_index(qn.open) - 1
                steps += 1
                skipped_quote = True
                continue
            if t.text in _QUOTE_CHARS or ctx.in_quoted(t.start) is not None or t.norm in _PUNCT_STOP:
                break  # an earlier quote (continuation is handled below) or a clause end
            c = ctx.cue_at(k)
            if c is not None and c.info.kind != "source":
                if _speech_like(ctx, q, si, k) and (c.info.flag != "call"
                                                    or len(text[q.start:q.end].split()) >= 4):
                    cue = c  # (دعت إلى "الإفراج فورا": a requested term, not a quote; a long one is speech)
                elif not skipped_quote and _object_quote(ctx, q, c):
                    cue = c  # واعتبر هذه الخطوة "نقطة تحول": the quoted object of a describe / declare verb
                    ctx.object_quotes.add(q.start)
                break
            oc = _object_cue_at(ctx, k)
            if oc is not None and not skipped_quote and _object_quote(ctx, q, oc):
                cue = oc  # وصفها البيت الأبيض بـ"…"، وعبرت الخارجية عن "…"
                ctx.object_quotes.add(q.start)
                break
            k -= 1
            steps += 1
    # 2b. previous sentence ends with a colon and holds a cue
    if cue is None and si > 0:
        first_tok = ctx.tok_index(q.open)
        only_punct_before = all(ctx.is_punct(k) for k in range(lo, max(lo, first_tok)))
        if only_punct_before:
            plo, phi = ctx.sent_bounds(si - 1)
            if phi > plo and ctx.toks[phi - 1].text == ":":
                for k in range(phi - 1, max(plo, phi - 1 - ctx.lex.max_cue_quote) - 1, -1):
                    c = ctx.cue_at(k)
                    if c is not None and c.info.kind != "source":
                        cue = c
                        break
    # 3. a cue right after it: «…»، قال الوزير
    if cue is None:
        k = ctx.tok_index(q.close) + 1 if q.closed else ctx.tok_index(q.close)
        steps = 0
        while 0 <= k < len(ctx.toks) and steps < 3:
            t = ctx.toks[k]
            if t.start < q.close:
                k += 1
                continue
            if "\n" in ctx.text[q.close:t.start]:
                break  # the next paragraph's verb is not this quote's cue
            c = ctx.cue_at(k)
            if c is not None and c.info.kind in ("verb", "source"):
                if c.info.kind == "source" and k + 1 < len(ctx.toks):
                    c2 = ctx.cue_at(k + 1)
                    if c2 is not None:
                        c = c2
                cue = c
                break
            if not (t.text in _COMMA or t.text in _QUOTE_CHARS or t.norm in ("كما", "حسبما", "ما")):
                break
            k += 1
            steps += 1
    speaker: Actor | None = None
    cue_span: Span | None = None
    if cue is not None:
        speaker = _resolve(ctx, cue, cache)
        t = ctx.toks[cue.tok]
        cue_span = Span(t.start, t.end, t.text)
    elif last is not None:
        # 4. continuation of the previous attributed quote (same sentence, or the next sentence / paragraph
        #    when this quote opens its sentence)
        lq, lsi = last
        first_tok = ctx.tok_index(q.open)
        only_punct_before = all(ctx.is_punct(k) for k in range(lo, max(lo, first_tok)))
        if lsi == si and lq.start in ctx.object_quotes \
                and ctx.tok_index(q.open) - ctx.tok_index(lq.end) - 1 > ctx.lex.object_quote_max_gap:
            return None  # وصفته بـ"…"، وذلك في ذكرى فض اعتصام "…": a later quoted name, not the same speaker's words
        if lsi == si or (only_punct_before and 0 < si - lsi <= 1):
            speaker, cue_span = lq.speaker, lq.cue
        else:
            return None
    else:
        return None
    qq = Quote(q.start, q.end, text[q.start:q.end], "direct", cue_span, speaker)
    quotes.append(qq)
    if speaker is not None:
        # the speaker stays salient after a long quote (its inner sentences do not push it out of reach)
        for r in reversed(ctx.sal[-20:]):
            if r.actor is speaker:
                ctx.sal.append(_Sal(max(q.close, r.pos), ctx.sent_of_pos(q.close), r.ent, r.actor, r.label, True))
                break
    return (qq, si)


def _object_cue_at(ctx: _Ctx, k: int) -> _Cue | None:
    """A cue that only introduces a quoted object (``object_quote_cue_forms``: عبرت عن، توعد بـ) or a describe /
    declare cue with an object pronoun (وصفها، اعتبرها، وصفته) at token ``k``; None otherwise."""
    lex = ctx.lex
    norm = ctx.toks[k].norm
    for w, pro in ((norm, False), (ctx.strip_pro(norm), True)):
        kp = lex.object_quote_forms.get(w)
        if kp is not None:
            return _Cue(k, CueInfo(w, kp[0], "say", kp[1]), pro and w != norm)
    for w in dict.fromkeys((norm, ctx.strip_pro(norm))):
        for suf in lex.pronoun_suffixes:
            if len(w) > len(suf) + 2 and w.endswith(suf):
                info = lex.cues.get(w[: -len(suf)])
                if info is not None and info.kind in ("verb", "participle") and info.lemma in lex.object_quote_lemmas:
                    return _Cue(k, info, w != norm)
    return None


def _object_quote(ctx: _Ctx, q: Quoted, c: _Cue) -> bool:
    """The quoted stretch ``q`` is the short quoted object of a describe / declare / express cue ``c``
    (lemma in ``object_quote_cue_lemmas`` or a form of ``object_quote_cue_forms``): at most
    ``object_quote_max_words`` words, no digits or Latin letters (model names, acronyms are not speech), and no
    complementiser between the cue and the quote (that is indirect speech, handled elsewhere)."""
    lex = ctx.lex
    if c.info.kind not in ("verb", "participle"):
        return False
    if c.info.lemma not in lex.object_quote_lemmas and c.info.lemma not in lex.object_quote_forms:
        return False
    body = ctx.text[q.start:q.end]
    if not body.strip() or len(body.split()) > lex.object_quote_max_words:
        return False
    if any(ch.isdigit() or ("a" <= ch.lower() <= "z") for ch in body):
        return False
    qt = ctx.tok_index(q.open)
    return not any(ctx.is_comp(x) for x in range(c.tok + 1, qt))


def _speech_like(ctx: _Ctx, q: Quoted, si: int, cue_tok: int) -> bool:
    """A quote after a cue in its sentence is speech (not a quoted term) when a colon introduces it, it has
    four words or more, nothing but punctuation follows it up to the end of its sentence, or only the speaker,
    addressee and adjuncts stand between the cue and the quote (قال راخوي "…")."""
    lex = ctx.lex
    k = cue_tok + 1
    qt = ctx.tok_index(q.open)
    if qt == cue_tok + 1 and q.closed:
        # وأشارت "أمنستي" إلى أن …: a quoted name right after the cue and right before the complementiser is the
        # subject (the speaker), not a quotation
        m = ctx.tok_index(q.close) + 1
        if m < len(ctx.toks) and ctx.toks[m].norm in lex.adjunct_starters and m + 1 < len(ctx.toks):
            m += 1
        if m < len(ctx.toks) and ctx.is_comp(m) and len(ctx.text[q.start:q.end].split()) <= 3:
            return False
    between_ok = True
    while k < qt:
        t = ctx.toks[k]
        n = t.norm
        if ctx.ent_cover_tok.get(k) is not None or ctx.is_punct(k) or ctx.role_head(n) is not None \
                or n in lex.skip_words or n in lex.adjunct_starters or ctx.is_addressee(n) \
                or n in lex.adjunct_nouns or n[2:] in lex.adjunct_nouns or _nisba(n) \
                or (n.startswith("ال") and k > cue_tok + 1 and ctx.role_head(ctx.toks[k - 1].norm) is not None):
            k += 1
            continue
        between_ok = False
        break
    if between_ok:
        return True
    j = q.open - 1
    while j >= 0 and ctx.text[j] in " \t\u00a0":
        j -= 1
    if j >= 0 and ctx.text[j] in ":،,":
        return True
    if len(ctx.text[q.start:q.end].split()) >= 4:
        return True
    send = ctx.doc.sentences[si].end if ctx.doc.sentences else len(ctx.text)
    tail = ctx.text[q.close + 1:send] if q.closed else ""
    return not any(ch.isalnum() for ch in tail)


def _source_quote(ctx: _Ctx, cue: _Cue, lo: int, hi: int, cache: dict[int, Actor | None]) -> Quote | None:
    """An according-to attribution (بحسب / وفقا ل / نقلا عن): the claim is the rest of the clause."""
    i = cue.tok
    k = i + 1
    if k < hi and ctx.toks[k].norm in ("ما", "عن"):
        k += 1
    c = ctx.cue_at(k) if k < hi else None
    if c is not None and c.info.flag == "relay":
        return None  # وفق ما نقلت فرانس برس: the article's own sourcing, not a quote
    res = _subject_after_source(ctx, k, hi)
    if res is None:
        return None
    text = ctx.text
    only_punct = all(ctx.is_punct(x) or ctx.toks[x].norm in ("و",) for x in range(lo, i))
    if only_punct:
        # claim after the source phrase: up to the first comma after the speaker, then to the sentence end
        m = k + 1
        while m < hi and ctx.toks[m].text not in _COMMA and m < k + 12 \
                and ctx.toks[m].norm not in ("فان", "فإن"):
            m += 1
        if m >= hi or (ctx.toks[m].text not in _COMMA and ctx.toks[m].norm not in ("فان", "فإن")):
            return None
        a, b = _trim(text, ctx.toks[m].end, ctx.toks[hi - 1].end)
        if b > a and text[a:b].split()[0] in ("فإن", "فان"):
            a = a + len(text[a:b].split()[0])
            a, b = _trim(text, a, b)
    else:
        for x in range(lo, i):
            cx = ctx.cue_at(x)
            if ctx.toks[x].text in _QUOTE_CHARS or (cx is not None and cx.info.flag != "call"
                                                    and _find_comp(ctx, x, hi) is not None):
                return None
        j = i
        while j - 1 > lo and ctx.toks[j - 1].norm in ctx.lex.source_lead_words:
            j -= 1  # "…، وذلك حسبما أعلن X": the lead-in word is not part of the claim
        a, b = _trim(text, ctx.toks[lo].start, ctx.toks[j].start)
        if i - 1 >= lo and ctx.toks[i - 1].text in ("-", "–", "—", "("):
            # a parenthetical source (… - بحسب ما ذكرته وكالة X - …): the claim is the whole sentence; a source
            # closing the sentence (قتل ثلاثة جنود - حسبما ذكرت رويترز.) leaves the claim before the dash
            close = next((x for x in range(i, hi) if ctx.toks[x].text in ("-", "–", "—", ")")), None)
            rest = range(close + 1, hi) if close is not None else range(0)
            if close is None or all(ctx.is_punct(x) for x in rest):
                a, b = _trim(text, ctx.toks[lo].start, ctx.toks[i - 1].start)
            else:
                a, b = _trim(text, ctx.toks[lo].start, ctx.toks[hi - 1].end)
    if b <= a or b - a < 8:
        return None
    speaker = _resolve(ctx, cue, cache)
    t = ctx.toks[i]
    return Quote(a, b, text[a:b], "indirect", Span(t.start, t.end, t.text), speaker)


def attribute_quotes(doc: Document) -> Document:
    """Fill ``doc.quotes`` with direct and indirect quotes, cue spans and speakers (in place; returns ``doc``).

    Input: a segmented :class:`~khabar.document.Document` (tokens and sentences; segmented here when missing)
    whose ``entities`` come from NER + linking (may be empty). Output: ``doc.quotes`` in text order; each
    :class:`~khabar.document.Quote` has ``start``/``end``/``text`` of the quoted content (without the quote marks;
    for indirect speech the reported clause after إن / أن), ``kind`` (direct | indirect), ``cue`` (the speech-verb
    token span as written, e.g. "وقال") and ``speaker`` (:class:`~khabar.document.Actor` with the linked entity's
    fields, or only ``text`` when no entity names the speaker, or None). Never raises.
    """
    try:
        if not isinstance(doc.text, str) or not doc.text:
            return doc
        if not doc.tokens or not doc.sentences:
            from khabar.text.segment import segment

            segment(doc)
        _run(doc)
    except Exception as exc:  # noqa: BLE001 - a stage must not lose the document
        doc.warnings.append(f"quotes: {type(exc).__name__}: {exc}")
    return doc
