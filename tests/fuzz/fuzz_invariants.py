"""What every reader's output must satisfy, whatever the input (used by all fuzz properties)."""

from __future__ import annotations

from typing import Any

from blocwatch.ingest import IngestError
from blocwatch.records import Article


def check_article(article: Article) -> None:
    """Offsets inside the text, sections ordered and non-overlapping, an id, a body."""
    assert isinstance(article, Article)
    assert article.id and isinstance(article.id, str)
    assert isinstance(article.text, str) and article.text.strip()
    previous_end = 0
    for section in article.sections:
        assert 0 <= section.start <= section.end <= len(article.text), section
        assert section.start >= previous_end, article.sections
        previous_end = section.end
    assert all(isinstance(a, str) for a in article.authors)


def check_error(error: Any) -> None:
    """A reported failure says where and what, and prints without raising."""
    assert isinstance(error, IngestError)
    assert isinstance(error.problem, str) and error.problem
    assert str(error) and repr(error)


def check_items(items: list[Any]) -> None:
    for item in items:
        if isinstance(item, IngestError):
            check_error(item)
        else:
            check_article(item)


# Crashes fuzzing found in readers this suite does not own, reported to the lead and pinned by
# strict xfail tests in test_fuzz_found.py.  A property that meets one of them stops that example
# (instead of failing) so the search goes on finding *other* problems; once the reader is fixed
# the strict xfail test fails and the entry below must be removed.
KNOWN_CRASHES: tuple[tuple[str, type[BaseException], str], ...] = (
    # (file, exception type, message) of a crash found and not yet fixed; all found so far are
    # fixed and pinned in test_fuzz_found.py.
)


def known_crash(exc: BaseException) -> bool:
    import traceback

    files = [frame.filename.replace("\\", "/") for frame in traceback.extract_tb(exc.__traceback__)]
    return any(
        isinstance(exc, kind) and message in str(exc) and any(f.endswith(where) for f in files)
        for where, kind, message in KNOWN_CRASHES
    )
