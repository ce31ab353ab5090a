"""One router per resource: home (``/``), articles (``/articles/...``), actors (``/actors...``)."""

from blocwatch.web.routers import actors, articles, home

__all__ = ["actors", "articles", "home"]
