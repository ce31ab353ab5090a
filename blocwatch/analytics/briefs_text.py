"""The wording of generated briefs: deterministic sentence templates, no data access.

:mod:`blocwatch.analytics.briefs` decides *what* a brief says from the stored evidence; this
module only decides *how* it is said, so the wording can be read (and changed) in one place.
Every function is pure: same facts in, same sentence out.  Names and third-party text are
inserted as plain strings; the web layer escapes them.

Verbs are chosen per PLOVER event type.  A type missing from the tables gets a neutral phrase
("acted toward") rather than a guess, so a new lexicon type can never produce a false claim.
"""

from __future__ import annotations

from datetime import date

__all__ = [
    "QUOTE_WORDS",
    "SECTION_HEADINGS",
    "act_sentence",
    "alignment_sentence",
    "headline",
    "human_day",
    "intention_sentence",
    "lead_sentence",
    "member_alignment_sentence",
    "quote_sentence",
    "trend_sentence",
    "when",
]

# (theme, heading): the four parts of a brief, in the order of the founding example's analysis.
SECTION_HEADINGS: tuple[tuple[str, str], ...] = (
    ("cooperation", "The relationship growing"),
    ("obstacles", "The obstacles"),
    ("experts", "What experts say"),
    ("outlook", "The outlook"),
)

# PLOVER type -> (past tense phrase before the target, bare infinitive phrase).
_VERBS: dict[str, tuple[str, str]] = {
    "AGREE": ("reached an agreement with", "reach an agreement with"),
    "AID": ("provided aid to", "provide aid to"),
    "CONSULT": ("held talks with", "hold talks with"),
    "COOPERATE": ("deepened cooperation with", "deepen cooperation with"),
    "SUPPORT": ("voiced support for", "support"),
    "CONCEDE": ("made concessions to", "make concessions to"),
    "RETREAT": ("stepped back from a confrontation with", "step back from a confrontation with"),
    "REQUEST": ("made a request to", "ask"),
    "ACCUSE": ("was at odds with", "criticise"),
    "REJECT": ("rebuffed", "reject"),
    "PROTEST": ("protested against", "protest against"),
    "THREATEN": ("threatened", "threaten"),
    "SANCTION": ("imposed sanctions on", "sanction"),
    "COERCE": ("applied pressure on", "pressure"),
    "MOBILIZE": ("mobilised against", "mobilise against"),
    "ASSAULT": ("attacked", "attack"),
    "FIGHT": ("fought", "fight"),
}
_NEUTRAL = ("acted toward", "act toward")


def human_day(day: date | None) -> str:
    """``25 September 2024`` (empty for an unknown day)."""
    return f"{day.day} {day.strftime('%B %Y')}" if day else ""


def when(event_date: str | None, published: date | None) -> str:
    """The time phrase of an act, no more precise than the report: "On 19 September 2023",
    "In September 2023", "In 2023"; an undated act is placed by its report ("As reported on
    25 September 2024"), never given the publication day as if it were the act's own."""
    stated = (event_date or "").strip()
    try:
        if len(stated) >= 10:
            return f"On {human_day(date.fromisoformat(stated[:10]))}"
        if len(stated) == 8 and stated[5] == "W":  # an ISO week, "2019-W12"
            monday = date.fromisocalendar(int(stated[:4]), int(stated[6:8]), 1)
            return f"In the week of {human_day(monday)}"
        if len(stated) == 7:
            return f"In {date(int(stated[:4]), int(stated[5:7]), 1).strftime('%B %Y')}"
        if len(stated) == 4:
            return f"In {int(stated)}"
    except ValueError:
        pass
    return f"As reported on {human_day(published)}" if published else ""


def _times(mentions: int, articles: int) -> str:
    if mentions <= 1:
        return ""
    where = f" in {articles} articles" if articles > 1 else ""
    return f" (reported {mentions} times{where})"


def _sides(source: str | None, target: str | None, via: str | None, via_side: str) -> tuple[str, str]:
    """Both names, the member of ``via`` (a bloc) followed by ", a member of <bloc>"."""
    member_of = f", a member of {via}" if via else ""
    source_text = (source or "an unnamed party") + (member_of if via_side == "source" else "")
    target_text = (target or "an unnamed party") + (member_of if via_side != "source" else "")
    if via_side == "source" and via:
        source_text += ","  # "China, a member of BRICS, was at odds with Mongolia"
    return source_text, target_text


def act_sentence(
    source: str | None,
    target: str | None,
    plover: str,
    when: str = "",
    *,
    via: str | None = None,
    via_side: str = "target",
    mentions: int = 1,
    articles: int = 1,
) -> str:
    """One reported act: "On 19 September 2023, North Korea held talks with BRICS."

    ``source``/``target`` are names (None: the report did not say who); ``when`` is the phrase
    of :func:`when`; ``via`` names the bloc one side (``via_side``) belongs to when the act is
    evidence about a bloc through one of its members.
    """
    verb = _VERBS.get(plover, _NEUTRAL)[0]
    source_text, target_text = _sides(source, target, via, via_side)
    if source is None and plover == "SANCTION":
        clause = f"{target_text} faced sanctions"
    else:
        clause = f"{source_text} {verb} {target_text}"
    body = f"{when}, {clause}" if when else clause[0].upper() + clause[1:]
    return f"{body}{_times(mentions, articles)}."


def intention_sentence(
    source: str | None,
    target: str | None,
    plover: str,
    *,
    via: str | None = None,
    via_side: str = "target",
    mentions: int = 1,
    articles: int = 1,
) -> str:
    """A stated intention or conditional act, never told as a fact: "Reports say North Korea
    intends or may seek to deepen cooperation with BRICS."."""
    verb = _VERBS.get(plover, _NEUTRAL)[1]
    who, target_text = _sides(source, target, via, via_side)
    return f"Reports say {who} intends or may seek to {verb} {target_text}{_times(mentions, articles)}."


QUOTE_WORDS = 60
_LOWER_AFTER_ACCORDING = frozenset("the his her their its a an".split())


def _speaker_in_sentence(speaker: str) -> str:
    """A speaker as the object of "According to": "The White House" -> "the White House"."""
    first, _, rest = speaker.partition(" ")
    return f"{first.lower()} {rest}" if rest and first.lower() in _LOWER_AFTER_ACCORDING else speaker


def quote_sentence(speaker: str, role: str, affiliation: str, content: str, direct: bool) -> str:
    """An expert's words: direct quotes verbatim in quotation marks, reported speech after
    "According to"; the speaker's credentials in brackets: "Cho Han-bum (senior research fellow,
    Korea Institute for National Unification)".  Past :data:`QUOTE_WORDS` words a quote is cut
    with an ellipsis (the evidence link leads to the whole)."""
    words = content.split()
    text = " ".join(words[:QUOTE_WORDS]).rstrip(" ,;") + (" …" if len(words) > QUOTE_WORDS else "")
    speaker = speaker.strip(" ,;:") or "An unnamed source"
    credentials = ", ".join(p for p in (role, affiliation) if p)
    who = f"{speaker} ({credentials})" if credentials else speaker
    if direct:
        return f"{who} said: “{text}”"
    if text and text[-1] not in ".!?…":
        text += "."
    return f"According to {_speaker_in_sentence(who)}, {text}"


def _signed(value: float) -> str:
    """``+0.77`` / ``−1.00``: a true minus sign, as in the scale "from −1 to +1"."""
    return f"{value:+.2f}".replace("-", "−")


def alignment_sentence(
    actor: str, toward: str, label: str, score: float, confidence: float, events: int
) -> str:
    """The stance read from all weighted acts (see :mod:`blocwatch.analytics.alignment`)."""
    return (
        f"Weighing {events} reported act{'s' if events != 1 else ''} of {actor} toward {toward}, recent ones "
        f"counting most, the stance reads as {label} (score {_signed(score)} on a scale from −1 to +1, "
        f"confidence {confidence:.2f})."
    )


def member_alignment_sentence(
    actor: str, member: str, bloc: str, label: str, score: float, events: int
) -> str:
    return (
        f"Toward {member}, a member of {bloc}, {actor}'s acts read as {label} "
        f"(score {_signed(score)} from {events} act{'s' if events != 1 else ''})."
    )


def trend_sentence(actor: str, toward: str, direction: str, days: int, change: float) -> str:
    """Only called for a known direction (both windows hold evidence)."""
    if direction == "steady":
        return f"Over the last {days} days the stance of {actor} toward {toward} has held steady."
    return (
        f"Over the last {days} days the stance of {actor} toward {toward} has been {direction} "
        f"(a change of {_signed(change)} against the {days} days before)."
    )


def lead_sentence(a: str, b: str, events: int, quotes: int, articles: int, first: date, last: date) -> str:
    span = human_day(first) if first == last else f"between {human_day(first)} and {human_day(last)}"
    what = f"{events} reported event{'s' if events != 1 else ''}"
    if quotes:
        what += f" and {quotes} quote{'s' if quotes != 1 else ''}"
    plural = "s" if articles != 1 else ""
    return f"This brief on {a} and {b} is drawn from {what} in {articles} article{plural} dated {span}."


def headline(
    a: str, b: str, label: str, direction: str, closest: str | None = None, reply: str | None = None
) -> str:
    """The brief's title from the stance of ``a`` toward ``b`` and its trend.

    ``reply`` is the label of ``b``'s stance toward ``a`` (two actors only): cooperation met
    with strain or hostility, either way round, reads as mixed signals, not as ties growing."""
    warm, cold = ("cooperative",), ("strained", "hostile")
    if reply and ((label in warm and reply in cold) or (label in cold and reply in warm)):
        label = "mixed"
    if label == "cooperative":
        core = (
            f"{a} Strengthens Ties with {b}"
            if direction in ("warming", "unknown", "steady")
            else f"{a} and {b}: Cooperation Under Strain"
        )
    elif label == "mixed":
        core = f"{a} and {b}: A Relationship of Mixed Signals"
    elif label in ("strained", "hostile"):
        core = f"Tensions Between {a} and {b}" if label == "strained" else f"{a} and {b} in Open Conflict"
    else:
        core = f"{a} and {b}: What the News Reports"
    if closest and label == "cooperative":
        core += f" as Relations with {closest} Deepen"
    return core
