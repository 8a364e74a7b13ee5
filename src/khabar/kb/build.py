"""Build the khabar knowledge base (``khabar build kb``) into one SQLite file, ``khabar/data/kb/kb.sqlite``.

Sources (see ``docs/bench/linking.md`` and ``../shared/data/README.md`` for licences):

- curated files written for khabar (facts only) in ``khabar/data/kb/``: ``people.tsv`` (office holders with date
  ranges), ``orgs.tsv`` (international organisations, armed groups, parties, government bodies, media),
  ``places.tsv`` (cities/regions with coordinates), ``country_aliases.tsv`` and ``country_names.tsv``;
- ``kb/countries.json`` (mledoze/countries, ODbL): Arabic names (``translations.ara``), ISO codes, lat/lon;
- ``kb/world-cities.csv`` (CC BY 4.0): Arabic city names, cleaned of the known errors (the "ولاية" and "محافظة" prefixes are
  dropped: the row is the city, not its governorate; Arabic names with Latin letters and names equal to the English one are skipped) and of rows whose Arabic
  label is not a transliteration of the English name (:func:`plausible_translit`, e.g. "ذكر" labelled Male); a row
  is merged into the curated city of the same country with the same English name or the same Arabic alias;
- ``dictionaries/upetrarch-arabic/actor_dict_ar_v4.txt`` (UniversalPetrarch, MIT): Arabic actor names with CAMEO
  codes and date ranges (18000101 = open-ended); English names are composed word by word from the ANETAC / google
  transliteration pairs and, where a CountryInfo leader of the same country matches, replaced by that name;
- ``kb/CountryInfo.txt`` (openeventdata): leaders (presidents, prime ministers) with terms, to 2011;
- ``kb/anetac/EN-AR_Named-entities.txt`` and ``kb/google-ar2en/ar2en-train.txt``: Arabic→English word table
  (``translit`` table of the KB; used to name dictionary entries and as the NIL fallback).

Output schema: ``entities(id, type, english, country, actor_code, aliases JSON, roles JSON, lat, lon, subtype,
prior, source)``, ``demonyms(form, iso3)``, ``translit(ar, en)``, ``meta(key, value)``.
"""
from __future__ import annotations

import csv
import json
import math
import re
import sqlite3
from collections import Counter, defaultdict
from pathlib import Path

from khabar.paths import KB_DIR, LEXICONS

_LATIN = re.compile(r"[A-Za-z]")


def _rows(path: Path) -> list[list[str]]:
    """Non-comment, non-empty TAB-separated rows of a curated TSV file."""
    if not path.is_file():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        out.append([c.strip() for c in line.split("\t")])
    return out


def slug(s: str) -> str:
    """ASCII-ish id slug of an English name (``"Sergey Lavrov"`` → ``"sergey-lavrov"``)."""
    import unicodedata
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-") or "x"


def _f(s: str) -> float | None:
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def _ent(id, type, english, country=None, actor_code=None, aliases=(), roles=(), lat=None, lon=None,
         subtype=None, prior=0.0, source="curated") -> dict:
    return dict(id=id, type=type, english=english, country=country or None, actor_code=actor_code or None,
                aliases=list(dict.fromkeys(a for a in aliases if a)), roles=[list(r) for r in roles], lat=lat,
                lon=lon, subtype=subtype, prior=float(prior), source=source)


# ------------------------------------------------------------------------------------------------ curated parts

def curated_entities() -> list[dict]:
    """Entities of the curated TSV files (``people*.tsv``, ``orgs*.tsv``, ``places*.tsv``, ``misc*.tsv``, read in
    name order). ``misc*.tsv`` rows (english, subtype, aliases, prior) are MISC entities: currencies, religions,
    wars, competitions, awards — names news uses every day that have an English form but no country or actor."""
    ents = []
    for r in (r for f in sorted(KB_DIR.glob("people*.tsv")) for r in _rows(f)):
        r += [""] * (6 - len(r))
        english, country, actor, aliases, roles, prior = r[:6]
        rl = []
        for part in filter(None, roles.split(";")):
            p = (part.split("@") + ["", "", "", ""])[:4]
            rl.append((p[0], p[1] or None, p[2] or None, p[3] or None))
        ents.append(_ent(f"per:{slug(english)}", "PER", english, country, actor, aliases.split("|"), rl,
                         subtype="person", prior=_f(prior) or 3.0))
    for r in (r for f in sorted(KB_DIR.glob("orgs*.tsv")) for r in _rows(f)):
        r += [""] * (6 - len(r))
        english, sub, country, actor, aliases, prior = r[:6]
        ents.append(_ent(f"org:{slug(english)}", "ORG", english, country, actor, aliases.split("|"),
                         subtype=sub or "org", prior=_f(prior) or 3.0))
    for r in (r for f in sorted(KB_DIR.glob("places*.tsv")) for r in _rows(f)):
        r += [""] * (7 - len(r))
        english, sub, country, aliases, lat, lon, prior = r[:7]
        typ = "GPE" if sub in ("city", "region") and country else "LOC"
        pid = f"city:{country}:{slug(english)}" if sub == "city" else f"loc:{slug(english)}"
        ents.append(_ent(pid, typ, english, country, country or None, aliases.split("|"), (), _f(lat), _f(lon),
                         sub or "region", _f(prior) or 3.0))
    for r in (r for f in sorted(KB_DIR.glob("misc*.tsv")) for r in _rows(f)):
        r += [""] * (4 - len(r))
        english, sub, aliases, prior = r[:4]
        ents.append(_ent(f"misc:{slug(english)}", "MISC", english, None, None, aliases.split("|"),
                         subtype=sub or "misc", prior=_f(prior) or 3.0))
    return ents


def demonym_rows() -> list[tuple[str, str]]:
    """``(form, iso3)`` rows of ``lexicons/demonyms*.tsv``."""
    out = []
    for p in sorted(LEXICONS.glob("demonyms*.tsv")):
        for r in _rows(p):
            if len(r) >= 2:
                out.append((r[0], r[1]))
    return out


def curated_only_kb():
    """An in-memory :class:`khabar.kb.store.KB` from the curated files alone (fallback when kb.sqlite is absent)."""
    from khabar.kb.store import KB, load_role_rows
    ents = _merge(curated_entities() + _countries_from_aliases())
    return KB([_to_entity(e) for e in ents], dict(demonym_rows()), load_role_rows(), {})


def _countries_from_aliases() -> list[dict]:
    names = {r[0]: r[1] for r in _rows(KB_DIR / "country_names.tsv") if len(r) >= 2}
    al = defaultdict(list)
    for r in _rows(KB_DIR / "country_aliases.tsv"):
        if len(r) >= 2:
            al[r[0]].append(r[1])
    out = []
    for iso, aliases in al.items():
        eng = names.get(iso) or next((a for a in aliases if not re.search("[\u0600-\u06ff]", a)), iso)
        out.append(_ent(f"country:{iso}", "GPE", eng, iso, iso, aliases, subtype="country", prior=7.0))
    return out


def _to_entity(d: dict):
    from khabar.kb.store import KBEntity
    return KBEntity(d["id"], d["type"], d["english"], d["country"], d["actor_code"], tuple(d["aliases"]),
                    tuple(tuple(r) for r in d["roles"]), d["lat"], d["lon"], d["subtype"], d["prior"])


# -------------------------------------------------------------------------------------------------- public data

def countries(shared: Path) -> tuple[list[dict], dict[str, str]]:
    """Country entities from countries.json (+ curated aliases / names); returns (entities, english→iso3)."""
    names = {r[0]: r[1] for r in _rows(KB_DIR / "country_names.tsv") if len(r) >= 2}
    extra = defaultdict(list)
    for r in _rows(KB_DIR / "country_aliases.tsv"):
        if len(r) >= 2:
            extra[r[0]].append(r[1])
    data = json.loads((shared / "kb" / "countries.json").read_text(encoding="utf-8"))
    out, by_en = [], {}
    for c in data:
        iso = c.get("cca3")
        if not iso:
            continue
        ara = c.get("translations", {}).get("ara", {})
        eng = names.get(iso) or c["name"]["common"]
        aliases = [ara.get("common", ""), ara.get("official", ""), *extra.get(iso, [])]
        latlng = c.get("latlng") or [None, None]
        out.append(_ent(f"country:{iso}", "GPE", eng, iso, iso, aliases, (), latlng[0], latlng[1], "country",
                        7.0 if c.get("independent") else 4.0, "countries.json"))
        for n in (c["name"]["common"], c["name"]["official"], eng):
            by_en[n.lower()] = iso
    return out, by_en


_AR_CONS = {"ا": "", "أ": "", "إ": "", "آ": "", "ب": "b", "ت": "t", "ث": "t", "ج": "j", "ح": "h", "خ": "k",
            "د": "d", "ذ": "d", "ر": "r", "ز": "z", "س": "s", "ش": "s", "ص": "s", "ض": "d", "ط": "t", "ظ": "z",
            "ع": "", "غ": "j", "ف": "f", "ق": "k", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "ة": "",
            "و": "", "ي": "", "ى": "", "ء": "", "ؤ": "", "ئ": "", "پ": "b", "چ": "c", "ڤ": "f", "گ": "j"}
_ADMIN = re.compile(r"^(?:ولاية|محافظة|منطقة|مقاطعة|بلدية|مديرية|إقليم|مدينة)\s+")


def _ar_skeleton(a: str) -> str:
    a = _ADMIN.sub("", a).split("،")[0].split(",")[0]
    a = re.sub(r"(^|\s)ال", r"\1", a).replace("تش", "چ")
    return "".join(_AR_CONS.get(c, "") for c in a)


def _en_skeleton(e: str) -> str:
    e = e.lower().split(",")[0]
    for x, y in (("ph", "f"), ("tch", "c"), ("ch", "c"), ("sh", "s"), ("th", "t"), ("kh", "k"), ("gh", "j"),
                 ("dj", "j"), ("zh", "j"), ("ts", "t"), ("c", "k"), ("q", "k"), ("x", "ks"), ("v", "f"), ("p", "b"),
                 ("g", "j"), ("w", ""), ("y", "")):
        e = e.replace(x, y)
    e = re.sub(r"^(al|el|ad|ar|as|an|at|az|ash|ad) ", "", e)
    return re.sub(r"(.)\1", r"\1", re.sub("[^bcdfhjklmnrstz]", "", e))


def plausible_translit(ar: str, en: str, cutoff: float = 45.0) -> bool:
    """True when an Arabic place name plausibly transliterates the English one (consonant skeletons compared with
    rapidfuzz ratio ≥ ``cutoff``). Used to drop world-cities rows whose Arabic label is an unrelated word
    ("ذكر" for Male, "إنسان" for Doba, "جبل" for Dutse)."""
    return translit_score(ar, en) >= cutoff


def translit_score(ar: str, en: str) -> float:
    """rapidfuzz ratio (0–100) of the consonant skeletons of an Arabic and an English place name; 0 when either
    skeleton is empty."""
    from rapidfuzz import fuzz
    a, b = _ar_skeleton(ar), _en_skeleton(en)
    a = re.sub(r"(.)\1", r"\1", a)
    if not a or not b:
        return 0.0
    return fuzz.ratio(a, b)


def cities(shared: Path, by_en: dict[str, str]) -> list[dict]:
    """City entities from world-cities.csv, cleaned (see module doc); prior from log10(population)."""
    out = []
    with open(shared / "kb" / "world-cities.csv", encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            ar = (row.get("CityNameAr") or "").strip()
            en = (row.get("CityNameEn") or "").strip()
            cen = (row.get("CountryNameEn") or "").strip()
            if not ar or not en:
                continue
            for head in ("ولاية ", "محافظة "):  # the row is the city; "محافظة X" names its governorate
                if ar.startswith(head):
                    ar = ar[len(head):].strip()
            if _LATIN.search(ar) or ar == en or not plausible_translit(ar, en):
                continue
            ar = ar.split("،")[0].strip()
            iso = by_en.get(cen.lower())
            try:
                pop = float(row.get("Population") or 0)
            except ValueError:
                pop = 0.0
            prior = min(6.0, math.log10(pop + 10) - 1.5) if pop else 1.0
            out.append(_ent(f"city:{iso or 'XXX'}:{slug(en)}", "GPE", en, iso, iso, [ar], (), None, None, "city",
                            prior, "world-cities"))
    # One Arabic label given to cities of different English names (كوبنهاغن for Copenhagen and for Kobe): keep the
    # rows whose English it transliterates best (skeleton ratio within 25 points of the best); same-name cities of
    # different countries (Tripoli, Libya / Lebanon) score alike and all stay.
    score = {id(e): translit_score(e["aliases"][0], e["english"]) for e in out}
    best: dict[str, float] = {}
    for e in out:
        best[e["aliases"][0]] = max(best.get(e["aliases"][0], 0.0), score[id(e)])
    return [e for e in out if score[id(e)] >= best[e["aliases"][0]] - 25]


def translit_table(shared: Path) -> tuple[dict[str, str], set[str]]:
    """Arabic word → most frequent English rendering from ANETAC named entities and google ar2en train pairs;
    also the set of Arabic words ANETAC marks PERSON. Only training splits are read; the hand corrections of
    ``data/kb/translit_overrides.tsv`` replace the learned spelling of their words."""
    from khabar.text.normalize import normalize
    cnt: dict[str, Counter] = defaultdict(Counter)
    persons: set[str] = set()
    p = shared / "kb" / "anetac" / "EN-AR_Named-entities.txt"
    if p.is_file():
        for line in p.read_text(encoding="utf-8").splitlines():
            parts = line.split(" ")
            if len(parts) != 3:
                continue
            cls, en, ar = parts
            k = normalize(ar)
            cnt[k][en] += 1
            if cls == "PERSON":
                persons.add(k)
    g = shared / "kb" / "google-ar2en" / "ar2en-train.txt"
    if g.is_file():
        for line in g.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) == 2:
                cnt[normalize(parts[0])][parts[1].strip().capitalize()] += 1
    table = {k: c.most_common(1)[0][0] for k, c in cnt.items()}
    from khabar.paths import KB_DIR
    over = KB_DIR / "translit_overrides.tsv"
    if over.is_file():  # hand corrections (khabar's own data file), applied last
        for line in over.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#") and "\t" in line:
                ar, en = line.split("\t", 1)
                table[normalize(ar)] = en.strip()
    return table, persons


_CODE = re.compile(r"\[([A-Z~]{3,}[A-Z]*)(?:\s+(\d{8})-(\d{8}))?\]")


def _iso_date(d: str | None) -> str | None:
    if not d or d == "18000101":
        return None
    return f"{d[:4]}-{d[4:6]}-{d[6:8]}"


def countryinfo_leaders(shared: Path) -> dict[str, list[tuple[str, str, str | None, str | None]]]:
    """ISO3 → [(English name, ROLE, start, end)] from CountryInfo <Leaders> (Presidents / Prime ministers)."""
    p = shared / "kb" / "CountryInfo.txt"
    if not p.is_file():
        return {}
    text = p.read_bytes().decode("utf-8", "replace")
    out: dict[str, list] = defaultdict(list)
    for block in text.split("</Country>"):
        m = re.search(r"<ISO3166-alpha3>(\w{3})<", block) or re.search(r"<CountryCode>(\w{3})<", block)
        lm = re.search(r"<Leaders>(.*?)</Leaders>", block, re.S)
        if not m or not lm:
            continue
        role = None
        for line in lm.group(1).splitlines():
            s = line.strip()
            if s.startswith("<") and not s.startswith("</"):
                low = s.lower()
                role = "PRIME_MINISTER" if "prime" in low else ("PRESIDENT" if "president" in low or "head" in low
                                                                 or "king" in low or "monarch" in low else None)
                continue
            if not role or not s or s.startswith("#") or s.startswith("</"):
                continue
            nm = re.match(r"\{?([A-Z][A-Z_.'\-]+)_", s)
            if not nm:
                continue
            name = nm.group(1).replace("_", " ").title()
            for a, b in re.findall(r"\[(\d{8}) - (\d{8})\]", s):
                out[m.group(1)].append((name, role, _iso_date(a), _iso_date(b)))
            for a in re.findall(r"\[>(\d{8})\]", s):
                out[m.group(1)].append((name, role, _iso_date(a), "2011-07-31"))
    return out


_UP_TITLES = {"رئيس", "امير", "ملك", "شيخ", "وزير", "سلطان", "جنرال", "عقيد", "لواء", "سيد", "سيده", "دكتور",
              "نائب", "زعيم", "قائد", "مستشار", "سفير", "رءيس", "الرئيس", "الامير", "الملك", "الشيخ"}
_NAME_PARTICLES = {"بن": "bin", "ابن": "ibn", "ابو": "Abu", "بنت": "bint", "ال": "Al", "عبد": "Abdul", "ولد": "Ould"}


def _name_word(w: str, table: dict[str, str]) -> str | None:
    """English rendering of one Arabic name word: particles (بن → bin), the word table, ال + word → al-Word."""
    if w in _NAME_PARTICLES:
        return _NAME_PARTICLES[w]
    if w in table:
        return table[w]
    if w.startswith("ال") and w[2:] in table:
        return "al-" + table[w[2:]]
    return None


def upetrarch_actors(shared: Path, table: dict[str, str], persons: set[str],
                     leaders: dict[str, list], known: set[str]) -> list[dict]:
    """Entities from the UniversalPetrarch Arabic actor dictionary (named persons with country+agent codes).

    Entries whose alias is already in the KB (``known`` exact keys), generic agents (no country code), places
    (bare ISO code) and lemmatised phrases with a bare preposition are skipped. English: CountryInfo leader name
    when one of the same country matches (rapidfuzz ≥ 85), else the words' English renderings from ``table``."""
    from rapidfuzz import fuzz

    from khabar.kb.store import alias_key
    from khabar.text.normalize import normalize

    demonyms = {normalize(f): iso for f, iso in demonym_rows()}
    p = shared / "dictionaries" / "upetrarch-arabic" / "actor_dict_ar_v4.txt"
    if not p.is_file():
        return []
    entries: list[tuple[str, list[tuple[str, str | None, str | None]]]] = []
    cur = None
    for raw in p.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if raw.startswith("\t") or raw.startswith("    "):
            if cur is not None:
                for code, a, b in _CODE.findall(raw):
                    cur[1].append((code, a or None, b or None))
            continue
        line = raw.split("#")[0].strip()
        name = re.split(r"\s*\[", line)[0].strip()
        cur = (name, [])
        entries.append(cur)
        for code, a, b in _CODE.findall(line):
            cur[1].append((code, a or None, b or None))
    out = []
    seen = set()
    for i, (name, codes) in enumerate(entries):
        words = [w for w in name.replace("_", " ").split() if w]
        if len(words) < 2 or any(w in ("ل", "ب", "في", "من") for w in words) or not codes:
            continue
        if _LATIN.search(name):
            continue
        key = alias_key(" ".join(words))
        if key in known or key in seen:
            continue
        # most recent code: open-ended first, else latest end
        def _rank(c):
            return (c[2] in (None, "18000101"), c[2] or "", c[1] or "")
        code = max(codes, key=_rank)[0].lstrip("~")
        if len(code) <= 3 or not code[:3].isalpha():
            continue
        iso = code[:3] if code[:3] not in ("IGO", "NGO", "IMG", "MNC", "UIS") else None
        norm_words = [normalize(w) for w in words]
        while norm_words and norm_words[0] in _UP_TITLES:
            norm_words, words = norm_words[1:], words[1:]
        if len(norm_words) < 2 or any(demonyms.get(w) or demonyms.get(w[2:]) for w in norm_words):
            continue
        key = alias_key(" ".join(words))
        if key in known or key in seen:
            continue
        en_words = [_name_word(w, table) for w in norm_words]
        is_person = all(w in persons or w[2:] in persons or w in _NAME_PARTICLES for w in norm_words)
        if not is_person:
            continue
        english = None
        if iso and is_person and iso in leaders:
            guess = " ".join(e or "" for e in en_words)
            best = max(leaders[iso], key=lambda l: fuzz.token_sort_ratio(guess.lower(), l[0].lower()))
            if fuzz.token_sort_ratio(guess.lower(), best[0].lower()) >= 80:
                english = best[0]
        roles = []
        if english:
            roles = [(r, iso, a, b) for n, r, a, b in leaders[iso] if n == english]
        elif all(en_words):
            english = " ".join(en_words)
        if not english:
            continue
        seen.add(key)
        out.append(_ent(f"up:{i}", "PER", english, iso, code, [" ".join(words)], roles,
                        subtype="person", prior=1.0, source="upetrarch"))
    return out


# ------------------------------------------------------------------------------------------------------- build

def ministries(country_ents: list[dict], known: "set[str] | dict[str, str]") -> list[dict]:
    """Ministry entities for each independent country and each portfolio of ``kb/ministry_fields.tsv``.

    Aliases: "وزارة <portfolio> <demonym, feminine>" (وزارة الخارجية الجزائرية) for every masculine demonym form
    of ``lexicons/demonyms*.tsv`` (+ة), and "وزارة <portfolio without ال> <country name>" (وزارة خارجية الجزائر);
    for a portfolio marked ``short`` (4th column) also "<portfolio> <demonym, feminine>" without وزارة (الداخلية
    المصرية, as news writes it). An alias already held by a curated entity (``known``, normalised keys, or a dict of
    key → entity id) is left to it; when ``known`` is a dict, the short aliases of a ministry the curated files
    already hold go to that curated entity (a stub with its id, united by :func:`_merge`). A ministry left with no
    alias is not generated. Output: entity dicts (id ``org:ministry:<portfolio>:<ISO3>``, English "Ministry of <Portfolio>
    (<Country>)", actor code ISO3 + the portfolio's agent)."""
    from khabar.kb.store import alias_key

    fields = [r for r in _rows(KB_DIR / "ministry_fields.tsv") if len(r) >= 3]
    dems: dict[str, list[str]] = defaultdict(list)
    for form, iso in demonym_rows():
        if " " not in form and form.endswith("ي"):
            dems[iso].append(form[2:] if form.startswith("ال") else form)
    out = []
    for c in country_ents:
        iso = c["country"]
        if c.get("prior", 0) < 7.0 or not iso:  # independent states only
            continue
        names = [a for a in c["aliases"] if a and " " not in a.strip()][:3]
        for row in fields:
            ar, en, agent = row[:3]
            full = [f"وزارة {ar} ال{d}ة" for d in dems.get(iso, [])]
            short = [f"{ar} ال{d}ة" for d in dems.get(iso, [])] if row[3:4] == ["short"] else []
            bare = ar[2:] if ar.startswith("ال") else ar
            aliases = full + [f"وزارة {bare} {n}" for n in names]
            held = [known[alias_key(a)] for a in full if isinstance(known, dict) and alias_key(a) in known]
            short = [a for a in short if alias_key(a) not in known]
            aliases = [a for a in aliases if alias_key(a) not in known]
            if held and short:  # the curated ministry takes the short names too
                out.append(_ent(held[0], "ORG", "", iso, iso + agent, short, (), subtype="government_body",
                                prior=0.0, source="generated"))  # prior 0: the curated entity's prior stays
                short = []
            aliases += short
            if not aliases:
                continue
            out.append(_ent(f"org:ministry:{slug(en)}:{iso}", "ORG", f"Ministry of {en} ({c['english']})", iso,
                            iso + agent, aliases, (), subtype="government_body", prior=3.0, source="generated"))
    return out


def _merge(ents: list[dict]) -> list[dict]:
    """Merge entities sharing an id (aliases united; the first one's fields win)."""
    by_id: dict[str, dict] = {}
    for e in ents:
        if e["id"] in by_id:
            b = by_id[e["id"]]
            b["aliases"] = list(dict.fromkeys(b["aliases"] + e["aliases"]))
            for k in ("lat", "lon", "country"):
                if b.get(k) is None and e.get(k) is not None:
                    b[k] = e[k]
            b["prior"] = max(b["prior"], e["prior"])
        else:
            by_id[e["id"]] = dict(e)
    return list(by_id.values())


def build(shared_data_dir: Path | None, out: Path | None = None) -> dict:
    """Build the KB from ``shared_data_dir`` (``../shared/data``; None = curated files only) into ``out``
    (default ``khabar/data/kb/kb.sqlite``). Output: a summary dict (counts per source, path, size in bytes)."""
    from khabar.kb.store import KB_PATH, alias_key

    out = Path(out) if out else KB_PATH
    curated = curated_entities()
    places_by_key = {(e["english"].lower(), e["country"]): e for e in curated if e["id"].startswith("city:")}
    ents = list(curated)
    table: dict[str, str] = {}
    counts: Counter = Counter(curated=len(curated))
    if shared_data_dir is not None:
        shared = Path(shared_data_dir)
        cs, by_en = countries(shared)
        ents += cs
        counts["countries"] = len(cs)
        cts = cities(shared, by_en)
        # curated city with the same English name and country absorbs the public aliases; so does a curated city
        # of the same country sharing the Arabic name (the public list romanises "Tall `Afar" where news write
        # "Tal Afar": one place, not two competing entities)
        by_ar = {(alias_key(a), e["country"]): e for e in curated if e["id"].startswith("city:")
                 for a in e["aliases"]}
        # a public city whose Arabic name is the name of a person, or of a curated region or country elsewhere, is a
        # wrong or minor reading of that name (كاليفورنيا → Cali, ماساتشوستس → Massa, روبيو → Rubio): the curated
        # entity keeps it. Same-country regions (Donetsk) and organisations (a club) do not remove the city.
        curated_other = {alias_key(a) for e in curated if not e["id"].startswith("city:") for a in e["aliases"]}
        taken: dict[str, set] = {}
        for e in curated + cs:
            if e["id"].startswith("city:") or e["type"] == "ORG":
                continue
            for a in e["aliases"]:
                taken.setdefault(alias_key(a), set()).add("PER" if e["type"] == "PER" else e["country"])

        def name_taken(c: dict) -> bool:
            return any(x == "PER" or x != c["country"] for a in c["aliases"] for x in taken.get(alias_key(a), ()))

        for c in cts:
            k = (c["english"].lower(), c["country"])
            same = places_by_key.get(k) or next(
                (by_ar[(alias_key(a), c["country"])] for a in c["aliases"] if (alias_key(a), c["country"]) in by_ar),
                None)
            if same is not None:
                # (not an alias that a curated non-city entity holds: world-cities names Mecca "منطقة مكة المكرمة",
                # which is the curated Makkah Province)
                same["aliases"] += [a for a in c["aliases"] if alias_key(a) not in curated_other]
                counts["cities_merged"] += 1
            elif name_taken(c):
                counts["cities_dropped_name_taken"] += 1
            else:
                ents.append(c)
                counts["cities"] += 1
        table, persons = translit_table(shared)
        counts["translit_words"] = len(table)
        leaders = countryinfo_leaders(shared)
        counts["countryinfo_leaders"] = sum(len(v) for v in leaders.values())
        known = {alias_key(a) for e in ents for a in e["aliases"]}
        ups = upetrarch_actors(shared, table, persons, leaders, known)
        ents += ups
        counts["upetrarch"] = len(ups)
        mins = ministries(cs, {alias_key(a): e["id"] for e in curated for a in e["aliases"]})
        ents += mins
        counts["ministries"] = len(mins)
    else:
        ents += _countries_from_aliases()
    ents = _merge(ents)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    if tmp.exists():
        tmp.unlink()
    con = sqlite3.connect(tmp)
    con.execute("CREATE TABLE entities (id TEXT PRIMARY KEY, type TEXT, english TEXT, country TEXT, actor_code TEXT,"
                " aliases TEXT, roles TEXT, lat REAL, lon REAL, subtype TEXT, prior REAL, source TEXT)")
    con.execute("CREATE TABLE demonyms (form TEXT PRIMARY KEY, iso3 TEXT)")
    con.execute("CREATE TABLE translit (ar TEXT PRIMARY KEY, en TEXT)")
    con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    con.executemany("INSERT INTO entities VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    [(e["id"], e["type"], e["english"], e["country"], e["actor_code"],
                      json.dumps(e["aliases"], ensure_ascii=False), json.dumps(e["roles"]), e["lat"], e["lon"],
                      e["subtype"], e["prior"], e["source"]) for e in ents])
    con.executemany("INSERT OR REPLACE INTO demonyms VALUES (?,?)", demonym_rows())
    con.executemany("INSERT OR REPLACE INTO translit VALUES (?,?)", sorted(table.items()))
    con.executemany("INSERT INTO meta VALUES (?,?)", [("counts", json.dumps(counts))])
    con.commit()
    con.execute("VACUUM")
    con.close()
    tmp.replace(out)
    counts["entities"] = len(ents)
    return {"path": str(out), "bytes": out.stat().st_size, **counts}
