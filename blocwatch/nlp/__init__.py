"""Understanding: the spaCy pipeline and blocwatch's components (actors, quotes, events, dates)."""

from blocwatch.nlp.pipeline import ModelNotFound, Pipeline, choose_model, get_pipeline

__all__ = ["ModelNotFound", "Pipeline", "choose_model", "get_pipeline"]
