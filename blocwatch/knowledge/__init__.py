"""The actor knowledge base: states, blocs/IGOs with dated memberships, persons with dated roles,
organisations and agent nouns, resolvable from the phrases news articles use.

The built-in data lives in ``blocwatch/knowledge/data/`` (our own YAML/TSV files, each headed by
its sources and "as of" date); :func:`load_knowledge_base` reads it once (cached) and lays user
dictionaries (our YAML, or PETRARCH/TABARI ``.txt``) on top, later files overriding earlier ones.
Other modules import only the names below.
"""

from __future__ import annotations

from blocwatch.knowledge.base import KnowledgeBase
from blocwatch.knowledge.builtin import load_knowledge_base, shared_knowledge_base
from blocwatch.knowledge.model import Entry, KnowledgeError, Membership, Role

__all__ = [
    "Entry",
    "KnowledgeBase",
    "KnowledgeError",
    "Membership",
    "Role",
    "load_knowledge_base",
    "shared_knowledge_base",
]
