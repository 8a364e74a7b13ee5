"""Benchmark: event coder throughput on a large synthetic article (coder stage alone and full pipeline).

Usage: python scripts/bench_events.py [MB]   (default 5). Prints seconds and characters/second; the figures go
into docs/bench/events.md. The paragraph is written for this benchmark (no corpus text).
"""
from __future__ import annotations

import sys
import time

from khabar.document import Document
from khabar.events.coder import code_events
from khabar.text.segment import segment

PARA = ("شنت الطائرات غارات على مواقع المسلحين شمال المدينة يوم الاثنين، وقالت الشرطة إنها اعتقلت عشرة أشخاص. "
        "والتقى وزير الخارجية مع نظيره في العاصمة لبحث الأزمة، ودعا الطرفان إلى وقف إطلاق النار.\n")


def main() -> None:
    mb = float(sys.argv[1]) if len(sys.argv) > 1 else 5.0
    text = PARA * int(mb * 1_000_000 / len(PARA))
    t0 = time.perf_counter()
    doc = segment(Document(text=text))
    t1 = time.perf_counter()
    code_events(doc)
    t2 = time.perf_counter()
    print(f"chars={len(text)} sentences={len(doc.sentences)} segment={t1 - t0:.1f}s events={t2 - t1:.1f}s "
          f"({len(text) / max(t2 - t1, 1e-9):,.0f} chars/s) n_events={len(doc.events)} warnings={doc.warnings}")


if __name__ == "__main__":
    main()
