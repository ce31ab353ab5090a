"""Quote attribution evaluation on PolNeAR (BRAT standoff: Source / Cue / Content spans).

Matching, per article (one annotator's file per text: the first by name, so texts with several
annotators are not counted twice):

* a predicted quote *matches* a gold attribution when their content spans overlap by at least
  half of each (character overlap / length, both ways; discontinuous gold content is the union
  of its pieces) — boundaries differ across annotators by a word or a mark, spans rarely by half.
  A predicted quote whose statement an attribution splits ('"A," she said. "B"') is likewise the
  union of its quoted ``parts``: PolNeAR's discontinuous content leaves the cue and source out,
  so the attribution between the parts (however long the speaker's title) is not content;
* its *speaker is right* when the predicted speaker span overlaps the gold Source span;
* **direct** quotes are the gold attributions whose content begins with a quotation mark (as the
  corpus README suggests) against our ``direct`` quotes that the same test calls direct: the
  content stands in quotation marks in the text.  Our unmarked direct speech (transcript lines
  "PENCE: Well, ...", pull quotes) is verbatim too, but the gold's definition cannot see it, so it
  is scored with all attributions instead of counting against the marked ones.  They count as
  true positives only with content and speaker both right;
* **all** attributions are every gold attribution against every quote we emit, on content.

Each gold and each predicted quote is matched at most once (greedy, by overlap).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from blocwatch.evaluation.metrics import PRF, Report
from blocwatch.nlp.pipeline import Pipeline
from blocwatch.records import Article, Quote

__all__ = ["GoldAttribution", "evaluate", "read_ann"]

_OPEN_MARKS = ('"', "“", "‘", "'", "«")


@dataclass(slots=True)
class GoldAttribution:
    content: list[tuple[int, int]]
    source: list[tuple[int, int]]
    direct: bool


def _spans(field: str) -> list[tuple[int, int]]:
    out = []
    for piece in field.split(";"):
        start, end = piece.split()
        out.append((int(start), int(end)))
    return out


def read_ann(path: Path, text: str) -> list[GoldAttribution]:
    """The attribution relations of one BRAT file."""
    spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    relations: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            kind, _, offsets = parts[1].partition(" ")
            spans[parts[0]] = (kind, _spans(offsets))
        elif line.startswith("E") and len(parts) >= 2:
            relations.append(dict(arg.split(":", 1) for arg in parts[1].split()))
    gold = []
    for rel in relations:
        content = spans.get(rel.get("Content", ""), ("", []))[1]
        if not content:
            continue
        source = spans.get(rel.get("Source", ""), ("", []))[1]
        first = text[content[0][0] : content[0][1]].lstrip()
        gold.append(GoldAttribution(content, source, first.startswith(_OPEN_MARKS)))
    return gold


def _overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def _length(spans: list[tuple[int, int]]) -> int:
    return sum(e - s for s, e in spans)


def _content_match(gold: GoldAttribution, quote: Quote) -> float:
    mine = list(quote.parts) or [(quote.start, quote.end)]
    shared = _overlap(gold.content, mine)
    if not shared:
        return 0.0
    return min(shared / max(1, _length(gold.content)), shared / max(1, _length(mine)))


def _in_marks(text: str, quote: Quote) -> bool:
    """The quote's content opens right after a quotation mark (spaces allowed)."""
    return text[max(0, quote.start - 3) : quote.start].rstrip().endswith(_OPEN_MARKS)


def _speaker_right(gold: GoldAttribution, quote: Quote) -> bool:
    return bool(quote.speaker_span and gold.source and _overlap(gold.source, [quote.speaker_span]))


def _match(golds: list[GoldAttribution], quotes: list[Quote], need_speaker: bool) -> tuple[int, int, int]:
    pairs = sorted(
        ((_content_match(g, q), gi, qi) for gi, g in enumerate(golds) for qi, q in enumerate(quotes)),
        reverse=True,
    )
    used_g: set[int] = set()
    used_q: set[int] = set()
    for score, gi, qi in pairs:
        if score < 0.5:
            break
        if gi in used_g or qi in used_q:
            continue
        if need_speaker and not _speaker_right(golds[gi], quotes[qi]):
            continue
        used_g.add(gi)
        used_q.add(qi)
    tp = len(used_g)
    return tp, len(quotes) - tp, len(golds) - tp


def _articles(folder: Path, limit: int | None) -> Iterator[tuple[str, str, Path]]:
    texts = sorted((folder / "text").glob("*.txt"))[:limit]
    anns = sorted((folder / "attributions").glob("*.ann"))
    for text_path in texts:
        stem = text_path.stem
        mine = [a for a in anns if re.fullmatch(re.escape(stem) + r"(_[^_]+)?", a.stem)]
        if mine:
            yield stem, text_path.read_text(encoding="utf-8"), mine[0]


def evaluate(folder: Path, pipeline: Pipeline, limit: int | None = None) -> Report:
    """Score quotes on a PolNeAR split folder (holding ``text/`` and ``attributions/``)."""
    items = list(_articles(folder, limit))
    articles = [Article(id=stem, text=text) for stem, text, _ in items]
    direct, every, speakers = PRF(), PRF(), PRF()
    for (_stem, text, ann), analysis in zip(items, pipeline.analyze_many(articles), strict=True):
        gold = read_ann(ann, text)
        quotes = analysis.quotes
        marked = [q for q in quotes if q.direct and _in_marks(text, q)]
        tp, fp, fn = _match([g for g in gold if g.direct], marked, True)
        direct.tp, direct.fp, direct.fn = direct.tp + tp, direct.fp + fp, direct.fn + fn
        tp, fp, fn = _match(gold, quotes, False)
        every.tp, every.fp, every.fn = every.tp + tp, every.fp + fp, every.fn + fn
        tp, fp, fn = _match(gold, quotes, True)
        speakers.tp, speakers.fp, speakers.fn = speakers.tp + tp, speakers.fp + fp, speakers.fn + fn
    return Report(
        "quotes (PolNeAR)",
        str(folder),
        every,
        {"direct+speaker": direct, "all+speaker": speakers},
        {"articles": len(items)},
    )
