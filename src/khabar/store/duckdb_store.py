"""The embedded event store: corpus ingest into DuckDB, exports (Parquet, GDELT-2.0 TSV, PLOVER JSONL), queries.

Schema (full description in ``docs/schema.md``): tables ``documents`` (one row per input unit, status
ok | failed | skipped), ``sentences``, ``mentions`` (entity mentions), ``timexes``, ``events``,
``event_mentions``, ``quotes``, ``noise``, ``meta``; views ``entities`` (canonical entities aggregated across
documents) and ``events_agg`` (aggregated events, GDELT style), defined in :mod:`khabar.store.aggregate`.
Character offsets are ``start_char`` (inclusive) / ``end_char`` (exclusive) in code points of
``documents.text``, exactly the offsets of ``Document.to_dict()``.

Guarantees of :func:`ingest`:

- **Identity**: a document's ``id`` is the id given by the input, else the SHA-256 of its text. An input unit's
  ``input`` key (absolute path, plus ``:line`` / ``#n``) is the primary key of ``documents``. An id already
  stored for a *different* text becomes ``id~<12 hex digits of the text's SHA-256>`` (with a warning), so two
  feeds that number their items alike lose nothing.
- **Every input accounted for**: each unit ends as exactly one ``documents`` row: ``ok``; ``failed`` with a
  ``reason`` (unreadable, malformed or oversized JSON line, no text or an empty one, pipeline crash); or
  ``skipped`` (its id was already ingested from another unit with the same non-empty text: ``reason`` names the
  id). A unit whose key is stored but whose
  text has changed since (a feed file rewritten under the same name) is a new unit ``key@<12 hex digits>``.
- **Atomic and resumable**: rows are written in transactions that each hold whole documents (a document's
  child rows and its ``documents`` row commit together), so a kill (even SIGKILL) loses at most the
  uncommitted batch and never leaves half a document; re-running skips every unit whose ``input`` is already in
  ``documents``, so an interrupted-then-resumed run ends in the same database as an uninterrupted one (same
  rows; only ``documents.created`` times differ). Aggregates are views, so they are always consistent.
- **Parallel**: ``workers`` > 1 runs the pipeline in a spawn process pool (each worker loads the models once
  in its initializer); the main process reads inputs and writes the database; at most ``3 × workers`` chunks
  are in flight, so memory does not grow with the corpus.
"""
from __future__ import annotations

import bisect
import csv
import datetime as _dt
import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from khabar.store import aggregate as agg

SCHEMA_VERSION = "1"
ROW_GROUP_SIZE = int(os.environ.get("KHABAR_ROW_GROUP_SIZE", "8192"))
INGEST_MEMORY = os.environ.get("KHABAR_INGEST_MEMORY", "64MB")

_SPAN = [("start_char", "INTEGER"), ("end_char", "INTEGER"), ("text", "VARCHAR")]
_ACTOR = lambda p: [(f"{p}_english", "VARCHAR"), (f"{p}_country", "VARCHAR"), (f"{p}_actor_code", "VARCHAR"),  # noqa: E731
                    (f"{p}_kb_id", "VARCHAR"), (f"{p}_text", "VARCHAR"), (f"{p}_start", "INTEGER"),
                    (f"{p}_end", "INTEGER")]

#: table name -> [(column, DuckDB type)], in column order. ``documents.input`` is the primary key.
TABLES: dict[str, list[tuple[str, str]]] = {
    "documents": [
        ("input", "VARCHAR"), ("id", "VARCHAR"), ("status", "VARCHAR"), ("reason", "VARCHAR"),
        ("source_path", "VARCHAR"), ("source_line", "INTEGER"), ("format", "VARCHAR"),
        ("title", "VARCHAR"), ("url", "VARCHAR"), ("source", "VARCHAR"), ("date_raw", "VARCHAR"),
        ("pub_date", "DATE"), ("text_sha256", "VARCHAR"), ("n_chars", "INTEGER"), ("n_sentences", "INTEGER"),
        ("n_entities", "INTEGER"), ("n_timexes", "INTEGER"), ("n_events", "INTEGER"), ("n_quotes", "INTEGER"),
        ("n_noise", "INTEGER"), ("warnings", "VARCHAR[]"), ("text", "VARCHAR"), ("created", "TIMESTAMP"),
    ],
    "sentences": [("doc_id", "VARCHAR"), ("idx", "INTEGER"), ("start_char", "INTEGER"), ("end_char", "INTEGER")],
    "mentions": [
        ("doc_id", "VARCHAR"), ("idx", "INTEGER"), ("sentence", "INTEGER"), *_SPAN, ("label", "VARCHAR"),
        ("subtype", "VARCHAR"), ("english", "VARCHAR"), ("kb_id", "VARCHAR"), ("country", "VARCHAR"),
        ("actor_code", "VARCHAR"), ("role", "VARCHAR"), ("link", "VARCHAR"), ("score", "DOUBLE"),
        ("cluster", "INTEGER"), ("lat", "DOUBLE"), ("lon", "DOUBLE"), ("entity_key", "VARCHAR"),
    ],
    "timexes": [
        ("doc_id", "VARCHAR"), ("idx", "INTEGER"), ("sentence", "INTEGER"), *_SPAN, ("type", "VARCHAR"),
        ("value", "VARCHAR"), ("anchor", "VARCHAR"), ("approximate", "BOOLEAN"), ("note", "VARCHAR"),
    ],
    "events": [
        ("doc_id", "VARCHAR"), ("idx", "INTEGER"), ("sentence", "INTEGER"), ("type", "VARCHAR"),
        ("mode", "VARCHAR"), ("cameo", "VARCHAR"), ("modality", "VARCHAR"),
        ("trigger_start", "INTEGER"), ("trigger_end", "INTEGER"), ("trigger_text", "VARCHAR"),
        *_ACTOR("source"), *_ACTOR("target"),
        ("location_english", "VARCHAR"), ("location_country", "VARCHAR"), ("location_kb_id", "VARCHAR"),
        ("location_text", "VARCHAR"), ("lat", "DOUBLE"), ("lon", "DOUBLE"),
        ("date_value", "VARCHAR"), ("date_source", "VARCHAR"), ("day", "DATE"), ("event_key", "BIGINT"),
        ("sources_json", "VARCHAR"), ("targets_json", "VARCHAR"),
    ],
    "event_mentions": [("doc_id", "VARCHAR"), ("event_idx", "INTEGER"), ("idx", "INTEGER"),
                       ("sentence", "INTEGER"), *_SPAN],
    "quotes": [
        ("doc_id", "VARCHAR"), ("idx", "INTEGER"), ("sentence", "INTEGER"), *_SPAN, ("kind", "VARCHAR"),
        ("cue_start", "INTEGER"), ("cue_end", "INTEGER"), ("cue_text", "VARCHAR"),
        ("speaker_english", "VARCHAR"), ("speaker_kb_id", "VARCHAR"), ("speaker_country", "VARCHAR"),
        ("speaker_actor_code", "VARCHAR"), ("speaker_text", "VARCHAR"),
    ],
    "noise": [("doc_id", "VARCHAR"), ("idx", "INTEGER"), *_SPAN, ("kind", "VARCHAR"), ("detail", "VARCHAR")],
}
CHILD_TABLES = [t for t in TABLES if t != "documents"]
#: every table and view, in export order
ALL_RELATIONS = ["documents", *CHILD_TABLES, "entities", "events_agg"]


class StoreError(RuntimeError):
    """The database cannot be opened or used (locked by another process, not a khabar store …)."""


# --------------------------------------------------------------------------- connection and schema
def _q(col: str) -> str:
    return '"' + col + '"'


def connect(db: str | os.PathLike, read_only: bool = False):
    """Open (and, when writable, create or migrate) a khabar store. Returns a ``duckdb`` connection.

    Raises :class:`StoreError` with a one-line reason (file locked by a running ingest, missing file in
    read-only mode, not a DuckDB file, a store written by a newer khabar: its ``schema_version`` is above
    :data:`SCHEMA_VERSION`; such a store is neither read nor written).
    """
    import duckdb

    path = Path(db)
    if read_only and not path.exists():
        raise StoreError(f"no such database: {db}")
    if path.exists() and path.is_dir():
        raise StoreError(f"{db} is a folder, not a database file")
    # No network: DuckDB would otherwise try to download an extension to read e.g. a SQLite file.
    offline = {"autoload_known_extensions": False, "autoinstall_known_extensions": False}
    try:
        if read_only:
            con = duckdb.connect(str(path), read_only=True, config=offline)
        else:
            # Small row groups: a checkpoint rewrites the row group being appended to, so with DuckDB's default
            # (122,880 rows) the memory of each checkpoint grows with the corpus (whole article texts).
            con = duckdb.connect(config=offline)
            lit = str(path).replace("'", "''")
            con.execute(f"ATTACH '{lit}' AS store (ROW_GROUP_SIZE {ROW_GROUP_SIZE})")
            con.execute("USE store")
            # A bounded buffer pool keeps the writer's memory flat as the database grows (it caches written
            # blocks otherwise); DuckDB spills to disk if it ever needs more.
            con.execute(f"SET memory_limit = '{INGEST_MEMORY}'")
    except duckdb.Error as exc:
        raise StoreError(f"cannot open {db}: {str(exc).splitlines()[0]}") from None
    try:
        names = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database()").fetchall()}
        version = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() \
            if "meta" in names else None
    except duckdb.Error as exc:
        con.close()
        raise StoreError(f"cannot read {db}: {str(exc).splitlines()[0]}") from None
    if version is not None and not _readable_version(version[0]):
        con.close()
        raise StoreError(f"{db} was written by a newer khabar (store schema version {str(version[0])[:20]!r}; this "
                         f"khabar reads version {SCHEMA_VERSION} and older): upgrade khabar or use another --db")
    if names and version is None:
        con.close()
        shown = ", ".join(sorted(names)[:5]) + (" …" if len(names) > 5 else "")
        raise StoreError(f"{db} is a DuckDB database but not a khabar store (tables: {shown}); "
                         "give a new file or a store written by 'khabar ingest'")
    if not read_only:
        init_schema(con)
    elif "documents" not in names:
        con.close()
        raise StoreError(f"{db} is not a khabar store (no documents table)")
    return con


def _readable_version(v: Any) -> bool:
    """True when a store of schema version ``v`` (the ``meta`` value, a str) can be read and written by this code."""
    try:
        return int(str(v).strip()) <= int(SCHEMA_VERSION)
    except ValueError:
        return False


def init_schema(con) -> None:
    """Create the tables, views and meta rows if missing (idempotent)."""
    for name, cols in TABLES.items():
        body = ", ".join(f"{_q(c)} {t}" for c, t in cols)
        if name == "documents":
            body = body.replace('"input" VARCHAR', '"input" VARCHAR PRIMARY KEY', 1)
        con.execute(f"CREATE TABLE IF NOT EXISTS {name} ({body})")
    con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])
    for sql in agg.VIEWS:
        con.execute(sql)


def _insert(con, table: str, rows: Sequence[Sequence[Any]]) -> None:
    """Columnar bulk insert of ``rows`` (tuples in TABLES column order) with one statement (list unnest)."""
    if not rows:
        return
    cols = TABLES[table]
    columns = [list(c) for c in zip(*rows)]
    sel = ", ".join(f"unnest(${i + 1}::{t}[])" for i, (_, t) in enumerate(cols))
    con.execute(f"INSERT INTO {table} ({', '.join(_q(c) for c, _ in cols)}) SELECT {sel}", columns)


# --------------------------------------------------------------------------- Document dict -> rows
def _f(x: Any) -> float | None:
    return None if x is None else float(x)


def _i(x: Any) -> int | None:
    return None if x is None else int(x)


def _actor_cols(a: dict | None) -> list[Any]:
    a = a or {}
    return [a.get("english"), a.get("country"), a.get("actor_code"), a.get("kb_id"), a.get("text"),
            _i(a.get("start")), _i(a.get("end"))]


def doc_rows(d: dict[str, Any], doc_id: str) -> dict[str, list[tuple]]:
    """Child-table rows of one analysed document.

    Input: ``d`` = ``Document.to_dict()`` (the JSON contract), ``doc_id`` the store id.
    Output: ``{table: [row tuple in TABLES column order]}`` for every table of :data:`CHILD_TABLES`.
    """
    sents = d.get("sentences") or []
    starts = [s["start"] for s in sents]

    def sent_of(off: Any) -> int | None:
        if off is None or not starts:
            return None
        i = bisect.bisect_right(starts, off) - 1
        return i if i >= 0 and off < sents[i]["end"] else None

    out: dict[str, list[tuple]] = {t: [] for t in CHILD_TABLES}
    out["sentences"] = [(doc_id, i, s["start"], s["end"]) for i, s in enumerate(sents)]
    for i, e in enumerate(d.get("entities") or []):
        out["mentions"].append((doc_id, i, sent_of(e.get("start")), e.get("start"), e.get("end"), e.get("text"),
                                e.get("label"), e.get("subtype"), e.get("english"), e.get("kb_id"),
                                e.get("country"), e.get("actor_code"), e.get("role"), e.get("link"),
                                _f(e.get("score")), _i(e.get("cluster")), _f(e.get("lat")), _f(e.get("lon")),
                                agg.entity_key(e)))
    for i, t in enumerate(d.get("timexes") or []):
        out["timexes"].append((doc_id, i, sent_of(t.get("start")), t.get("start"), t.get("end"), t.get("text"),
                               t.get("type"), t.get("value"), t.get("anchor"), bool(t.get("approximate")),
                               t.get("note")))
    pub = d.get("pub_date")
    for i, ev in enumerate(d.get("events") or []):
        trig = ev.get("trigger") or {}
        loc = ev.get("location") or {}
        date = ev.get("date") or {}
        out["events"].append((
            doc_id, i, _i(ev.get("sentence")), ev.get("type"), ev.get("mode"), ev.get("cameo"),
            ev.get("modality") or "asserted", trig.get("start"), trig.get("end"), trig.get("text"),
            *_actor_cols(ev.get("source")), *_actor_cols(ev.get("target")),
            loc.get("english"), loc.get("country"), loc.get("kb_id"), loc.get("text"), _f(loc.get("lat")),
            _f(loc.get("lon")), None if date.get("value") is None else str(date.get("value")), date.get("source"),
            agg.event_day(ev, pub), agg.event_key(ev, pub, doc_id, i),
            json.dumps(ev.get("sources") or [], ensure_ascii=False),
            json.dumps(ev.get("targets") or [], ensure_ascii=False)))
        spans = ev.get("mentions") or ([trig] if trig else [])
        for j, m in enumerate(spans):
            out["event_mentions"].append((doc_id, i, j, sent_of(m.get("start")), m.get("start"), m.get("end"),
                                          m.get("text")))
    for i, q in enumerate(d.get("quotes") or []):
        cue = q.get("cue") or {}
        sp = q.get("speaker") or {}
        out["quotes"].append((doc_id, i, sent_of(q.get("start")), q.get("start"), q.get("end"), q.get("text"),
                              q.get("kind"), cue.get("start"), cue.get("end"), cue.get("text"),
                              sp.get("english"), sp.get("kb_id"), sp.get("country"), sp.get("actor_code"),
                              sp.get("text")))
    for i, n in enumerate(d.get("noise") or []):
        out["noise"].append((doc_id, i, n.get("start"), n.get("end"), n.get("text"), n.get("kind"), n.get("detail")))
    return out


# --------------------------------------------------------------------------- workers
@dataclass
class _Job:
    key: str
    doc_id: str
    text: str
    pub_date: str | None


def _init_worker() -> None:
    """Process-pool initializer: ignore Ctrl-C (the main process handles it) and load every stage's models."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from khabar import pipeline

    pipeline.stages()
    pipeline.analyze("بدأ الاجتماع في المدينة يوم الاثنين.", "2020-01-01")


def _analyze_jobs(jobs: list[_Job]) -> list[tuple[str, dict | None, dict | None, str | None]]:
    """Run the pipeline over ``jobs``; per job ``(key, rows, summary, error)`` (error None on success)."""
    from khabar.pipeline import analyze

    out = []
    for job in jobs:
        try:
            doc = analyze(job.text, job.pub_date, doc_id=job.doc_id)
            d = doc.to_dict()
            rows = doc_rows(d, job.doc_id)
            summary = {"n_sentences": len(d["sentences"]), "n_entities": len(d["entities"]),
                       "n_timexes": len(d["timexes"]), "n_events": len(d["events"]),
                       "n_quotes": len(d["quotes"]), "n_noise": len(d["noise"]),
                       "warnings": [str(w) for w in d.get("warnings") or []]}
            out.append((job.key, rows, summary, None))
        except Exception as exc:  # noqa: BLE001 - one bad article must not stop the corpus
            out.append((job.key, None, None, f"pipeline error: {type(exc).__name__}: {str(exc)[:200]}"))
    return out


# --------------------------------------------------------------------------- writer
@dataclass
class IngestResult:
    """Counts of one ingest run. ``ok``/``failed``/``skipped``: units newly recorded by this run;
    ``already``: units found already recorded (previous runs); ``totals``: the database's documents by status
    after the run; ``seconds``: wall time; ``rate``: new documents (ok+failed) analysed per second;
    ``undated``: inputs of this run analysed with no publication date (no date field and no ``default_date``)."""

    read: int = 0
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    already: int = 0
    seconds: float = 0.0
    totals: dict[str, int] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)
    undated: int = 0  # inputs of this run analysed without any publication date

    @property
    def rate(self) -> float:
        return (self.ok + self.failed) / self.seconds if self.seconds > 0 else 0.0


class _Writer:
    """Buffers whole documents and commits them in batches (one transaction each)."""

    def __init__(self, con, batch_size: int, commit_seconds: float, on_commit: Callable[[int], None] | None):
        self.con = con
        self.batch_size = max(1, batch_size)
        self.commit_seconds = commit_seconds
        self.on_commit = on_commit
        self.docs: list[tuple] = []
        self.children: list[dict[str, list[tuple]]] = []
        self.last = time.monotonic()
        self.committed = 0
        self.store_failures = 0  # ok documents the database refused (recorded as failed instead)

    def add(self, doc_row: tuple, children: dict[str, list[tuple]] | None) -> None:
        self.docs.append(doc_row)
        self.children.append(children or {})
        if len(self.docs) >= self.batch_size or time.monotonic() - self.last >= self.commit_seconds:
            self.commit()

    def _write(self, docs: list[tuple], children: list[dict[str, list[tuple]]]) -> None:
        self.con.execute("BEGIN TRANSACTION")
        try:
            for t in CHILD_TABLES:
                rows = [r for c in children for r in c.get(t, ())]
                _insert(self.con, t, rows)
            _insert(self.con, "documents", docs)  # the documents rows last: they mark the units done
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise

    def commit(self) -> None:
        if not self.docs:
            self.last = time.monotonic()
            return
        docs, children = self.docs, self.children
        self.docs, self.children = [], []
        try:
            self._write(docs, children)
        except Exception:  # noqa: BLE001 - isolate the bad document, keep the others
            for drow, ch in zip(docs, children):
                try:
                    self._write([drow], [ch])
                except Exception as exc:  # noqa: BLE001
                    bad = [_scrub(x) for x in drow]
                    cols = [c for c, _ in TABLES["documents"]]
                    bad[cols.index("status")] = "failed"
                    bad[cols.index("reason")] = _scrub(f"store error: {type(exc).__name__}: {str(exc)[:200]}")
                    self._write([tuple(bad)], [{}])
                    self.store_failures += 1
        self.committed += len(docs)
        self.last = time.monotonic()
        if self.on_commit:
            self.on_commit(self.committed)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _scrub(x: Any) -> Any:
    """A value DuckDB can store: lone surrogates in a str (or in a list of str) become U+FFFD."""
    if isinstance(x, str):
        return _SURROGATE.sub("\ufffd", x)
    if isinstance(x, list):
        return [_scrub(v) for v in x]
    return x


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def _doc_row(rec, doc_id: str | None, status: str, reason: str | None, text: str | None,
             summary: dict | None, store_text: bool) -> tuple:
    s = summary or {}
    warnings = list(rec.warnings) + list(s.get("warnings") or [])
    return (rec.key, doc_id, status, reason, rec.path, rec.line, rec.format, rec.title, rec.url, rec.source,
            rec.date_raw, rec.pub_date,
            hashlib.sha256(text.encode("utf-8")).hexdigest() if text is not None else None,
            len(text) if text is not None else None,
            s.get("n_sentences"), s.get("n_entities"), s.get("n_timexes"), s.get("n_events"), s.get("n_quotes"),
            s.get("n_noise"), warnings, text if (store_text and text is not None) else None, _now())


class _RateColumn:
    """Factory for a rich progress column showing articles per second."""

    @staticmethod
    def make():
        from rich.progress import ProgressColumn
        from rich.text import Text

        class RateColumn(ProgressColumn):
            def render(self, task):  # noqa: D401 - rich API
                speed = task.finished_speed or task.speed
                return Text(f"{speed:6.1f} art/s" if speed else "   ... art/s", style="cyan")

        return RateColumn()


def ingest(inputs: Iterable[str | os.PathLike], db: str | os.PathLike, workers: int = 1, batch_size: int = 64,
           commit_seconds: float = 2.0, progress: bool = True, store_text: bool = True,
           retry_failed: bool = False, chunk: int = 4, on_commit: Callable[[int], None] | None = None,
           console=None, default_date: str | None = None) -> IngestResult:
    """Ingest corpora into the store at ``db`` (created if missing) and return the run's counts.

    Input: ``inputs`` files/folders (see :mod:`khabar.io.corpus` for formats); ``workers`` pipeline processes
    (1 = in this process); ``batch_size`` documents per transaction (also committed every ``commit_seconds``);
    ``store_text`` keeps each article's text in ``documents.text``; ``retry_failed`` first deletes ``failed``
    rows so those units are tried again; ``on_commit(n)`` is called after each commit with the number of units
    committed so far in this run; ``progress`` shows a rich progress bar (articles/s, ETA) on stderr;
    ``default_date`` (``YYYY-MM-DD``) is the publication date of inputs that carry none (plain text, HTML without
    date metadata, records without a date field); such documents get a warning saying so.
    Output: :class:`IngestResult`. Raises :class:`StoreError` when the database cannot be opened.
    See the module docstring for the guarantees (atomic, resumable, every unit accounted for).
    """
    from khabar.io.corpus import count_records, iter_records

    inputs = [str(p) for p in inputs]
    if default_date is not None:
        from khabar.pipeline import KhabarInputError, check_date
        try:
            default_date = check_date(default_date)
        except KhabarInputError as exc:
            raise StoreError(str(exc)) from None
    t0 = time.monotonic()
    con = connect(db)
    res = IngestResult()
    try:
        if retry_failed:
            con.execute("DELETE FROM documents WHERE status = 'failed'")
        # input key -> SHA-256 of the text stored for it (None when it could not be read)
        done = dict(con.execute("SELECT input, text_sha256 FROM documents").fetchall())
        # document id -> SHA-256 of its text, for ids analysed (or failed in the pipeline) before; units that
        # could not be read or had an empty text do not claim their id (as within one run), so a resumed run
        # ends like an uninterrupted one
        known = dict(con.execute("SELECT id, text_sha256 FROM documents "
                                 "WHERE status IN ('ok', 'failed') AND id IS NOT NULL AND text_sha256 IS NOT NULL "
                                 "AND coalesce(reason, '') <> 'empty text'").fetchall())
        writer = _Writer(con, batch_size, commit_seconds, on_commit)
        pending_meta: dict[str, Any] = {}   # key -> (Record, doc id) of units in flight
        texts: dict[str, str] = {}          # key -> text of units in flight

        prog = None
        task = None
        if progress:
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                                       TimeRemainingColumn)

            prog = Progress(TextColumn("[bold]ingest[/]"), BarColumn(), MofNCompleteColumn(), _RateColumn.make(),
                            TextColumn("ETA"), TimeRemainingColumn(), TimeElapsedColumn(),
                            console=console or Console(stderr=True), transient=False)
            prog.start()
            task = prog.add_task("ingest", total=count_records(inputs))

        def advance() -> None:
            if prog is not None:
                prog.advance(task)

        def finish(results) -> None:
            for key, rows, summary, error in results:
                rec, doc_id = pending_meta.pop(key)
                text = texts.pop(key)
                if error:
                    res.failed += 1
                    res.failures[error.split(":")[0]] = res.failures.get(error.split(":")[0], 0) + 1
                    writer.add(_doc_row(rec, doc_id, "failed", error, text, None, store_text), None)
                else:
                    res.ok += 1
                    writer.add(_doc_row(rec, doc_id, "ok", None, text, summary, store_text), rows)
                advance()

        executor = None
        inflight: dict[Any, list[_Job]] = {}
        batch: list[_Job] = []
        if workers > 1:
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor

            executor = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"),
                                           initializer=_init_worker)

        def drain(block_until: int) -> None:
            """Collect finished chunks until at most ``block_until`` are in flight."""
            from concurrent.futures import FIRST_COMPLETED, wait

            while len(inflight) > block_until:
                finished, _ = wait(list(inflight), return_when=FIRST_COMPLETED)
                for fut in finished:
                    jobs = inflight.pop(fut)
                    try:
                        results = fut.result()
                    except Exception as exc:  # noqa: BLE001 - a dead worker: account for its chunk
                        results = [(j.key, None, None, f"worker error: {type(exc).__name__}: {str(exc)[:200]}")
                                   for j in jobs]
                    finish(results)

        def submit(jobs: list[_Job]) -> None:
            nonlocal executor
            if executor is None:
                finish(_analyze_jobs(jobs))
                return
            try:
                inflight[executor.submit(_analyze_jobs, jobs)] = jobs
            except Exception:  # noqa: BLE001 - broken pool: restart it and retry once
                import multiprocessing as mp
                from concurrent.futures import ProcessPoolExecutor

                executor.shutdown(wait=False, cancel_futures=True)
                executor = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"),
                                               initializer=_init_worker)
                inflight[executor.submit(_analyze_jobs, jobs)] = jobs
            drain(3 * workers)

        try:
            for rec in iter_records(inputs):
                res.read += 1
                sha = hashlib.sha256((rec.text or "").encode("utf-8")).hexdigest() if rec.error is None else None
                if rec.key in done:
                    if sha is None or done[rec.key] in (None, sha):
                        res.already += 1
                        advance()
                        continue
                    # the same file/line now holds another text (a feed file rewritten under one name)
                    rec.warnings.append(f"input {rec.key} held another text in an earlier run; stored as a new unit")
                    rec.key = f"{rec.key}@{sha[:12]}"
                    if rec.key in done:
                        res.already += 1
                        advance()
                        continue
                done[rec.key] = sha
                if rec.error is not None:
                    res.failed += 1
                    reason = rec.error
                    res.failures[reason.split(":")[0][:100]] = res.failures.get(reason.split(":")[0][:100], 0) + 1
                    writer.add(_doc_row(rec, rec.id, "failed", reason, None, None, store_text), None)
                    advance()
                    continue
                text = rec.text or ""
                doc_id = rec.id or sha
                if not text.strip():  # before the duplicate check: two empty pages are two failures
                    res.failed += 1
                    res.failures["empty text"] = res.failures.get("empty text", 0) + 1
                    writer.add(_doc_row(rec, doc_id, "failed", "empty text", text, None, store_text), None)
                    advance()
                    continue
                if doc_id in known and known[doc_id] not in (None, sha):
                    # an id reused for a different text (two feeds numbering from 1, an updated article)
                    rec.warnings.append(f"id {doc_id} was already used for a different text; "
                                        f"stored as {doc_id}~{sha[:12]}")
                    doc_id = f"{doc_id}~{sha[:12]}"
                if doc_id in known:
                    res.skipped += 1
                    writer.add(_doc_row(rec, doc_id, "skipped", f"duplicate of id {doc_id}", text, None,
                                        store_text=False), None)
                    advance()
                    continue
                known[doc_id] = sha
                if rec.pub_date is None and default_date is not None:
                    rec.pub_date = default_date
                    rec.warnings.append(f"no publication date in the input; used --date {default_date}")
                if rec.pub_date is None:
                    res.undated += 1
                pending_meta[rec.key] = (rec, doc_id)
                texts[rec.key] = text
                batch.append(_Job(rec.key, doc_id, text, rec.pub_date))
                rec.text = None  # the text now lives in ``texts`` only
                if len(batch) >= (chunk if executor is not None else 1):
                    submit(batch)
                    batch = []
            if batch:
                submit(batch)
            drain(0)
            writer.commit()
            _count_store_failures(res, writer)
        finally:
            if executor is not None:
                executor.shutdown(wait=True, cancel_futures=True)
            if prog is not None:
                prog.stop()
        res.totals = _status_counts(con)
    finally:
        con.close()
    res.seconds = time.monotonic() - t0
    return res


def _status_counts(con: Any) -> dict[str, int]:
    """Number of ``documents`` rows per status (ok / failed / skipped)."""
    return dict(con.execute("SELECT status, count(*) FROM documents GROUP BY status ORDER BY status").fetchall())


def add_documents(db: str | os.PathLike, docs: Iterable[Any], meta: Iterable[dict[str, Any]] | None = None,
                  store_text: bool = True) -> IngestResult:
    """Store already analysed documents (e.g. from :func:`khabar.pipe`) without running the pipeline.

    Input: ``docs`` :class:`khabar.document.Document` objects (or their ``to_dict()`` plus a ``text`` key);
    ``meta`` optional per-document dicts with ``title``, ``url``, ``source``. Each document's input key is
    ``api:<id>`` (id = ``doc_id`` or the text's SHA-256), so adding the same documents again changes nothing;
    a different input with an id already stored becomes a ``skipped`` row. Output: :class:`IngestResult`.
    """
    from khabar.io.corpus import Record, repair

    import itertools

    t0 = time.monotonic()
    res = IngestResult()
    con = connect(db)
    try:
        done = {r[0] for r in con.execute("SELECT input FROM documents").fetchall()}
        known = {r[0] for r in con.execute(
            "SELECT id FROM documents WHERE status IN ('ok', 'failed') AND id IS NOT NULL").fetchall()}
        writer = _Writer(con, 256, 1e9, None)
        for doc, m in zip(docs, meta if meta is not None else itertools.repeat(None)):
            d = doc.to_dict() if hasattr(doc, "to_dict") else dict(doc)
            text = doc.text if hasattr(doc, "text") else d.get("text") or ""
            doc_id = d.get("doc_id") or hashlib.sha256(text.encode("utf-8")).hexdigest()
            m = m or {}
            rec = repair(Record(key=f"api:{doc_id}", path="api", line=None, format="document", title=m.get("title"),
                                url=m.get("url"), source=m.get("source"), pub_date=d.get("pub_date")))
            res.read += 1
            if rec.key in done:
                res.already += 1
                continue
            done.add(rec.key)
            if doc_id in known:
                res.skipped += 1
                writer.add(_doc_row(rec, doc_id, "skipped", f"duplicate of id {doc_id}", text, None, False), None)
                continue
            known.add(doc_id)
            summary = {"n_sentences": len(d["sentences"]), "n_entities": len(d["entities"]),
                       "n_timexes": len(d["timexes"]), "n_events": len(d["events"]), "n_quotes": len(d["quotes"]),
                       "n_noise": len(d["noise"]), "warnings": list(d.get("warnings") or [])}
            try:
                rows = doc_rows(d, doc_id)
            except Exception as exc:  # noqa: BLE001 - a malformed record: account for it as failed
                res.failed += 1
                writer.add(_doc_row(rec, doc_id, "failed", f"bad document: {type(exc).__name__}: {exc}", text,
                                    None, store_text), None)
                continue
            res.ok += 1
            writer.add(_doc_row(rec, doc_id, "ok", None, text, summary, store_text), rows)
        writer.commit()
        _count_store_failures(res, writer)
        res.totals = _status_counts(con)
    finally:
        con.close()
    res.seconds = time.monotonic() - t0
    return res


def _count_store_failures(res: IngestResult, writer: _Writer) -> None:
    if writer.store_failures:
        res.ok -= writer.store_failures
        res.failed += writer.store_failures
        res.failures["store error"] = res.failures.get("store error", 0) + writer.store_failures


# --------------------------------------------------------------------------- queries
def _where(filters: list[tuple[str, list[Any]]]) -> tuple[str, list[Any]]:
    parts = [f for f, _ in filters]
    params = [p for _, ps in filters for p in ps]
    return (" WHERE " + " AND ".join(parts)) if parts else "", params


ENTITY_LABELS = ("PER", "ORG", "GPE", "LOC", "MISC")


def _alpha3(country: str) -> str:
    if not re.fullmatch(r"[A-Za-z]{3}", country.strip()):
        raise ValueError(f"--country: {country!r} is not an ISO 3166 alpha-3 code (e.g. SAU, RUS, USA)")
    return country.strip().upper()


_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def _day(option: str, value: str | None) -> str | None:
    if not value:
        return None
    try:
        return _dt.date.fromisoformat(value.strip().translate(_DIGITS)).isoformat()
    except ValueError as exc:
        raise ValueError(f"{option}: {value!r} is not a YYYY-MM-DD date ({exc})") from None


def _arabic_actor_ids(name: str) -> list[str]:
    """KB ids for an Arabic actor name (str → list of ids, best first): exact normalised alias, else the
    variant-tolerant matches scoring ≥ 88 (:meth:`khabar.kb.store.KB.fuzzy`). Empty when none."""
    from khabar.kb.store import get_kb
    kb = get_kb()
    hits = [e.id for e in kb.lookup(name)]
    if not hits:
        hits = [e.id for e, s in kb.fuzzy(name, limit=5, cutoff=88.0)]
    return [h for h in hits if not h.startswith("up:")] or hits


def _store_actor_ids(db: str | os.PathLike, name: str) -> list[str]:
    """KB ids of the store's linked mentions written like an Arabic name (normalised, one proclitic و ف ب ل
    allowed): ``البشير`` finds Omar al-Bashir when the articles call him so, although the KB has no such alias.
    Output: list of ids, most mentions first; empty when none."""
    from khabar.kb.store import alias_key
    def forms(t: str) -> set[str]:
        t = t.strip()
        return {alias_key(t)} | ({alias_key(t[1:])} if t[:1] in "وفبل" and len(t) > 3 else set())

    want = forms(name) - {""}
    if not want:
        return []
    rows = _fetch(db, "SELECT text, kb_id, count(*) AS n FROM mentions WHERE kb_id IS NOT NULL "
                      "AND NOT starts_with(kb_id, 'up:') GROUP BY text, kb_id", [])
    score: dict[str, int] = {}
    for r in rows:
        if want & forms(r["text"] or ""):
            score[r["kb_id"]] = score.get(r["kb_id"], 0) + int(r["n"])
    return sorted(score, key=lambda k: -score[k])


def query_events(db: str | os.PathLike, type: str | None = None, actor: str | None = None,
                 country: str | None = None, since: str | None = None, until: str | None = None,
                 limit: int | None = None) -> list[dict[str, Any]]:
    """Aggregated events (``events_agg``) matching the filters, ordered by day then id.

    ``type``: PLOVER type (case-insensitive); ``actor``: case-insensitive substring of either actor's English
    name, CAMEO code or KB id (``%`` and ``_`` are literal characters, not wildcards), or an Arabic name, resolved through the knowledge base (exact alias, then
    variant-tolerant match), else through the store's own linked mentions of that spelling, to KB ids; ``country``: ISO alpha-3 of either actor or of the location; ``since``/``until``:
    inclusive ``YYYY-MM-DD`` bounds on the event day (Arabic-Indic digits accepted); ``limit``: at most that many
    rows (1 … 2**63-1; None or 0: all). Output: list of dicts (columns of ``events_agg``).
    Raises :class:`StoreError` (database) or ValueError (unknown type, a country that is not 3 letters, a bad
    date, ``since`` after ``until``, a ``limit`` out of range). Rows are ordered newest day first (undated last).
    """
    filters: list[tuple[str, list[Any]]] = []
    if type:
        known = sorted({t for t, _ in agg._plover_scores()})
        if type.upper() not in known:
            raise ValueError(f"--type: unknown PLOVER event type {type!r} (one of {', '.join(known)})")
        filters.append(("upper(type) = upper(?)", [type]))
    if actor and re.search("[\u0600-\u06ff]", actor):
        ids = _arabic_actor_ids(actor) or _store_actor_ids(db, actor)
        if not ids:
            raise ValueError(f"--actor: no knowledge-base entity is named {actor!r}; give an English name, a CAMEO "
                             "code or a KB id")
        marks = ", ".join("?" * len(ids))
        filters.append((f"(source_kb_id IN ({marks}) OR target_kb_id IN ({marks}))", ids + ids))
    elif actor:
        cols = ["source_english", "source_actor_code", "source_kb_id", "target_english", "target_actor_code",
                "target_kb_id"]
        pattern = "%" + re.sub(r"([\\%_])", r"\\\1", actor) + "%"  # % and _ are literal characters here
        filters.append(("(" + " OR ".join(f"{c} ILIKE ? ESCAPE '\\'" for c in cols) + ")", [pattern] * len(cols)))
    if country:
        filters.append(("upper(?) IN (source_country, target_country, location_country)", [_alpha3(country)]))
    lo, hi = _day("--since", since), _day("--until", until)
    if lo and hi and lo > hi:
        raise ValueError(f"--since {lo} is after --until {hi}")
    if lo:
        filters.append(("day >= ?::DATE", [lo]))
    if hi:
        filters.append(("day <= ?::DATE", [hi]))
    where, params = _where(filters)
    sql = f"SELECT * FROM events_agg{where} ORDER BY day DESC NULLS LAST, event_key" + _limit(limit)
    return _fetch(db, sql, params)


def query_entities(db: str | os.PathLike, type: str | None = None, country: str | None = None,
                   limit: int | None = None) -> list[dict[str, Any]]:
    """Canonical entities (``entities`` view) with ``label`` = ``type`` and/or ``country`` (ISO alpha-3),
    most documents first. Output: list of dicts. Raises :class:`StoreError`, or ValueError for an unknown label
    or a country that is not 3 letters."""
    filters: list[tuple[str, list[Any]]] = []
    if type:
        filters.append(("upper(label) = upper(?)", [type]))
    if type and type.upper() not in ENTITY_LABELS:
        raise ValueError(f"--type: unknown entity label {type!r} (one of {', '.join(ENTITY_LABELS)})")
    if country:
        filters.append(("upper(country) = upper(?)", [_alpha3(country)]))
    where, params = _where(filters)
    sql = f"SELECT * FROM entities{where} ORDER BY n_docs DESC, n_mentions DESC, entity_key" + _limit(limit)
    return _fetch(db, sql, params)


MAX_LIMIT = 2**63 - 1  # DuckDB's LIMIT is a BIGINT


def _limit(limit: Any) -> str:
    """`` LIMIT n`` for a row limit (empty for None/0); ValueError for a negative, non-integer or huge one."""
    if limit is None or limit == 0:
        return ""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"--limit: {str(limit)[:40]} is not a row count from 1 to {MAX_LIMIT}")
    return f" LIMIT {limit}"


def _fetch(db, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    con = connect(db, read_only=True)
    try:
        cur = con.execute(sql, params)
        names = [c[0] for c in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]
    finally:
        con.close()


def counts(db: str | os.PathLike) -> dict[str, int]:
    """Row count of every table and view of the store (``{name: n}``)."""
    con = connect(db, read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ALL_RELATIONS}
    finally:
        con.close()


# --------------------------------------------------------------------------- exports
#: GDELT 2.0 event table columns, in order (61 columns; GDELT 2.0 Event Codebook).
GDELT_EVENT_COLUMNS = [
    "GlobalEventID", "Day", "MonthYear", "Year", "FractionDate",
    *[f"Actor1{c}" for c in ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
                              "Religion2Code", "Type1Code", "Type2Code", "Type3Code")],
    *[f"Actor2{c}" for c in ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
                              "Religion2Code", "Type1Code", "Type2Code", "Type3Code")],
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale", "NumMentions",
    "NumSources", "NumArticles", "AvgTone",
    *[f"{g}_{c}" for g in ("Actor1Geo", "Actor2Geo", "ActionGeo")
      for c in ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")],
    "DATEADDED", "SOURCEURL",
]
#: GDELT 2.0 mentions table columns, in order (16 columns).
GDELT_MENTION_COLUMNS = [
    "GlobalEventID", "EventTimeDate", "MentionTimeDate", "MentionType", "MentionSourceName", "MentionIdentifier",
    "SentenceID", "Actor1CharOffset", "Actor2CharOffset", "ActionCharOffset", "InRawText", "Confidence",
    "MentionDocLen", "MentionDocTone", "MentionDocTranslationInfo", "Extras",
]


def _ymd(d: Any) -> str:
    return d.strftime("%Y%m%d") if d else ""


def _stamp(t: Any) -> str:
    return t.strftime("%Y%m%d%H%M%S") if t else ""


#: characters that end a field or a row for some TSV/CSV reader (csv splits on \r, str.splitlines on the rest)
_BREAKS = re.compile("[\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def _s(x: Any) -> str:
    if x is None:
        return ""
    if isinstance(x, float):
        return f"{x:.4f}".rstrip("0").rstrip(".")
    return _BREAKS.sub(" ", str(x))


def _geo_type(kb_id: str | None, country: str | None, lat: Any) -> int:
    """GDELT ActionGeo_Type: 1 country, 2 US state, 3 US city, 4 world city, 5 world state/region."""
    kb_id = kb_id or ""
    if kb_id.startswith("country:") or (not kb_id and lat is None):
        return 1
    if kb_id.startswith("city:"):
        return 3 if country == "USA" else 4
    if kb_id.startswith("loc:"):
        return 2 if country == "USA" else 5
    return 1 if lat is None else 4


def gdelt_event_row(e: dict[str, Any]) -> list[str]:
    """One ``events_agg`` row (dict) as a GDELT 2.0 event row (61 strings; mapping in docs/schema.md)."""
    day = e.get("day")
    cameo = e.get("cameo") or ""
    out: dict[str, Any] = {c: "" for c in GDELT_EVENT_COLUMNS}
    out["GlobalEventID"] = e["event_key"]
    if day:
        out["Day"] = _ymd(day)
        out["MonthYear"] = day.strftime("%Y%m")
        out["Year"] = day.year
        out["FractionDate"] = f"{day.year + (day.timetuple().tm_yday - 1) / 365:.4f}"
    for n, p in ((1, "source"), (2, "target")):
        code, country = e.get(f"{p}_actor_code"), e.get(f"{p}_country")
        if not (code or country or e.get(f"{p}_english")):
            continue
        parts = agg.actor_code_parts(code, country)
        out[f"Actor{n}Code"] = code or country or ""
        out[f"Actor{n}Name"] = (e.get(f"{p}_english") or "").upper()
        for k, v in parts.items():
            out[f"Actor{n}{k}"] = v or ""
    out["IsRootEvent"] = 1 if e.get("is_root") else 0
    out["EventCode"] = cameo
    out["EventBaseCode"] = cameo[:3]
    out["EventRootCode"] = cameo[:2]
    out["QuadClass"] = agg.quad_class(cameo) or ""
    out["GoldsteinScale"] = agg.plover_score(e.get("type"), e.get("mode"))
    out["NumMentions"] = e.get("n_mentions") or 0
    out["NumSources"] = e.get("n_sources") or 0
    out["NumArticles"] = e.get("n_articles") or 0
    if e.get("location_english") or e.get("location_country"):
        out["ActionGeo_Type"] = _geo_type(e.get("location_kb_id"), e.get("location_country"), e.get("lat"))
        out["ActionGeo_FullName"] = e.get("location_english") or ""
        out["ActionGeo_CountryCode"] = e.get("location_country") or ""
        out["ActionGeo_Lat"] = e.get("lat")
        out["ActionGeo_Long"] = e.get("lon")
        out["ActionGeo_FeatureID"] = e.get("location_kb_id") or ""
    out["DATEADDED"] = _stamp(e.get("date_added"))
    out["SOURCEURL"] = e.get("source_url") or (f"khabar:{e['first_doc']}" if e.get("first_doc") else "")
    return [_s(out[c]) for c in GDELT_EVENT_COLUMNS]


def _plover_actor(r: dict[str, Any], p: str) -> dict[str, Any] | None:
    if not any(r.get(f"{p}_{k}") for k in ("english", "country", "actor_code", "kb_id", "text")):
        return None
    return {"name": r.get(f"{p}_english"), "country": r.get(f"{p}_country"), "code": r.get(f"{p}_actor_code"),
            "kb_id": r.get(f"{p}_kb_id"), "text": r.get(f"{p}_text"),
            "start": r.get(f"{p}_start"), "end": r.get(f"{p}_end")}


def export(db: str | os.PathLike, fmt: str, out: str | os.PathLike, header: bool = False) -> list[Path]:
    """Write the store's contents under folder ``out`` (created); return the files written.

    ``fmt``: ``parquet`` (one ``<table>.parquet`` per table and view of :data:`ALL_RELATIONS`, by DuckDB's
    writer), ``gdelt-tsv`` (``gdelt-events.tsv``: one GDELT 2.0 event row per aggregated *asserted* event, 61
    tab-separated columns, no header unless ``header``; ``gdelt-mentions.tsv``: one GDELT 2.0 mention row per
    event mention, 16 columns) or ``plover-jsonl`` (``plover-events.jsonl``: one POLECAT-style JSON record per
    document event). Rows are in a deterministic order. Raises ValueError for an unknown format and
    :class:`StoreError` for the database.
    """
    outdir = Path(out)
    if outdir.exists() and not outdir.is_dir():
        raise StoreError(f"--out {out} is a file; give a folder (created if missing)")
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create folder {out}: {exc.strerror or exc}") from None
    con = connect(db, read_only=True)
    files: list[Path] = []
    try:
        if fmt == "parquet":
            order = {"documents": "input", "entities": "entity_key", "events_agg": "event_key"}
            for t in ALL_RELATIONS:
                p = outdir / f"{t}.parquet"
                key = order.get(t, "doc_id, idx" if t != "event_mentions" else "doc_id, event_idx, idx")
                path_sql = str(p).replace("'", "''")
                con.execute(f"COPY (SELECT * FROM {t} ORDER BY {key}) TO '{path_sql}' (FORMAT PARQUET)")
                files.append(p)
        elif fmt == "gdelt-tsv":
            cur = con.execute("SELECT * FROM events_agg WHERE modality = 'asserted' ORDER BY event_key")
            names = [c[0] for c in cur.description]
            p = outdir / "gdelt-events.tsv"
            with open(p, "w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE, escapechar="\\")
                if header:
                    w.writerow(GDELT_EVENT_COLUMNS)
                for row in cur.fetchall():
                    w.writerow(gdelt_event_row(dict(zip(names, row))))
            files.append(p)
            cur = con.execute("""
                SELECT e.event_key, e.day, d.created, d.pub_date, coalesce(d.source, '') AS src,
                       coalesce(d.url, 'khabar:' || d.id) AS ident, m.sentence, e.source_start, e.target_start,
                       m.start_char, d.n_chars, d.id, e.idx, m.idx AS midx
                FROM event_mentions m
                JOIN events e ON e.doc_id = m.doc_id AND e.idx = m.event_idx
                JOIN documents d ON d.id = m.doc_id AND d.status = 'ok'
                WHERE e.modality = 'asserted'
                ORDER BY e.event_key, d.id, e.idx, m.idx""")
            p = outdir / "gdelt-mentions.tsv"
            with open(p, "w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE, escapechar="\\")
                if header:
                    w.writerow(GDELT_MENTION_COLUMNS)
                for (key, day, created, pub, src, ident, sent, a1, a2, act, n_chars, doc_id, eidx,
                     midx) in cur.fetchall():
                    w.writerow([_s(x) for x in (
                        key, (_ymd(day) + "000000") if day else "",
                        (_ymd(pub) + "000000") if pub else _stamp(created), 1, src, ident,
                        "" if sent is None else sent + 1, "" if a1 is None else a1, "" if a2 is None else a2,
                        "" if act is None else act, 1, "", n_chars, "", "", f"doc_id={doc_id};event={eidx};mention={midx}")])
            files.append(p)
        elif fmt == "plover-jsonl":
            cur = con.execute("""
                SELECT e.*, d.url, d.source AS outlet, d.pub_date, d.title, s.start_char AS s_start,
                       s.end_char AS s_end
                FROM events e JOIN documents d ON d.id = e.doc_id AND d.status = 'ok'
                LEFT JOIN sentences s ON s.doc_id = e.doc_id AND s.idx = e.sentence
                ORDER BY e.doc_id, e.idx""")
            names = [c[0] for c in cur.description]
            p = outdir / "plover-events.jsonl"
            with open(p, "w", encoding="utf-8") as fh:
                while True:
                    chunk = cur.fetchmany(2000)
                    if not chunk:
                        break
                    for row in chunk:
                        r = dict(zip(names, row))
                        rec = {
                            "event_id": f"{r['doc_id']}:{r['idx']}",
                            "event_agg_id": r["event_key"],
                            "event_type": r["type"],
                            "mode": r["mode"],
                            "context": [],
                            "score": agg.plover_score(r["type"], r["mode"]),
                            "cameo": r["cameo"],
                            "modality": r["modality"],
                            "actor": _plover_actor(r, "source"),
                            "recipient": _plover_actor(r, "target"),
                            "actors": json.loads(r["sources_json"] or "[]"),
                            "recipients": json.loads(r["targets_json"] or "[]"),
                            "date": r["date_value"] or (r["day"].isoformat() if r["day"] else None),
                            "date_source": r["date_source"],
                            "location": None if not (r["location_english"] or r["location_country"]) else {
                                "name": r["location_english"], "country": r["location_country"],
                                "kb_id": r["location_kb_id"], "lat": r["lat"], "lon": r["lon"],
                                "text": r["location_text"]},
                            "trigger": {"start": r["trigger_start"], "end": r["trigger_end"],
                                        "text": r["trigger_text"]},
                            "sentence": {"index": r["sentence"], "start": r["s_start"], "end": r["s_end"]},
                            "doc_id": r["doc_id"],
                            "pub_date": r["pub_date"].isoformat() if r["pub_date"] else None,
                            "source": r["outlet"],
                            "url": r["url"],
                        }
                        fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            files.append(p)
        else:
            raise ValueError(f"unknown export format {fmt!r}: expected parquet, gdelt-tsv or plover-jsonl")
    finally:
        con.close()
    return files
