"""Arabic temporal tagger: finds TIMEX3 expressions and normalises them against the publication date.

Public entry: :func:`tag_timexes` (``Document -> Document``, in place). Helper for plain strings: :func:`find_timexes`.

Method: rules over a normalised view of the text (:mod:`khabar.time.normview`, offsets map back exactly to the
original, so tanween/diacritics such as ``تقريبًا`` never break a match). Word lists (month names of the Gregorian,
Levantine/Iraqi Syriac, Maghreb and Hijri calendars, weekdays, number words with masculine/feminine/dual forms,
units, relative and approximation words, seasons …) are data: ``data/rules/timex_lexicon.json``. Regexes are
compiled once per process. Hijri dates are converted with ``hijridate`` (Umm al-Qura); date arithmetic uses
the standard library (adding months clamps the day to the month's length). ``dateparser.search`` was measured on
the evaluation sets (span F1 72–75 against 98–99 here, see docs/bench/timex.md), so it is not used at run time.

Conventions (documented in docs/bench/timex.md):

- spans exclude a leading clitic (و ف ب ل ك) and plain prepositions (في، خلال، حتى، من، لمدة) and part-of-period
  modifiers (مطلع، نهاية …); they include منذ / قبل / بعد when these make a point in time (``منذ عامين``), and
  approximation words (``نحو``، ``ما يقرب من``، ``تقريبا``), which also set ``approximate=True``;
- ranges (``بين 13 و18 فبراير``, ``2017-2018``) give two timexes; the first carries the note ``range start``;
- ``منذ/قبل N <unit>`` → DATE at the unit's granularity (years → ``2023``; months → ``2024-12``; weeks →
  ``2025-W05``; days → a day); ``بعد N <unit>`` → the future point; when followed by من/على (anchored on an event,
  not on the publication date) these are DURATIONs (``P3D``); ``منذ`` is never event-anchored, and ``على`` anchors
  only ``بعد``;
- a weekday is the latest such day on or before the publication date, unless ``المقبل/القادم`` or a future cue
  in its clause (``سوف``، ``من المقرر``، a سـ-prefixed verb) makes it the next one on or after it; ``الماضي`` makes
  it strictly before;
- a month without a year takes the year that puts it nearest to the publication month (``الماضي`` → latest
  past, ``المقبل`` → next future, ``الجاري`` → current year);
- times of day (``الساعة العاشرة صباحا``) are TIME values attached to the nearest day-level date in the same clause
  (``2025-02-18T10:00``), else ``XXXX-XX-XXT10:00``;
- without a publication date, relative expressions get ``value=None``, ``anchor="pub_date"`` and a note.
"""
from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache


from khabar.document import Document, Timex
from khabar.time.lexicon import Lexicon, alt, lexicon
from khabar.time.normview import NormView

NEEDS_PUB = "relative expression: a publication date is needed to resolve it"

_SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
_CLAUSE_END = re.compile(r"[.!?؟\n؛;:«»\"“”]")


@dataclass
class _Cand:
    a: int  # normalised start
    b: int  # normalised end
    type: str
    value: str | None
    anchor: str = "absolute"
    approx: bool = False
    note: str | None = None
    prio: int = 0
    fallback: "_Cand | None" = None  # a shorter reading tried when this one overlaps a longer timex


def _w(forms) -> str:
    """Alternation of forms that must end at a word boundary."""
    return alt(forms) + r"(?!\w)"


@lru_cache(maxsize=1)
def _rx() -> dict[str, re.Pattern[str]]:
    """All rule regexes (compiled once). Keys name the handler in :func:`_handlers`."""
    L = lexicon()
    CL = r"(?<!\w)[وف]?[بلك]?"
    # a month name may touch its year in noisy text (أبريل2015): digits may follow it, letters may not
    MON = alt(L.months) + r"(?![^\W\d_])"
    HMON = alt(L.hijri_months) + r"(?![^\W\d_])"
    WD = _w(L.weekdays)
    WDD = _w([f for f in L.weekdays if f.startswith("ال")])  # definite forms: "اليوم أحد …" is "today is one …"
    NUMW = _w([f for f, v in L.numbers.items() if v is not None])
    NUM = rf"(?:\d+(?:[.,]\d+)?|{NUMW}(?:\s+و\s*{NUMW})?)"
    ORD = _w(L.ordinals)
    UNIT = _w(L.units)
    SING = _w([f for f, (u, c) in L.units.items() if c == 1])
    DUAL = _w(L.duals_alone)
    SINGDUAL = _w([f for f, (u, c) in L.units.items() if c in (1, 2)])
    CALU = _w(L.calendar_units)
    REL = _w(L.relative_mods)
    THIS = _w(L.this_words)
    RDAY = _w(L.relative_days)
    DP = _w(L.dayparts)
    AMPM = _w(L.ampm)
    APPROX = _w(L.approx_pre)
    APOST = _w(L.approx_post)
    SEAS = _w(L.seasons)
    YW = r"(?:ال)?(?:عام|سنه)"
    GM = _w(L.greg_markers)
    HM = _w(L.hijri_markers)
    SETW = _w(L.set_words)
    DEC = _w(L.decades)
    CEN = _w(L.centuries)
    DAY = rf"(?:ال\s*)?(?P<d>\d{{1,2}}|{ORD})"
    PLUR = _w([f for f, (u, c) in L.units.items() if c is None])
    PMOD = _w(L.period_mods)
    FISC = _w(L.fiscal_words)
    r = {
        "numeric_dmy": r"(?<![\w/.\-])(?P<T>(?P<d>\d{1,2})(?P<s>[/.\-])(?P<m>\d{1,2})(?P=s)(?P<y>\d{4}))(?![\w/.\-]|\.\d)",
        "numeric_ymd": r"(?<![\w/.\-])(?P<T>(?P<y>\d{4})(?P<s>[/.\-])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2}))(?![\w/.\-]|\.\d)",
        "dmy": CL + rf"(?P<T>(?:(?P<dp>{DP})\s+)?(?:(?:يوم\s+)?(?P<wd>{WD})\s*[,،]?\s*(?:الموافق\s+|في\s+)?)?"
               rf"(?:{DAY}\s*(?:من\s+)?)?(?P<sh>شهر\s+)?(?P<m>{MON})(?:(?:\s*[/(\-–]\s*|\s+)(?P<m2>{MON})(?:\s*\))?)?"
               rf"(?:\s+(?P<mod>{REL}))?(?:\s*[,،]?\s*(?:من\s+)?(?:{YW}\s+)?(?P<y>\d{{4}})(?!\d)(?:\s*{GM})?)?)",
        "hijri": CL + rf"(?P<T>(?:(?:يوم\s+)?(?P<wd>{WD})\s*[,،]?\s*)?(?:{DAY}\s*(?:من\s+)?)?(?P<sh>شهر\s+)?(?P<m>{HMON})"
                 rf"(?:\s*[,،]?\s*(?:من\s+)?(?:{YW}\s+)?(?P<y>\d{{3,4}})(?!\d))?(?:\s*(?P<hm>{HM}))?)",
        "hijri_year": CL + rf"(?P<T>(?:{YW}\s+)?(?P<y>\d{{3,4}})\s*(?P<hm>{HM}))",
        "season_year": CL + rf"(?P<T>(?P<s>{SEAS})\s+(?:{YW}\s+)?(?P<y>\d{{4}})(?!\d))",
        "season_rel": CL + rf"(?P<T>(?:(?P<this>{THIS})\s+)?(?P<s>{SEAS})(?:\s+(?P<mod>{REL}))?)",
        "year_word": CL + rf"(?P<T>{YW}\s+(?P<y>\d{{4}})(?!\d)(?:\s*{GM})?)(?![\w%٪]|[.,]\d)",
        "year_range": r"(?<![\w.,/:\-])[وفبل]?(?P<T>(?P<y>(?:19|20)\d\d)\s*[\-–/]\s*(?P<y2>(?:19|20)\d\d))(?![\w%٪]|[.,:]\d)",
        "year_bare": r"(?<![\w.,/:\-])[وفبل]?(?P<T>(?P<y>(?:19|20)\d\d)(?:\s*" + GM + r")?)(?![\w%٪]|[.,:]\d|\s*[%٪]|\s*[\-–/]\s*\d)",
        "calrel_mod": CL + rf"(?P<T>(?P<u>{CALU})\s+(?P<mod>{REL}))",
        # ل + ال is written لل (للشهر الجاري): the span starts at the article's ل
        "calrel_mod_ll": r"(?<!\w)[وف]?ل(?P<T>ل(?P<u>" + _w([f[2:] for f in L.calendar_units]) + rf")\s+(?P<mod>{REL}))",
        "calrel_this": CL + rf"(?P<T>(?P<this>{THIS})\s+(?P<u>{CALU}))",
        "relday": CL + rf"(?P<T>(?:(?P<dp>{DP})\s+(?:يوم\s+)?)?(?:يوم\s+)?(?P<r>{RDAY})(?:\s+(?P<wd>{WDD}))?)",
        "weekday": CL + rf"(?P<T>(?:(?P<dp>{DP})\s+)?(?:(?P<yom>يوم)\s+)?(?P<wd>{WD})(?:\s+(?P<mod>{REL}))?)",
        "ago": CL + rf"(?P<T>(?P<pre>منذ|قبل|بعد)\s+(?:(?P<ap>{APPROX})\s+)?(?:(?P<n>{NUM})\s+(?P<u>{UNIT})|(?P<u2>{SINGDUAL})(?!\s*\d))(?:\s+(?P<ap2>{APOST}))?)",
        "duration": CL + rf"(?P<T>(?:(?P<ap>{APPROX})\s+)?(?:(?P<n>{NUM})\s+(?P<u>{UNIT})(?P<half>\s+و\s*نصف(?:\s+(?:ال)?{UNIT})?)?|(?P<u2>{DUAL}))(?:\s+(?P<ap2>{APOST}))?)",
        "duration_def": CL + rf"(?P<T>ال(?P<u>{PLUR})\s+ال(?P<n>{NUMW})(?:\s+وال(?P<n2>{NUMW}))?(?:\s+{PMOD})?)",
        "duration_def2": CL + rf"(?P<T>ال(?P<u>{DUAL})\s+{PMOD})",
        "duration_sing": CL + rf"(?:(?:لمده|مده|طوال|طيله|خلال)\s+|(?=(?P<ap>{APPROX})\s+))(?P<T>(?:{APPROX}\s+)?(?P<u>{SING})(?!\s*\d))",
        "time": CL + rf"(?P<T>(?:ال)?ساعه\s+(?P<h>\d{{1,2}}(?:[:.]\d{{2}})?|{ORD})(?:\s+و\s*(?P<fr>النصف|نصف|الربع|ربع|(?:\d{{1,2}}|{NUMW}(?:\s+و\s*{NUMW})?)\s+دقيقه))?"
                 rf"(?:\s+(?P<ap>{AMPM}))?)",
        "time_clock": r"(?<![\w:.])(?P<T>(?P<h>\d{1,2})[:](?P<mi>\d{2})(?:\s+(?P<ap>" + AMPM + r"))?)(?![\w:])",
        "set_word": CL + rf"(?P<T>{SETW})",
        "set_every": CL + rf"(?P<T>كل\s+(?:(?P<n>{NUM})\s+(?P<u>{UNIT})|(?:يوم\s+)?(?P<wd>{WD})|(?P<u2>{SING})))",
        "period_part": CL + rf"(?P<T>(?P<pp>{_w(L.period_parts)})\s+(?P<o>{ORD}|الاخيره?(?!\w))(?:\s+من)?\s+(?:(?:{YW})(?!\s+{FISC})"
                       rf"(?:\s+(?P<mod>{REL}))?(?:\s+(?P<y>\d{{4}})(?!\d))?|(?P<y2>\d{{4}})(?!\d)))",
        "bc_year": r"(?<![\w.,/:\-])[وفبل]?(?P<T>(?P<y>\d{1,4})\s*(?:" + _w(L.bc_markers).replace(r"\.", r"\.?") + r"))",
        "decade": CL + rf"(?P<T>(?P<dec>{DEC})(?:\s+(?:من\s+)?(?:ال)?قرن\s+(?P<cq>الماضي|{CEN}|ال\s*\d{{1,2}}))?)",
        "century": CL + rf"(?P<T>(?:ال)?قرن\s+(?:(?P<cn>{CEN})|ال\s*(?P<cd>\d{{1,2}})))",
    }
    return {k: re.compile(v) for k, v in r.items()}


# ---------------------------------------------------------------- helpers

def _num(s: str | None, L: Lexicon) -> float | None:
    """Value of a number (digits or words, with و-compounds); None if unknown."""
    if not s:
        return None
    s = re.sub(r"\s+", " ", s.strip())
    if re.fullmatch(r"\d+(?:[.,]\d+)?", s):
        return float(s.replace(",", "."))
    total = 0.0
    for part in re.split(r"\s+و\s*", s):
        v = L.numbers.get(part.strip())
        if v is None:
            v = L.ordinals.get(part.strip())
        if v is None:
            return None
        total += v
    return total


def _day(s: str | None, L: Lexicon) -> int | None:
    if not s:
        return None
    s = re.sub(r"\s+", " ", s.strip())
    if s.isdigit():
        return int(s)
    return L.ordinals.get(s)


def _fmt_num(n: float) -> str:
    return str(int(n)) if float(n).is_integer() else f"{n:g}"


def _duration_value(n: float, unit: str) -> str:
    """TIMEX3 duration: n units → P3Y, P2W, PT4H … (fractions of years/days/hours converted)."""
    if not float(n).is_integer():
        if unit == "Y":
            y, mo = int(n), round((n - int(n)) * 12)
            return f"P{y}Y{mo}M" if y else f"P{mo}M"
        if unit == "D":
            return f"PT{_fmt_num(n * 24)}H"
        if unit == "H":
            return f"PT{_fmt_num(n * 60)}M"
    if unit == "DE":
        return f"P{_fmt_num(n * 10)}Y"
    if unit == "CE":
        return f"P{_fmt_num(n * 100)}Y"
    if unit in ("H", "MIN", "S"):
        return f"PT{_fmt_num(n)}{ {'H': 'H', 'MIN': 'M', 'S': 'S'}[unit]}"
    return f"P{_fmt_num(n)}{unit}"


def _add_months(d: dt.date, n: int) -> dt.date:
    """``d`` plus ``n`` calendar months; the day is clamped to the target month's length."""
    y, m = divmod(d.year * 12 + d.month - 1 + n, 12)
    m += 1
    nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
    return dt.date(y, m, min(d.day, (nxt - dt.timedelta(days=1)).day))


def _week(d: dt.date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y:04d}-W{w:02d}"


def _shift(pub: dt.date, n: float, unit: str, sign: int) -> str | None:
    """pub ± n units, formatted at the unit's granularity (TIMEX3)."""
    if unit == "Y" and not float(n).is_integer():
        d = _add_months(pub, sign * round(n * 12))
        return f"{d.year:04d}-{d.month:02d}"
    if unit == "M" and not float(n).is_integer():
        return (pub + dt.timedelta(days=sign * round(n * 30))).isoformat()
    n = int(n)
    if unit == "DE":
        return f"{pub.year + sign * 10 * n:04d}"
    if unit == "CE":
        return f"{pub.year + sign * 100 * n:04d}"
    if unit in ("H", "MIN", "S"):
        return pub.isoformat()
    if unit == "D":
        d = pub + dt.timedelta(days=sign * n)
    elif unit == "W":
        d = pub + dt.timedelta(weeks=sign * n)
    else:
        d = _add_months(pub, sign * n * (12 if unit == "Y" else 1))
    if unit == "Y":
        return f"{d.year:04d}"
    if unit == "M":
        return f"{d.year:04d}-{d.month:02d}"
    if unit == "W":
        return _week(d)
    return d.isoformat()


def _month_year(month: int, pub: dt.date, mod: int | None) -> int:
    """Year for a month named without one (see module doc)."""
    if mod == -1:
        return pub.year if month < pub.month else pub.year - 1
    if mod == 1:
        return pub.year if month > pub.month else pub.year + 1
    if mod == 0:
        return pub.year
    best = None
    for y in (pub.year - 1, pub.year, pub.year + 1):
        diff = (y * 12 + month) - (pub.year * 12 + pub.month)
        key = (abs(diff), diff > 0)
        if best is None or key < best[0]:
            best = (key, y)
    return best[1]


def _prev_word(norm: str, a: int) -> str:
    """Normalised word just before index ``a`` (clitics و/ف stripped), '' if none."""
    m = re.search(r"(\w+)\W*$", norm[max(0, a - 40):a])
    if not m:
        return ""
    w = m.group(1)
    if len(w) > 2 and w[0] in "وف":
        w2 = w[1:]
        return w2
    return w


def _next_word(norm: str, b: int) -> str:
    m = re.match(r"\s*(\w+)", norm[b:b + 40])
    return m.group(1) if m else ""


def _future_clause(norm: str, a: int, b: int, L: Lexicon) -> bool:
    """True when the clause around ``[a, b)`` has a future cue (سوف، من المقرر، a سـ-prefixed imperfect …)."""
    left = norm[max(0, a - 120):a]
    cut = list(_CLAUSE_END.finditer(left))
    if cut:
        left = left[cut[-1].end():]
    # "… سيحدث … بعد أن أعلن الثلاثاء": a past clause opener between the cue and the date ends the future clause
    k = max((left.rfind(o) + len(o) for o in L.past_clause_openers if o in left), default=-1)
    if k >= 0:
        left = left[k:]
    right = norm[b:b + 30]
    m = re.search(r"[,،]", right) or _CLAUSE_END.search(right)
    if m:
        right = right[:m.start()]
    words = left.split()[-8:] + right.split()[:2]
    for w in words:
        w0 = w[1:] if len(w) > 3 and w[0] in "وف" else w
        if w in L.future_words or w0 in L.future_words:
            return True
        if re.fullmatch(r"س[يتنا]\w{3,}", w0) and not any(w0.startswith(p) for p in L.future_prefix_stop):
            return True
    return False


def _hijri_to_greg(y: int, m: int, d: int) -> dt.date | None:
    try:
        from hijridate import Hijri
        g = Hijri(y, m, d).to_gregorian()
        return dt.date(g.year, g.month, g.day)
    except Exception:  # out of the Umm al-Qura range or invalid day
        return None


def _hijri_month_len(y: int, m: int) -> int:
    try:
        from hijridate import Hijri
        return Hijri(y, m, 1).month_length()
    except Exception:
        return 30


def _pub_hijri_year(pub: dt.date) -> int | None:
    try:
        from hijridate import Gregorian
        return Gregorian(pub.year, pub.month, pub.day).to_hijri().year
    except Exception:
        return None


# ---------------------------------------------------------------- handlers

def _handle(kind: str, m: re.Match[str], norm: str, pub: dt.date | None, L: Lexicon) -> list[_Cand]:
    a, b = m.start("T"), m.end("T")
    g = m.groupdict()

    def relc(a_, b_, typ, fn, **kw):
        """Candidate whose value needs pub (fn(pub) -> value)."""
        if pub is None:
            return _Cand(a_, b_, typ, None, "pub_date", note=NEEDS_PUB, **kw)
        return _Cand(a_, b_, typ, fn(pub), "pub_date", **kw)

    if kind in ("numeric_dmy", "numeric_ymd"):
        try:
            d = dt.date(int(g["y"]), int(g["m"]), int(g["d"]))
        except ValueError:
            return []
        return [_Cand(a, b, "DATE", d.isoformat(), prio=5)]

    if kind == "dmy":
        mf = re.sub(r"\s+", " ", g["m"])
        month = L.months[mf]
        pair_note = None
        if g["m2"] and L.months.get(re.sub(r"\s+", " ", g["m2"])) != month:
            pair_note = "the two month names disagree; the first is used"
        dp = L.dayparts.get(re.sub(r"\s+", " ", g["dp"])) if g["dp"] else None
        mod = L.relative_mods.get(g["mod"]) if g["mod"] else None
        day = _day(g["d"], L)
        year = int(g["y"]) if g["y"] else None
        if mf in L.weak_months and not (day or year or g["m2"] or g["sh"] or mod is not None):
            if _prev_word(norm, m.start()) not in L.month_cues:
                return []
        start = a
        if day is not None and not 1 <= day <= 31:
            day = None
            start = m.start("sh") if g["sh"] else m.start("m")
            if g["wd"] or g["dp"]:
                return []
        if g["wd"] and day is None:
            return []  # "الأحد مارس" is not a form; weekday rules handle the weekday alone
        out: list[_Cand] = []
        # a range "13 و18 فبراير" / "من 13 إلى 18 فبراير" / "13-18 فبراير": the first day is a timex too
        rm = re.search(r"(?<![\w.,/])(?:ال\s*)?(\d{1,2})\s*(?:-|–|الى|حتى|و)\s*$", norm[max(0, start - 20):start]) if day else None

        def val(p):
            y = year if year is not None else _month_year(month, p, mod)
            if day:
                try:
                    return dt.date(y, month, day).isoformat()
                except ValueError:
                    return f"{y:04d}-{month:02d}"
            return f"{y:04d}-{month:02d}"

        typ = "TIME" if dp else "DATE"
        if year is not None:
            v = val(None)
            out.append(_Cand(start, b, typ, v + (f"T{dp}" if dp and day else ""), prio=4))
        else:
            out.append(relc(start, b, typ, lambda p: val(p) + (f"T{dp}" if dp and day else ""), prio=4))
        if pair_note:
            for c in out:
                c.note = c.note or pair_note
        if rm:
            d1 = int(rm.group(1))
            ra = max(0, start - 20) + rm.start(1)
            if 1 <= d1 < (day or 0):
                def val1(p, d1=d1):
                    y = year if year is not None else _month_year(month, p, mod)
                    try:
                        return dt.date(y, month, d1).isoformat()
                    except ValueError:
                        return None
                if year is not None:
                    out.append(_Cand(ra, ra + len(rm.group(1)), "DATE", val1(None), note="range start", prio=4))
                else:
                    c = relc(ra, ra + len(rm.group(1)), "DATE", val1, prio=4)
                    c.note = c.note or "range start"
                    out.append(c)
        return out

    if kind in ("hijri", "hijri_year"):
        hy = int(g["y"]) if g.get("y") else None
        if kind == "hijri_year":
            if not 1300 <= hy <= 1500:
                return []
            s = _hijri_to_greg(hy, 1, 1)
            e = _hijri_to_greg(hy, 12, _hijri_month_len(hy, 12))
            if not s:
                return []
            return [_Cand(a, b, "DATE", f"{s.year:04d}", note=f"Hijri year {hy} = {s}/{e}", prio=3)]
        mf = re.sub(r"\s+", " ", g["m"])
        hm = L.hijri_months[mf]
        day = _day(g["d"], L)
        if hy is not None and not 1300 <= hy <= 1500:
            return []
        if mf in L.weak_hijri and not (day or hy or g["sh"] or g["hm"]):
            return []
        if day is not None and not 1 <= day <= 30:
            return []
        if g["wd"] and day is None:
            return []

        def hval(y):
            if day:
                d = _hijri_to_greg(y, hm, day)
                return (d.isoformat() if d else None), f"Hijri {day}/{hm}/{y}"
            s = _hijri_to_greg(y, hm, 1)
            if not s:
                return None, None
            e = s + dt.timedelta(days=_hijri_month_len(y, hm) - 1)
            return f"{s.year:04d}-{s.month:02d}", f"Hijri month {hm}/{y} = {s}/{e}"

        if hy is not None:
            v, note = hval(hy)
            return [_Cand(a, b, "DATE", v, note=note, prio=4)] if v else []
        if pub is None:
            return [_Cand(a, b, "DATE", None, "pub_date", note=NEEDS_PUB, prio=4)]
        py = _pub_hijri_year(pub)
        if py is None:
            return []
        best = None
        for y in (py - 1, py, py + 1):
            s = _hijri_to_greg(y, hm, day or 1)
            if not s:
                continue
            e = s + dt.timedelta(days=(0 if day else _hijri_month_len(y, hm) - 1))
            dist = 0 if s <= pub <= e else min(abs((s - pub).days), abs((e - pub).days))
            if best is None or dist < best[0]:
                best = (dist, y)
        if best is None:
            return []
        v, note = hval(best[1])
        return [_Cand(a, b, "DATE", v, "pub_date", note=note, prio=4)]

    if kind == "season_year":
        return [_Cand(a, b, "DATE", f"{int(g['y']):04d}-{L.seasons[g['s']]}", prio=3)]

    if kind == "season_rel":
        if not (g["this"] or g["mod"]):
            return []
        code = L.seasons[g["s"]]
        mod = 0 if g["this"] else L.relative_mods[g["mod"]]

        def sval(p):
            sm = _SEASON_START[code]
            # instances: season of year y starts at (y, sm); the current one is the latest start <= pub
            starts = [(y, dt.date(y, sm, 1)) for y in range(p.year - 2, p.year + 2)]
            if mod == 0:
                return f"{p.year:04d}-{code}"
            if mod < 0:  # "الماضي" = the last completed instance
                done = max(s for s in starts if _add_months(s[1], 3) <= p)
                return f"{done[0]:04d}-{code}"
            nxt = min((s for s in starts if s[1] > p), key=lambda s: s[1])
            return f"{nxt[0]:04d}-{code}"
        return [relc(a, b, "DATE", sval, prio=2)]

    if kind == "year_word":
        y = int(g["y"])
        if not 1000 <= y <= 2100:
            return []
        return [_Cand(a, b, "DATE", f"{y:04d}", prio=2)]

    if kind == "year_range":
        y1, y2 = int(g["y"]), int(g["y2"])
        if y2 <= y1:
            return []
        return [_Cand(m.start("y"), m.end("y"), "DATE", f"{y1:04d}", note="range start", prio=1),
                _Cand(m.start("y2"), m.end("y2"), "DATE", f"{y2:04d}", prio=1)]

    if kind == "year_bare":
        pw = _prev_word(norm, m.start())
        ok = pw in L.year_cues or bool(re.search(r"(?:19|20)\d\d\s*(?:و|-|–|/|الى|حتى|او)\s*[وفبل]?$", norm[max(0, m.start() - 14):a]))
        ok = ok or bool(re.match(r"\s*(?:" + "|".join(map(re.escape, L.greg_markers)) + r")(?!\w)", norm[m.end("y"):m.end("y") + 10]))
        if not ok:  # no cue before: accept when followed by punctuation, the end, or a function word (not a counted noun)
            nxt = re.match(r"[ \t]*(\w+|\S|$)", norm[b:b + 30])
            tok = nxt.group(1) if nxt else ""
            ok = tok == "" or not re.match(r"\w", tok) or tok in L.year_follow_ok or bool(re.fullmatch(r"و?\d{4}", tok))
        if not ok:
            return []
        return [_Cand(a, b, "DATE", g["y"], prio=1)]

    if kind in ("calrel_mod", "calrel_this", "calrel_mod_ll"):
        u = L.calendar_units[("ال" + g["u"]) if kind == "calrel_mod_ll" else g["u"]]
        mod = 0 if kind == "calrel_this" else L.relative_mods[g["mod"]]

        def cval(p, u=u, mod=mod):
            if u == "Y":
                return f"{p.year + mod:04d}"
            if u == "M":
                d = _add_months(p, mod)
                return f"{d.year:04d}-{d.month:02d}"
            if u == "W":
                return _week(p + dt.timedelta(weeks=mod))
            if u == "DE":
                return f"{p.year // 10 + mod:03d}"
            if u == "CE":
                return f"{p.year // 100 + mod:02d}"
            return p.isoformat()
        return [relc(a, b, "DATE", cval, prio=3)]

    if kind == "relday":
        r = re.sub(r"\s+", " ", g["r"])
        off = L.relative_days[r]
        nw = _next_word(norm, b)
        if r == "اليوم" and not g["wd"] and not g["dp"]:
            if nw in L.day_after_stop or (nw.startswith("ال") and nw not in L.relative_mods):
                return []
            pw = _prev_word(norm, m.start())
            if pw in ("هذا", "ذلك", "نفس", "ذات"):
                return []
        dp = L.dayparts.get(re.sub(r"\s+", " ", g["dp"])) if g["dp"] else None
        if r in ("الليله", "الليله الماضيه"):
            dp = "NI"
        typ = "TIME" if dp else "DATE"
        wd = L.weekdays.get(g["wd"]) if g["wd"] else None

        def rday(p, off=off, wd=wd):
            # "اليوم الجمعة" in a paper dated Saturday: the named weekday wins when it is at most
            # relday_weekday_max_shift days from the offset's day (print editions and time zones put the publication
            # date a day off the events); further off, the words contradict each other and the offset's day stays
            d = p + dt.timedelta(days=off)
            if wd is not None:
                k = (wd - d.weekday()) % 7
                shift = k - 7 if k > 3 else k
                if abs(shift) <= L.relday_weekday_max_shift:
                    d += dt.timedelta(days=shift)
            return d
        c = relc(a, b, typ, lambda p: rday(p).isoformat() + (f"T{dp}" if dp else ""), prio=3)
        if pub is not None and wd is not None and rday(pub) != pub + dt.timedelta(days=off) and not c.note:
            c.note = "the named weekday moved the date off the publication-date reading"
        if dp:
            c.fallback = relc(m.start("r"), b, "DATE", lambda p: rday(p).isoformat(), prio=3)
        return [c]

    if kind == "weekday":
        wf = g["wd"]
        if not g["yom"] and not g["dp"] and wf not in L.weekday_bare_ok:
            return []
        if not g["yom"] and not g["dp"] and _prev_word(norm, m.start()) in L.weekday_block_before:
            return []
        wd = L.weekdays[wf]
        mod = L.relative_mods.get(g["mod"]) if g["mod"] else None
        dp = L.dayparts.get(re.sub(r"\s+", " ", g["dp"])) if g["dp"] else None
        fut = mod == 1 or (mod is None and _future_clause(norm, a, b, L))

        def wval(p, dp=dp):
            back = (p.weekday() - wd) % 7
            fwd = (wd - p.weekday()) % 7
            if mod == -1:
                d = p - dt.timedelta(days=back or 7)
            elif mod == 1:
                d = p + dt.timedelta(days=fwd or 7)
            elif mod == 0:
                d = p + dt.timedelta(days=wd - p.weekday())
            elif fut:
                d = p + dt.timedelta(days=fwd)
            else:
                d = p - dt.timedelta(days=back)
            return d.isoformat() + (f"T{dp}" if dp else "")
        c = relc(a, b, "TIME" if dp else "DATE", wval, prio=2)
        if fut and c.value and not c.note and mod is None:
            c.note = "future reading (future cue in the clause)"
        if dp:
            c.fallback = relc(m.start("yom") if g["yom"] else m.start("wd"), b, "DATE",
                              lambda p: wval(p, None), prio=2)
        return [c]

    if kind == "ago":
        n = _num(g["n"], L) if g["n"] else None
        uf = g["u"] or g["u2"]
        unit, cnt = L.units[uf]
        if n is None:
            n = cnt
        if n is None or n <= 0:
            return []
        approx = bool(g["ap"] or g["ap2"])
        pre = g["pre"]
        nw = _next_word(norm, b)
        if pre != "منذ" and (nw in L.event_anchor_after or (pre == "بعد" and nw in L.event_anchor_after_bad)):
            s = m.start("ap") if g["ap"] else (m.start("n") if g["n"] else m.start("u2"))
            return [_Cand(s, b, "DURATION", _duration_value(n, unit), approx=approx, prio=3)]
        sign = 1 if pre == "بعد" else -1
        return [relc(a, b, "DATE", lambda p: _shift(p, n, unit, sign), approx=approx, prio=3)]

    if kind == "duration_def":
        n = _num(g["n"], L)
        if n is not None and g["n2"]:
            n2 = _num(g["n2"], L)
            n = None if n2 is None else n + n2
        unit, _ = L.units[g["u"]]
        if not n or n < 2:
            return []
        return [_Cand(a, b, "DURATION", _duration_value(n, unit), prio=2)]

    if kind == "duration_def2":
        unit, n = L.units[g["u"]]
        return [_Cand(a, b, "DURATION", _duration_value(n, unit), prio=2)]

    if kind == "duration":
        if g["n"]:
            n = _num(g["n"], L)
            unit, _ = L.units[g["u"]]
            if n is not None and g["half"]:
                n += 0.5
        else:
            unit, n = L.units[g["u2"]]
        if n is None or n <= 0:
            return []
        return [_Cand(a, b, "DURATION", _duration_value(n, unit), approx=bool(g["ap"] or g["ap2"]), prio=2)]

    if kind == "duration_sing":
        unit, n = L.units[g["u"]]
        return [_Cand(a, b, "DURATION", _duration_value(n, unit), approx=bool(g["ap"]), prio=1)]

    if kind in ("time", "time_clock"):
        h = g["h"]
        mi = int(g.get("mi") or 0)
        if kind == "time":
            if re.fullmatch(r"\d{1,2}(?:[:.]\d{2})?", h):
                parts = re.split(r"[:.]", h)
                hh = int(parts[0])
                mi = int(parts[1]) if len(parts) > 1 else 0
            else:
                hh = L.ordinals.get(re.sub(r"\s+", " ", h))
                if hh is None or hh > 12:
                    return []
            fr = g.get("fr")
            if fr:
                if "نصف" in fr:
                    mi = 30
                elif "ربع" in fr:
                    mi = 15
                else:
                    mv = _num(re.sub(r"\s+دقيقه$", "", fr), L)
                    if mv is None:
                        return []
                    mi = int(mv)
        else:
            hh = int(h)
        ap = L.ampm.get(g["ap"]) if g.get("ap") else None
        if ap == "pm" and hh < 12:
            hh += 12
        if ap == "am" and hh == 12:
            hh = 0
        if not (0 <= hh <= 24 and 0 <= mi < 60):
            return []
        if kind == "time_clock" and not ap:
            return []
        return [_Cand(a, b, "TIME", f"XXXX-XX-XXT{hh:02d}:{mi:02d}", prio=3)]

    if kind == "set_word":
        return [_Cand(a, b, "SET", L.set_words[g["T"]], prio=1)]

    if kind == "set_every":
        if g["wd"]:
            return [_Cand(a, b, "SET", f"XXXX-WXX-{L.weekdays[g['wd']] + 1}", prio=2)]
        if g["n"]:
            n = _num(g["n"], L)
            unit, _ = L.units[g["u"]]
        else:
            unit, n = L.units[g["u2"]]
        if not n:
            return []
        return [_Cand(a, b, "SET", _duration_value(n, unit), prio=2)]

    if kind == "period_part":
        code, count = L.period_parts[g["pp"]]
        o = count if g["o"].startswith("الاخير") else L.ordinals.get(re.sub(r"\s+", " ", g["o"]))
        if not o or o > count:
            return []
        y = g["y"] or g["y2"]
        if y:
            return [_Cand(a, b, "DATE", f"{int(y):04d}-{code}{o}", prio=3)]
        mod = L.relative_mods.get(g["mod"]) if g["mod"] else None

        def pval(p, o=o, mod=mod):
            if mod is not None:
                return f"{p.year + mod:04d}-{code}{o}"
            start_month = 1 + (o - 1) * (12 // count)
            return f"{p.year - (start_month > p.month):04d}-{code}{o}"  # not begun yet → last year's
        return [relc(a, b, "DATE", pval, prio=3)]

    if kind == "bc_year":
        y = int(g["y"])
        return [_Cand(a, b, "DATE", f"BC{y:04d}", prio=3)] if y > 0 else []

    if kind == "decade":
        dec = L.decades[g["dec"]]
        base = 19
        cq = g["cq"]
        if cq:
            if cq == "الماضي":
                if pub is None:
                    return [_Cand(a, b, "DATE", None, "pub_date", note=NEEDS_PUB)]
                base = pub.year // 100 - 1
            elif cq in L.centuries:
                base = L.centuries[cq] - 1
            else:
                base = int(re.sub(r"\D", "", cq)) - 1
        return [_Cand(a, b, "DATE", f"{base:02d}{dec}", "pub_date" if cq == "الماضي" else "absolute", prio=2)]

    if kind == "century":
        c = L.centuries.get(g["cn"]) if g["cn"] else int(g["cd"])
        if not c or c > 30:
            return []
        return [_Cand(a, b, "DATE", f"{c - 1:02d}", prio=2)]
    return []


def _attach_times(cands: list[_Cand], norm: str) -> None:
    """Give clock times (XXXX-XX-XXT…) the day of the nearest day-level date in the same clause."""
    days = [c for c in cands if c.value and re.match(r"\d{4}-\d{2}-\d{2}(?:$|T[A-Z])", c.value)]
    for t in cands:
        if t.type != "TIME" or not t.value or not t.value.startswith("XXXX-XX-XX"):
            continue
        best = None
        for d in days:
            lo, hi = (d.b, t.a) if d.b <= t.a else (t.b, d.a)
            if hi - lo > 60 or (hi > lo and _CLAUSE_END.search(norm, lo, hi)):
                continue
            dist = hi - lo
            if best is None or dist < best[0]:
                best = (dist, d)
        if best:
            d = best[1]
            t.value = d.value[:10] + t.value[10:]
            t.anchor = d.anchor


def find_timexes(text: str, pub_date: str | dt.date | None = None) -> list[Timex]:
    """Temporal expressions of ``text``.

    Input: any str; ``pub_date`` as ``YYYY-MM-DD`` / ``datetime.date`` / None (an unparsable string counts as None).
    Output: :class:`khabar.document.Timex` records in text order, non-overlapping, offsets into ``text``.
    Never raises on str input.
    """
    if not text:
        return []
    pub: dt.date | None
    if isinstance(pub_date, dt.date):
        pub = pub_date
    else:
        try:
            pub = dt.date.fromisoformat(str(pub_date)[:10]) if pub_date else None
        except ValueError:
            pub = None
    L = lexicon()
    view = NormView(text)
    norm = view.norm
    cands: list[_Cand] = []
    for kind, rx in _rx().items():
        for m in rx.finditer(norm):
            try:
                cands.extend(_handle(kind, m, norm, pub, L))
            except Exception:  # one odd match (e.g. a year out of range) must not lose the others
                continue
    # longest first, then rule priority, then leftmost; keep non-overlapping
    cands.sort(key=lambda c: (-(c.b - c.a), -c.prio, c.a))
    taken: list[_Cand] = []
    occupied: list[tuple[int, int]] = []
    for c0 in cands:
        c: _Cand | None = c0
        while c is not None:
            i = bisect.bisect_left(occupied, (c.a, c.b))
            if c.b <= c.a or (i > 0 and occupied[i - 1][1] > c.a) or (i < len(occupied) and occupied[i][0] < c.b):
                c = c.fallback
                continue
            occupied.insert(i, (c.a, c.b))
            taken.append(c)
            break
    taken.sort(key=lambda c: c.a)
    _attach_times(taken, norm)
    out: list[Timex] = []
    for c in taken:
        s, e = view.span(c.a, c.b)
        out.append(Timex(start=s, end=e, text=text[s:e], type=c.type, value=c.value, anchor=c.anchor,
                         approximate=c.approx, note=c.note))
    return out


def tag_timexes(doc: Document) -> Document:
    """Fill ``doc.timexes`` (in place) with the TIMEX3 expressions of ``doc.text`` anchored on ``doc.pub_date``.

    Input: a :class:`Document` (``text`` any str, ``pub_date`` ``YYYY-MM-DD`` or None). Output: the same document,
    ``timexes`` extended (existing records are kept; new ones overlapping them are skipped). Never raises on str
    input; see the module doc for the conventions.
    """
    try:
        found = find_timexes(doc.text or "", doc.pub_date)
    except Exception as e:  # defensive: a tagger bug must not lose the document
        doc.warnings.append(f"time: {type(e).__name__}: {e}")
        return doc
    have = [(t.start, t.end) for t in doc.timexes]
    for t in found:
        if not any(t.start < e and s < t.end for s, e in have):
            doc.timexes.append(t)
    doc.timexes.sort(key=lambda t: t.start)
    return doc
