"""Speech acts reported with a noun phrase as their content, not a clause.

"X denounced the ruling", "X accused Y of lying", "X described the talks as productive" (the
object and its complements), "X spoke about the ceasefire", "X warned of reprisals" (the phrase
after the verb's preposition): news reports what was said this way as often as with "said that",
and these are what the speaker said in the attribution sense of the word.  Verbs that also take
things as subjects ("the hotel offers a view") rely on the parser's subject; stances that are not
speech ("support", "back", "oppose") are left out on purpose.
"""

from __future__ import annotations

from spacy.tokens import Token

from blocwatch.nlp.quotes_context import Context, subject_span
from blocwatch.records import Quote

__all__ = ["OBJECT_SPEECH_ACTS", "PREPOSITION_SPEECH_ACTS", "name_before", "speech_act", "speech_act_about"]


def name_before(verb: Token) -> tuple[int, int] | None:
    """The noun phrase right before a verb the parser left without a subject ("Tuesday, while on
    the trail, former president Bill Clinton said ..." hangs the name on an earlier noun)."""
    i = verb.i - 1
    while i >= verb.sent.start and verb.doc[i].pos_ in {"ADV", "AUX", "PART"}:
        i -= 1  # "X also said", "X has said"
    if i < verb.sent.start:
        return None
    noun = verb.doc[i]
    if noun.pos_ not in {"PROPN", "NOUN", "PRON"} or noun.ent_type_ in {"DATE", "TIME"}:
        return None
    start = noun.i
    while start > verb.sent.start and verb.doc[start - 1].dep_ in {"compound", "amod", "det", "poss"} \
            and verb.doc[start - 1].head.i >= start:
        start -= 1
    return verb.doc[start].idx, noun.idx + len(noun.text)


# Speech acts whose object is what was said ("X denounced the ruling", "X accused Y of lying",
# "X described the talks as productive"): the object and its complements are the content.
OBJECT_SPEECH_ACTS = frozenset(
    """announce propose deny criticize criticise praise accuse denounce condemn endorse reject
    defend question challenge blame applaud welcome tout mock slam blast decry hail laud thank
    congratulate describe repeat dismiss cite mention offer discuss express highlight echo demand
    acknowledge admit confirm concede predict promise pledge vow recommend reiterate suggest urge
    attack""".split()
)
_ACT_PREPOSITIONS = frozenset("of for as against over".split())


def speech_act(ctx: Context, token: Token) -> Quote | None:
    objects = [c for c in token.rights if c.dep_ == "dobj"]
    if not objects:
        return None
    subject = subject_span(token) or name_before(token)
    if subject is None:
        return None
    parts = [c for c in token.rights if c.i >= objects[0].i and (
        c.dep_ in {"dobj", "oprd", "xcomp"} or (c.dep_ == "prep" and c.lower_ in _ACT_PREPOSITIONS))]
    start = objects[0].left_edge.idx
    last = max(p.right_edge for p in parts)
    return ctx.quote(subject, start, last.idx + len(last.text), False, token.text)


# Speech acts whose topic or target follows a preposition ("X spoke about the ceasefire", "X
# warned of reprisals", "X apologised for the delay", "X pointed to the budget"): the phrase is
# what was said, in the attribution's sense of the word.
PREPOSITION_SPEECH_ACTS: dict[str, frozenset[str]] = {
    verb: frozenset(preps.split(","))
    for verb, preps in (
        item.split(":") for item in
        """talk:about speak:about,of refer:to point:to comment:on boast:about,of brag:about
        warn:of,about,against apologize:for apologise:for hint:at push:for advocate:for
        complain:about,of argue:for,against joke:about ask:about,for insist:on allude:to
        testify:about rail:against lash:at""".split()
    )
}


def speech_act_about(ctx: Context, token: Token) -> Quote | None:
    allowed = PREPOSITION_SPEECH_ACTS[token.lemma_.lower()]
    preps = [c for c in token.rights if c.dep_ == "prep" and c.lower_ in allowed
             and any(o.dep_ in {"pobj", "pcomp"} for o in c.children)]
    if not preps:
        return None
    subject = subject_span(token) or name_before(token)
    if subject is None:
        return None
    # "referred to the plan as a gift": the phrase and how it was described.
    parts = [c for c in token.rights if c.i >= preps[0].i and c.dep_ in {"prep", "oprd"}
             and (c.i == preps[0].i or c.lower_ == "as")]
    start = next(o for o in preps[0].children if o.dep_ in {"pobj", "pcomp"}).left_edge.idx
    last = max(p.right_edge for p in parts)
    return ctx.quote(subject, start, last.idx + len(last.text), False, f"{token.text} {preps[0].text}")
