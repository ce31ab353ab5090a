"""The text of a spaCy ``Doc``, joined once per document.

``Doc.text`` is not stored: every access joins ``text_with_ws`` over all the tokens, which
builds one Python ``Token`` object per token.  The quote finder needs the text once per
quotation, so on a long article that join dominated its cost (about a tenth of the whole
analysis in a profile of the Guardian Syria sample).  A document's tokens never change after
the tokenizer, so the joined text is kept in ``Doc.user_data`` and reused.
"""

from __future__ import annotations

from spacy.tokens import Doc

__all__ = ["text_of"]

_KEY = "blocwatch_text"


def text_of(doc: Doc) -> str:
    """``doc.text``, joined on the first call for ``doc`` and kept in its ``user_data``."""
    text = doc.user_data.get(_KEY)
    if text is None:
        text = doc.user_data[_KEY] = doc.text
    return str(text)
