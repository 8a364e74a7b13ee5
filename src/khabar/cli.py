"""The ``khabar`` command line (typer + rich).

Commands: ``analyze``; ``train ner|translit``; ``build kb``; ``eval ner|linking|timex|events|quotes``;
``ingest``, ``export``, ``events``, ``entities`` (the DuckDB store). Every failure the user can cause (missing
path, binary file, bad date) prints one ``error: …`` line on stderr and exits with status 2; never a traceback.
"""
from __future__ import annotations

import importlib
import json
import re
import sys
from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

app = typer.Typer(add_completion=False, no_args_is_help=True, help="khabar: facts from Arabic news, offline.")
train_app = typer.Typer(no_args_is_help=True, help="Train a model from ../shared/data.")
build_app = typer.Typer(no_args_is_help=True, help="Build an artefact (knowledge base, event lexicon, noise lists, or all) from ../shared/data.")
eval_app = typer.Typer(no_args_is_help=True, help="Evaluate a stage on a fixed evaluation set.")


def _version(value: bool) -> None:
    if value:
        from khabar import __version__

        typer.echo(f"khabar {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print khabar's version and exit.")) -> None:
    """khabar: facts from Arabic news, offline."""


app.add_typer(train_app, name="train")
app.add_typer(build_app, name="build")
app.add_typer(eval_app, name="eval")

err = Console(stderr=True)


class NerMode(str, Enum):
    default = "default"
    accurate = "accurate"
    crf = "crf"


def _ner_mode(mode: "NerMode | None") -> None:
    """``--ner MODE`` = ``KHABAR_NER=MODE`` for this process and its workers (:func:`khabar.ner.tagger.ner_mode`)."""
    import os

    if mode is not None:
        os.environ["KHABAR_NER"] = mode.value


_NER_HELP = ("NER model: default (BiLSTM-CRF), accurate (CRF + two BiLSTM-CRFs averaged: about 3x the NER time) or crf "
             "(the CRF alone); env KHABAR_NER.")


class OutFormat(str, Enum):
    pretty = "pretty"
    json = "json"
    jsonl = "jsonl"


class EvalFormat(str, Enum):
    table = "table"
    json = "json"


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean(s: object) -> str:
    """Text safe for the terminal: control characters (ESC sequences included) dropped, newlines as spaces,
    lone surrogates (a file name that is not UTF-8) written as ``\\udcff``."""
    s = _CONTROL.sub("", str(s)).replace("\n", " ").replace("\r", " ")
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", s)


def need_stdout() -> None:
    """Fail with one clear line when standard output is closed (``khabar analyze x >&-``): Python then has no
    ``sys.stdout`` and the results could not be written anywhere."""
    if sys.stdout is None or getattr(sys.stdout, "closed", False):
        fail("standard output is closed: nowhere to write the results (redirect it to a file instead)")


def fail(msg: str, code: int = 2) -> None:
    """Print one error line on stderr and exit with ``code``."""
    err.print(Text.assemble(("error:", "bold red"), " ", clean(msg)), highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def warn(msg: str) -> None:
    """Print one warning line on stderr (no markup interpretation)."""
    err.print(Text("warning: " + clean(msg)), highlight=False, soft_wrap=True)


def rtl(s: str | None) -> Text:
    """Arabic text wrapped in Unicode right-to-left isolates (U+2067 … U+2069), so bidi terminals order it
    right; returned as a rich ``Text`` (never parsed as markup), control characters removed."""
    if not s:
        return Text("")
    return Text("\u2067" + clean(s) + "\u2069")


def plain(s: object) -> Text:
    """A table cell that rich never interprets as markup."""
    return Text(clean(s) if s is not None else "")


def _call(module: str, func: str, *args: Any, **kwargs: Any) -> Any:
    try:
        mod = importlib.import_module(module)
        return getattr(mod, func)(*args, **kwargs)
    except ModuleNotFoundError as exc:
        fail(f"missing package {exc.name!r}: training and building need pip install -e '.[train]'")
    except FileNotFoundError as exc:
        fail(f"missing input: {exc}")


# --------------------------------------------------------------------------- analyze
@app.command()
def analyze(
    path: str = typer.Argument(..., help="Article file (UTF-8/16/32, Windows-1256 or Windows-1252 text, or HTML), or - for stdin."),
    date: Optional[str] = typer.Option(None, "--date", "-d", help="Publication date YYYY-MM-DD (anchors relative dates; Arabic-Indic digits accepted)."),
    fmt: OutFormat = typer.Option(OutFormat.pretty, "--format", "-f", help="pretty | json | jsonl"),
    ner: Optional[NerMode] = typer.Option(None, "--ner", help=_NER_HELP),
) -> None:
    """Analyse one article: entities, links, dates, events, quotes, noise."""
    need_stdout()
    _ner_mode(ner)
    from khabar.io.readers import ReadError, read_text
    from khabar.pipeline import KhabarInputError, analyze as run_analyze, check_date

    try:
        pub = check_date(date)
        art = read_text(path)
    except (ReadError, KhabarInputError) as exc:
        fail(str(exc))
    if not art.text.strip():
        warn("the input is empty; nothing to analyse")
    if pub is None and art.date:
        try:
            pub = check_date(art.date)
            art.warnings.append(f"publication date {pub} taken from the HTML page's metadata")
        except KhabarInputError:
            pass
    doc = run_analyze(art.text, pub)
    doc.warnings[:0] = art.warnings
    d = doc.to_dict()
    d["source"] = {"path": path, "encoding": art.encoding, "format": art.format}
    if fmt == OutFormat.json:
        sys.stdout.write(json.dumps(d, ensure_ascii=False, indent=2) + "\n")
    elif fmt == OutFormat.jsonl:
        sys.stdout.write(json.dumps(d, ensure_ascii=False) + "\n")
    else:
        print_pretty(d)
    for w in doc.warnings:
        warn(w)


def _actor(a: dict | None) -> str:
    if not a:
        return "?"
    name = a.get("english") or ("\u2067" + a["text"] + "\u2069" if a.get("text") else "?")
    code = a.get("actor_code") or a.get("country")
    return f"{name} ({code})" if code else name


def print_pretty(d: dict) -> None:
    """Render the JSON contract as rich tables; Arabic cells are wrapped in RTL isolates."""
    out = Console()
    n = len(d["sentences"])
    out.print(Text.assemble(("khabar", "bold"), f" — {n} sentence{'' if n == 1 else 's'}, "
                            f"pub_date {d.get('pub_date') or 'unknown'}"))
    t = Table(title="Entities", show_lines=False)
    for c in ("text", "label", "english", "country", "actor"):
        t.add_column(c)
    seen = set()
    for e in d["entities"]:
        key = (e["text"], e["label"], e.get("english"))
        if key in seen:
            continue
        seen.add(key)
        t.add_row(rtl(e["text"]), plain(e["label"] + (f"/{e['subtype']}" if e.get("subtype") else "")),
                  plain(e.get("english")), plain(e.get("country")), plain(e.get("actor_code")))
    show(out, t)
    t = Table(title="Events")
    for c in ("event", "trigger", "where", "when", "modality"):
        t.add_column(c)
    for ev in d["events"]:
        head = f"{_actor(ev.get('source'))} — {ev['type']}{'/' + ev['mode'] if ev.get('mode') else ''} [{ev.get('cameo') or ''}] → {_actor(ev.get('target'))}"
        loc = ev.get("location") or {}
        date = (ev.get("date") or {}).get("value") or ""
        t.add_row(plain(head), rtl(ev["trigger"]["text"]), plain(loc.get("english")), plain(date),
                  plain(ev.get("modality", "")))
    show(out, t)
    t = Table(title="Quotes")
    for c in ("speaker", "cue", "kind", "quote"):
        t.add_column(c)
    for q in d["quotes"]:
        spk = q.get("speaker") or {}
        sp = plain(spk["english"]) if spk.get("english") else (rtl(spk["text"]) if spk.get("text") else "?")
        t.add_row(sp, rtl((q.get("cue") or {}).get("text")), plain(q["kind"]), rtl(q["text"] if len(q["text"]) <= 120 else q["text"][:119].rstrip() + "…"))
    show(out, t)
    t = Table(title="Dates")
    for c in ("text", "type", "value", "anchor"):
        t.add_column(c)
    for x in d["timexes"]:
        t.add_row(rtl(x["text"]), plain(x["type"]), plain(str(x.get("value")) + (" ~" if x.get("approximate") else "")),
                  plain(x.get("anchor")))
    show(out, t)
    t = Table(title="Noise")
    for c in ("text", "kind", "detail"):
        t.add_column(c)
    for n in d["noise"]:
        t.add_row(rtl(n["text"]), plain(n["kind"]), rtl(n.get("detail")))
    show(out, t)


def show(out: Console, t: Table) -> None:
    """Print a table, or one line saying it is empty."""
    if t.row_count:
        out.print(t)
    else:
        out.print(Text(f"{t.title}: none found", style="dim"))


# --------------------------------------------------------------------------- eval helpers
def print_eval(result: dict, fmt: EvalFormat, title: str) -> None:
    """Print an evaluation result dict as JSON or as a table (``per_type`` rows when present)."""
    need_stdout()
    if fmt == EvalFormat.json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
        return
    out = Console()
    per = result.get("per_type")
    if isinstance(per, dict) and per:
        t = Table(title=title)
        cols = sorted({k for v in per.values() if isinstance(v, dict) for k in v})
        t.add_column("type")
        for c in cols:
            t.add_column(c, justify="right")
        for k, v in per.items():
            t.add_row(k, *[(f"{v[c]:.2f}" if isinstance(v.get(c), float) else str(v.get(c, ""))) for c in cols])
        out.print(t)
    for k, v in result.items():
        if k != "per_type" and not isinstance(v, (dict, list)):
            out.print(f"{k}: {v:.2f}" if isinstance(v, float) else f"{k}: {v}")


def _shared() -> Path:
    from khabar.paths import shared_data

    try:
        return shared_data()
    except FileNotFoundError as exc:
        fail(str(exc))
    raise AssertionError


# --------------------------------------------------------------------------- train / build / eval
@train_app.command("ner")
def train_ner(
    out: Optional[Path] = typer.Option(None, help="Output model path (default: the shipped model path)."),
) -> None:
    """Train the CRF NER model from ../shared/data (train splits only)."""
    res = _call("khabar.ner.train", "train", _shared(), out)
    Console().print(res)


@train_app.command("translit")
def train_translit(out: Optional[Path] = typer.Option(None, help="Output path.")) -> None:
    """Train the Arabic→Latin transliteration model from ANETAC / google ar2en train splits."""
    res = _call("khabar.link.translit", "train", _shared(), out)
    Console().print(res)


@train_app.command("events")
def train_events(out: Optional[Path] = typer.Option(None, help="Output path (default: the shipped gate model).")) -> None:
    """Train the ASSAULT/PROTEST sentence filter on arabic_event_gsr (needs: pip install -e '.\\[train]')."""
    res = _call("khabar.events.gate", "train", _shared(), out)
    Console().print({k: v for k, v in res.items() if k in ("cv", "thresholds")} if isinstance(res, dict) else res)


@build_app.command("kb")
def build_kb(out: Optional[Path] = typer.Option(None, help="Output KB path (default: the shipped KB path).")) -> None:
    """Build the knowledge base from ../shared/data and the curated files in khabar/data/kb."""
    res = _call("khabar.kb.build", "build", _shared(), out)
    Console().print(res)


@build_app.command("lexicon")
def build_lexicon(out: Optional[Path] = typer.Option(None, help="Output path (default: the shipped lexicon).")) -> None:
    """Build the event trigger lexicon from UniversalPetrarch's Arabic CAMEO verbs + PLOVER map + our additions."""
    res = _call("khabar.events.build_lexicon", "build", _shared(), out)
    Console().print(res)


@build_app.command("noise")
def build_noise() -> None:
    """Build the noise report's word list and foreign-name character model from the ANT corpus."""
    res = _call("khabar.noise.report", "build_lexicon", _shared(), None)
    Console().print(res)


@build_app.command("all")
def build_all() -> None:
    """Rebuild every shipped artefact in order: KB, event lexicon, noise lists, transliteration, event filter, NER model."""
    shared = _shared()
    for label, mod, fn in (("kb", "khabar.kb.build", "build"), ("lexicon", "khabar.events.build_lexicon", "build"),
                           ("noise", "khabar.noise.report", "build_lexicon"),
                           ("translit", "khabar.link.translit", "train"), ("events", "khabar.events.gate", "train"),
                           ("ner", "khabar.ner.train", "train")):
        Console().print(f"[bold]build {label}[/]")
        Console().print(_call(mod, fn, shared, None))


def _gold_file(path: Optional[Path], kind: str) -> Optional[Path]:
    """Check a user-given evaluation file before scoring (None = the shipped default, not checked): it must be a
    readable UTF-8 file with at least one record; for ``kind="jsonl"`` every non-blank line a JSON object. A file
    that fails gives one ``error:`` line and exit status 2 (an empty file used to score 0 without a word)."""
    if path is None:
        return None
    if not path.exists():
        fail(f"no such evaluation file: {path}")
    if path.is_dir():
        fail(f"{path} is a folder, not an evaluation file")
    try:
        lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read evaluation file {path}: {exc}")
        raise AssertionError from None
    if not lines:
        fail(f"evaluation file {path} holds no records")
    if kind == "jsonl":
        for i, line in enumerate(lines, 1):
            try:
                rec = json.loads(line)
            except (ValueError, RecursionError) as exc:
                fail(f"{path}: record {i} is not valid JSON ({str(exc)[:80]})")
                raise AssertionError from None
            if not isinstance(rec, dict):
                fail(f"{path}: record {i} is not a JSON object ({type(rec).__name__})")
    return path


def _eval(module: str, path: Optional[Path], *args: Any) -> dict:
    """Run ``module.evaluate(path, *args)``; with a user-given ``path``, a record without the fields the scorer
    reads is one ``error:`` line (exit 2) naming the file, not an internal error."""
    if path is None:
        return _call(module, "evaluate", None, *args)
    try:
        return _call(module, "evaluate", path, *args)
    except (KeyError, TypeError, AttributeError, ValueError, IndexError) as exc:
        fail(f"{path} does not look like a {module.rsplit('.', 1)[-1]} evaluation file "
             f"({type(exc).__name__}: {str(exc)[:80]})")
        raise AssertionError from None


@eval_app.command("ner")
def eval_ner(
    fmt: EvalFormat = typer.Option(EvalFormat.table, "--format", "-f"),
    test: Optional[Path] = typer.Option(None, help="CoNLL file (default: ANERcorp CAMeL test split)."),
    ner: Optional[NerMode] = typer.Option(None, "--ner", help=_NER_HELP),
) -> None:
    """Entity-level (conlleval) P/R/F1 per type, micro and macro F1 (0–100)."""
    _ner_mode(ner)
    if test is not None:
        _gold_file(test, "conll")
        res = _eval("khabar.eval.ner", test)
        if not res.get("tokens"):
            fail(f"no tokens read from {test}: expected a CoNLL file (one 'token TAG' pair per line)")
    else:
        res = _call("khabar.eval.ner", "evaluate", _shared() / "ner/anercorp/ANERCorp_CamelLab_test.txt")
    print_eval(res, fmt, "NER")


@eval_app.command("linking")
def eval_linking(fmt: EvalFormat = typer.Option(EvalFormat.table, "--format", "-f"),
                 path: Optional[Path] = typer.Option(None, help="Gold JSONL (default: data/eval/linking-dev.jsonl).")) -> None:
    """Linking accuracy overall, in-KB and NIL (0–100)."""
    print_eval(_eval("khabar.eval.linking", _gold_file(path, "jsonl")), fmt, "Linking")


@eval_app.command("timex")
def eval_timex(fmt: EvalFormat = typer.Option(EvalFormat.table, "--format", "-f"),
               path: Optional[Path] = typer.Option(None, help="Gold JSONL (default: data/eval/timex-dev.jsonl).")) -> None:
    """Timex span F1 and value accuracy (0–100)."""
    print_eval(_eval("khabar.eval.timex", _gold_file(path, "jsonl")), fmt, "Timex")


@eval_app.command("events")
def eval_events(fmt: EvalFormat = typer.Option(EvalFormat.table, "--format", "-f")) -> None:
    """ASSAULT/PROTEST sentence F1 on arabic_event_gsr and actor-country accuracy; dev-set per-type P/R/F1."""
    print_eval(_call("khabar.eval.events", "evaluate", _shared()), fmt, "Events")


@eval_app.command("quotes")
def eval_quotes(fmt: EvalFormat = typer.Option(EvalFormat.table, "--format", "-f"),
                path: Optional[Path] = typer.Option(None, help="Gold JSONL (default: data/eval/quotes-dev.jsonl).")) -> None:
    """Quote detection P/R/F1 and speaker accuracy (0–100)."""
    print_eval(_eval("khabar.eval.quotes", _gold_file(path, "jsonl")), fmt, "Quotes")


# --------------------------------------------------------------------------- store: ingest / export / events / entities
# (owned by the store builder; duckdb is imported lazily inside khabar.store.duckdb_store)
class ExportFormat(str, Enum):
    parquet = "parquet"
    gdelt_tsv = "gdelt-tsv"
    plover_jsonl = "plover-jsonl"


class QueryFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


def _store():
    return importlib.import_module("khabar.store.duckdb_store")


@app.command()
def ingest(
    inputs: list[str] = typer.Argument(..., help="Files or folders: .txt/.html, .jsonl[.gz], .json, TREC .xml/.trec."),
    db: Path = typer.Option(Path("khabar.duckdb"), "--db", help="DuckDB store (created if missing)."),
    workers: int = typer.Option(1, "--workers", "-w", min=1, help="Pipeline processes (each loads the models once)."),
    batch: int = typer.Option(64, "--batch", min=1, help="Documents per transaction."),
    no_text: bool = typer.Option(False, "--no-text", help="Do not keep article texts in documents.text."),
    retry_failed: bool = typer.Option(False, "--retry-failed", help="Try again the inputs recorded as failed."),
    date: Optional[str] = typer.Option(None, "--date", help="Publication date (YYYY-MM-DD) for inputs that carry none (only inputs not already in the store)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    ner: Optional[NerMode] = typer.Option(None, "--ner", help=_NER_HELP),
) -> None:
    """Analyse a corpus into a DuckDB store: resumable, every input accounted for (ok | failed | skipped)."""
    _ner_mode(ner)
    store = _store()

    def _missing(p: str) -> str | None:
        """Why ``p`` cannot be an input (None when it can be looked at); long names are shortened."""
        short = p if len(p) <= 120 else p[:60] + "…" + p[-40:]
        try:
            return None if Path(p).exists() or Path(p).is_symlink() else f"no such file or folder: {short}"
        except OSError as exc:  # name too long, no permission on a folder on the way: a failed unit too
            return f"cannot access {short}: {exc.strerror or exc}"

    import os

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if workers > cpus:
        # each worker loads every model (hundreds of MB): --workers 1000 would exhaust memory, not go faster
        warn(f"--workers {workers} is more than the {cpus} CPU(s) this process may use; using {cpus}")
        workers = cpus
    missing = [why for why in map(_missing, inputs) if why]
    if len(missing) == len(inputs):
        fail("; ".join(missing[:5]) + (" …" if len(missing) > 5 else ""))
    for why in missing:
        warn(f"{why} (recorded as failed)")
    try:
        res = store.ingest(inputs, db, workers=workers, batch_size=batch, progress=not quiet,
                           store_text=not no_text, retry_failed=retry_failed, default_date=date)
    except store.StoreError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        err.print(f"interrupted: committed documents are kept in {db}; run the same command again to resume",
                  highlight=False)
        sys.exit(130)
    out = Console(stderr=True)
    out.print(f"[bold]ingest[/] {db}: read {res.read} inputs in {res.seconds:.1f} s "
              f"({res.rate:.1f} articles/s) — new: ok {res.ok}, failed {res.failed}, skipped {res.skipped} "
              f"(duplicates); already done {res.already}", highlight=False)
    if res.failures:
        out.print("failures: " + ", ".join(f"{k} × {v}" for k, v in sorted(res.failures.items())), highlight=False)
    out.print("database: " + (", ".join(f"{k} {v}" for k, v in res.totals.items()) or "empty"), highlight=False)
    if res.undated:
        warn(f"{res.undated} input(s) had no publication date: their relative dates have no value and their "
             "events no day (GDELT Day is empty). Give --date YYYY-MM-DD (it applies to inputs not yet in the "
             "store; use a new --db to re-date documents already ingested).")
    if res.read == 0:
        fail("no input units found (empty folders, or only hidden files)")


@app.command(help="Export the store: Parquet tables, GDELT 2.0 event/mention TSV, or PLOVER/POLECAT-style JSON "
             "lines.\n\nGDELT TSV holds asserted events only (negated, requested, future and conditional ones are "
             "left out) and writes ISO 3166 alpha-3 country codes in the Geo fields (GDELT itself uses FIPS); "
             "PLOVER JSON lines keep every event with its modality. Columns: docs/schema.md.")
def export(
    db: Path = typer.Option(Path("khabar.duckdb"), "--db", help="DuckDB store."),
    fmt: ExportFormat = typer.Option(..., "--format", "-f", help="parquet | gdelt-tsv | plover-jsonl"),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder (created)."),
    header: bool = typer.Option(False, "--header", help="gdelt-tsv: write a header row (GDELT files have none)."),
) -> None:
    """Export the store: Parquet tables, GDELT 2.0 event/mention TSV, or PLOVER/POLECAT-style JSON lines."""
    store = _store()
    try:
        files = store.export(db, fmt.value, out, header=header)
    except store.StoreError as exc:
        fail(str(exc))
    for f in files:
        Console().print(str(f), highlight=False)


def _print_rows(rows: list[dict], fmt: QueryFormat, columns: list[tuple[str, Any]], title: str,
                limit: int | None = None) -> None:
    """Rows as a rich table (``columns``: (header, row -> str)), JSON list or CSV (all columns); a table that
    reached ``limit`` rows says that more may match."""
    need_stdout()
    import csv as _csv
    import datetime as _dt

    def plain(v: Any) -> Any:
        if isinstance(v, (_dt.date, _dt.datetime)):
            return v.isoformat()
        return v

    if fmt == QueryFormat.json:
        sys.stdout.write(json.dumps([{k: plain(v) for k, v in r.items()} for r in rows], ensure_ascii=False,
                                    indent=2) + "\n")
        return
    if fmt == QueryFormat.csv:
        if rows:
            w = _csv.writer(sys.stdout, lineterminator="\n")
            w.writerow(list(rows[0]))
            for r in rows:
                w.writerow([";".join(map(str, v)) if isinstance(v, list) else ("" if v is None else plain(v))
                            for v in r.values()])
        return
    from rich.text import Text

    more = limit is not None and len(rows) >= limit
    t = Table(title=f"{title} ({len(rows)} shown)" if more else f"{title} ({len(rows)})",
              caption=f"more rows may match: raise --limit (now {limit}) or use --format json" if more else None)
    for i, (h, _) in enumerate(columns):
        t.add_column(h, no_wrap=i == 0)
    for r in rows:
        cells = [fn(r) for _, fn in columns]
        t.add_row(*[c if isinstance(c, Text) else Text("" if c is None else str(c)) for c in cells])
    Console().print(t)


def _iso(s: str | None) -> str:
    """Arabic text inside right-to-left isolates (U+2067 … U+2069), as a plain str."""
    return f"\u2067{s}\u2069" if s else ""


def _who(r: dict, p: str) -> str:
    name = r.get(f"{p}_english") or ""
    code = r.get(f"{p}_actor_code") or r.get(f"{p}_country") or ""
    return f"{name} ({code})" if name and code else (name or code or "?")


@app.command("events")
def events_cmd(
    db: Path = typer.Option(Path("khabar.duckdb"), "--db", help="DuckDB store."),
    type_: Optional[str] = typer.Option(None, "--type", "-t", help="PLOVER event type (e.g. CONSULT)."),
    actor: Optional[str] = typer.Option(None, "--actor", "-a", help="Substring of an actor's English name, CAMEO code or KB id, or an Arabic name (resolved through the KB)."),
    country: Optional[str] = typer.Option(None, "--country", "-c", help="ISO alpha-3 of an actor or of the place."),
    since: Optional[str] = typer.Option(None, "--since", help="First day, YYYY-MM-DD."),
    until: Optional[str] = typer.Option(None, "--until", help="Last day, YYYY-MM-DD."),
    fmt: QueryFormat = typer.Option(QueryFormat.table, "--format", "-f", help="table | json | csv"),
    limit: Optional[int] = typer.Option(None, "--limit", "-n", min=1, help="At most N rows (default: 50 for table, all otherwise)."),
) -> None:
    """Aggregated events across documents (same type, actors, day, place → one row)."""
    store = _store()
    limit = limit if limit is not None else (50 if fmt == QueryFormat.table else None)
    try:
        rows = store.query_events(db, type=type_, actor=actor, country=country, since=since, until=until,
                                  limit=limit)
    except (store.StoreError, ValueError) as exc:
        fail(str(exc))
    _print_rows(rows, fmt, [
        ("day", lambda r: r["day"]), ("event", lambda r: f"{_who(r, 'source')} — {r['type']}"
                                                          f"{'/' + r['mode'] if r.get('mode') else ''} → {_who(r, 'target')}"),
        ("cameo", lambda r: r.get("cameo")), ("where", lambda r: r.get("location_english") or r.get("location_country")),
        ("modality", lambda r: r.get("modality")), ("mentions", lambda r: r["n_mentions"]),
        ("articles", lambda r: r["n_articles"])], "Events", limit)


@app.command("entities")
def entities_cmd(
    db: Path = typer.Option(Path("khabar.duckdb"), "--db", help="DuckDB store."),
    type_: Optional[str] = typer.Option(None, "--type", "-t", help="Entity label: PER, ORG, LOC, GPE, MISC."),
    country: Optional[str] = typer.Option(None, "--country", "-c", help="ISO alpha-3 country."),
    fmt: QueryFormat = typer.Option(QueryFormat.table, "--format", "-f", help="table | json | csv"),
    limit: Optional[int] = typer.Option(None, "--limit", "-n", min=1, help="At most N rows (default: 50 for table, all otherwise)."),
) -> None:
    """Canonical entities across documents (by KB id, or normalised text + label when not linked)."""
    store = _store()
    limit = limit if limit is not None else (50 if fmt == QueryFormat.table else None)
    try:
        rows = store.query_entities(db, type=type_, country=country, limit=limit)
    except (store.StoreError, ValueError) as exc:
        fail(str(exc))
    _print_rows(rows, fmt, [
        ("entity", lambda r: r.get("english") or _iso(r.get("surface"))), ("label", lambda r: r["label"]),
        ("country", lambda r: r.get("country")), ("actor", lambda r: r.get("actor_code")),
        ("docs", lambda r: r["n_docs"]), ("mentions", lambda r: r["n_mentions"]),
        ("arabic", lambda r: _iso(r.get("surface")))], "Entities", limit)


def main() -> None:
    """Console-script entry point: runs the typer app; turns unexpected errors into one line, exit 1."""
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except SystemExit:
        raise
    except BrokenPipeError:
        # the reader of our output went away (``khabar analyze x | head``): nothing left to tell anyone
        try:
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except Exception:  # noqa: BLE001
            pass
        sys.exit(1)
    except OSError as exc:
        # the file system refused a path the user gave (name too long, permission, loop, disk full …): exit 2
        name = str(exc.filename) if exc.filename is not None else ""
        name = name if len(name) <= 120 else name[:60] + "…" + name[-40:]
        why = exc.strerror or type(exc).__name__
        try:
            err.print(Text(f"error: {clean(why)}" + (f": {clean(name)}" if name else "")), highlight=False,
                      soft_wrap=True)
        except Exception:  # noqa: BLE001 - stderr itself is broken
            pass
        sys.exit(2)
    except Exception as exc:  # noqa: BLE001 - never show a traceback to a user
        try:
            err.print(Text(f"error: {type(exc).__name__}: {clean(exc)}"), highlight=False)
        except Exception:  # noqa: BLE001 - stderr itself is broken
            pass
        sys.exit(1)


if __name__ == "__main__":
    main()
