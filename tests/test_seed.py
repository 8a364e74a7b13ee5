"""Acceptance on the user's seed article (issue 2): score_gold.py finds >= 30 of the required facts,
including the main CONSULT event. Skipped with a reason where ../shared is absent."""
from __future__ import annotations

import json
import re
import subprocess
import sys


def test_seed_article_scores(seed, shared, tmp_path):
    art, gold = seed
    out = tmp_path / "out.json"
    r = subprocess.run([sys.executable, "-m", "khabar.cli", "analyze", str(art), "--date", "2025-02-18",
                        "--format", "json"], capture_output=True, timeout=300)
    assert r.returncode == 0, r.stderr.decode()[-2000:]
    out.write_bytes(r.stdout)
    json.loads(r.stdout)
    scorer = shared.parent / "tools" / "score_gold.py"
    s = subprocess.run([sys.executable, str(scorer), str(gold), str(out), "--text", str(art)],
                       capture_output=True, text=True, timeout=120)
    m = re.search(r"required: (\d+)/(\d+) found", s.stdout)
    assert m, s.stdout
    found = int(m.group(1))
    assert "MISSED events   required" not in s.stdout, s.stdout
    assert found >= 30, s.stdout
