"""Build the event trigger lexicon (``khabar/data/lexicons/events_lexicon.json``).

Inputs (read-only):

- ``dictionaries/upetrarch-arabic/CAMEO.ar.0.5.txt`` — UniversalPetrarch's Arabic verb dictionary (MIT, Open Event
  Data Alliance): verb blocks ``--- LEMMA [code] ---`` with verb forms and noun patterns ``- * NOUN [code] # …``.
- ``ontology/plover/CAMEO2PLOVER-2021.txt`` — the CAMEO → PLOVER (type, mode) map (CC BY-SA 4.0).
- ``khabar/data/lexicons/events_triggers.tsv`` — our hand-written triggers (verbs and event nouns), which take
  priority.

Cleaning of the UniversalPetrarch part (documented in ``docs/bench/events.md``):

1. Only *pattern* entries are kept (verb lemma + an Arabic content word of the pattern, e.g. ``نظم`` + ``مظاهرة``
   → 141). Block-level codes (``--- وصل [010] ---``) are dropped: measured on the GSR they fire on ordinary verbs.
2. Synonym-set references (``&MILITARY``), brackets, braces and Latin tokens are removed; words are normalised
   (:func:`khabar.text.normalize.normalize`); words of 1 letter and function words are dropped.
3. Codes are mapped with CAMEO2PLOVER (a 4-digit code falls back to its 3-digit parent, a 3-digit to its 2-digit
   root); CAMEO 02x (appeals) → REQUEST; 01x (statements) has no PLOVER type and is dropped.
4. Duplicate (lemma, noun) pairs keep the first code seen.

Output JSON: ``{"version", "sources", "cameo2plover": {code: [type, mode]}, "hand": [row…], "upetrarch":
[{"verbs": [form…], "noun": str, "cameo": str, "type": str, "mode": str|None}…]}``.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from khabar.paths import LEXICONS
from khabar.text.normalize import normalize

OUT = LEXICONS / "events_lexicon.json"
HAND = LEXICONS / "events_triggers.tsv"

_STOP = {"في", "من", "الى", "الي", "علي", "على", "عن", "ل", "ب", "مع", "هوو", "ضد", "بين", "قبل", "بعد", "حد", "او", "و",
         "ان", "ما", "اجل", "طريق", "خلال", "حول", "نحو", "لدي", "لدى", "امام", "اي", "هذا", "ذلك", "كل"}
_AR_WORD = re.compile(r"[\u0621-\u064a]+")


def load_cameo2plover(path: Path) -> dict[str, tuple[str, str | None]]:
    """Parse ``CAMEO2PLOVER-2021.txt`` → ``{cameo_code: (PLOVER type, mode or None)}``.

    Lines look like ``044: CONSULT, third-party,   # gloss``; 2-digit root lines (``04: CONSULT``) are kept too.
    """
    out: dict[str, tuple[str, str | None]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\s*(\d{2,4}):\s*([A-Z]+)\s*(?:,\s*([^,#]*))?", line)
        if not m:
            continue
        code, typ, mode = m.group(1), m.group(2), (m.group(3) or "").strip()
        out.setdefault(code, (typ, mode or None))
    for code in ("02", "020", "021", "022", "023", "024", "025", "026", "027", "028"):
        out.setdefault(code, ("REQUEST", None))
    return out


def map_code(code: str, c2p: dict[str, tuple[str, str | None]]) -> tuple[str, str | None] | None:
    """PLOVER (type, mode) of a CAMEO code, falling back to shorter parents; None when unmapped."""
    for k in (code, code[:3], code[:2]):
        if k in c2p:
            return c2p[k]
    return None


def read_hand(path: Path = HAND) -> list[dict[str, Any]]:
    """Rows of the hand-written trigger TSV (see its header) as dicts: forms (list), type, cameo, mode, pos, flags."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 6:
            continue
        forms = [normalize(f).strip() for f in parts[0].split("|") if f.strip()]
        rows.append({
            "forms": forms, "type": parts[1].strip(), "cameo": parts[2].strip(),
            "mode": None if parts[3].strip() in ("", "-") else parts[3].strip(), "pos": parts[4].strip(),
            "flags": [] if parts[5].strip() in ("", "-") else [x.strip() for x in parts[5].split(",")],
        })
    return rows


def parse_upetrarch(path: Path, c2p: dict[str, tuple[str, str | None]]) -> list[dict[str, Any]]:
    """Pattern entries of ``CAMEO.ar.0.5.txt`` after cleaning (see module doc)."""
    entries: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    verbs: list[str] = []
    in_verbs = False
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("####### VERB PATTERNS"):
            in_verbs = True
            continue
        if not in_verbs or not line:
            continue
        if line.startswith("---"):
            m = re.match(r"---\s*(\S+)", line)
            verbs = []
            if m:
                verbs.append(normalize(m.group(1).split("+")[0]))
            continue
        if line.startswith("-"):
            m = re.search(r"\[(\d{2,4})\]", line)
            if not m or not verbs:
                continue
            mapped = map_code(m.group(1), c2p)
            if not mapped:
                continue
            body = line[1:line.index("[")]
            body = re.sub(r"&[A-Z_]+", " ", body)
            words = [normalize(w) for w in _AR_WORD.findall(body)]
            words = [w for w in words if len(w) > 2 and w not in _STOP]
            if not words:
                continue
            noun = max(words, key=len)
            key = (verbs[0], noun)
            if key in seen:
                continue
            seen.add(key)
            entries.append({"verbs": list(dict.fromkeys(verbs)), "noun": noun, "cameo": m.group(1),
                            "type": mapped[0], "mode": mapped[1]})
            continue
        if line.startswith("#"):
            continue
        # a verb form line: "FORM   [code]?   # gloss"
        form = line.split("#")[0]
        form = re.sub(r"\[[^\]]*\]", " ", form).strip()
        if not form or re.search(r"[A-Za-z]", form):
            continue
        head = normalize(form.split()[0].split("+")[0])
        if len(head) >= 2 and head not in verbs:
            verbs.append(head)
    return entries


def build(shared_data_dir: Path | str, out: Path | str | None = None) -> dict[str, Any]:
    """Build the merged lexicon and write it as JSON.

    Input: ``shared_data_dir`` — the staged ``shared/data`` folder; ``out`` — output path (default
    ``khabar/data/lexicons/events_lexicon.json``). Output: the lexicon dict (also written to ``out``), with a
    ``"stats"`` entry (counts). Raises ``FileNotFoundError`` when an input file is missing.
    """
    base = Path(shared_data_dir)
    cam = base / "dictionaries" / "upetrarch-arabic" / "CAMEO.ar.0.5.txt"
    c2p_path = base / "ontology" / "plover" / "CAMEO2PLOVER-2021.txt"
    for p in (cam, c2p_path):
        if not p.is_file():
            raise FileNotFoundError(f"lexicon input missing: {p}")
    c2p = load_cameo2plover(c2p_path)
    hand = read_hand()
    up = parse_upetrarch(cam, c2p)
    lex = {
        "version": 1,
        "sources": {
            "upetrarch": "openeventdata/UniversalPetrarch@a0af422 CAMEO.ar.0.5.txt (MIT)",
            "plover": "openeventdata/PLOVER@5e0c24f CAMEO2PLOVER-2021.txt (CC BY-SA 4.0)",
            "hand": "khabar/data/lexicons/events_triggers.tsv",
        },
        "cameo2plover": {k: list(v) for k, v in sorted(c2p.items())},
        "hand": hand,
        "upetrarch": up,
        "stats": {"hand_rows": len(hand), "hand_forms": sum(len(r["forms"]) for r in hand),
                  "upetrarch_patterns": len(up), "cameo_codes": len(c2p)},
    }
    path = Path(out) if out else OUT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(lex, ensure_ascii=False, indent=0, sort_keys=False) + "\n", encoding="utf-8")
    return lex


if __name__ == "__main__":  # pragma: no cover - convenience
    from khabar.paths import shared_data

    print(json.dumps(build(shared_data())["stats"]))
