"""Documentation tests: the README documents every setting and every CLI command; docs/ is fresh
(the generated references match the code), its accuracy generator works and its links resolve."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer.main

from blocwatch.cli import app
from blocwatch.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _settings_table() -> str:
    return README.split("<!-- settings-table")[1].split("<!-- /settings-table -->")[0]


def test_every_setting_is_documented_with_its_default() -> None:
    table = _settings_table()
    for name, field in Settings.model_fields.items():
        row = next((line for line in table.splitlines() if line.startswith(f"| `{name}` ")), None)
        assert row is not None, f"setting {name} missing from the README table"
        assert f"`BLOCWATCH_{name.upper()}`" in row
        default = field.default if field.default_factory is None else field.default_factory()  # type: ignore[call-arg]
        assert f"`{default}`" in row or (default == [] and "`[]`" in row), (name, default)
        assert field.description and field.description in row


def _command_names(group: typer.Typer, prefix: str = "") -> list[str]:
    click_group = typer.main.get_command(group)
    names = []
    for name, command in click_group.commands.items():  # type: ignore[attr-defined]
        if hasattr(command, "commands"):
            names += [f"{prefix}{name} {sub}" for sub in command.commands]
        else:
            names.append(prefix + name)
    return names


def test_every_command_is_documented() -> None:
    for name in _command_names(app):
        assert re.search(rf"`blocwatch {re.escape(name)}\b", README), f"`blocwatch {name}` not in README"


# -- docs/: generated references, accuracy table, links ------------------------------------------

ROOT = Path(__file__).resolve().parents[1]


def test_generated_docs_are_fresh() -> None:
    from blocwatch.docs_gen import REGENERATE, stale

    for path in stale(ROOT):
        raise AssertionError(f"{path} is stale: run `{REGENERATE}` (or `make docs`) and commit it")


def test_check_names_a_stale_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    from blocwatch.docs_gen.__main__ import main
    from blocwatch.docs_gen.cli_ref import cli_markdown

    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    assert main(["write", "--root", str(tmp_path)]) == 0
    assert main(["check", "--root", str(tmp_path)]) == 0
    cli_md = tmp_path / "docs" / "cli.md"
    cli_md.write_text(cli_md.read_text(encoding="utf-8").replace("--database-url", "--db"), encoding="utf-8")
    assert main(["check", "--root", str(tmp_path)]) == 1
    assert "docs/cli.md is stale: run python -m blocwatch.docs_gen write" in capsys.readouterr().err
    assert main(["write", "--root", str(tmp_path)]) == 0
    assert cli_md.read_text(encoding="utf-8") == cli_markdown()


def test_cli_reference_has_every_command() -> None:
    cli_md = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in _command_names(app):
        assert f"## `blocwatch {name}`" in cli_md, f"`blocwatch {name}` missing from docs/cli.md"


def test_cli_reference_ignores_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    # The reference must not depend on who generates it: width, colour, a CI terminal.
    from blocwatch.docs_gen.cli_ref import cli_markdown

    monkeypatch.setenv("COLUMNS", "200")
    wide = cli_markdown()
    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert cli_markdown() == wide
    assert "\x1b[" not in wide and "╭" not in wide  # no ANSI colour, no rich panels
    assert max(len(line) for line in wide.split("```text")[1].splitlines()) <= 100


def test_settings_reference_has_every_setting() -> None:
    settings_md = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    for name, field in Settings.model_fields.items():
        row = next((line for line in settings_md.splitlines() if line.startswith(f"| `{name}` ")), None)
        assert row is not None and f"`BLOCWATCH_{name.upper()}`" in row, name
        assert field.description and field.description in row, name


def test_every_code_in_the_data_has_a_description() -> None:
    from blocwatch.docs_gen.tables import CAMEO_ROOT_MEANINGS, KIND_IDS, SECTOR_MEANINGS, sector_codes
    from blocwatch.knowledge.model import KINDS
    from blocwatch.nlp.events_lexicon import load_lexicon

    assert set(sector_codes()) <= set(SECTOR_MEANINGS), set(sector_codes()) - set(SECTOR_MEANINGS)
    assert {code[:2] for code in load_lexicon().codes} <= set(CAMEO_ROOT_MEANINGS)
    assert set(KINDS) <= set(KIND_IDS)


def test_generated_block_must_exist() -> None:
    from blocwatch.docs_gen import fill_blocks

    text = "a\n<!-- generated:t -->\nold\n<!-- /generated:t -->\nb\n"
    assert fill_blocks(text, {"t": "new"}) == "a\n<!-- generated:t -->\nnew\n<!-- /generated:t -->\nb\n"
    with pytest.raises(ValueError, match="no <!-- generated:other -->"):
        fill_blocks(text, {"other": "x"}, "doc.md")


def _prf(p: float, r: float, f1: float) -> dict[str, float]:
    return {"precision": p, "recall": r, "f1": f1, "tp": 1, "fp": 1, "fn": 1}


def test_accuracy_table_from_eval_reports(tmp_path: Path) -> None:
    from blocwatch.docs_gen.__main__ import main

    # Reports in the shapes `blocwatch eval … --json` prints, with numbers of our own.
    extraction = {"pages": 3, "blocwatch": {**_prf(0.9, 0.8, 0.847), "accuracy": 0.3},
                  "trafilatura": {**_prf(0.7, 0.6, 0.646), "accuracy": 0.1}}
    reports = [
        {"task": "ner", "data": "gold/dev.txt", "overall": _prf(0.5, 0.25, 0.3333),
         "categories": {"LOC": _prf(1.0, 0.5, 0.6667)}, "sentences": 7},
        {"task": "dates (TempEval-3 DATE values)", "data": "te3", "overall": _prf(0.8, 0.4, 0.5333),
         "categories": {}, "documents": 2, "date_expressions": 5, "value_accuracy": 0.6},
        {"task": "related", "queries": 4, "datasets": {"bbc-news (x): same category": {
            "tfidf": {"P@5": 0.75, "nDCG@5": 0.5, "MRR": 0.25, "ms_per_vector": 1.0, "ms_per_query": 2.0}}}},
    ]
    (tmp_path / "extraction.json").write_text(json.dumps(extraction), encoding="utf-8")
    (tmp_path / "rest.json").write_text(json.dumps(reports), encoding="utf-8")
    doc = tmp_path / "accuracy.md"
    doc.write_text("intro\n<!-- generated:accuracy -->\n<!-- /generated:accuracy -->\nend\n",
                   encoding="utf-8")

    code = main(["accuracy", str(tmp_path / "extraction.json"), str(tmp_path / "rest.json"),
                 "--measured", "Measured on 2026-01-01.", "--into", str(doc)])
    assert code == 0
    text = doc.read_text(encoding="utf-8")
    assert text.startswith("intro\n<!-- generated:accuracy -->\nMeasured on 2026-01-01.")
    assert text.endswith("end\n")
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    assert rows[1].startswith("| ScrapingHub article extraction, 3 pages | word 4-gram shingles, blocwatch "
                              "| 0.900 | 0.800 | 0.847 | — | F1 ≥ 0.9685 |")
    assert ("| CoNLL-2003 dev, 7 sentences | LOC | 1.000 | 0.500 | 0.667 | — | F1 ≥ 0.76 "
            "| `blocwatch eval ner --data gold/dev.txt` |") in rows
    dates = [r for r in rows if r.startswith("| TempEval-3 platinum, 2 documents, 5 DATEs | DATE value")]
    assert len(dates) == 1 and "| — | — | — | 0.600 | acc. ≥ 0.86 |" in dates[0]
    assert "| bbc-news (x): same category | `tfidf` | 0.750 | 0.500 | 0.250 | 2.000 | P@5 ≥ 0.87 |" in rows


def test_accuracy_refuses_an_unknown_report() -> None:
    from blocwatch.docs_gen.accuracy import accuracy_markdown

    with pytest.raises(ValueError, match="unknown evaluation report"):
        accuracy_markdown([{"task": "sentiment", "overall": _prf(1, 1, 1)}])


def _github_anchor(heading: str) -> str:
    # GitHub's heading ids: lower case, punctuation dropped, spaces to hyphens.
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)  # no headings inside code blocks
    return {_github_anchor(m.group(1)) for m in re.finditer(r"^#{1,6} (.+)$", text, re.MULTILINE)}


def test_every_relative_link_in_the_docs_resolves() -> None:
    documents = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    assert len(documents) >= 9, documents
    broken = []
    for doc in documents:
        text = re.sub(r"```.*?```", "", doc.read_text(encoding="utf-8"), flags=re.DOTALL)
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"^[a-z]+:", target):  # http:, https:, mailto:
                continue
            path, _, anchor = target.partition("#")
            resolved = (doc.parent / path).resolve() if path else doc
            if not resolved.exists():
                broken.append(f"{doc.name}: {target} (no such file)")
            elif anchor and resolved.suffix == ".md" and anchor not in _anchors(resolved):
                broken.append(f"{doc.name}: {target} (no such heading)")
    assert not broken, broken


def test_readme_links_every_doc() -> None:
    section = README.split("## Documentation", 1)[1].split("\n## ", 1)[0]
    for doc in sorted((ROOT / "docs").glob("*.md")):
        assert f"(docs/{doc.name})" in section, f"README's Documentation section misses docs/{doc.name}"
