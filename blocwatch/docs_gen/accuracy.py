"""The accuracy table of docs/accuracy.md, from the JSON reports of ``blocwatch eval … --json``.

Each input is what one ``blocwatch eval <task> --json`` prints (an evaluation
:class:`~blocwatch.evaluation.metrics.Report`, the extraction dict or the related-articles report),
or a JSON list of them.  :func:`accuracy_markdown` turns them into one row per measured figure:
dataset, metric, P, R, F1, accuracy, the floor the CI gate holds it to, and the command that
measures it.  Reports are recognised by their ``task``; an unknown one is an error rather than
a silently missing row.

The floors are those of the CI gates (tests/evaluation/, tests/ingest/test_ingest_evaluate.py);
this module repeats them for the table, so a change of a gate must change :data:`FLOORS` too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["FLOORS", "Row", "accuracy_markdown", "load_reports", "rows_of"]

EVAL = "../shared/eval"

#: (task key, metric) -> the CI gate's floor.
FLOORS: dict[tuple[str, str], str] = {
    ("extraction", "blocwatch"): "F1 ≥ 0.9685",
    ("events-petrarch2", "overall"): "F1 ≥ 0.75",
    ("events-plover", "type"): "acc. ≥ 0.78",
    ("dates", "value"): "acc. ≥ 0.86",
    ("quotes", "direct+speaker"): "F1 ≥ 0.85",
    ("quotes", "overall"): "F1 ≥ 0.65",
    ("ner", "overall"): "F1 ≥ 0.63",
    ("ner", "LOC"): "F1 ≥ 0.76",
    ("ner-names", "overall"): "F1 ≥ 0.85",
    ("related", "bbc"): "P@5 ≥ 0.87",
}


@dataclass(frozen=True, slots=True)
class Row:
    dataset: str
    metric: str
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None
    accuracy: float | None = None
    goal: str = ""
    command: str = ""


def load_reports(paths: Iterable[Path]) -> list[dict[str, Any]]:
    reports: list[dict[str, Any]] = []
    for path in paths:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        reports += data if isinstance(data, list) else [data]
    return reports


def _key(report: dict[str, Any]) -> str:
    task = str(report.get("task", ""))
    if "blocwatch" in report and "trafilatura" in report:
        return "extraction"
    for prefix, key in (("events (PETRARCH2", "events-petrarch2"), ("events (PLOVER", "events-plover"),
                        ("dates", "dates"), ("quotes", "quotes"), ("ner", "ner"),
                        ("actors", "actors"), ("related", "related")):
        if task.startswith(prefix):
            return key
    raise ValueError(f"unknown evaluation report (task {task!r}, keys {sorted(report)[:6]})")


def _prf(key: str, dataset: str, metric: str, scores: dict[str, Any], command: str,
         floor: str = "") -> Row:
    return Row(dataset, metric, scores.get("precision"), scores.get("recall"), scores.get("f1"),
               None, FLOORS.get((key, floor), ""), command)


def rows_of(report: dict[str, Any]) -> list[Row]:
    """The table rows of one report."""
    key = _key(report)
    data = report.get("data", "")
    if key == "extraction":
        cmd = f"`blocwatch eval extraction --data {EVAL}/extraction/scrapinghub-article-extraction`"
        name = f"ScrapingHub article extraction, {report['pages']} pages"
        return [
            _prf(key, name, "word 4-gram shingles, blocwatch", report["blocwatch"], cmd, "blocwatch"),
            _prf(key, name, "same, bare `trafilatura.extract` (baseline)", report["trafilatura"], cmd),
        ]
    cmd = f"`blocwatch eval {key.split('-')[0]} --data {data}`"
    cats = report.get("categories", {})
    if key == "events-petrarch2":
        return [_prf(key, f"PETRARCH2 unit suite, {report['records']} records",
                     "(source, target, CAMEO root)", report["overall"], cmd, "overall")]
    if key == "events-plover":
        row = _prf(key, f"PLOVER GSR, {report['records']} records", "PLOVER event type (micro P/R/F1)",
                   report["overall"], cmd, "type")
        rows = [Row(row.dataset, row.metric, row.precision, row.recall, row.f1,
                    report["type_accuracy"], row.goal, cmd)]
        if "triple_f1" in report:  # who did what to whom: (source country, target country, type)
            rows.append(Row(row.dataset, "(source country, target country, type) triples",
                            report["triple_precision"], report["triple_recall"], report["triple_f1"],
                            None, "", cmd))
        return rows
    if key == "dates":
        name = f"TempEval-3 platinum, {report['documents']} documents, {report['date_expressions']} DATEs"
        return [
            Row(name, "DATE value (normalised, relative to the document date)",
                accuracy=report["value_accuracy"], goal=FLOORS[(key, "value")], command=cmd),
            _prf(key, name, "DATE detection (span)", report["overall"], cmd),
        ]
    if key == "quotes":
        name = f"PolNeAR dev, {report['articles']} articles"
        return [
            _prf(key, name, "direct quotes, content and speaker", cats["direct+speaker"], cmd,
                 "direct+speaker"),
            _prf(key, name, "all attributions (content overlap ≥ ½)", report["overall"], cmd, "overall"),
            _prf(key, name, "all attributions with speaker", cats["all+speaker"], cmd),
        ]
    if key == "ner":
        name = f"CoNLL-2003 dev, {report['sentences']} sentences"
        model = str(report.get("ner_model", ""))
        if model and not model.startswith("("):  # a names model from `blocwatch train ner`
            trained = f"`blocwatch train ner --data {EVAL}/ner/conll2003/train.txt`"
            key, name = "ner-names", f"{name}, names model ({trained})"
            cmd = f"`blocwatch eval ner --data {data} --ner-model DIR`"
        rows = [_prf(key, name, "PER/ORG/LOC exact span and type", report["overall"], cmd, "overall")]
        rows += [_prf(key, name, label, cats[label], cmd, label) for label in sorted(cats)]
        return rows
    if key == "actors":
        name = f"re3d affiliation relations, {report['pairs']} pairs"
        return [
            Row(name, "actor → country, phrase alone", accuracy=report["phrase_accuracy"], command=cmd),
            Row(name, "actor → country, in context", accuracy=report["context_accuracy"], command=cmd),
        ]
    return []  # related articles have their own table


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _related_table(report: dict[str, Any]) -> list[str]:
    lines = [
        "| corpus | method | P@5 | nDCG@5 | MRR | ms/query | goal (CI floor) |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for corpus, methods in report["datasets"].items():
        for method, s in methods.items():
            floor = FLOORS[("related", "bbc")] if "bbc" in corpus.lower() and method == "tfidf" else ""
            lines.append(f"| {corpus} | `{method}` | {_num(s['P@5'])} | {_num(s['nDCG@5'])} | "
                         f"{_num(s['MRR'])} | {s['ms_per_query']:.3f} | {floor} |")
    return lines


def accuracy_markdown(reports: list[dict[str, Any]], *, measured: str = "") -> str:
    """The generated block of docs/accuracy.md: the main table, then related articles if given."""
    lines = [measured, ""] if measured else []
    lines += [
        "| dataset | metric | P | R | F1 | accuracy | goal (CI floor) | command |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    related = []
    for report in reports:
        if _key(report) == "related":
            related.append(report)
        for row in rows_of(report):
            lines.append(
                f"| {row.dataset} | {row.metric} | {_num(row.precision)} | {_num(row.recall)} | "
                f"{_num(row.f1)} | {_num(row.accuracy)} | {row.goal} | {row.command} |"
            )
    for report in related:
        limit = report.get("limit")
        lines += ["", f"Related articles ({report.get('queries', '?')} queries"
                  + (f", `--limit {limit}`" if limit else "") + "):", ""]
        lines += _related_table(report)
    return "\n".join(lines)
