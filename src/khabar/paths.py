"""Where khabar finds its shipped artefacts and the staged public data.

- ``DATA``: the package's data folder (``khabar/data``): built artefacts (``models/``, ``kb/``), hand-written
  data files (``lexicons/``, ``rules/``), evaluation sets we annotated (``eval/``) and the example article.
- ``shared_data()``: the staged public data (``../shared/data``) used by ``train``/``build``/``eval`` commands:
  ``$KHABAR_SHARED_DATA`` if set, else the first ``shared/data`` found beside the working directory or the
  source checkout, walking up. Raises ``FileNotFoundError`` with a clear message when absent.
"""
from __future__ import annotations

import os
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
MODELS = DATA / "models"
KB_DIR = DATA / "kb"
LEXICONS = DATA / "lexicons"
RULES = DATA / "rules"
EVAL = DATA / "eval"


def shared_data(required: bool = True) -> Path | None:
    """Path of the staged public data folder (see module doc); None if absent and not ``required``."""
    env = os.environ.get("KHABAR_SHARED_DATA")
    if env and Path(env).is_dir():
        return Path(env)
    for base in (Path.cwd(), Path(__file__).resolve().parent):
        for d in (base, *base.parents):
            for cand in (d / "shared" / "data", d.parent / "shared" / "data"):
                if (cand / "README.md").is_file() and (cand / "ner").is_dir():
                    return cand
    if required:
        raise FileNotFoundError("staged data not found: set KHABAR_SHARED_DATA to the shared/data folder")
    return None
