"""Line classifiers for plain-text page dumps (used by :mod:`blocwatch.ingest.textpage`).

A page saved as text is a flat list of lines; what each line *is* has to be read from its shape:

* a **date line** is nothing but a date (with an optional "Published"/"Updated" prefix, weekday,
  time, or a byline / reading time separated by ``|``, ``·``, ``•`` or a dash);
* a **byline** starts with "By";
* a **contents entry** is a numbered short line (``1. Heading``) in a run numbered from 1;
* **furniture** is site chrome.  Some of it is a *truncator* — a heading after which nothing is
  article any more ("Latest news", "You may also like", "Share", "Tags: ...", "©") — and some is
  a *droppable* line wherever it stands (cookie notices, "Advertisement", "Skip to content");
* **prose** is a line that reads as a sentence (enough words, or a terminal punctuation mark).

Every rule is a full-line match on a normalised line, so a sentence that merely *contains*
"read more" is never mistaken for furniture.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

__all__ = [
    "byline_authors",
    "contents_entry",
    "date_in_line",
    "heading_key",
    "is_contents_label",
    "is_droppable",
    "is_prose",
    "is_teaser",
    "is_truncator",
    "looks_like_heading",
]

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MON = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_PREFIX = (
    r"(?:(?:published|updated|posted|last\s+updated|last\s+modified|first\s+published|date|dated)"
    r"(?:\s+on)?\s*:?\s*)?"
)
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_TIME = (
    r"(?:\s*(?:,|at|-|–|\|)?\s*\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?"
    r"(?:\s*(?:[a-z]{2,5}|(?:utc|gmt)\s*[+-]?\d{0,2}(?::?\d{2})?|[+-]\d{2}:?\d{2}))?)?"
)
_DATE_FORMS = [
    rf"(?P<mon>{_MON})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})",
    rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{_MON})\.?,?\s+(?P<year>\d{{4}})",
    r"(?P<year>\d{4})[-/.](?P<mon>\d{1,2})[-/.](?P<day>\d{1,2})"
    r"(?:t\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?",
]
_DATE_RES = [re.compile(rf"{_PREFIX}{_WEEKDAY}{form}{_TIME}\.?", re.I) for form in _DATE_FORMS]
# A date line may carry other metadata in separated parts: "By Ann Lee | 3 Mar 2024 | 4 min read".
_PART_SEP = re.compile(r"\s+[|·•—–]\s+|\s+-\s+")
_READING_TIME = re.compile(r"\d+\s*(?:min(?:ute)?s?|hrs?|hours?)(?:\s+read)?", re.I)
_TIME_ONLY = re.compile(
    r"(?:at\s+)?\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*[a-z]{2,5}(?:[+-]\d{1,2})?)?", re.I
)
_BYLINE = re.compile(r"(?:by|written\s+by|words\s+by|author:|authors:|reporting\s+by)\s+(.+)", re.I)
_CONTENTS = re.compile(r"\s*(\d{1,2})\s*[.)]\s+(\S.{0,118})")

_TERMINAL = '.!?…"”’)»:;'
_QUOTE_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})

# Headings after which the rest of a page is site furniture (matched against the folded line).
_TRUNCATORS = [
    r"latest(?:\s+[\w&'-]+){0,2}\s+(?:news|articles?|posts?|stories|analysis|analytics|updates|videos"
    r"|headlines|insights|reports|podcasts|opinions?)",
    r"related(?:\s+(?:articles?|posts?|stories|content|news|coverage|reading|topics|links|videos))?",
    r"(?:you|we\s+think\s+you)\s+(?:may|might|could|would|will)\s+(?:also\s+)?(?:like|enjoy|be\s+interested\s+in)"
    r"(?:\s+\w+){0,2}",
    r"(?:read|show|load|see|view)\s+(?:more|next|all)(?:\s+[\w&'-]+){0,4}",
    r"more\s+(?:from|on|in|about|stories|articles|news|like\s+this|to\s+read)(?:\s+[\w&'-]+){0,4}",
    r"(?:share|share\s+this|share\s+the)(?:\s+(?:article|story|post|page))?(?:\s+(?:on|via)\s+[\w ]{1,20})?",
    r"(?:subscribe|sign\s+up|newsletter|join\s+our\s+newsletter|get\s+our\s+newsletter)(?:\b.{0,80})?",
    r"(?:tags?|topics?|filed\s+under|categories|category|keywords)(?:\s*:.*)?",
    r"(?:\d+\s+)?comments?(?:\s*\(\d+\))?|leave\s+a\s+(?:comment|reply)|join\s+the\s+(?:discussion|conversation)",
    r"(?:most|top)\s+(?:read|popular|viewed|shared|commented)(?:\s+\w+){0,2}",
    r"(?:trending|popular)(?:\s+(?:now|today|news|posts|stories|articles|topics))?",
    r"recommended(?:\s+(?:for\s+you|articles|stories|reading|posts))?|editor'?s'?\s+(?:picks?|choice)",
    r"about\s+the\s+authors?|follow\s+us(?:\b.{0,40})?|(?:copyright|©|\(c\)).{0,160}",
    r"all\s+rights\s+reserved.{0,80}",
]
_TRUNCATOR_RE = re.compile(r"(?:" + "|".join(_TRUNCATORS) + r")\s*[:.]?(?:\s*\(\d+\))?", re.I)

# Chrome lines removed wherever they stand; they never end the article.
_DROPPABLE_RE = re.compile(
    r"(?:advertisement|advert|ad|sponsored(?:\s+content)?|skip\s+to\s+(?:main\s+)?content|menu|home|search"
    r"|log\s*in|sign\s*in|register|print|e-?mail|copy\s+link|link\s+copied|close|back\s+to\s+top"
    r"|listen\s+to\s+this\s+article|toggle\s+navigation|facebook|twitter|x|linkedin|whatsapp|telegram"
    r"|reddit|share\s+on\s+\w+|(?:photo|image|picture|credit|source)s?\s*:\s*.{0,80}"
    + r"|"
    + _READING_TIME.pattern
    + r")\s*[.:]?",
    re.I,
)
_COOKIE_RE = re.compile(
    r"cookie.{0,80}\b(?:use|uses|using|accept|consent|policy|settings|preferences|agree)"
    r"|\b(?:use|uses|using|accept|consent|agree)\b.{0,80}cookie",
    re.I,
)


def fold(line: str) -> str:
    """Unicode-normalise, unify quotes and dashes, collapse spaces (for matching only)."""
    text = unicodedata.normalize("NFKC", line).translate(_QUOTE_FOLD)
    return " ".join(text.split())


def heading_key(line: str) -> str:
    """Key under which a heading and its contents entry compare equal."""
    text = fold(line).casefold()
    text = re.sub(r"^\d{1,2}\s*[.)]\s+", "", text)  # "2. Challenges" in the body matches "Challenges"
    return re.sub(r"[^\w]+", " ", text).strip()


def words(line: str) -> int:
    return len(line.split())


def date_in_line(line: str) -> date | None:
    """The date if the whole line is a date line, else ``None``."""
    text = fold(line).strip()
    if not text or len(text) > 100:
        return None
    found: date | None = None
    for part in _PART_SEP.split(text):
        part = part.strip()
        parsed = _parse_date(part)
        if parsed is not None and found is None:
            found = parsed
        elif parsed is None and not _is_meta_part(part):
            return None
    return found


def _parse_date(text: str) -> date | None:
    for regex in _DATE_RES:
        m = regex.fullmatch(text)
        if not m:
            continue
        mon = m["mon"]
        month = int(mon) if mon.isdigit() else _MONTHS[mon[:3].casefold()]
        try:
            value = date(int(m["year"]), month, int(m["day"]))
        except ValueError:
            return None
        return value if 1900 <= value.year <= 2100 else None
    return None


def _is_meta_part(part: str) -> bool:
    return bool(
        _BYLINE.fullmatch(part)
        or _READING_TIME.fullmatch(part)
        or _TIME_ONLY.fullmatch(part)
        or re.fullmatch(r"updated?", part, re.I)
    )


def byline_authors(line: str) -> list[str] | None:
    """Author names if the line is a byline ("By Ann Lee and Bo Kim"), else ``None``."""
    text = fold(line).strip()
    for part in _PART_SEP.split(text):
        m = _BYLINE.fullmatch(part.strip())
        if not m:
            continue
        names = [n.strip(" .") for n in re.split(r",|\s+and\s+|\s*&\s*", m[1]) if n.strip(" .")]
        # A byline names people: a few capitalised words each, not a sentence that starts with "By".
        if names and all(words(n) <= 5 and n[:1].isupper() for n in names):
            return names
    return None


def contents_entry(line: str) -> tuple[int, str] | None:
    """``(number, title)`` for a numbered contents line like ``"  2. Immense Challenges"``."""
    m = _CONTENTS.fullmatch(line.rstrip())
    if not m or words(m[2]) > 16 or m[2].rstrip()[-1:] in ".;,":
        return None
    return int(m[1]), m[2].strip()


def is_truncator(line: str) -> bool:
    return words(line) <= 16 and bool(_TRUNCATOR_RE.fullmatch(fold(line).strip()))


def is_droppable(line: str) -> bool:
    text = fold(line).strip()
    if _COOKIE_RE.search(text) and words(text) <= 60:
        return True
    return words(text) <= 12 and bool(_DROPPABLE_RE.fullmatch(text))


def is_teaser(line: str) -> bool:
    """A short link text cut off with an ellipsis ("How the bank is adapting...")."""
    text = line.strip()
    return (text.endswith("...") or text.endswith("…")) and words(text) <= 18 and len(text) <= 140


def is_prose(line: str) -> bool:
    """Reads as running text: a long line, or a sentence of several words ending in punctuation."""
    text = line.strip()
    n = words(text)
    return n >= 20 or (n >= 7 and text[-1:] in _TERMINAL and not is_teaser(text))


def looks_like_heading(line: str) -> bool:
    """Shape of an unlisted section heading: short, capitalised, no final punctuation."""
    text = line.strip()
    n = words(text)
    if not 1 <= n <= 12 or len(text) > 100 or text[-1:] in '.,;:!"”’…' or not text[:1].isupper():
        return False
    # A comma makes a short line look like an attribution ("Ann Lee, an analyst") unless the
    # line is title-cased like a heading.
    if "," in text:
        caps = sum(1 for w in text.split() if w[:1].isupper())
        return caps >= max(2, n * 2 // 3)
    return True


_CONTENTS_LABEL_RE = re.compile(
    r"(?:table\s+of\s+)?contents|in\s+this\s+(?:article|story|page|report)|on\s+this\s+page|jump\s+to"
    r"|outline|summary\s+of\s+contents",
    re.I,
)


def is_contents_label(line: str) -> bool:
    """The caption of a contents list ("Table of contents:", "In this article")."""
    return bool(_CONTENTS_LABEL_RE.fullmatch(fold(line).strip().rstrip(":").strip()))
