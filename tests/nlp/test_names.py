"""The names recogniser: ``blocwatch train ner`` writes a model folder; ``ner_model`` runs it before
the spaCy model's NER (blocwatch/nlp/names.py, blocwatch/nlp/names_training.py).

The small training file is written here from invented sentences (never from ../shared); the CoNLL-2003
gate with a trained names model is in tests/evaluation/test_eval_gates.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from blocwatch.nlp.names import FILTER_PIPE, LABEL_MAP, NAMES_PIPE, RELABEL_PIPE, NamesModelError
from blocwatch.nlp.names_training import NamesTrainingError, read_conll_file, spans_of, train_names
from blocwatch.nlp.pipeline import Pipeline

# Invented sentences in CoNLL columns (token, IOB2 tag).
_SENTENCES = [
    [("Minister", "O"), ("Alva", "B-PER"), ("Renkov", "I-PER"), ("visited", "O"), ("Tarsia", "B-LOC"),
     ("on", "O"), ("Monday", "O"), (".", "O")],
    [("The", "O"), ("Northern", "B-ORG"), ("Grain", "I-ORG"), ("Board", "I-ORG"), ("met", "O"),
     ("in", "O"), ("Valdora", "B-LOC"), (".", "O")],
    [("Tarsian", "B-MISC"), ("officials", "O"), ("praised", "O"), ("Ilse", "B-PER"), ("Marquand", "I-PER"),
     (".", "O")],
]


def _write_conll(path: Path, repeat: int = 20) -> Path:
    lines = ["-DOCSTART- -X- -X- O", ""]
    for _ in range(repeat):
        for sentence in _SENTENCES:
            lines += [f"{token} X X {tag}" for token, tag in sentence] + [""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def names_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("names")
    data = _write_conll(folder / "train.txt")
    train_names(data, folder / "model", dev=data, epochs=6)
    return folder / "model"


def test_reader_gives_sentences_and_iob_spans(tmp_path: Path) -> None:
    sentences = list(read_conll_file(_write_conll(tmp_path / "t.txt", repeat=1)))
    assert len(sentences) == 3
    words, tags = sentences[1]
    assert words[:4] == ["The", "Northern", "Grain", "Board"]
    assert spans_of(tags) == [(1, 4, "ORG"), (6, 7, "LOC")]
    assert spans_of(["I-PER", "I-PER", "O", "I-LOC"]) == [(0, 2, "PER"), (3, 4, "LOC")]  # IOB1


def test_malformed_line_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("Alva X X B-PER\nRenkov X X PERSON\n", encoding="utf-8")
    with pytest.raises(NamesTrainingError, match=r"bad.txt, line 2: expected"):
        train_names(bad, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_no_entities_is_an_error(tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("Hello X X O\nworld X X O\n", encoding="utf-8")
    with pytest.raises(NamesTrainingError, match="no entities tagged"):
        train_names(plain, tmp_path / "out")


def test_model_folder_records_its_training(names_model: Path) -> None:
    meta = json.loads((names_model / "meta.json").read_text(encoding="utf-8"))
    run = meta["blocwatch"]
    assert run["sentences"] == 60 and len(run["epochs"]) == 6
    assert set(run["epochs"][-1]["dev"]) == {"precision", "recall", "f1"}
    assert not names_model.with_name("model.partial").exists()


def test_pipeline_presets_names_and_keeps_model_entities(names_model: Path) -> None:
    pipeline = Pipeline(ner_model=str(names_model))
    names = pipeline.component_names
    assert names.index(NAMES_PIPE) < names.index(RELABEL_PIPE) < names.index("ner") < names.index(FILTER_PIPE)
    text = "Minister Alva Renkov visited Tarsia on Monday, 3 March 2025, with Ilse Marquand."
    doc = pipeline.nlp(text)
    alone = pipeline.nlp.get_pipe(NAMES_PIPE)(pipeline.nlp.make_doc(text))
    found = {(e.start, e.end, LABEL_MAP[e.label_]) for e in alone.ents if e.label_ in LABEL_MAP}
    assert found, "the names model learnt nothing from its training file"
    labels = {e.label_ for e in doc.ents}
    assert not labels & {"PER", "LOC", "MISC"}  # mapped to the labels blocwatch reads
    assert "DATE" in labels  # the model's own NER still fills in around the names
    names = {(e.start, e.end, e.label_) for e in doc.ents if e.label_ in {"PERSON", "ORG", "GPE", "LOC"}}
    assert names == found  # exactly the names model's names: none overwritten, none added


def test_bad_model_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(NamesModelError, match="not a names model folder"):
        Pipeline(ner_model=str(tmp_path))


def test_cli_train_then_eval(tmp_path: Path, names_model: Path) -> None:
    data = _write_conll(tmp_path / "t.txt", repeat=2)
    cli = [sys.executable, "-m", "blocwatch.cli"]
    done = subprocess.run([*cli, "train", "ner", "--data", str(data), "--out", str(tmp_path / "m"),
                           "--epochs", "1", "--json"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["sentences"] == 6
    scored = subprocess.run([*cli, "eval", "ner", "--data", str(data), "--ner-model", str(names_model),
                             "--json"], capture_output=True, text=True, check=False)
    assert scored.returncode == 0, scored.stderr
    report = json.loads(scored.stdout)
    assert report["ner_model"] == str(names_model)
    assert report["overall"]["f1"] > 0.5  # it learnt the invented names it was trained on
    missing = subprocess.run([*cli, "train", "ner", "--data", str(tmp_path / "nope.txt"), "--out",
                              str(tmp_path / "x")], capture_output=True, text=True, check=False)
    assert missing.returncode == 2 and "not found" in missing.stderr
