"""The temporal tagger's lexicon, loaded once from ``data/rules/timex_lexicon.json`` and normalised.

Every form is passed through :func:`khabar.text.normalize.normalize` so that rules match the normalised view of
the text (see :mod:`khabar.time.normview`). :func:`lexicon` returns a :class:`Lexicon` with dict lookups
(normalised form → value) and regex alternations (longest form first).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

from khabar.paths import RULES
from khabar.text.normalize import normalize

LEXICON_PATH = RULES / "timex_lexicon.json"


def _n(s: str) -> str:
    return re.sub(r"\s+", " ", normalize(s)).strip()


def alt(forms) -> str:
    """Regex alternation of normalised ``forms`` (longest first, spaces as ``\\s+``), non-capturing."""
    uniq = sorted({f for f in forms if f}, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(f).replace(r"\ ", r"\s+").replace(" ", r"\s+") for f in uniq) + ")"


@dataclass
class Lexicon:
    """Normalised lookups. Maps: form → month / weekday (0 = Monday) / number / ordinal / unit code / offset …"""

    months: dict[str, int]
    weak_months: set[str]
    hijri_months: dict[str, int]
    weak_hijri: set[str]
    hijri_markers: list[str]
    greg_markers: list[str]
    weekdays: dict[str, int]
    weekday_bare_ok: set[str]
    numbers: dict[str, float | None]
    ordinals: dict[str, int]
    units: dict[str, tuple[str, int | None]]
    duals_alone: set[str]
    singular_cues: set[str]
    calendar_units: dict[str, str]
    relative_mods: dict[str, int]
    this_words: list[str]
    relative_days: dict[str, int]
    dayparts: dict[str, str]
    ampm: dict[str, str]
    approx_pre: list[str]
    approx_post: list[str]
    seasons: dict[str, str]
    year_words: list[str]
    year_cues: set[str]
    set_words: dict[str, str]
    future_words: set[str]
    future_prefix_stop: list[str]
    decades: dict[str, int]
    centuries: dict[str, int]
    part_mods: set[str]
    weekday_block_before: set[str]
    month_cues: set[str]
    event_anchor_after: set[str]
    day_after_stop: set[str]
    year_follow_ok: set[str]
    event_anchor_after_bad: set[str]
    period_parts: dict[str, tuple[str, int]]
    bc_markers: list[str]
    fiscal_words: list[str]
    period_mods: list[str]
    past_clause_openers: list[str] = field(default_factory=list)
    relday_weekday_max_shift: int = 1


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Load and normalise the lexicon (cached per process). Raises FileNotFoundError/ValueError if the file is bad."""
    d = json.loads(LEXICON_PATH.read_text(encoding="utf-8"))

    def pairs(key):
        return {_n(f): v for f, v, *_ in d[key]}

    return Lexicon(
        months={_n(f): m for f, m, _s, _w in d["months"]},
        weak_months={_n(f) for f, _m, _s, w in d["months"] if w},
        hijri_months={_n(f): m for f, m, _w in d["hijri_months"]},
        weak_hijri={_n(f) for f, _m, w in d["hijri_months"] if w},
        hijri_markers=[_n(f) for f in d["hijri_markers"]],
        greg_markers=[_n(f) for f in d["gregorian_markers"]],
        weekdays=pairs("weekdays"),
        weekday_bare_ok={_n(f) for f in d["weekday_bare_ok"]},
        numbers=pairs("numbers"),
        ordinals=pairs("ordinals"),
        units={_n(f): (u, c) for f, u, c in d["units"]},
        duals_alone={_n(f) for f in d["duals_alone"]},
        singular_cues={_n(f) for f in d["singular_cues"]},
        calendar_units=pairs("calendar_units"),
        relative_mods=pairs("relative_mods"),
        this_words=[_n(f) for f in d["this_words"]],
        relative_days=pairs("relative_days"),
        dayparts=pairs("dayparts"),
        ampm=pairs("ampm"),
        approx_pre=[_n(f) for f in d["approx_pre"]],
        approx_post=[_n(f) for f in d["approx_post"]],
        seasons=pairs("seasons"),
        year_words=[_n(f) for f in d["year_words"]],
        year_cues={_n(f) for f in d["year_cues"]},
        set_words=pairs("set_words"),
        future_words={_n(f) for f in d["future_words"]},
        future_prefix_stop=[_n(f) for f in d["future_prefix_stop"]],
        decades={**{k[2:]: v for k, v in pairs("decades").items() if k.startswith("ال")}, **pairs("decades")},
        centuries=pairs("centuries"),
        part_mods={_n(f) for f in d["part_mods"]},
        weekday_block_before={_n(f) for f in d["weekday_block_before"]},
        month_cues={_n(f) for f in d["month_cues"]},
        event_anchor_after={_n(f) for f in d["event_anchor_after"]},
        day_after_stop={_n(f) for f in d["day_after_stop"]},
        year_follow_ok={_n(f) for f in d["year_follow_ok"]},
        event_anchor_after_bad={_n(f) for f in d.get("event_anchor_after_bad", [])},
        period_parts={_n(f): (c, n) for f, c, n in d["period_parts"]},
        bc_markers=[_n(f) for f in d["bc_markers"]],
        fiscal_words=[_n(f) for f in d["fiscal_words"]],
        period_mods=[_n(f) for f in d["period_mods"]],
        past_clause_openers=[_n(f) for f in d.get("past_clause_openers", [])],
        relday_weekday_max_shift=int(d.get("relday_weekday_max_shift", 1)),
    )
