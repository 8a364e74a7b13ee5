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
- An event's ``day`` is its resolved TIMEX3 date when that is a full calendar date (``YYYY-MM-DD``), else the
  article's publication date (GDELT also dates events by their article), else None.

The SQL of the aggregate views (``entities``, ``events_agg``) is here too; the tables they read are defined in
:mod:`khabar.store.duckdb_store`.
"""
from __future__ import annotations

import hashlib
import re
from typing import Any

from khabar.text.normalize import normalize

_WS = re.compile(r"\s+")
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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
    """``YYYY-MM-DD`` day of an event dict: its full-date TIMEX3 value, else ``pub_date`` (may be None)."""
    v = (ev.get("date") or {}).get("value")
    if isinstance(v, str) and _FULL_DATE.match(v[:10]) and (len(v) == 10 or v[10] == "T"):
        return v[:10]
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
ENTITIES_VIEW = """
CREATE OR REPLACE VIEW entities AS
SELECT m.entity_key,
       first(m.label ORDER BY m.doc_id, m.idx)                                       AS label,
       first(m.english ORDER BY m.doc_id, m.idx) FILTER (WHERE m.english IS NOT NULL)  AS english,
       first(m.kb_id ORDER BY m.doc_id, m.idx) FILTER (WHERE m.kb_id IS NOT NULL)      AS kb_id,
       mode(m.country) FILTER (WHERE m.country IS NOT NULL)                            AS country,
       mode(m.actor_code) FILTER (WHERE m.actor_code IS NOT NULL)                      AS actor_code,
       first(m.subtype ORDER BY m.doc_id, m.idx) FILTER (WHERE m.subtype IS NOT NULL)  AS subtype,
       count(*)                                                                       AS n_mentions,
       count(DISTINCT m.doc_id)                                                       AS n_docs,
       min(d.pub_date)                                                                AS first_seen,
       max(d.pub_date)                                                                AS last_seen,
       list(DISTINCT m.text ORDER BY m.text)[1:5]                                     AS surfaces
FROM mentions m JOIN documents d ON d.id = m.doc_id AND d.status = 'ok'
GROUP BY m.entity_key
"""

EVENTS_AGG_VIEW = """
CREATE OR REPLACE VIEW events_agg AS
WITH em AS (SELECT doc_id, event_idx, count(*) AS n FROM event_mentions GROUP BY ALL),
ev AS (
  SELECT e.*, coalesce(em.n, 1) AS n_mentions, d.url, d.source AS outlet, d.created,
         coalesce(d.source, regexp_extract(d.url, '^[a-z]+://([^/]+)', 1), d.id) AS source_name
  FROM events e JOIN documents d ON d.id = e.doc_id AND d.status = 'ok'
  LEFT JOIN em ON em.doc_id = e.doc_id AND em.event_idx = e.idx)
SELECT event_key,
       first(type)                                                                   AS type,
       mode(cameo) FILTER (WHERE cameo IS NOT NULL)                                  AS cameo,
       mode(mode) FILTER (WHERE mode IS NOT NULL)                                    AS mode,
       first(modality)                                                               AS modality,
       first(day)                                                                    AS day,
       first(source_english ORDER BY doc_id, idx) FILTER (WHERE source_english IS NOT NULL)       AS source_english,
       first(source_country ORDER BY doc_id, idx) FILTER (WHERE source_country IS NOT NULL)       AS source_country,
       first(source_actor_code ORDER BY doc_id, idx) FILTER (WHERE source_actor_code IS NOT NULL) AS source_actor_code,
       first(source_kb_id ORDER BY doc_id, idx) FILTER (WHERE source_kb_id IS NOT NULL)           AS source_kb_id,
       first(target_english ORDER BY doc_id, idx) FILTER (WHERE target_english IS NOT NULL)       AS target_english,
       first(target_country ORDER BY doc_id, idx) FILTER (WHERE target_country IS NOT NULL)       AS target_country,
       first(target_actor_code ORDER BY doc_id, idx) FILTER (WHERE target_actor_code IS NOT NULL) AS target_actor_code,
       first(target_kb_id ORDER BY doc_id, idx) FILTER (WHERE target_kb_id IS NOT NULL)           AS target_kb_id,
       first(location_english ORDER BY doc_id, idx) FILTER (WHERE location_english IS NOT NULL)   AS location_english,
       first(location_country ORDER BY doc_id, idx) FILTER (WHERE location_country IS NOT NULL)   AS location_country,
       first(location_kb_id ORDER BY doc_id, idx) FILTER (WHERE location_kb_id IS NOT NULL)       AS location_kb_id,
       first(lat ORDER BY doc_id, idx) FILTER (WHERE lat IS NOT NULL)                             AS lat,
       first(lon ORDER BY doc_id, idx) FILTER (WHERE lon IS NOT NULL)                             AS lon,
       min(sentence) = 0                                                              AS is_root,
       CAST(sum(n_mentions) AS INTEGER)                                               AS n_mentions,
       CAST(count(DISTINCT source_name) AS INTEGER)                                   AS n_sources,
       CAST(count(DISTINCT doc_id) AS INTEGER)                                        AS n_articles,
       list(DISTINCT doc_id ORDER BY doc_id)                                          AS doc_ids,
       first(url ORDER BY created, doc_id) FILTER (WHERE url IS NOT NULL)             AS source_url,
       first(doc_id ORDER BY created, doc_id)                                         AS first_doc,
       min(created)                                                                   AS date_added
FROM ev
GROUP BY event_key
"""

VIEWS = [ENTITIES_VIEW, EVENTS_AGG_VIEW]


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
