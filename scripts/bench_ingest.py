#!/usr/bin/env python3
"""Benchmark ``khabar ingest`` on the ANT corpus: articles/s and peak RSS by corpus size and worker count.

Usage (from the repository root, venv active):

    python scripts/bench_ingest.py                       # 1k and 10k articles × 1 and 2 workers
    python scripts/bench_ingest.py --sizes all --workers 2   # the whole corpus (31,525 articles), one command
    python scripts/bench_ingest.py --sizes 1000 --workers 1 2 --json

Each measurement runs in a fresh subprocess (so peak RSS is per run) that ingests the first N articles of
``shared/data/corpus/antcorpus/*.jsonl.gz`` (files in sorted order; ``all`` = the folder itself) into a new
temporary DuckDB file. Reported: wall seconds of the ingest call (reading + pipeline + writing, including worker
start-up), articles/s (ok+failed documents / seconds), peak RSS of the main process and the largest peak RSS of
any worker process (``getrusage`` ``ru_maxrss``), documents by status and database size on disk.
``--thin`` measures the store alone (reading + DuckDB writes, pipeline reduced to segmentation).
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _corpus_dir() -> Path:
    from khabar.paths import shared_data

    return shared_data() / "corpus" / "antcorpus"


def make_subset(n: int, out: Path) -> Path:
    """Write the first ``n`` lines of the antcorpus files (sorted) to ``out`` (.jsonl.gz); return it."""
    left = n
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=1) as w:
        for f in sorted(_corpus_dir().glob("*.jsonl.gz")):
            with gzip.open(f, "rt", encoding="utf-8") as r:
                for line in r:
                    if left <= 0:
                        return out
                    w.write(line)
                    left -= 1
    return out


def one(args: argparse.Namespace) -> None:
    """Child mode: one ingest, print a JSON line of measurements."""
    from khabar.store.duckdb_store import ingest

    if args.thin:
        # store-only cost: the pipeline is reduced to sentence/token segmentation (in this process only)
        import khabar.pipeline as pipeline
        from khabar.document import Document
        from khabar.text.segment import segment

        def thin(text, pub_date=None, doc_id=None):
            d = Document(text=text, pub_date=pub_date, doc_id=doc_id)
            segment(d)
            return d

        pipeline.analyze = thin
    t = time.monotonic()
    res = ingest([args.input], args.db, workers=args.one_workers, progress=False)
    wall = time.monotonic() - t
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"seconds": round(wall, 1), "docs": res.ok + res.failed + res.skipped,
                      "ok": res.ok, "failed": res.failed, "skipped": res.skipped,
                      "articles_per_s": round((res.ok + res.failed) / wall, 2),
                      "rss_main_mb": round(self_kb / 1024), "rss_worker_mb": round(child_kb / 1024),
                      "db_mb": round(os.path.getsize(args.db) / 2**20, 1)}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", nargs="+", default=["1000", "10000"], help="article counts, or 'all'")
    ap.add_argument("--workers", nargs="+", type=int, default=[1, 2])
    ap.add_argument("--json", action="store_true", help="print JSON lines instead of a Markdown table")
    ap.add_argument("--thin", action="store_true",
                    help="measure the store alone: pipeline reduced to segmentation (forces --workers 1)")
    ap.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--input", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    ap.add_argument("--one-workers", type=int, default=1, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.thin:
        args.workers = [1]
    if args.one:
        one(args)
        return
    rows = []
    with tempfile.TemporaryDirectory(prefix="khabar-bench-") as tmp:
        if not args.json:
            print("| articles | workers | seconds | articles/s | peak RSS main (MB) | peak RSS worker (MB) | "
                  "ok / failed / skipped | DB (MB) |")
            print("|---|---|---|---|---|---|---|---|")
        for size in args.sizes:
            src = str(_corpus_dir()) if size == "all" else str(make_subset(int(size), Path(tmp) / f"sub{size}.jsonl.gz"))
            for w in args.workers:
                db = Path(tmp) / f"b-{size}-{w}.duckdb"
                out = subprocess.run([sys.executable, __file__, "--one", "--input", src, "--db", str(db),
                                      "--one-workers", str(w)] + (["--thin"] if args.thin else []), capture_output=True, text=True)
                if out.returncode != 0:
                    print(out.stderr, file=sys.stderr)
                    raise SystemExit(f"benchmark run failed (size {size}, workers {w})")
                r = json.loads(out.stdout.strip().splitlines()[-1])
                r.update(size=size, workers=w)
                rows.append(r)
                if args.json:
                    print(json.dumps(r), flush=True)
                else:
                    print(f"| {r['docs']:,} | {w} | {r['seconds']} | {r['articles_per_s']} | {r['rss_main_mb']} | "
                          f"{r['rss_worker_mb'] if w > 1 else '–'} | {r['ok']} / {r['failed']} / {r['skipped']} | "
                          f"{r['db_mb']} |", flush=True)
                for p in (db, Path(str(db) + ".wal")):
                    if p.exists():
                        p.unlink()


if __name__ == "__main__":
    main()
