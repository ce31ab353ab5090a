"""Whether a coded act happened: negation and modality of an event frame.

``negated`` counts negations along the control chain of the trigger (a ``neg`` child, a negative
control verb such as "refused to", "no talks", a lexicon word that denies the act like "skip") and
takes the parity, so "did not fail to attend" is an attendance.  ``hypothetical`` climbs further,
through purpose clauses, prepositions and nouns ("any attempt by X to integrate"), looking for a
modal, an intent word ("plans to", "intention to", "prospects"), a conditional "if" (but not the
concessive "even if") or "unlikely"; it stops at a subject, so in "tensions could hinder ..." the
tensions stay a fact.
"""

from __future__ import annotations

from spacy.tokens import Token

from blocwatch.nlp.events_frames import Frame
from blocwatch.nlp.events_lexicon import Lexicon

__all__ = ["status_of"]


def status_of(frame: Frame, lex: Lexicon) -> tuple[bool, bool]:
    """(negated, hypothetical) of a frame."""
    trigger = frame.trigger
    negations = 1 if frame.event.negated else 0
    hypothetical = False
    chain = [trigger] + ([frame.carrier] if frame.carrier is not None else [])
    node = frame.carrier or trigger
    # Negation travels up control chains only ("chose not to attend", "refused to attend").
    while node.dep_ == "xcomp" and node.head.i != node.i:
        node = node.head
        chain.append(node)
    for token in chain:
        negations += sum(1 for c in token.children if c.dep_ == "neg")
        if token is not trigger and token.lemma_.lower() in lex.negative_control:
            negations += 1
    if frame.nominal and any(c.dep_ == "det" and c.lower_ == "no" for c in trigger.children):
        negations += 1
    # Modality travels further: through purpose clauses, prepositions and "attempt by X to Y",
    # but not up from a subject ("tensions ... could hinder": the tensions are real).
    node, steps = trigger, 0
    while steps < 8:
        if _modal_here(node, lex, is_trigger=node is trigger):
            hypothetical = True
            break
        if node.dep_ in {"nsubj", "nsubjpass", "ccomp", "parataxis", "appos", "relcl", "ROOT"}:
            break
        if node.head.i == node.i:
            break
        node, steps = node.head, steps + 1
    return negations % 2 == 1, hypothetical


def _modal_here(node: Token, lex: Lexicon, is_trigger: bool) -> bool:
    lemma = node.lemma_.lower()
    if not is_trigger and lemma in lex.intent:
        return True
    for child in node.children:
        if child.dep_ == "aux" and child.lower_ in lex.modals | {"'ll", "’ll", "wo"}:
            return True
        if child.dep_ == "mark" and child.lower_ in {"if", "unless", "whether"}:
            # "even if ties are strengthening" concedes a fact.
            if not any(c.dep_ == "advmod" and c.lower_ == "even" for c in node.children):
                return True
        if child.dep_ in {"acomp", "amod", "advmod"} and child.lemma_.lower() in {
            "unlikely",
            "possible",
            "potential",
            "likely",
        }:
            return True
    return False
