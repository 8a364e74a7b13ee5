"""Tests of the corpus readers and the DuckDB event store (ingest, resume after SIGKILL, aggregation, exports).

All corpora here are generated from short Arabic sentences written for these tests.
"""
from __future__ import annotations

import csv
import gzip
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

duckdb = pytest.importorskip("duckdb")

from khabar.document import Actor, Document, Entity, Event, Place, Sentence, Span  # noqa: E402
from khabar.io.corpus import count_records, iter_records, parse_date  # noqa: E402
from khabar.store import duckdb_store as store  # noqa: E402

PLACES = ["القاهرة", "عمان", "بيروت", "تونس", "الرباط", "بغداد", "دمشق", "الخرطوم"]
TOPICS = ["المياه", "التجارة", "الطاقة", "التعليم", "الصحة", "النقل"]
DAYS = ["الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس"]


def article(i: int) -> str:
    """A short, unique generated Arabic article (three sentences)."""
    p, t, d = PLACES[i % len(PLACES)], TOPICS[i % len(TOPICS)], DAYS[i % len(DAYS)]
    return (f"استضافت {p} يوم {d} اجتماعا لبحث ملف {t} بمشاركة {i + 3} وفود. "
            f"وقال المتحدث باسم الوزارة إن الجلسة رقم {i} ناقشت خطة جديدة. "
            f"ومن المقرر أن تستأنف المحادثات الأسبوع المقبل في {PLACES[(i + 3) % len(PLACES)]}.")


def write_jsonl(path: Path, n: int, gz: bool = False, start: int = 0) -> None:
    opener = gzip.open if gz else open
    with opener(path, "wt", encoding="utf-8") as fh:
        for i in range(start, start + n):
            fh.write(json.dumps({"id": f"gen-{i}", "text": article(i), "title": f"خبر {i}",
                                 "date_iso": f"2024-03-{1 + i % 28:02d}T10:00:00+03:00",
                                 "url": f"https://example.org/a/{i}", "source": "outlet" + str(i % 3)},
                                ensure_ascii=False) + "\n")


def table_contents(db: Path) -> dict[str, list[tuple]]:
    """Every table's rows (sorted), without the wall-clock column ``created``; plus the two views."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for t in store.TABLES:
            excl = " EXCLUDE (created)" if t == "documents" else ""
            out[t] = con.execute(f"SELECT *{excl} FROM {t} ORDER BY ALL").fetchall()
        out["entities"] = con.execute("SELECT * FROM entities ORDER BY ALL").fetchall()
        out["events_agg"] = con.execute("SELECT * EXCLUDE (date_added) FROM events_agg ORDER BY ALL").fetchall()
        return out
    finally:
        con.close()


# --------------------------------------------------------------------------- reading
@pytest.fixture()
def mixed_folder(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    (root / "one.txt").write_text(article(1), encoding="utf-8")
    (root / "legacy.txt").write_bytes(article(2).encode("cp1256"))
    (root / "page.html").write_text(
        "<html><head><title>عنوان الصفحة</title></head><body><article><p>" + article(3) + "</p><p>"
        + article(4) + "</p></article></body></html>", encoding="utf-8")
    lines = [
        json.dumps({"id": "j1", "text": article(5), "date": "Mon, 04 Mar 2024 09:00:00 GMT"}, ensure_ascii=False),
        "",                                                  # blank: not a unit
        "{not json",                                         # malformed
        json.dumps(["a", "list"]),                           # not an object
        json.dumps({"id": "j2", "title": "بلا نص"}),          # no text
        json.dumps({"text": article(6), "date_iso": "2024-03-05T01:00:00+03:00", "date": "garbage"},
                   ensure_ascii=False),
        json.dumps({"id": "j3", "text": article(7), "date": "not a date"}, ensure_ascii=False),
    ]
    (root / "sub" / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_jsonl(root / "sub" / "more.jsonl.gz", 3, gz=True, start=20)
    trec = ("<DOC>\n<DOCNO>T-1</DOCNO>\n<TITLE>عنوان</TITLE>\n<TIME>Tue, 05 Mar 2024 10:00:00 GMT</TIME>\n"
            f"<TEXT>\n<P>{article(8)}</P>\n<P>{article(9)}</P>\n</TEXT>\n</DOC>\n"
            f"<DOC>\n<DOCNO>T-2</DOCNO>\n<URL>http://x.example/2</URL>\n<TEXT>{article(10)} &amp; </TEXT>\n</DOC>\n"
            f"<DOC>\n<DOCNO>T-3</DOCNO>\n<TEXT>{article(11)}")          # truncated: no </TEXT>, no </DOC>
    (root / "sub" / "news.xml").write_text(trec, encoding="utf-8")
    (root / "trec-as.txt").write_text(
        f"<DOC>\n<DOCNO>A-1</DOCNO>\n<SRC>X</SRC>\n<TEXT>\n{article(12)}\n</TEXT>\n</DOC>\n", encoding="utf-8")
    (root / "blob.bin").write_bytes(b"\x00\x01\x02")
    (root / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (root / ".hidden.txt").write_text("ignored", encoding="utf-8")
    return root


def test_parse_date_forms():
    assert parse_date("2018-02-18T17:21:49+00:00") == "2018-02-18"
    assert parse_date("Sun, 18 Feb 2018 17:21:49 GMT") == "2018-02-18"
    assert parse_date("2020/1/5") == "2020-01-05"
    assert parse_date("yesterday-ish") is None
    assert parse_date("2021-02-30") is None
    assert parse_date(None) is None
    assert parse_date("18/02/2018") == "2018-02-18" and parse_date("02-03-2018 10:00") == "2018-03-02"
    assert parse_date("31.12.2019") == "2019-12-31" and parse_date("13/13/2018") is None
    assert parse_date("18/02-2018") is None


def test_json_records_with_other_field_names(tmp_path: Path):
    p = tmp_path / "crawl.jsonl"
    rows = [{"content": "خبر أول عن بغداد.", "date_extracted": "2015-07-21 02:51:32"},
            {"body": "خبر ثان عن عمان.", "published": "21/07/2015"},
            {"headline": "لا نص هنا"}]
    p.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    recs = list(iter_records([p]))
    assert [r.text for r in recs[:2]] == [rows[0]["content"], rows[1]["body"]]
    assert [r.pub_date for r in recs[:2]] == ["2015-07-21", "2015-07-21"]
    assert any("date_extracted" in w for w in recs[0].warnings) and not recs[1].warnings
    assert recs[2].error and "content" in recs[2].error


def test_every_unit_yields_one_record(mixed_folder: Path):
    recs = list(iter_records([mixed_folder]))
    keys = [r.key for r in recs]
    assert len(keys) == len(set(keys)), "record keys must be unique"
    by_name: dict[str, list] = {}
    for r in recs:
        by_name.setdefault(Path(r.path).name, []).append(r)
    assert ".hidden.txt" not in by_name
    # plain text and Windows-1256 text decode to the same kind of Arabic text
    assert by_name["one.txt"][0].text == article(1)
    assert by_name["legacy.txt"][0].text == article(2)
    assert "الجلسة رقم 3" in by_name["page.html"][0].text and by_name["page.html"][0].format == "html"
    feed = by_name["feed.jsonl"]
    assert [r.line for r in feed] == [1, 3, 4, 5, 6, 7]  # the blank line 2 is not a unit
    assert feed[0].id == "j1" and feed[0].pub_date == "2024-03-04" and feed[0].error is None
    assert feed[1].error.startswith("invalid JSON")
    assert "not a JSON object" in feed[2].error
    assert feed[3].error.startswith("missing 'text'") and feed[3].id == "j2"
    assert feed[4].pub_date == "2024-03-05" and feed[4].id is None  # date_iso preferred over date
    assert feed[5].pub_date is None and any("unparseable date" in w for w in feed[5].warnings)
    gz = by_name["more.jsonl.gz"]
    assert [r.id for r in gz] == ["gen-20", "gen-21", "gen-22"] and gz[0].source == "outlet2"
    trec = by_name["news.xml"]
    assert [r.id for r in trec] == ["T-1", "T-2", "T-3"]
    assert trec[0].pub_date == "2024-03-05" and trec[0].title == "عنوان"
    assert trec[0].text == article(8) + "\n" + article(9)
    assert trec[1].text.endswith("&") and trec[1].url == "http://x.example/2"
    assert trec[2].error == "unclosed <DOC> element"
    assert by_name["trec-as.txt"][0].id == "A-1" and by_name["trec-as.txt"][0].source == "X"
    assert "unsupported file type" in by_name["blob.bin"][0].error
    assert "binary" in by_name["binary.txt"][0].error
    assert count_records([mixed_folder]) == len(recs)


def test_truncated_gzip_is_accounted(tmp_path: Path):
    p = tmp_path / "cut.jsonl.gz"
    write_jsonl(p, 40, gz=True)
    data = p.read_bytes()
    p.write_bytes(data[: len(data) * 2 // 3])
    recs = list(iter_records([p]))
    assert recs[-1].error and "cannot read past line" in recs[-1].error
    assert all(r.error is None for r in recs[:-1]) and len(recs) >= 2


def test_missing_path_is_a_failed_record(tmp_path: Path):
    recs = list(iter_records([tmp_path / "nope.jsonl"]))
    assert len(recs) == 1 and recs[0].error == "no such file or folder"


# --------------------------------------------------------------------------- ingest
def test_ingest_accounts_for_every_input_and_is_idempotent(mixed_folder: Path, tmp_path: Path):
    db = tmp_path / "s.duckdb"
    # a second copy of one article under another name: same text, no id -> skipped as duplicate
    (mixed_folder / "copy-of-one.txt").write_text(article(1), encoding="utf-8")
    n = len(list(iter_records([mixed_folder])))
    res = store.ingest([mixed_folder], db, progress=False)
    assert res.read == n and res.ok + res.failed + res.skipped == n and res.already == 0
    assert res.skipped == 1 and res.failed == 6  # 3 malformed JSON lines, unclosed DOC, .bin, binary .txt
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == n
        rows = con.execute("SELECT status, reason, id FROM documents ORDER BY input").fetchall()
        assert all(s in ("ok", "failed", "skipped") for s, _, _ in rows)
        assert all(r for s, r, _ in rows if s != "ok") and all(r is None for s, r, _ in rows if s == "ok")
        dup = con.execute("SELECT id, reason FROM documents WHERE status = 'skipped'").fetchone()
        assert dup[1] == f"duplicate of id {dup[0]}"
        # every ok document has its sentences; sentence offsets slice the stored text
        for doc_id, text, n_sent in con.execute(
                "SELECT id, text, n_sentences FROM documents WHERE status = 'ok'").fetchall():
            sents = con.execute("SELECT start_char, end_char FROM sentences WHERE doc_id = ? ORDER BY idx",
                                [doc_id]).fetchall()
            assert len(sents) == n_sent and n_sent >= 1
            assert all(0 <= a < b <= len(text) for a, b in sents)
        ids = con.execute("SELECT id FROM documents WHERE status='ok'").fetchall()
        assert ("gen-21",) in ids and ("T-2",) in ids
    finally:
        con.close()
    before = table_contents(db)
    again = store.ingest([mixed_folder], db, progress=False)
    assert again.already == n and again.ok == again.failed == again.skipped == 0
    assert table_contents(db) == before


CHILD = textwrap.dedent("""
    import sys, time
    from khabar.store.duckdb_store import ingest

    def on_commit(n):
        print(n, flush=True)
        time.sleep(0.03)

    ingest([sys.argv[1]], sys.argv[2], batch_size=3, commit_seconds=1e9, progress=False, on_commit=on_commit,
           workers=int(sys.argv[3]))
    print("DONE", flush=True)
""")


def _kill_midway(src: Path, db: Path, workers: int, after: int) -> int:
    """Run an ingest in a subprocess and SIGKILL its process group once ``after`` units are committed."""
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(src), str(db), str(workers)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    committed = 0
    deadline = time.monotonic() + 90
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            line = line.strip()
            if line == "DONE":
                break
            committed = int(line)
            if committed >= after or time.monotonic() > deadline:
                break
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read() if proc.stderr else ""
    return committed


@pytest.mark.parametrize("workers", [1, 2])
def test_sigkill_then_resume_equals_uninterrupted_run(tmp_path: Path, workers: int):
    src = tmp_path / "gen.jsonl"
    write_jsonl(src, 60)
    with open(src, "a", encoding="utf-8") as fh:    # a duplicate and a malformed line, late in the file
        fh.write(json.dumps({"id": "gen-5", "text": article(5)}, ensure_ascii=False) + "\n{oops\n")
    ref = tmp_path / "ref.duckdb"
    r = store.ingest([src], ref, progress=False)
    assert (r.ok, r.failed, r.skipped) == (60, 1, 1)

    db = tmp_path / "killed.duckdb"
    committed = _kill_midway(src, db, workers, after=12)
    assert 12 <= committed < 62
    # after the kill: whole documents only (every ok document has all of its sentences), nothing half-written
    con = duckdb.connect(str(db))
    try:
        n_docs = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        assert committed <= n_docs < 62
        bad = con.execute("""
            SELECT d.id FROM documents d LEFT JOIN (SELECT doc_id, count(*) n FROM sentences GROUP BY doc_id) s
              ON s.doc_id = d.id WHERE d.status = 'ok' AND coalesce(s.n, 0) <> d.n_sentences""").fetchall()
        assert bad == []
        orphans = con.execute("""SELECT count(*) FROM sentences WHERE doc_id NOT IN
                                 (SELECT id FROM documents WHERE status = 'ok')""").fetchone()[0]
        assert orphans == 0
    finally:
        con.close()
    res = store.ingest([src], db, progress=False, workers=workers)
    assert res.already == n_docs and res.already + res.ok + res.failed + res.skipped == 62
    got, want = table_contents(db), table_contents(ref)
    assert {t: len(v) for t, v in got.items()} == {t: len(v) for t, v in want.items()}
    assert got == want


# --------------------------------------------------------------------------- hand-built documents: events, entities
def _doc(doc_id: str, pub: str, text: str, ents: list[Entity], events: list[Event]) -> Document:
    d = Document(text=text, pub_date=pub, doc_id=doc_id)
    d.sentences = [Sentence(0, len(text), 0, 0)]
    d.entities = ents
    d.events = events
    return d


RUS = dict(english="Russia", kb_id="Q159", country="RUS", actor_code="RUS")
USA = dict(english="United States", kb_id="Q30", country="USA", actor_code="USA")
RIYADH = Place(english="Riyadh", country="SAU", kb_id="Q3692", lat=24.69, lon=46.72)


def _consult(trig: Span, mentions: list[Span], date: str | None) -> Event:
    return Event(type="CONSULT", cameo="040", trigger=trig, sentence=0, mode=None,
                 source=Actor(**RUS), target=Actor(**USA), location=RIYADH,
                 date={"value": date, "source": "timex"} if date else None, mentions=mentions)


@pytest.fixture()
def event_db(tmp_path: Path) -> Path:
    t1 = "اجتمع وفد روسيا مع وفد أمريكا في الرياض. واستمر الاجتماع ساعات."
    t2 = "محادثات بين روسيا وامريكا في الرياض اليوم."
    t3 = "تظاهر طلاب في القاهرة ضد الغلاء."
    e1 = [Entity(11, 16, "روسيا", "GPE", **RUS), Entity(24, 29, "أمريكا", "GPE", **USA),
          Entity(33, 39, "الرياض", "GPE", english="Riyadh", kb_id="Q3692", country="SAU")]
    e2 = [Entity(10, 15, "روسيا", "GPE", **RUS), Entity(16, 22, "امريكا", "GPE", **USA),
          Entity(8, 14, "أحمد", "PER")]
    e3 = [Entity(13, 20, "القاهرة", "GPE", english="Cairo", kb_id="Q85", country="EGY"),
          Entity(0, 4, "احمد", "PER")]
    ev1 = _consult(Span(0, 5, "اجتمع"), [Span(0, 5, "اجتمع"), Span(46, 53, "الاجتماع")], "2025-02-18")
    ev2 = _consult(Span(0, 7, "محادثات"), [], None)  # no timex: dated by its article's publication date
    ev3 = Event(type="PROTEST", cameo="141", trigger=Span(0, 5, "تظاهر"), sentence=0, mode="demonstrate",
                source=Actor(text="طلاب"), target=None, location=Place(english="Cairo", country="EGY", kb_id="Q85"),
                date=None, modality="asserted")
    ev4 = Event(type="ASSAULT", cameo="190", trigger=Span(0, 5, "تظاهر"), sentence=0, modality="negated",
                source=Actor(**RUS), target=Actor(**USA), location=None, date={"value": "2025-02", "source": "timex"})
    docs = [_doc("d1", "2025-02-18", t1, e1, [ev1]), _doc("d2", "2025-02-18", t2, e2, [ev2, ev4]),
            _doc("d3", "2025-02-19", t3, e3, [ev3])]
    db = tmp_path / "ev.duckdb"
    res = store.add_documents(db, docs, meta=[{"source": "A", "url": "https://a.example/1"},
                                              {"source": "B", "url": "https://b.example/2"}, {"source": "A"}])
    assert res.ok == 3
    return db


def test_events_aggregate_across_documents(event_db: Path):
    rows = store.query_events(event_db, type="consult")
    assert len(rows) == 1
    e = rows[0]
    assert (e["source_english"], e["target_english"], e["location_english"]) == ("Russia", "United States", "Riyadh")
    assert str(e["day"]) == "2025-02-18" and e["cameo"] == "040"
    assert (e["n_mentions"], e["n_articles"], e["n_sources"]) == (3, 2, 2)
    assert e["doc_ids"] == ["d1", "d2"] and e["source_url"] in ("https://a.example/1", "https://b.example/2")
    assert sorted(r["type"] for r in store.query_events(event_db, actor="russ")) == ["ASSAULT", "CONSULT"]
    assert [r["type"] for r in store.query_events(event_db, actor="Q30", type="ASSAULT")] == ["ASSAULT"]
    assert [r["type"] for r in store.query_events(event_db, country="EGY")] == ["PROTEST"]
    assert [r["type"] for r in store.query_events(event_db, since="2025-02-19")] == ["PROTEST"]
    assert {r["type"] for r in store.query_events(event_db, until="2025-02-18")} == {"CONSULT", "ASSAULT"}
    assert store.query_events(event_db, type="consult", until="2025-02-17") == []


def test_entities_are_canonical_across_documents(event_db: Path):
    ents = {r["entity_key"]: r for r in store.query_entities(event_db)}
    assert ents["kb:Q159"]["n_docs"] == 2 and ents["kb:Q159"]["country"] == "RUS"
    assert ents["kb:Q30"]["n_mentions"] == 2 and set(ents["kb:Q30"]["surfaces"]) == {"أمريكا", "امريكا"}
    nil = [r for k, r in ents.items() if k.startswith("nil:PER:")]
    assert len(nil) == 1 and nil[0]["n_docs"] == 2  # أحمد / احمد: one NIL entity by normalised text
    assert [r["entity_key"] for r in store.query_entities(event_db, type="PER")] == [nil[0]["entity_key"]]
    assert {r["entity_key"] for r in store.query_entities(event_db, country="egy")} == {"kb:Q85"}


def test_add_documents_is_idempotent(event_db: Path):
    before = table_contents(event_db)
    res = store.add_documents(event_db, [_doc("d1", "2025-02-18", "نص", [], [])])
    assert res.already == 1 and table_contents(event_db) == before


def test_exports_read_back(event_db: Path, tmp_path: Path):
    out = tmp_path / "out"
    files = store.export(event_db, "parquet", out)
    assert {f.name for f in files} == {f"{t}.parquet" for t in store.ALL_RELATIONS}
    con = duckdb.connect()
    assert con.execute(f"SELECT count(*) FROM read_parquet('{out / 'events.parquet'}')").fetchone()[0] == 4
    assert con.execute(f"SELECT count(*) FROM read_parquet('{out / 'events_agg.parquet'}')").fetchone()[0] == 3
    assert con.execute(f"SELECT id FROM read_parquet('{out / 'documents.parquet'}') ORDER BY 1").fetchall() == \
        [("d1",), ("d2",), ("d3",)]

    store.export(event_db, "gdelt-tsv", out)
    with open(out / "gdelt-events.tsv", encoding="utf-8") as fh:
        rows = [r for r in csv.reader(fh, delimiter="\t")]
    assert len(rows) == 2  # CONSULT and PROTEST; the negated ASSAULT is not a GDELT event
    assert all(len(r) == 61 for r in rows)
    g = {r[26]: dict(zip(store.GDELT_EVENT_COLUMNS, r)) for r in rows}
    c = g["040"]
    assert (c["Day"], c["Actor1Code"], c["Actor1Name"], c["Actor1CountryCode"], c["Actor2CountryCode"]) == \
        ("20250218", "RUS", "RUSSIA", "RUS", "USA")
    assert (c["EventRootCode"], c["QuadClass"], c["NumMentions"], c["NumArticles"], c["NumSources"]) == \
        ("04", "1", "3", "2", "2")
    assert (c["ActionGeo_FullName"], c["ActionGeo_CountryCode"], c["ActionGeo_Lat"]) == ("Riyadh", "SAU", "24.69")
    assert c["ActionGeo_Type"] == "4"
    assert len(c["DATEADDED"]) == 14 and c["SOURCEURL"].startswith("https://")
    assert g["141"]["QuadClass"] == "4" and g["141"]["Day"] == "20250219"
    assert float(c["GoldsteinScale"]) == 2.5 and float(g["141"]["GoldsteinScale"]) < 0  # PLOVER scores
    with open(out / "gdelt-mentions.tsv", encoding="utf-8") as fh:
        ment = [r for r in csv.reader(fh, delimiter="\t")]
    assert all(len(r) == 16 for r in ment) and len(ment) == 4  # 2 + 1 CONSULT mentions, 1 PROTEST
    assert sum(1 for r in ment if r[0] == c["GlobalEventID"]) == 3

    store.export(event_db, "plover-jsonl", out)
    recs = [json.loads(ln) for ln in open(out / "plover-events.jsonl", encoding="utf-8")]
    assert len(recs) == 4
    r = recs[0]
    assert r["event_type"] == "CONSULT" and r["actor"]["country"] == "RUS" and r["recipient"]["name"] == "United States"
    assert r["location"]["name"] == "Riyadh" and r["date"] == "2025-02-18" and r["doc_id"] == "d1"
    assert r["trigger"] == {"start": 0, "end": 5, "text": "اجتمع"}
    neg = [x for x in recs if x["event_type"] == "ASSAULT"][0]
    assert neg["modality"] == "negated" and neg["date"] == "2025-02"
    assert r["score"] == 2.5 and neg["score"] == -9.0
    with pytest.raises(ValueError):
        store.export(event_db, "xml", out)


def test_gdelt_geo_types():
    g = store._geo_type
    assert (g("country:SYR", "SYR", 35.0), g("city:USA:boston", "USA", 42.3), g("city:EGY:cairo", "EGY", 30.0)) == \
        (1, 3, 4)
    assert (g("loc:california", "USA", None), g("loc:caucasus", None, None), g(None, "IRQ", None)) == (2, 5, 1)


def test_plover_scores_cover_every_type_and_fall_back_to_the_type():
    from khabar.store.aggregate import plover_score
    types = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE", "REJECT",
             "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"]
    assert all(plover_score(t) is not None for t in types)
    assert plover_score("CONSULT", "phone") == 1.5 and plover_score("consult", "no-such-mode") == 2.5
    assert plover_score("ASSAULT", "aerial") < plover_score("PROTEST") < 0 < plover_score("AID")
    assert plover_score("ACCUSE") < 0 and plover_score("NOPE") is None and plover_score(None) is None


def test_a_document_the_store_rejects_fails_alone(tmp_path: Path):
    db = tmp_path / "bad.duckdb"
    good = [_doc(f"g{i}", "2024-01-01", article(i), [], []) for i in range(3)]
    bad = _doc("bad", "2024-01-01", article(9), [Entity(0, 3, "abc", "PER", cluster=2**40)], [])  # INTEGER overflow
    res = store.add_documents(db, [good[0], bad, good[1], good[2]])
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = dict(con.execute("SELECT id, status FROM documents").fetchall())
        reason = con.execute("SELECT reason FROM documents WHERE id = 'bad'").fetchone()[0]
        assert con.execute("SELECT count(*) FROM mentions").fetchone()[0] == 0
    finally:
        con.close()
    assert rows == {"g0": "ok", "g1": "ok", "g2": "ok", "bad": "failed"} and reason.startswith("store error")
    assert (res.ok, res.failed) == (3, 1) and res.failures == {"store error": 1}


# --------------------------------------------------------------------------- CLI
def test_cli_ingest_events_entities_export(tmp_path: Path, event_db: Path):
    from typer.testing import CliRunner

    from khabar.cli import app

    runner = CliRunner()
    src = tmp_path / "c.jsonl"
    write_jsonl(src, 5)
    with open(src, "a", encoding="utf-8") as fh:
        fh.write("[1, 2]\n")
    db = tmp_path / "cli.duckdb"
    r = runner.invoke(app, ["ingest", str(src), "--db", str(db), "--quiet"])
    assert r.exit_code == 0, r.output
    assert "ok 5, failed 1, skipped 0" in r.output.replace("\n", " ")
    r = runner.invoke(app, ["events", "--db", str(event_db), "--format", "json", "--type", "CONSULT"])
    assert r.exit_code == 0 and json.loads(r.stdout)[0]["n_articles"] == 2
    r = runner.invoke(app, ["events", "--db", str(event_db), "--format", "csv"])
    lines = list(csv.reader(r.stdout.splitlines()))
    assert lines[0][0] == "event_key" and len(lines) == 4
    r = runner.invoke(app, ["entities", "--db", str(event_db), "--type", "GPE"])
    assert r.exit_code == 0 and "Russia" in r.stdout
    r = runner.invoke(app, ["export", "--db", str(event_db), "--format", "gdelt-tsv", "--out", str(tmp_path / "g")])
    assert r.exit_code == 0 and (tmp_path / "g" / "gdelt-events.tsv").exists()
    r = runner.invoke(app, ["events", "--db", str(tmp_path / "missing.duckdb")])
    assert r.exit_code == 2
    r = runner.invoke(app, ["events", "--db", str(event_db), "--since", "2025-13-01"])
    assert r.exit_code == 2


def test_ingest_date_option_fills_only_missing_dates(tmp_path: Path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("اجتمع وزير الخارجية المصري في القاهرة أمس مع نظيره الأردني.", encoding="utf-8")
    (src / "b.jsonl").write_text(json.dumps({"id": "b1", "date": "2020-05-04",
                                             "text": "زار الرئيس التونسي الرباط يوم الأحد."}, ensure_ascii=False)
                                 + "\n", encoding="utf-8")
    db = tmp_path / "d.duckdb"
    res = store.ingest([src], db, progress=False, default_date="2024-03-10")
    assert res.ok == 2
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = {r[0]: (str(r[1]), r[2]) for r in con.execute("SELECT input, pub_date, warnings FROM documents").fetchall()}
    finally:
        con.close()
    txt = next(v for k, v in rows.items() if k.endswith("a.txt"))
    jsn = next(v for k, v in rows.items() if "b.jsonl" in k)
    assert txt[0] == "2024-03-10" and any("--date" in w for w in txt[1])
    assert jsn[0] == "2020-05-04" and not any("--date" in w for w in jsn[1])
    with pytest.raises(store.StoreError):
        store.ingest([src], tmp_path / "e.duckdb", progress=False, default_date="10/03/2024")


def test_ingest_keeps_new_content_under_an_old_path_and_reused_ids(tmp_path: Path):
    feed = tmp_path / "feed"
    feed.mkdir()
    db = tmp_path / "f.duckdb"

    def write(ids):
        with open(feed / "latest.jsonl", "w", encoding="utf-8") as fh:
            for i in ids:
                fh.write(json.dumps({"id": f"n{i}", "date": "2024-02-0%d" % (1 + i % 5),
                                     "text": article(i)}, ensure_ascii=False) + "\n")

    write(range(0, 3))
    assert store.ingest([feed], db, progress=False).ok == 3
    write(range(3, 6))                      # same file name, same line numbers, other articles
    res = store.ingest([feed], db, progress=False)
    assert (res.ok, res.already) == (3, 0)
    assert store.ingest([feed], db, progress=False).already == 3   # idempotent after that
    other = tmp_path / "other.jsonl"        # a second feed reusing id n0 for another text
    other.write_text(json.dumps({"id": "n0", "text": article(7)}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert store.ingest([other], db, progress=False).ok == 1
    con = duckdb.connect(str(db), read_only=True)
    try:
        ids = sorted(r[0] for r in con.execute("SELECT id FROM documents WHERE status = 'ok'").fetchall())
    finally:
        con.close()
    assert len(ids) == 7 and [i for i in ids if i.startswith("n0~")], ids


def test_foreign_databases_are_refused_without_writing(tmp_path: Path):
    import sqlite3

    from typer.testing import CliRunner

    from khabar.cli import app

    foreign = tmp_path / "mine.duckdb"
    con = duckdb.connect(str(foreign))
    con.execute("CREATE TABLE documents (x INTEGER)")
    con.close()
    lite = tmp_path / "lite.duckdb"
    sqlite3.connect(str(lite)).execute("CREATE TABLE t (x)").connection.commit()
    src = tmp_path / "a.txt"
    src.write_text(article(1), encoding="utf-8")
    runner = CliRunner()
    r = runner.invoke(app, ["ingest", str(src), "--db", str(foreign), "--quiet"])
    assert r.exit_code == 2 and "not a khabar store" in r.output
    con = duckdb.connect(str(foreign), read_only=True)
    try:
        assert [t[0] for t in con.execute("SELECT table_name FROM information_schema.tables").fetchall()] == \
            ["documents"]
    finally:
        con.close()
    for args in (["events", "--db", str(lite)], ["entities", "--db", str(foreign)]):
        r = runner.invoke(app, args)
        assert r.exit_code == 2 and "extensions.duckdb.org" not in r.output, r.output


def test_query_options_are_checked(event_db: Path, tmp_path: Path):
    from typer.testing import CliRunner

    from khabar.cli import app

    runner = CliRunner()
    for args in (["events", "-n", "-1"], ["entities", "-n", "0"], ["events", "--type", "FOO"],
                 ["entities", "--type", "FOO"],
                 ["events", "--country", "sa"], ["events", "--since", "2025-03-01", "--until", "2025-01-01"],
                 ["export", "--format", "parquet", "--out", str(tmp_path / "afile")]):
        (tmp_path / "afile").write_text("x")
        r = runner.invoke(app, args + ["--db", str(event_db)])
        assert r.exit_code == 2, (args, r.output)
    r = runner.invoke(app, ["events", "--db", str(event_db), "--format", "json"])
    days = [e["day"] for e in json.loads(r.stdout) if e["day"]]
    assert days == sorted(days, reverse=True)


def test_fifo_and_missing_inputs_do_not_hang_or_pass_silently(tmp_path: Path):
    from typer.testing import CliRunner

    from khabar.cli import app

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(article(1), encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")                      # reading it would block forever
    (folder / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    recs = list(iter_records([folder]))
    assert sorted((Path(r.key).name, r.error is None) for r in recs) == \
        [("a.txt", True), ("dangling.txt", False), ("pipe.txt", False)]
    runner = CliRunner()
    r = runner.invoke(app, ["ingest", str(tmp_path / "typo.jsonl"), "--db", str(tmp_path / "x.duckdb"), "-q"])
    assert r.exit_code == 2 and not (tmp_path / "x.duckdb").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    r = runner.invoke(app, ["ingest", str(empty), "--db", str(tmp_path / "y.duckdb"), "-q"])
    assert r.exit_code == 2 and "no input units" in r.output


def test_actor_filter_accepts_an_arabic_name(tmp_path: Path):
    rus = dict(english="Russia", kb_id="country:RUS", country="RUS", actor_code="RUS")
    usa = dict(english="United States", kb_id="country:USA", country="USA", actor_code="USA")
    text = "اجتمع وفد روسيا مع وفد أمريكا."
    ev = Event(type="CONSULT", cameo="040", trigger=Span(0, 5, "اجتمع"), sentence=0, source=Actor(**rus),
               target=Actor(**usa), date={"value": "2025-02-18", "source": "timex"})
    db = tmp_path / "ar.duckdb"
    assert store.add_documents(db, [_doc("d1", "2025-02-18", text, [], [ev])]).ok == 1
    assert [r["type"] for r in store.query_events(db, actor="روسيا")] == ["CONSULT"]
    assert [r["type"] for r in store.query_events(db, actor="الولايات المتحدة")] == ["CONSULT"]
    assert store.query_events(db, actor="فرنسا") == []
    with pytest.raises(ValueError, match="no knowledge-base entity"):
        store.query_events(db, actor="كلمةغيرموجودةابدا")


def test_plain_file_with_a_gz_name_is_read_as_plain(tmp_path: Path):
    p = tmp_path / "feed.jsonl.gz"
    write_jsonl(p, 3, gz=False)
    recs = list(iter_records([p]))
    assert len(recs) == 3 and all(r.error is None for r in recs)


def test_ingest_counts_inputs_without_any_date(tmp_path: Path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(article(1), encoding="utf-8")
    (src / "b.txt").write_text(article(2), encoding="utf-8")
    res = store.ingest([src], tmp_path / "u.duckdb", progress=False)
    assert (res.ok, res.undated) == (2, 2)
    res = store.ingest([src], tmp_path / "v.duckdb", progress=False, default_date="2025-01-05")
    assert (res.ok, res.undated) == (2, 0)


# --------------------------------------------------------------------------- session 3: hostile query options
def test_huge_limit_and_like_wildcards_in_queries(event_db: Path):
    from typer.testing import CliRunner

    from khabar.cli import app

    for query in (store.query_events, store.query_entities):
        with pytest.raises(ValueError, match="--limit"):
            query(event_db, limit=999999999999999999999)
        assert len(query(event_db, limit=2**63 - 1)) >= 1
    r = CliRunner().invoke(app, ["events", "--limit", "999999999999999999999", "--db", str(event_db)])
    assert r.exit_code == 2 and "--limit" in r.output and "Conversion" not in r.output, r.output
    # % and _ are characters of a name, not LIKE wildcards
    assert store.query_events(event_db, actor="%") == []
    assert store.query_events(event_db, actor="_") == []
    assert store.query_events(event_db, actor="Rus%a") == []
    assert [r["type"] for r in store.query_events(event_db, actor="united states", type="consult")] == ["CONSULT"]


def test_gdelt_export_has_no_carriage_returns_in_fields(tmp_path: Path):
    text = "اجتمع وفد روسيا مع وفد أمريكا في الرياض."
    ev = _consult(Span(0, 5, "اجتمع"), [Span(0, 5, "اجتمع")], "2025-02-18")
    db = tmp_path / "cr.duckdb"
    store.add_documents(db, [_doc("cr1", "2025-02-18", text, [], [ev])],
                        meta=[{"source": "Out\rlet\u2028X", "url": "https://a.example/1\r\nx\ry"}])
    files = store.export(db, "gdelt-tsv", tmp_path / "g")
    for f in files:
        raw = f.read_bytes()
        assert b"\r" not in raw and "\u2028".encode() not in raw
        with open(f, newline="", encoding="utf-8") as fh:
            got = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
        assert len(got) == 1 and len(got[0]) == (61 if f.name == "gdelt-events.tsv" else 16), got
    assert store._s("a\rb\x0bc\x85d") == "a b c d"


def test_event_day_of_month_and_week_values():
    from khabar.store.aggregate import event_day
    # an event of an earlier month is filed under that month, not under the article's day
    assert event_day({"date": {"value": "2014-12"}}, "2015-08-06") == "2014-12-01"
    assert event_day({"date": {"value": "2025-W07"}}, "2025-03-01") == "2025-02-10"
    assert event_day({"date": {"value": "2014-12-20"}}, "2015-08-06") == "2014-12-20"
    assert event_day({"date": {"value": "2014"}}, "2015-08-06") == "2015-08-06"
    assert event_day({"date": {"value": "2014-13"}}, "2015-08-06") == "2015-08-06"
    assert event_day({}, None) is None


def test_arabic_actor_found_through_the_stores_own_spelling(tmp_path: Path):
    # "بلاد الروس" is no KB alias; the store's articles link it to Russia, so --actor with that spelling works
    text = "التقت بلاد الروس وفد أمريكا في الرياض."
    a = text.index("بلاد الروس")
    ents = [Entity(a, a + len("بلاد الروس"), "بلاد الروس", "GPE", **RUS)]
    db = tmp_path / "a.duckdb"
    assert store.add_documents(db, [_doc("d1", "2025-02-18", text, ents, [_consult(Span(0, 5, "التقت"), [], None)])]).ok == 1
    rows = store.query_events(db, actor="وبلاد الروس")
    assert len(rows) == 1 and rows[0]["source_english"] == "Russia"
    with pytest.raises(ValueError):
        store.query_events(db, actor="اسم لا وجود له")


def test_entity_surface_is_a_name_not_a_role_phrase(tmp_path: Path):
    text = "قال الرئيس الروسي وقال الرئيس الروسي ثم قال بوتين."
    a, b = text.index("الرئيس الروسي"), text.rindex("الرئيس الروسي")
    c = text.index("بوتين")
    per = dict(english="Vladimir Putin", kb_id="per:vladimir-putin", country="RUS", actor_code="RUSGOV")
    ents = [Entity(a, a + 13, "الرئيس الروسي", "PER", link="role", **per),
            Entity(b, b + 13, "الرئيس الروسي", "PER", link="role", **per), Entity(c, c + 5, "بوتين", "PER", **per)]
    db = tmp_path / "s.duckdb"
    assert store.add_documents(db, [_doc("d1", "2025-02-18", text, ents, [])]).ok == 1
    rows = [r for r in store.query_entities(db) if r["kb_id"] == "per:vladimir-putin"]
    assert rows and rows[0]["surface"] == "بوتين"
