"""Benchmark scripts that compute figures without the pipeline (scripts/bench_events.py: annotator ceiling)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _bench_events():
    spec = importlib.util.spec_from_file_location("bench_events", ROOT / "scripts" / "bench_events.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _write(folder: Path, name: str, rows: list[tuple[str, int, int]]) -> None:
    lines = [",accept,event_type,id,label,reject,text,total"]
    for i, (label, accept, total) in enumerate(rows):
        lines.append(f"{i},{accept},X,D-{i},{label},{total - accept},نص,{total}")
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_one_annotator_ceiling_on_a_small_gold(tmp_path):
    base = tmp_path / "events" / "arabic_event_gsr"
    base.mkdir(parents=True)
    # 2 unanimous yes, 1 row where 1 of 3 said yes, 1 easy no, 1 ambiguous (skipped by the label protocol)
    rows = [("yes", 3, 3), ("yes", 3, 3), ("difficult no", 1, 3), ("easy no", 0, 3), ("ambiguous", 2, 3)]
    _write(base, "assault_gsr.csv", rows)
    _write(base, "protest_gsr.csv", rows)
    res = _bench_events().annotator_ceiling(str(tmp_path))["ASSAULT"]
    # expected TP 2, FP 1/3, FN 0 → P 6/7, R 1
    assert res["positives"] == 2 and res["r"] == 1.0 and res["p"] == pytest.approx(6 / 7, abs=1e-3)
    maj = _bench_events().annotator_ceiling(str(tmp_path), "majority")["ASSAULT"]
    # the ambiguous 2-of-3 row is positive by majority: TP 2 + 2/3, FN 1/3, FP 1/3
    assert maj["positives"] == 3 and maj["r"] == pytest.approx((8 / 3) / 3, abs=1e-3)
