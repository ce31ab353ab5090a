"""Targets the plain parse roles miss: embedded acts, addressees, nested phrases, places.

:func:`~blocwatch.nlp.events_frames.targets_of` reads the trigger's own object, passive subject
and targeting prepositions.  News often puts the party acted upon one step further away; when a
frame has no target of its own, :func:`deeper_targets` looks, in order, at:

* **the act a verb governs** (xcomp chains): "Turkey agreed to help Iraq", "Iran threatened to
  strike Israel", "the Congress agreed to lift embargoes to Iran" -- the statement is about the
  embedded act, so its target is the embedded act's target (the embedded verb's own lexicon
  meaning decides which prepositions target, as for the act itself);
* **the subject of a demand's complement clause**: "China demanded that the US cancel the sale"
  -- the demand is made of whoever is to act;
* **the one a threat is conditioned on**: "Russia threatened to quit the talks if the United
  States deploys the missiles";
* **the act a verb prepares for**: "mobilized reservists for a war against Iraq";
* **the place or party a retreat or sanction leaves**: "Syria withdrew its troops from Lebanon",
  "withdrew its ambassador from Chad";
* **a noun phrase nested through "of"**: "announced a suspension of air links with Serbia",
  "suspended part of an aid program for Bosnia" -- the targeting preposition hangs on the inner
  noun of the trigger's object (or of a nominal trigger);
* **the objective genitive** of a nominal act done *to* someone: "the invasion of Kuwait", "the
  arrest of the opposition leader", "condemnation of Israel".  Only for act types whose noun
  takes its patient in "of" (assault, coercion, sanction, accusation, threat, rejection); for
  others "of" names the doer or a mere part ("the visit of X", "the withdrawal of X's troops").
"""

from __future__ import annotations

from spacy.tokens import Token

from blocwatch.nlp.events_frames import TARGET_PREPS, Frame, targets_of
from blocwatch.nlp.events_lexicon import Lexicon

__all__ = ["deeper_targets", "located_target"]

# Act types whose nouns take the patient in "of" ("the invasion of Kuwait").
_OBJECTIVE_OF = frozenset({"ASSAULT", "COERCE", "SANCTION", "ACCUSE", "THREATEN", "REJECT"})
# "for" targets the beneficiary of these acts ("aid for Bosnia", "support for the rebels").
_FOR_TYPES = frozenset({"SUPPORT", "AID", "REQUEST", "SANCTION", "AGREE", "COOPERATE"})
_NOUN_POS = {"NOUN", "PROPN"}
_VERBS = {"VERB", "AUX"}
_HOSTILE_PREPS = {"against", "on", "with"}
# Acts addressed to whoever must act in their complement clause ("demanded that Y ...").
_ADDRESSED = frozenset({"REQUEST"})
_WH = {"who", "what", "which", "that", "it", "there"}


def deeper_targets(frame: Frame, lex: Lexicon) -> list[list[Token]]:
    """Candidate target groups, best first, for a frame whose parse roles gave no target."""
    groups: list[list[Token]] = []
    if not frame.nominal:
        groups += _embedded(frame, lex, depth=0)
        if frame.event.plover in _ADDRESSED:
            groups += _addressees(frame.trigger)
        if frame.event.plover in {"RETREAT", "SANCTION"}:
            groups.append(_left_behind(frame.trigger))
            # "withdrew its ambassador from Chad": the phrase may hang on the object.
            groups += [_left_behind(c) for c in frame.trigger.children if c.dep_ == "dobj"]
        if frame.event.plover == "THREATEN":
            groups += _conditioned(frame.trigger)
        for obj in (c for c in frame.trigger.children if c.dep_ == "dobj"):
            groups.append(_nested(obj, frame.event.plover))
        groups.append(_purpose(frame.trigger))
    else:
        if frame.event.plover in _ADDRESSED:
            groups += _addressees(frame.trigger)  # "its demand that Israel ease restrictions"
        groups.append(_nested(frame.trigger, frame.event.plover))
        if frame.event.plover in _OBJECTIVE_OF:
            groups.append(_of_objects(frame.trigger))
    return [g for g in groups if g]


def _addressees(trigger: Token) -> list[list[Token]]:
    """ "demanded that the US cancel the sale", "its demand that Israel ease restrictions": who
    is to act is who the demand is made of."""
    return [[g for g in clause.children if g.dep_ in {"nsubj", "nsubjpass"} and g.lower_ not in _WH]
            for clause in trigger.children if clause.dep_ in {"ccomp", "acl"} and clause.pos_ in _VERBS]


def _conditioned(verb: Token) -> list[list[Token]]:
    """ "threatened to strike unless Iraq accepted its conditions": the threat is aimed at whoever
    must meet the condition (the subject of an "unless"/"if" clause in the threatened act)."""
    groups: list[list[Token]] = []
    node: Token | None = verb
    for _ in range(3):
        if node is None:
            break
        for clause in node.children:
            if clause.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in {"unless", "if"}
                                               for m in clause.children):
                groups.append([g for g in clause.children if g.dep_ in {"nsubj", "nsubjpass"}
                               and g.lower_ not in _WH])
        node = next((c for c in node.children if c.dep_ in {"xcomp", "ccomp"} and c.pos_ in _VERBS), None)
    return groups


def _left_behind(verb: Token) -> list[Token]:
    """ "withdrew its troops from Lebanon", "pulled out of Iraq": whom a retreat leaves."""
    found = []
    for prep in verb.children:
        if prep.lower_ == "out":  # "out of": "of" hangs on the particle
            found += _left_behind(prep)
        elif prep.dep_ == "prep" and prep.lower_ in {"from", "of"}:
            found += [g for g in prep.children if g.dep_ == "pobj"]
    return found


def _embedded(frame: Frame, lex: Lexicon, depth: int) -> list[list[Token]]:
    """Targets of the acts in the trigger's xcomp chain ("agreed to help X")."""
    groups: list[list[Token]] = []
    if depth > 2:
        return groups
    for child in frame.trigger.children:
        if child.dep_ != "xcomp" or child.pos_ not in {"VERB", "AUX"}:
            continue
        lemma = lex.verb_lemma(child.lemma_.lower(), child.lower_)
        event = lex.verbs.get(lemma, frame.event)
        inner = Frame(child, event, [child])
        groups.append(targets_of(inner))
        for obj in (c for c in child.children if c.dep_ == "dobj"):
            groups.append(_nested(obj, event.plover))
        groups += _embedded(inner, lex, depth + 1)
    return groups


def _nested(noun: Token, plover: str) -> list[Token]:
    """Objects of targeting prepositions on nouns inside ``noun``'s "of" chain (two levels)."""
    preps = TARGET_PREPS | ({"for"} if plover in _FOR_TYPES else set())
    found: list[Token] = []
    node = noun
    for _ in range(2):
        inner = _of_object(node)
        if inner is None:
            break
        for prep in inner.children:
            if prep.dep_ == "prep" and prep.lower_ in preps:
                found += [g for g in prep.children if g.dep_ == "pobj"]
        if found:
            return found
        node = inner
    return found


def _purpose(verb: Token) -> list[Token]:
    """ "mobilized reservists for a war against Iraq": the target of the act it prepares."""
    found: list[Token] = []
    for prep in verb.children:
        if prep.dep_ == "prep" and prep.lower_ == "for":
            for noun in (g for g in prep.children if g.dep_ == "pobj"):
                found += [g for c in noun.children if c.dep_ == "prep" and c.lower_ in _HOSTILE_PREPS
                          for g in c.children if g.dep_ == "pobj"]
    return found


def _of_object(noun: Token) -> Token | None:
    return next((g for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"
                 for g in c.children if g.dep_ == "pobj" and g.pos_ in _NOUN_POS), None)


def _of_objects(noun: Token) -> list[Token]:
    inner = _of_object(noun)
    return [inner] if inner is not None else []


def located_target(
    frame: Frame, target_tokens: list[Token], source_country: str, location: str | None, lex: Lexicon
) -> Token | None:
    """The token to code as the target when the act's place is its target, else ``None``.

    With no actor among the target tokens, a located material act is done to the place's state:

    * an unnamed group as the object ("police arrested 12 protesters in Egypt", "troops killed
      three ethnic Albanians in Serbia"): the group is of the place it is in, even the source's own
      state (domestic repression is coded state -> state, as CAMEO and PLOVER code residents);
    * no object at all, but a material conflict in the source's own state ("imposed a curfew in
      Cizre", "exploded bombs in Kabul"): the act falls on the place's people.  Acts abroad with
      no object are handled by the coder's general location rule.
    """
    if location is None or frame.event.symmetric or frame.pattern:
        return None
    groups = [t for t in target_tokens
              if t.pos_ == "NOUN" and lex.agents.get(t.lemma_.lower()) or t.ent_type_ == "NORP"]
    if groups and frame.event.quad_class in {3, 4}:
        return groups[0]
    if not target_tokens and frame.event.quad_class == 4 and location == source_country:
        return frame.trigger
    return None
