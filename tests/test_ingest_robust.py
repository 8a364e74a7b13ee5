"""Hostile corpus input (session 3): every input unit is accounted for, one bad unit never stops a batch.

Each test builds its own input under ``tmp_path`` from sentences written for these tests, and fails on the code
before session 3 (lone surrogates, non-UTF-8 file names, deep JSON, huge lines, TREC markup, invalid page dates,
BOM-less UTF-16, short Windows-1256, BOM/UTF-16 JSON Lines, empty pages, pipe() arguments, newer stores,
Arabic-Indic dates, Persian/Urdu text).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

duckdb = pytest.importorskip("duckdb")

import khabar  # noqa: E402
from khabar.io import corpus  # noqa: E402
from khabar.io.corpus import count_records, iter_records  # noqa: E402
from khabar.io.readers import decode, read_bytes  # noqa: E402
from khabar.pipeline import check_date  # noqa: E402
from khabar.store import duckdb_store as store  # noqa: E402

AR = "قال وزير الخارجية في القاهرة يوم الثلاثاء إن الحكومة مستعدة للحوار مع جميع الأطراف."
AR2 = "وأضاف المتحدث باسم الوزارة أن الاجتماع المقبل سيعقد في عمان الأسبوع المقبل."


def rows(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT input, status, reason, id, title, url, source, pub_date, warnings "
                           "FROM documents ORDER BY input").fetchall()
    finally:
        con.close()


# --------------------------------------------------------------------------- 1. lone surrogates
def test_lone_surrogate_in_any_jsonl_field_is_repaired_and_the_rest_ingested(tmp_path: Path):
    f = tmp_path / "s.jsonl"
    lines = [
        '{"id": "t", "text": "\\ud800 ' + AR + '"}',
        '{"id": "i\\udfff", "text": "' + AR2 + '"}',
        '{"id": "m", "text": "' + AR + ' 1", "title": "\\ud83d", "url": "https://x.example/\\udc80", '
        '"source": "\\ud800src", "date": "2025-02-18\\ud800"}',
        '{"id": "ok", "text": "' + AR2 + ' 2"}',
    ]
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = store.ingest([f], tmp_path / "s.duckdb", progress=False)
    assert (res.read, res.ok, res.failed) == (4, 4, 0)
    got = {r[0].rsplit(":", 1)[1]: r for r in rows(tmp_path / "s.duckdb")}
    assert len(got) == 4 and all(r[1] == "ok" for r in got.values())
    assert got["2"][3] == "i\ufffd"
    assert (got["3"][4], got["3"][5], got["3"][6]) == ("\ufffd", "https://x.example/\ufffd", "\ufffdsrc")
    for k in ("1", "2", "3"):
        assert any("surrogate" in w for w in got[k][8]), got[k][8]
    assert not any("surrogate" in w for w in got["4"][8])


# --------------------------------------------------------------------------- 2. file names that are not UTF-8
def test_file_name_that_is_not_utf8_gets_a_safe_key(tmp_path: Path):
    d = tmp_path / "d"
    d.mkdir()
    (d / "a.txt").write_text(AR, encoding="utf-8")
    try:
        with open(os.path.join(os.fsencode(d), b"\xff.txt"), "w", encoding="utf-8") as fh:
            fh.write(AR2)
    except OSError:
        pytest.skip("this file system refuses non-UTF-8 file names")
    res = store.ingest([d], tmp_path / "d.duckdb", progress=False)
    assert (res.read, res.ok) == (2, 2)
    keys = [r[0] for r in rows(tmp_path / "d.duckdb")]
    assert any(k.endswith("\\xff.txt") for k in keys), keys
    assert count_records([d]) == 2


# --------------------------------------------------------------------------- 3. deep nesting
def test_deeply_nested_json_fails_that_record_alone(tmp_path: Path):
    f = tmp_path / "deep.jsonl"
    deep = '{"id": "n", "text": "x", "a": ' + "[" * 100_000 + "]" * 100_000 + "}"
    f.write_text(deep + "\n" + json.dumps({"id": "ok", "text": AR}, ensure_ascii=False) + "\n", encoding="utf-8")
    recs = list(iter_records([f]))
    assert [(r.line, r.error) for r in recs] == [(1, "invalid JSON: nested too deeply"), (2, None)]
    g = tmp_path / "deep.json"
    g.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert [r.error for r in iter_records([g])] == ["invalid JSON file: nested too deeply"]


# --------------------------------------------------------------------------- 4. record size cap
def test_oversized_jsonl_record_fails_alone_and_is_not_read_whole(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(corpus, "MAX_RECORD_BYTES", 2000)
    f = tmp_path / "big.jsonl"
    big = json.dumps({"id": "big", "text": "كلمة " * 3000}, ensure_ascii=False)
    ok = json.dumps({"id": "ok", "text": AR}, ensure_ascii=False)
    exact = json.dumps({"id": "edge", "text": "x" * (2000 - 26)})  # a line of exactly 2000 bytes
    assert len(exact.encode()) == 2000
    f.write_text(ok + "\n" + big + "\n" + exact + "\n\n" + ok.replace('"ok"', '"ok2"') + "\n" + big,
                 encoding="utf-8")
    reads: list[int] = []
    real_open = corpus._open_maybe_gz

    def spy(path):
        fh = real_open(path)
        readline = fh.readline

        class Wrapped:
            def __getattr__(self, name):
                return getattr(fh, name)

            def readline(self, size=-1):
                line = readline(size)
                reads.append(len(line))
                return line

            def __enter__(self):
                return self

            def __exit__(self, *a):
                fh.close()

        return Wrapped()

    monkeypatch.setattr(corpus, "_open_maybe_gz", spy)
    recs = list(iter_records([f]))
    assert [(r.line, r.id) for r in recs if r.error is None] == [(1, "ok"), (3, "edge"), (5, "ok2")]
    bad = [r for r in recs if r.error is not None]
    assert [r.line for r in bad] == [2, 6] and all(r.error.startswith("record larger than 0.002 MB") for r in bad)
    assert max(reads) <= 2001  # the 27 000-byte lines were never read in one piece
    assert count_records([f]) == 5


# --------------------------------------------------------------------------- 5. TREC markup
def test_trec_keeps_cdata_and_angle_brackets_that_are_not_tags(tmp_path: Path):
    f = tmp_path / "t.xml"
    f.write_text(
        f"<DOC><DOCNO>c</DOCNO><TEXT><![CDATA[{AR} & <b>]]></TEXT></DOC>\n"
        "<DOC><DOCNO>q</DOCNO><TEXT><P>وقال الملك: <<الأردن لن يقبل>> وأضاف &amp; مضى.</P>"
        "<P>العدد 3 < 5 وهو > 2 و<‹نص›> أيضا.</P><!-- تعليق --></TEXT></DOC>\n", encoding="utf-8")
    recs = {r.id: r for r in iter_records([f])}
    assert recs["c"].error is None and recs["c"].text == AR + " & <b>"
    assert recs["q"].text == "وقال الملك: <<الأردن لن يقبل>> وأضاف & مضى.\nالعدد 3 < 5 وهو > 2 و<‹نص›> أيضا."


# --------------------------------------------------------------------------- 6. invalid page dates
PAGE = ('<html><head><meta property="article:published_time" content="{}"></head><body><article>'
        f"<p>{AR} {AR2}</p><p>{AR2} {AR}</p></article></body></html>")


@pytest.mark.parametrize("raw", ["2025-02-30", "2025-99-99", "2025-13-01T10:00:00+02:00"])
def test_invalid_html_meta_date_is_rejected_not_made_up(raw: str):
    art = read_bytes(PAGE.format(raw).encode(), "p.html")
    assert art.date is None
    assert any("not a valid date" in w for w in art.warnings), art.warnings


def test_valid_html_meta_date_is_kept_and_ingest_date_fills_an_invalid_one(tmp_path: Path):
    assert read_bytes(PAGE.format("2025-02-18T10:00:00+02:00").encode(), "p.html").date == "2025-02-18"
    d = tmp_path / "pages"
    d.mkdir()
    (d / "bad.html").write_text(PAGE.format("2025-02-30"), encoding="utf-8")
    store.ingest([d], tmp_path / "h.duckdb", progress=False, default_date="2025-03-04")
    (row,) = rows(tmp_path / "h.duckdb")
    assert row[1] == "ok" and str(row[7]) == "2025-03-04"
    assert any("not a valid date" in w for w in row[8]) and any("--date" in w for w in row[8])


# --------------------------------------------------------------------------- 7. UTF-16 without BOM
@pytest.mark.parametrize("enc", ["utf-16-le", "utf-16-be"])
def test_bomless_utf16_arabic_is_decoded(enc: str):
    text = (AR + "\n" + AR2 + " (2025) «نص».\n") * 3
    got, name, warns = decode(text.encode(enc))
    assert got == text and name == "utf-16" and warns
    got, _, warns = decode(text.encode(enc) + b"\x00")  # an odd last byte: dropped, with a warning
    assert got == text and any("odd last byte" in w for w in warns)


def test_binary_and_utf8_are_not_taken_for_bomless_utf16():
    from khabar.io.readers import ReadError

    assert decode((AR * 3).encode("utf-8"))[1] == "utf-8"
    with pytest.raises(ReadError):
        decode(bytes(range(256)) * 20)


# --------------------------------------------------------------------------- 8. short Windows-1256
@pytest.mark.parametrize("text", ["مصر ترفض", "قال: نعم", "Reuters: قال الوزير"])
def test_short_cp1256_is_not_read_as_utf8(text: str):
    got, name, _ = decode(text.encode("cp1256"))
    assert (got, name) == (text, "cp1256")


def test_utf8_with_a_few_corrupt_bytes_stays_utf8():
    data = AR.encode() + b"\xd9" + AR2.encode() + b"\xff\xfe"
    got, name, warns = decode(data)
    assert name == "utf-8" and AR in got and AR2 in got and warns
    assert decode("Le ministre a déclaré".encode("latin-1"))[0] == "Le ministre a déclaré"


# --------------------------------------------------------------------------- 9. BOM / UTF-16 JSON Lines
@pytest.mark.parametrize("enc,bom", [("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"),
                                     ("utf-16-be", b"\xfe\xff"), ("utf-32-le", b"\xff\xfe\x00\x00")])
def test_jsonl_with_a_byte_order_mark(tmp_path: Path, enc: str, bom: bytes):
    body = "".join(json.dumps({"id": f"r{i}", "text": t}, ensure_ascii=False) + "\n"
                   for i, t in enumerate([AR, AR2, AR + " " + AR2]))
    f = tmp_path / "bom.jsonl"
    f.write_bytes(bom + body.encode(enc))
    recs = list(iter_records([f]))
    assert [(r.line, r.id, r.error) for r in recs] == [(1, "r0", None), (2, "r1", None), (3, "r2", None)]
    assert recs[1].text == AR2 and count_records([f]) == 3


# --------------------------------------------------------------------------- 10. empty pages
def test_empty_pages_are_failed_not_duplicates(tmp_path: Path):
    d = tmp_path / "e"
    d.mkdir()
    (d / "a.txt").write_bytes(b"")
    (d / "b.html").write_text("<html><body></body></html>", encoding="utf-8")
    (d / "c.html").write_text("<html><body> </body></html>", encoding="utf-8")
    res = store.ingest([d], tmp_path / "e.duckdb", progress=False)
    assert (res.failed, res.skipped) == (3, 0)
    assert [(Path(r[0]).name, r[1], r[2]) for r in rows(tmp_path / "e.duckdb")] == \
        [("a.txt", "failed", "empty text"), ("b.html", "failed", "empty text"), ("c.html", "failed", "empty text")]


def test_an_empty_text_does_not_claim_its_id_in_one_run_or_after_a_resume(tmp_path: Path):
    empty = json.dumps({"id": "x", "text": " "}) + "\n"
    full = json.dumps({"id": "x", "text": AR}, ensure_ascii=False) + "\n"
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir(), two.mkdir()
    (one / "f.jsonl").write_text(empty + full, encoding="utf-8")
    store.ingest([one / "f.jsonl"], tmp_path / "one.duckdb", progress=False)
    (two / "f.jsonl").write_text(empty, encoding="utf-8")           # interrupted after the first line …
    store.ingest([two / "f.jsonl"], tmp_path / "two.duckdb", progress=False)
    (two / "f.jsonl").write_text(empty + full, encoding="utf-8")    # … and resumed
    store.ingest([two / "f.jsonl"], tmp_path / "two.duckdb", progress=False)
    for db in ("one", "two"):
        assert [(r[1], r[3]) for r in rows(tmp_path / f"{db}.duckdb")] == [("failed", "x"), ("ok", "x")]


# --------------------------------------------------------------------------- 13. pipe() arguments
def test_pipe_accepts_a_single_date_object():
    docs = list(khabar.pipe([AR, AR2], pub_dates=dt.date(2025, 2, 18)))
    assert [d.pub_date for d in docs] == ["2025-02-18"] * 2
    docs = list(khabar.pipe([AR], pub_dates=dt.datetime(2025, 2, 18, 23, 30)))
    assert docs[0].pub_date == "2025-02-18"


@pytest.mark.parametrize("kwargs,exc", [
    ({"pub_dates": b"2025-02-18"}, TypeError), ({"pub_dates": 20250218}, TypeError),
    ({"n_process": None}, TypeError), ({"n_process": "2"}, TypeError),
    ({"n_process": float("inf")}, ValueError), ({"n_process": float("nan")}, ValueError),
    ({"n_process": 1.5}, ValueError), ({"chunksize": None}, TypeError)])
def test_pipe_bad_arguments_are_clear_errors_at_the_call(kwargs: dict, exc: type):
    with pytest.raises(exc, match="pub_dates|n_process|chunksize"):
        khabar.pipe([AR], **kwargs)  # raised before iterating: no text is analysed


def test_pipe_texts_that_are_not_iterable_is_a_clear_error():
    with pytest.raises(TypeError, match="texts must be"):
        khabar.pipe(None)


# --------------------------------------------------------------------------- 14. closed stdout, newer stores
def test_analyze_with_stdout_closed_is_one_clear_error(tmp_path: Path):
    f = tmp_path / "a.txt"
    f.write_text(AR, encoding="utf-8")
    p = subprocess.run([sys.executable, "-m", "khabar.cli", "analyze", str(f), "--format", "json"],
                       stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=lambda: os.close(1),
                       env=dict(os.environ, COLUMNS="200", NO_COLOR="1"), timeout=120)
    err = p.stderr.decode()
    assert p.returncode == 2 and "Traceback" not in err and "AttributeError" not in err
    assert err.strip().startswith("error:") and "standard output is closed" in err


def test_store_of_a_newer_schema_is_refused_untouched(tmp_path: Path):
    db = tmp_path / "new.duckdb"
    store.connect(db).close()
    con = duckdb.connect(str(db))
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.close()
    for read_only in (False, True):
        with pytest.raises(store.StoreError, match="newer khabar"):
            store.connect(db, read_only=read_only)
    f = tmp_path / "a.jsonl"
    f.write_text(json.dumps({"text": AR}, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(store.StoreError, match="newer khabar"):
        store.ingest([f], db, progress=False)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("99",)
    assert con.execute("SELECT count(*) FROM documents").fetchone() == (0,)
    con.close()


# --------------------------------------------------------------------------- 15. Arabic-Indic dates
def test_arabic_indic_dates_are_accepted():
    assert check_date("٢٠٢٥-٠٢-١٨") == "2025-02-18"
    assert check_date("۲۰۲۵-۰۲-۱۸") == "2025-02-18"
    assert check_date(dt.date(2025, 2, 18)) == "2025-02-18"
    assert khabar.analyze(AR, "٢٠٢٥-٠٢-١٨").pub_date == "2025-02-18"
    assert store._day("--since", "٢٠٢٥-٠٢-١٨") == "2025-02-18"


def test_cli_analyze_bomless_utf16_with_an_arabic_indic_date(tmp_path: Path):
    f = tmp_path / "u16.txt"
    f.write_bytes((AR + "\n" + AR2 + "\n").encode("utf-16-le"))
    p = subprocess.run([sys.executable, "-m", "khabar.cli", "analyze", str(f), "--date", "٢٠٢٥-٠٢-١٨",
                        "--format", "json"], stdin=subprocess.DEVNULL, capture_output=True,
                       env=dict(os.environ, COLUMNS="200", NO_COLOR="1"), timeout=180)
    assert p.returncode == 0, p.stderr.decode()[-500:]
    d = json.loads(p.stdout)
    assert d["pub_date"] == "2025-02-18" and d["source"]["encoding"] == "utf-16"
    assert d["text_sha256"] == khabar.Document(text=AR + "\n" + AR2 + "\n").text_sha256


# --------------------------------------------------------------------------- 16. Persian / Urdu
FA = ("وزیر امور خارجه ایران روز سه‌شنبه در تهران گفت که کشورش آماده گفتگو با آمریکا نیست و تحریم‌ها باید "
      "لغو شوند. او افزود که دولت به مردم کمک خواهد کرد.")
UR = ("پاکستان کے وزیر اعظم نے اسلام آباد میں کہا کہ حکومت عوام کی مدد کرے گی اور مہنگائی کم ہو جائے گی۔ "
      "انہوں نے مزید کہا کہ بات چیت جاری رہے گی۔")


@pytest.mark.parametrize("text", [FA, UR])
def test_persian_and_urdu_text_gets_a_warning(text: str):
    doc = khabar.analyze(text, "2025-02-18")
    assert any("Persian/Urdu" in w for w in doc.warnings), doc.warnings


def test_arabic_with_a_few_persian_letters_gets_no_warning():
    text = AR + " وزار الرئيس الباكستاني برويز مشرف وغوردون براون وپاريس وچين. " + AR2
    assert not any("Persian/Urdu" in w for w in khabar.analyze(text, "2025-02-18").warnings)


def test_jsonl_pub_date_key_is_read(tmp_path):
    """Hostile round, session 5: khabar's own output field ``pub_date`` was ignored on ingest."""
    from khabar.io.corpus import iter_records

    p = tmp_path / "a.jsonl"
    p.write_text('{"id": "x1", "text": "قال الوزير إن الاجتماع انتهى.", "pub_date": "2024-03-01"}\n', encoding="utf-8")
    recs = list(iter_records([str(p)]))
    assert recs and recs[0].pub_date == "2024-03-01"
