"""``blocwatch eval related`` on small corpora we write in the shared corpora's formats, and a gate
on the real ones in ../shared/corpus (skipped when absent)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from blocwatch.cli import app
from blocwatch.evaluation import related as ev

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"

# Invented topics with distinct vocabularies, four articles each.
TOPICS = {
    "fisheries": ["salmon quotas fjord trawlers", "herring catch trawlers harbour",
                  "cod stocks quotas fishermen", "fishermen harbour salmon nets"],
    "mining": ["copper smelter ore miners", "lithium mine ore export", "miners strike copper pits",
               "smelter lithium refinery ore"],
    "space": ["rocket launch orbit satellite", "astronauts orbit station docking",
              "satellite telescope launch pad", "rocket astronauts capsule orbit"],
}


def _article(words: str, n: int, topic: str) -> str:
    w = words.split()
    return (f"{w[0].title()} {w[1]} {w[2]} on day {n}. {w[3].title()} and {w[0]} in {topic} again. "
            f"{w[1].title()} with {w[2]} grew. {w[3].title()} mattered most to {topic}.")


def write_bbc(root: Path) -> Path:
    for topic, items in TOPICS.items():
        (root / "bbc" / topic).mkdir(parents=True)
        for n, words in enumerate(items):
            (root / "bbc" / topic / f"{n + 1:03d}.txt").write_text(
                f"{words.split()[0].title()} news {n}\n\n{_article(words, n, topic)}\n", encoding="utf-8")
    return root / "bbc"


def write_reuters(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    blocks = []
    for topic, items in TOPICS.items():
        for n, words in enumerate(items):
            body = (_article(words, n, topic) + " Shares of the companies concerned moved little in"
                    " early trading on the exchange, where traders waited for word from the ministries."
                    "\n Reuter\n\x03")
            blocks.append(f'<REUTERS TOPICS="YES" NEWID="{len(blocks) + 1}">\n'
                          f"<TOPICS><D>{topic}</D></TOPICS>\n"
                          f"<TEXT>\n<TITLE>{words.upper()}</TITLE>\n<BODY>{body}</BODY></TEXT>\n</REUTERS>")
    blocks.append('<REUTERS TOPICS="NO" NEWID="99">\n<TOPICS></TOPICS>\n'
                  "<TEXT><BODY>no topic</BODY></TEXT>\n</REUTERS>")
    (root / "reut2-000.sgm").write_bytes(("\n".join(blocks)).encode("latin-1"))
    return root


def write_csv(path: Path) -> Path:
    rows = ['"","date","text","source"']
    pairs = [(topic, words) for topic, items in TOPICS.items() for words in items]
    for n, (topic, words) in enumerate(pairs):
        rows.append(f'"{n}",2025-01-0{1 + n % 9},"{_article(words, n, topic)}","Invented"')
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_finds_each_format_and_defines_relevance(tmp_path: Path) -> None:
    write_bbc(tmp_path / "bbc-news")
    write_reuters(tmp_path / "reuters")
    write_csv(tmp_path / "articles.csv")
    found = {d.relevance: d for d in ev.find_datasets(tmp_path)}
    assert set(found) == {"same category", "shares a TOPICS label", "the query's own body"}
    bbc = found["same category"]
    assert len(bbc.queries) == 12 and bbc.same and bbc.relevant[0] == {1, 2, 3}
    reuters = found["shares a TOPICS label"]
    assert len(reuters.queries) == 12 and reuters.queries[0][0] == "Salmon Quotas Fjord Trawlers"
    assert reuters.candidates[0][1].endswith("ministries.")  # the "Reuter" sign-off is cut
    held = found["the query's own body"]
    assert held.queries[0][1] == "Salmon quotas fjord on day 0. Trawlers and salmon in fisheries again."
    assert held.candidates[0][1] == "Quotas with fjord grew. Trawlers mattered most to fisheries."
    assert not held.same


def test_distinct_topics_are_ranked_perfectly(tmp_path: Path) -> None:
    report = ev.evaluate(write_bbc(tmp_path), methods=("tfidf", "tfidf-actors", "embedding"))
    scores = next(iter(report.results.values()))
    for method in ("tfidf", "tfidf-actors", "embedding"):
        # Three relevant articles per query: P@5 can reach 3/5 at most.
        assert scores[method]["nDCG@5"] == 1.0 and scores[method]["MRR"] == 1.0, method
        assert scores[method]["P@5"] == pytest.approx(0.6)
        assert scores[method]["ms_per_vector"] > 0
    assert report.facts["queries"] == 12


def test_held_out_lead_finds_its_own_body(tmp_path: Path) -> None:
    report = ev.evaluate(write_csv(tmp_path / "a.csv"), methods=("tfidf",))
    scores = next(iter(report.results.values()))["tfidf"]
    assert scores["MRR"] > 0.5 and scores["P@5"] <= 0.2  # one relevant body per query


def test_bad_data_is_named(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no Reuters-21578 .sgm, BBC"):
        ev.evaluate(tmp_path)
    with pytest.raises(ValueError, match="no such file"):
        ev.evaluate(tmp_path / "missing")
    with pytest.raises(ValueError, match="unknown method"):
        ev.evaluate(write_bbc(tmp_path), methods=("bm25",))


def test_cli_json_report(tmp_path: Path) -> None:
    data = write_bbc(tmp_path)
    result = CliRunner().invoke(app, ["eval", "related", "--data", str(data), "--json", "--method", "tfidf"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["task"] == "related" and report["queries"] == 12
    assert list(next(iter(report["datasets"].values()))) == ["tfidf"]
    missing = CliRunner().invoke(app, ["eval", "related", "--data", str(tmp_path / "nothing")])
    assert missing.exit_code == 2 and "no such file" in missing.output


@pytest.mark.shared
def test_related_gate_on_the_shared_corpora() -> None:
    bbc = SHARED / "bbc-news" / "bbc"
    if not bbc.exists():
        pytest.skip(f"corpus not found at {bbc}")
    scores = next(iter(ev.evaluate(bbc, limit=400, methods=("tfidf",)).results.values()))["tfidf"]
    assert scores["P@5"] >= 0.87  # 0.899 when the default was chosen
