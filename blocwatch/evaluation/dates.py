"""Date normalisation evaluation on TempEval-3 TimeML (TIMEX3 values relative to the DCT).

Only ``type="DATE"`` expressions are scored, as blocwatch dates events, not durations, sets or
clock times; the document creation time itself is left out.  Two figures:

* **value accuracy** (the issue's measure): for every gold DATE expression, does
  :func:`blocwatch.nlp.dates.resolve_date` on its words, with the DCT as publication date, give
  exactly the gold value?  Expressions the resolver declines (returns ``None``) count as wrong;
* **detection** P/R/F1 of :func:`~blocwatch.nlp.dates.find_dates` over the running text: a found
  span matches a gold one when they overlap, and it is right when the value is equal too.
"""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from pathlib import Path

from blocwatch.evaluation.metrics import PRF, Report
from blocwatch.nlp.dates import find_dates, resolve_date

__all__ = ["evaluate", "read_timeml"]

_TAG = re.compile(r"<(/?)(\w+)([^>]*)>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


def read_timeml(path: Path) -> tuple[date | None, str, list[tuple[int, int, str]]]:
    """The DCT, the plain text of <TEXT>, and its DATE timexes as (start, end, value)."""
    raw = path.read_text(encoding="utf-8")
    dct_match = re.search(r'functionInDocument="CREATION_TIME"[^>]*value="(\d{4}-\d{2}-\d{2})', raw)
    if dct_match is None:
        dct_match = re.search(r'<DCT><TIMEX3[^>]*value="(\d{4}-\d{2}-\d{2})', raw)
    dct = date.fromisoformat(dct_match.group(1)) if dct_match else None
    body = raw.split("<TEXT>", 1)[-1].split("</TEXT>", 1)[0]
    text_parts: list[str] = []
    length = 0
    timexes: list[tuple[int, int, str]] = []
    open_timex: tuple[int, dict[str, str]] | None = None
    pos = 0
    for match in _TAG.finditer(body):
        chunk = unescape(body[pos : match.start()])
        text_parts.append(chunk)
        length += len(chunk)
        pos = match.end()
        closing, name, attrs = match.group(1), match.group(2), match.group(3)
        if name != "TIMEX3":
            continue
        if not closing:
            open_timex = (length, dict(_ATTR.findall(attrs)))
        elif open_timex is not None:
            start, values = open_timex
            if values.get("type") == "DATE" and values.get("value"):
                timexes.append((start, length, values["value"]))
            open_timex = None
    text_parts.append(unescape(body[pos:]))
    return dct, "".join(text_parts), timexes


def evaluate(folder: Path, limit: int | None = None) -> Report:
    files = sorted(folder.glob("*.tml"))[:limit]
    correct = total = 0
    detection, by_kind = PRF(), {"explicit": PRF(), "relative": PRF()}
    for path in files:
        dct, text, gold = read_timeml(path)
        for start, end, value in gold:
            total += 1
            guess = resolve_date(text[start:end], dct, refs=True)
            correct += guess == value
            kind = "explicit" if re.search(r"\d{4}", text[start:end]) else "relative"
            by_kind[kind].add({value}, {guess} if guess else set())
        found = find_dates(text, dct)
        matched: set[int] = set()
        for f_start, f_end, f_value in found:
            hit = next((i for i, (g_start, g_end, g_value) in enumerate(gold)
                        if i not in matched and f_start < g_end and g_start < f_end
                        and g_value == f_value), None)
            if hit is None:
                detection.fp += 1
            else:
                matched.add(hit)
                detection.tp += 1
        detection.fn += len(gold) - len(matched)
    accuracy = round(correct / total, 4) if total else 0.0
    return Report("dates (TempEval-3 DATE values)", str(folder), detection, by_kind,
                  {"documents": len(files), "date_expressions": total, "value_accuracy": accuracy})
