"""blocwatch: open, measured analytics of international relations from the news.

The data flow, one package a stage: ``ingest`` (sources -> Article) -> ``nlp`` (Article ->
Analysis: mentions, actors, quotes, events) -> ``store`` (SQLite or PostgreSQL) -> ``analytics``
(relations, alignment) -> ``web`` (site + JSON API).  ``records`` holds the records that flow.
"""

__version__ = "0.1.0"
