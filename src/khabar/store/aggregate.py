"""Cross-document identity: the keys that merge entity mentions and event mentions across articles.

- An entity mention's ``entity_key`` is ``kb:<kb_id>`` when it was linked to the knowledge base, else
  ``nil:<LABEL>:<normalised surface>`` (normalised with :func:`khabar.text.normalize.normalize`, inner
  whitespace collapsed). The ``entities`` view groups mentions by this key.
- An event's ``event_key`` (GDELT-style: one aggregated event = same PLOVER type, same source actor, same target
  actor, same day, same place, same modality; events anchored by no specific actor or place stay per document)
  is the first 15 hex digits of the SHA-1 of those six parts, as a
  positive 60-bit integer (so it is stable across runs, machines and DuckDB versions, and fits BIGINT); it is the
  ``GlobalEventID`` of the GDELT export. Actors and places are identified by KB id, else CAMEO actor code,
  else lower-cased English name, else country, else normalised surface text; ``-`` when absent.
- An event's ``day`` is its resolved TIMEX3 date when that is a full calendar date (``YYYY-MM-DD``); the first day
  of the period when the value is a month (``2014-12`` → 2014-12-01) or an ISO week (``2025-W07`` → its Monday),
  so that ``--since``/``--until`` find events of an earlier month; else the article's publication date (GDELT
  also dates events by their article), else None. The exact TIMEX3 value stays in ``date_value``.

The SQL of the aggregate views (``entities``, ``events_agg``) is here too; the tables they read are defined in
:mod:`khabar.store.duckdb_store`.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from typing import Any

from khabar.paths import LEXICONS
from khabar.text.normalize import normalize

_WS = re.compile(r"\s+")
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")
_WEEK = re.compile(r"^\d{4}-W\d{2}$")


def norm_surface(text: str | None) -> str:
    """Matching form of a surface string: normalize() then collapsed whitespace (str → str)."""
    return _WS.sub(" ", normalize(text or "")).strip()


def entity_key(ent: dict[str, Any]) -> str:
    """Cross-document key of one entity mention dict (fields of :class:`khabar.document.Entity`)."""
    if ent.get("kb_id"):
        return f"kb:{ent['kb_id']}"
    return f"nil:{ent.get('label') or 'MISC'}:{norm_surface(ent.get('text'))}"


def actor_key(a: dict[str, Any] | None) -> str:
    """Identity of an event actor dict (:class:`khabar.document.Actor`); ``-`` for None/empty."""
    if not a:
        return "-"
    if a.get("kb_id"):
        return f"kb:{a['kb_id']}"
    if a.get("actor_code"):
        return f"code:{a['actor_code']}"
    if a.get("english"):
        return f"en:{a['english'].strip().lower()}"
    if a.get("country"):
        return f"cc:{a['country']}"
    if a.get("text"):
        return f"ar:{norm_surface(a['text'])}"
    return "-"


def place_key(p: dict[str, Any] | None) -> str:
    """Identity of an event location dict (:class:`khabar.document.Place`); ``-`` for None/empty."""
    return actor_key(p)


def event_day(ev: dict[str, Any], pub_date: str | None) -> str | None:
    """``YYYY-MM-DD`` day of an event dict: its full-date TIMEX3 value; the first day of a month value
    (``YYYY-MM``) or the Monday of an ISO week value (``YYYY-Www``); else ``pub_date`` (may be None)."""
    v = (ev.get("date") or {}).get("value")
    if isinstance(v, str) and _FULL_DATE.match(v[:10]) and (len(v) == 10 or v[10] == "T"):
        return v[:10]
    if isinstance(v, str):
        try:
            if _MONTH.match(v):
                return dt.date(int(v[:4]), int(v[5:7]), 1).isoformat()
            if _WEEK.match(v):
                return dt.date.fromisocalendar(int(v[:4]), int(v[6:8]), 1).isoformat()
        except ValueError:
            pass  # an impossible month or week number: fall back to the publication date
    return pub_date


def _anchored(x: dict[str, Any] | None) -> bool:
    return bool(x) and any(x.get(k) for k in ("kb_id", "english", "country"))


def event_key(ev: dict[str, Any], pub_date: str | None, doc_id: str = "", idx: int = 0) -> int:
    """Aggregation key (positive int < 2**60) of an event dict (:class:`khabar.document.Event` as a dict).

    Events anchored by nothing specific (no actor or place with a KB id, English name or country: e.g. only a
    bare role code such as ``GOV``) are never merged across documents: their key also holds ``doc_id``/``idx``.
    """
    parts = [ev.get("type") or "", actor_key(ev.get("source")), actor_key(ev.get("target")),
             event_day(ev, pub_date) or "-", place_key(ev.get("location")), ev.get("modality") or "asserted"]
    if not (_anchored(ev.get("source")) or _anchored(ev.get("target")) or _anchored(ev.get("location"))):
        parts += [doc_id, str(idx)]
    return int(hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()[:15], 16)


# --------------------------------------------------------------------------- views
def _most_frequent(col: str, part: str) -> str:
    """SQL: the most frequent non-null value of ``col`` in the group (ties → smallest value), deterministic
    whatever the physical row order (unlike DuckDB's ``mode``). Needs the window column ``c_<col>`` counting
    rows per (``part``, ``col``), see :func:`_counts`."""
    return f"first({col} ORDER BY c_{col} DESC, {col}) FILTER (WHERE {col} IS NOT NULL)"


def _counts(cols: list[str], alias: str, part: str) -> str:
    return ", ".join(f"count(*) OVER (PARTITION BY {alias}.{part}, {alias}.{c}) AS c_{c}" for c in cols)


ENTITIES_VIEW = f"""
CREATE OR REPLACE VIEW entities AS
WITH m AS (
  SELECT m.*, d.pub_date, {_counts(["text", "english", "country", "actor_code", "subtype", "label"], "m", "entity_key")}
  FROM mentions m JOIN documents d ON d.id = m.doc_id AND d.status = 'ok'),
s AS (SELECT DISTINCT entity_key, text, c_text FROM m)
SELECT m.entity_key,
       {_most_frequent("label", "entity_key")}                       AS label,
       {_most_frequent("english", "entity_key")}                     AS english,
       min(m.kb_id)                                                  AS kb_id,
       {_most_frequent("country", "entity_key")}                     AS country,
       {_most_frequent("actor_code", "entity_key")}                  AS actor_code,
       {_most_frequent("subtype", "entity_key")}                     AS subtype,
       coalesce(first(text ORDER BY c_text DESC, text) FILTER (WHERE text IS NOT NULL
                      AND coalesce(link, '') <> 'role'),           -- a name, not "الرئيس الفلسطيني"
                {_most_frequent("text", "entity_key")})               AS surface,
       count(*)                                                      AS n_mentions,
       count(DISTINCT m.doc_id)                                      AS n_docs,
       min(m.pub_date)                                               AS first_seen,
       max(m.pub_date)                                               AS last_seen,
       (SELECT list(s.text ORDER BY s.c_text DESC, s.text)[1:5] FROM s WHERE s.entity_key = m.entity_key)
                                                                     AS surfaces
FROM m
GROUP BY m.entity_key
"""

_EV_COLS = ["cameo", "mode", "source_english", "source_country", "source_actor_code", "source_kb_id",
            "target_english", "target_country", "target_actor_code", "target_kb_id", "location_english",
            "location_country", "location_kb_id"]

EVENTS_AGG_VIEW = f"""
CREATE OR REPLACE VIEW events_agg AS
WITH em AS (SELECT doc_id, event_idx, count(*) AS n FROM event_mentions GROUP BY ALL),
ev AS (
  SELECT e.*, coalesce(em.n, 1) AS n_mentions, d.url, d.source AS outlet, d.created,
         coalesce(d.source, regexp_extract(d.url, '^[a-z]+://([^/]+)', 1), d.id) AS source_name,
         {_counts(_EV_COLS, "e", "event_key")}
  FROM events e JOIN documents d ON d.id = e.doc_id AND d.status = 'ok'
  LEFT JOIN em ON em.doc_id = e.doc_id AND em.event_idx = e.idx)
SELECT event_key,
       first(type)                                                   AS type,
       {_most_frequent("cameo", "event_key")}                        AS cameo,
       {_most_frequent("mode", "event_key")}                         AS mode,
       first(modality)                                               AS modality,
       first(day)                                                    AS day,
       {", ".join(f"{_most_frequent(c, 'event_key')} AS {c}" for c in _EV_COLS[2:])},
       first(lat ORDER BY doc_id, idx) FILTER (WHERE lat IS NOT NULL) AS lat,
       first(lon ORDER BY doc_id, idx) FILTER (WHERE lon IS NOT NULL) AS lon,
       min(sentence) = 0                                             AS is_root,
       CAST(sum(n_mentions) AS INTEGER)                              AS n_mentions,
       CAST(count(DISTINCT source_name) AS INTEGER)                  AS n_sources,
       CAST(count(DISTINCT doc_id) AS INTEGER)                       AS n_articles,
       list(DISTINCT doc_id ORDER BY doc_id)                         AS doc_ids,
       first(url ORDER BY created, doc_id) FILTER (WHERE url IS NOT NULL) AS source_url,
       first(doc_id ORDER BY created, doc_id)                        AS first_doc,
       min(created)                                                  AS date_added
FROM ev
GROUP BY event_key
"""

VIEWS = [ENTITIES_VIEW, EVENTS_AGG_VIEW]


@functools.lru_cache(maxsize=1)
def _plover_scores() -> dict[tuple[str, str], float]:
    out: dict[tuple[str, str], float] = {}
    with open(LEXICONS / "plover_scores.tsv", encoding="utf-8") as fh:
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            typ, mode, score = (line.rstrip("\n").split("\t") + ["", ""])[:3]
            out[(typ.strip().upper(), mode.strip().lower())] = float(score)
    return out


def plover_score(event_type: str | None, mode: str | None = None) -> float | None:
    """PLOVER conflict–cooperation score (−10 … +10) of an event type and mode, or None for an unknown type.

    Source: the score table of the PLOVER manual (``data/lexicons/plover_scores.tsv``); a mode the table does
    not list gets its type's own score.
    """
    if not event_type:
        return None
    table = _plover_scores()
    typ = event_type.upper()
    return table.get((typ, (mode or "").lower()), table.get((typ, "")))


def quad_class(cameo: str | None) -> int | None:
    """CAMEO QuadClass from a CAMEO code: 1 verbal cooperation (01–05), 2 material cooperation (06–08),
    3 verbal conflict (09–13), 4 material conflict (14–20); None when the code has no root (GDELT's
    definition)."""
    if not cameo or len(cameo) < 2 or not cameo[:2].isdigit():
        return None
    root = int(cameo[:2])
    if 1 <= root <= 5:
        return 1
    if 6 <= root <= 8:
        return 2
    if 9 <= root <= 13:
        return 3
    if 14 <= root <= 20:
        return 4
    return None


def actor_code_parts(code: str | None, country: str | None) -> dict[str, str | None]:
    """Split a CAMEO actor code (``RUSGOV``, ``USAMILREB``, ``IGOUNO``) into GDELT's actor columns.

    Output keys: CountryCode (``country``; the code's first three letters are dropped when they equal it),
    KnownGroupCode (for ``IGO``/``NGO``/``MNC`` prefixed codes, the next 3 letters), and
    Type1Code…Type3Code (the following 3-letter role codes).
    """
    out: dict[str, str | None] = {"CountryCode": country, "KnownGroupCode": None,
                                  "Type1Code": None, "Type2Code": None, "Type3Code": None}
    if not code:
        return out
    code = code.upper()
    rest = code
    if code[:3] in ("IGO", "NGO", "MNC", "NGM"):
        out["KnownGroupCode"] = code[3:6] or None
        rest = code[6:]
    elif country and code.startswith(country):
        rest = code[3:]
    chunks = [rest[i:i + 3] for i in range(0, len(rest), 3) if rest[i:i + 3]]
    for i, c in enumerate(chunks[:3], 1):
        out[f"Type{i}Code"] = c
    return out
