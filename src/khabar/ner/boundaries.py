"""Rule-based repair of NER mention boundaries and types after the CRF (session 4, issue #3).

The CRF and the BiLSTM-CRFs learned ANERcorp's newswire; on fresh news its mentions are often
glued to a neighbouring word or typed by the place a club is named after. :func:`fix` rewrites one sentence's BIO
tags with word classes read from ``data/lexicons/ner_boundaries.tsv`` (hand-written from errors read on fresh
ANT/SaudiNewsNet articles, docs/bench/ner.md, session 4) and the nationality adjectives of
``data/lexicons/demonyms*.tsv``:

1. a mention that changes script (Arabic ↔ Latin) is cut there (``محافظ Bank`` → two pieces); tokens without a
   letter or digit (``#``, ``_``, an emoji) are trimmed from the edges of every mention (session 6);
2. verbal nouns (VNOUN) are trimmed from the left of any mention (``ترشيح كافانو`` → ``كافانو``); role and title
   nouns (TITLE) and definite nationality adjectives from the left of a PER mention (``الجنرال رونين مانليس`` →
   ``رونين مانليس``, ``للبرازيلي فريد`` → ``فريد``), apposition nouns (RIGHT) from its right (``هاشمي سماري موفد``);
   nationality adjectives are not trimmed from the right: they are common surnames (``إسماعيل مغربي``); what is
   left of a trimmed PER mention that opens with ``لل…``/``بال…`` is an organisation, or a place when the
   gazetteer says so (``الأمين العام للأمم المتحدة`` → ORG ``للأمم المتحدة``);
3. a mention made only of role/title, generic-head (HEAD), verbal-noun or nationality words is dropped
   (``مبعوث``, ``لفريق``, ``الغيني`` tagged ORG) unless it is a place mention (``السعودية`` is also the country);
4. after a sports word (SPORT: ``نجم``, ``حارس`` …) a place mention is the club (ORG) and a PER mention that opens
   with a club name (CLUB) is cut into the club (ORG) and the player (PER): ``بنجم ليفربول صلاح``;
5. inside an ORG mention, ``CLUB و…`` is two clubs (``مانشستر يونايتد وليون``); inside a PER mention a word ``و`` +
   a known first name (gazetteer PER, the whole word not) starts a new PER mention (``وليد فواز ومي سليم`` → two
   persons); two adjacent PER mentions merge when the second has no proclitic (``[جينا] [هاسبل]`` → one);
6. an untagged known name after a REGIME head (``لنظام الأسد``) is a PER mention; a hashtag mark between two PER
   mentions (``بنيامين #نتنياهو``) joins them into one, and so does a name particle (NAME_LINK: ``[جان] لو [دريان]``)
   or a hyphen inside a compound first name followed by the rest of the name (``[جان]-[إيف] لو دريان``), and an
   underscore of a hashtag carries a mention over to the next word (``#صالح_مسلم``; session 6);
7. a multi-word CLUB name of which some word is tagged becomes one ORG mention (``ستيوا [بوخارست]``);
8. a capitalised Latin token listed as LATIN_ORG (``CNN``, ``Reuters``) and left untagged is an ORG mention;
9. with ``admin=True`` (the document stage, not the ANERcorp evaluation, whose annotation leaves the head out), an
   administrative head (ADMIN: ``محافظة``) before a place mention joins it, so the linker sees the governorate.

Input: one sentence's token strings and BIO tags (equal lengths; types PER/ORG/LOC/GPE/MISC); output: a new tag
list of the same length (never raises on odd tags: ``I-X`` after ``O`` is read as a start, as conlleval does).
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

from khabar.ner.features import core, resources, stems

LEXICON = Path(__file__).resolve().parent.parent / "data" / "lexicons" / "ner_boundaries.tsv"
_HYPHEN = re.compile(r"[-\u2010\u2011\u2013]")  # a hyphen (or en dash) token
DEMONYMS = (LEXICON.with_name("demonyms.tsv"), LEXICON.with_name("demonyms_s4.tsv"))
_SUFFIXES = ("هما", "هم", "ها", "نا", "ه")
_NUMBER = ("ان", "ون", "ين")  # dual / sound plural endings (مسؤولان, مصدران)
_CLITICS = "وفبلك"


def class_rows(path: Path) -> list[tuple[list[str], str]]:
    """Rows ``(words, class)`` of a word-class TSV (``phrase TAB CLASS``; ``#`` comments and blank or one-column
    lines skipped; a missing file gives no rows). Shared by this module and :mod:`khabar.ner.kbspans`."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    out = []
    for line in lines:
        parts = line.split("\t")
        if line.strip() and not line.startswith("#") and len(parts) >= 2 and parts[0].split():
            out.append((parts[0].split(), parts[1].strip()))
    return out


@functools.lru_cache(maxsize=1)
def lexicon() -> dict[str, frozenset]:
    """Word classes of ``ner_boundaries.tsv`` → frozenset of normalised forms (multi-word CLUB entries as tuples
    under ``CLUB_N``), plus ``DEMONYM``: nationality adjectives with their derived forms. Missing files give empty
    classes (the post-process then changes nothing of that class)."""
    out: dict[str, set] = {}
    for raw, cls in class_rows(LEXICON):
        words = tuple(core(w) for w in raw)
        if cls == "LATIN_ORG":
            words = (words[0].lower(),)
        if cls == "CLUB" and len(words) > 1:
            out.setdefault("CLUB_N", set()).add(words)
        else:
            out.setdefault(cls, set()).add(words[0])
    dem: set[str] = set()
    for p in DEMONYMS:
        try:
            rows = p.read_text(encoding="utf-8").splitlines()
        except OSError:
            continue
        for line in rows:
            if not line.strip() or line.startswith("#"):
                continue
            b = core(line.split("\t")[0])
            if not b:
                continue
            for f in (b, b + "ه", b + "ة", b + "ون", b + "ين", b + "يون", b + "يين", b + "ات"):
                f = core(f)
                dem.add(f)
                dem.add("ال" + f)
    out["DEMONYM"] = dem
    return {k: frozenset(v) for k, v in out.items()}


@functools.lru_cache(maxsize=65536)
def _forms(tok: str) -> frozenset[str]:
    c = core(tok)
    fs = {c, *stems(c)}
    if len(c) > 2 and c[0] in _CLITICS:  # short words: stems() needs 4 letters
        fs.add(c[1:])
    for f in list(fs):
        for s in _NUMBER:
            if f.endswith(s) and len(f) - len(s) >= 3:
                fs.add(f[: -len(s)])
                break
    for f in list(fs):
        for s in _SUFFIXES:
            if f.endswith(s) and len(f) - len(s) >= 3:
                fs.add(f[: -len(s)])
                break
    return frozenset(fs)


@functools.lru_cache(maxsize=65536)
def _is(tok: str, *classes: str) -> bool:
    lex = lexicon()
    fs = _forms(tok)
    return any(fs & lex.get(c, frozenset()) for c in classes)


@functools.lru_cache(maxsize=65536)
def _is_demonym(tok: str) -> bool:
    c = core(tok)
    dem = lexicon()["DEMONYM"]
    return c in dem or any(f in dem for f in stems(c))


def _definite_demonym(tok: str) -> bool:
    """A nationality adjective with the article (``البرازيلي``, ``للبرازيلي``): never a first name, unlike some bare
    forms (``كيني`` is Kenyan and Kenny)."""
    c = core(tok)
    return (c.startswith("ال") or c[1:3] == "ال" or c.startswith("لل")) and _is_demonym(tok)


def _prep_name(tok: str) -> bool:
    """True when ``tok`` may open a new person after another one (a proclitic letter: ``وفلان``, ``للوسي``), so two
    adjacent PER mentions are not merged. A PER mention is only split inside at ``و`` + a known first name: names
    after ``ل``/``ب`` (``قال حماقي لأحلام``) are left, foreign surnames open with those letters (``بلاسي``)."""
    return core(tok)[:1] in _CLITICS


def _spans(tags: list[str]) -> list[list]:
    """[start, end, type] of each mention, conlleval chunk rules, in order."""
    out: list[list] = []
    for i, t in enumerate(tags):
        if t == "O" or "-" not in t:
            continue
        bi, ty = t.split("-", 1)
        if bi == "I" and out and out[-1][1] == i and out[-1][2] == ty:
            out[-1][1] = i + 1
        else:
            out.append([i, i + 1, ty])
    return out


def _tags(n: int, spans: list[list]) -> list[str]:
    out = ["O"] * n
    for a, b, ty in spans:
        if b > a and ty:
            out[a] = "B-" + ty
            for k in range(a + 1, b):
                out[k] = "I-" + ty
    return out


def _latin(tok: str) -> bool:
    return any(ch.isascii() and ch.isalpha() for ch in tok)


def _arabic(tok: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in tok)


def _club_prefix(words: list[str], a: int, b: int) -> int:
    """Length of a CLUB name at the start of words[a:b] (0 if none)."""
    lex = lexicon()
    for n in (3, 2):
        if b - a > n and tuple(core(w) for w in words[a:a + n]) in lex.get("CLUB_N", ()):
            return n
    if b - a > 1 and _is(words[a], "CLUB"):
        return 1
    return 0


def _is_club(words: list[str], a: int, b: int) -> bool:
    """True when words[a:b] is a CLUB name (the first word may carry a proclitic)."""
    lex = lexicon()
    if b - a == 1:
        return _is(words[a], "CLUB")
    rest = tuple(core(w) for w in words[a + 1:b])
    return any((f, *rest) in lex.get("CLUB_N", ()) for f in _forms(words[a]))


@functools.lru_cache(maxsize=1)
def _club_first() -> dict[str, tuple[int, ...]]:
    """First word of each multi-word CLUB name → the name lengths starting with it."""
    out: dict[str, set[int]] = {}
    for t in lexicon().get("CLUB_N", ()):
        out.setdefault(t[0], set()).add(len(t))
    return {k: tuple(sorted(v, reverse=True)) for k, v in out.items()}


def fix(words: list[str], tags: list[str], admin: bool = False) -> list[str]:
    """Repaired BIO tags of one sentence (see the module docstring for the rules, applied in that order)."""
    n = len(words)
    if n == 0 or len(tags) != n or all(t == "O" for t in tags):
        return list(tags)
    res = resources()
    spans = _spans(tags)
    # 1. script change inside a mention
    cut: list[list] = []
    for a, b, ty in spans:
        s = a
        for k in range(a + 1, b):
            if (_latin(words[k]) and _arabic(words[k - 1]) and not _latin(words[k - 1])) or \
                    (_arabic(words[k]) and not _latin(words[k]) and _latin(words[k - 1]) and not _arabic(words[k - 1])):
                cut.append([s, k, ty])
                s = k
        cut.append([s, b, ty])
    spans = []
    for a, b, ty in cut:
        # 4 (part). a PER mention opened by a sports word + club: "نجم ليفربول صلاح"
        sport_left = a > 0 and _is(words[a - 1], "SPORT")
        a0 = a
        # 2. edge tokens without a letter or digit (a hashtag mark, an underscore, an emoji) are never part of a
        # name; then left trim
        while a < b and not any(ch.isalnum() for ch in words[a]):
            a += 1
        while b > a and not any(ch.isalnum() for ch in words[b - 1]):
            b -= 1
        if a >= b:
            continue
        while b - a > 1 and _is(words[a], "VNOUN"):
            a += 1
        if ty == "PER":
            while b - a > 1 and (_is(words[a], "TITLE") or _definite_demonym(words[a])):
                sport_left = sport_left or _is(words[a], "SPORT")
                a += 1
            while b - a > 1 and _is(words[b - 1], "RIGHT"):
                b -= 1
            c = core(words[a])
            if a > a0 and len(c) > 4 and (c.startswith("لل") or c.startswith("بال")):
                g = res.gaz1.get("ال" + c[2:] if c.startswith("لل") else c[1:], frozenset())
                ty = "LOC" if ("GPE" in g or "LOC" in g) else "ORG"
        # 3. drop mentions made only of role / head / verbal-noun / nationality words, or of a word that is never
        # a name on its own (القدم of كرة القدم)
        if ty not in ("LOC", "GPE") and all(_is(w, "TITLE", "HEAD", "VNOUN") or _is_demonym(w) for w in words[a:b]):
            continue
        if all(_is(w, "NEVER_ALONE") for w in words[a:b]) and not (a > 0 and _is(words[a - 1], "PLACE_HEAD",
                                                                                  "ADMIN")):
            continue  # (after a place head it is a name: حي القدم in Damascus)
        if sport_left:
            if ty in ("LOC", "GPE"):
                ty = "ORG"
            elif ty == "PER":
                k = _club_prefix(words, a, b)
                if k:
                    spans.append([a, a + k, "ORG"])
                    a += k
        spans.append([a, b, ty])
    # 5. coordinated persons inside one PER mention; adjacent PER mentions
    out: list[list] = []
    for a, b, ty in spans:
        if ty == "PER":
            s = a
            for k in range(a + 1, b):
                c = core(words[k])
                if len(c) > 2 and c[0] == "و" and "PER" in res.gaz1.get(c[1:], ()) and \
                        "PER" not in res.gaz1.get(c, ()) and k - s >= 1:
                    out.append([s, k, ty])
                    s = k
            a = s
        elif ty == "ORG":
            for k in range(a + 1, b):
                if core(words[k])[:1] == "و" and _is_club(words, a, k):
                    out.append([a, k, ty])
                    a = k
                    break
        if out and ty == "PER" and out[-1][2] == "PER" and out[-1][1] == a and not _prep_name(words[a]):
            out[-1][1] = b
            continue
        out.append([a, b, ty])
    # 6. "نظام الأسد"
    tagged = _tags(n, out)
    for i in range(1, n):
        if tagged[i] == "O" and _is(words[i - 1], "REGIME") and _is(words[i], "REGIME_NAME"):
            tagged[i] = "B-PER"
            if i + 1 < n and tagged[i + 1].startswith("I-"):
                tagged[i + 1] = "B-" + tagged[i + 1][2:]
    # 6b. a hashtag mark inside a person's name ("بنيامين #نتنياهو", social-media copy) does not split it
    for i in range(1, n - 1):
        if words[i] == "#" and tagged[i] == "O" and tagged[i - 1][2:] == "PER" and tagged[i + 1] == "B-PER":
            tagged[i] = tagged[i + 1] = "I-PER"
    # 6b'. a hashtag joins a name's words with underscores ("#صالح_مسلم"): the word after "_" continues the name
    for i in range(1, n - 1):
        if words[i] == "_" and tagged[i] == "O" and tagged[i - 1] != "O" and _arabic(words[i + 1]) and \
                tagged[i + 1] in ("O", "B-" + tagged[i - 1][2:]):
            tagged[i] = tagged[i + 1] = "I-" + tagged[i - 1][2:]
    # 6c. pieces of one foreign name split by the tagger: a name particle between two PER pieces ("[جان] لو [دريان]",
    # NAME_LINK: لو، دي، فان …) and a hyphen inside a compound first name ("[جان]-[إيف] لو دريان": both pieces one word,
    # and a particle or another PER piece after the second — so "ترامب-بوتين" stays two persons)
    links = lexicon().get("NAME_LINK", frozenset())
    for i in range(1, n - 1):
        if tagged[i] != "O" or tagged[i - 1][2:] != "PER" or tagged[i + 1] != "B-PER":
            continue
        if core(words[i]) in links:  # the bare particle only: لدي / ولو are other words
            tagged[i] = tagged[i + 1] = "I-PER"
        elif _HYPHEN.fullmatch(words[i]) and tagged[i - 1] == "B-PER" and i + 2 < n and \
                (tagged[i + 2] == "B-PER" or (tagged[i + 2] == "O" and core(words[i + 2]) in links)):
            tagged[i] = tagged[i + 1] = "I-PER"
    # 7. a partly tagged club name becomes one ORG mention ("ستيوا [بوخارست]" → "[ستيوا بوخارست]")
    first = _club_first()
    for i in range(n):
        for m in first.get(core(words[i]), ()) if i + 1 < n else ():
            if i + m <= n and _is_club(words, i, i + m) and any(t != "O" for t in tagged[i:i + m]) and \
                    tagged[i:i + m] != ["B-ORG"] + ["I-ORG"] * (m - 1):
                tagged[i:i + m] = ["B-ORG"] + ["I-ORG"] * (m - 1)
                if i + m < n and tagged[i + m].startswith("I-"):
                    tagged[i + m] = "B-" + tagged[i + m][2:]
                break
    # 8. known Latin-script organisation names
    lorg = lexicon().get("LATIN_ORG", frozenset())
    for i, w in enumerate(words):
        if tagged[i] == "O" and w[:1].isascii():
            c = core(w)
            if c[:1].isupper() and c.lower() in lorg:
                tagged[i] = "B-ORG"
    # 8b. a place mention made only of a place-name head (بئر، عين، رأس، جبل …) takes the untagged word after it:
    # the head alone is never the name ("[بئر] بورقبة" → "[بئر بورقبة]")
    for i in range(n - 1):
        if tagged[i].startswith("B-") and tagged[i][2:] in ("LOC", "GPE") and tagged[i + 1] == "O" and \
                _is(words[i], "PLACE_HEAD") and _arabic(words[i + 1]) and len(core(words[i + 1])) > 2 and \
                not _is(words[i + 1], "TITLE", "HEAD", "VNOUN", "ADMIN", "STOP"):
            tagged[i + 1] = "I-" + tagged[i][2:]
    # 9. administrative head joins the place mention (document stage only)
    if admin:
        for i in range(1, n):
            if tagged[i].startswith("B-") and tagged[i][2:] in ("LOC", "GPE") and tagged[i - 1] == "O" and \
                    _is(words[i - 1], "ADMIN"):
                tagged[i - 1], tagged[i] = tagged[i], "I-" + tagged[i][2:]
    return tagged
