"""The in-memory knowledge base: entries, a surface-form index and phrase resolution.

Every name, alias, demonym and metonym of every entry is indexed under its normalised key
(:func:`blocwatch.knowledge.text.normalise`); a later registration of the same key wins, which is
how user dictionaries override the built-in data.  Agent nouns ("police", "lawmakers") live in
their own table, with regular plurals generated as PETRARCH does.

:meth:`KnowledgeBase.lookup` resolves a short phrase in this order, stopping at the first hit:

1. the whole phrase is a known form ("North Korea", "Pyongyang", "the Kremlin" -> RUS GOV);
2. title + name ("Foreign Minister Choe Son-hui") -> the named person or organisation;
3. actor + agent ("North Korean officials" -> PRK GOV, "Delhi police" -> IND COP);
4. a bare agent noun ("rebels") -> an unattached group with that sector;
5. a near miss of a long name within a small edit distance ("Korean Institute for ...").
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from blocwatch.knowledge.model import Entry, cameo_code
from blocwatch.knowledge.text import FuzzyIndex, max_distance, normalise, plural_forms
from blocwatch.records import Actor

__all__ = ["KnowledgeBase"]

# Words that qualify an agent noun without changing who the actor is ("senior officials").
_FILLERS = frozenset({"senior", "top", "high ranking", "highranking", "some", "many", "several",
                      "two", "three", "four", "a", "an", "other", "local", "unnamed", "anonymous"})
_HOW_RANK = {"name": 0, "alias": 1, "demonym": 2, "metonym": 3, "seat": 3}
_Members = tuple[list[str], frozenset[str]]  # a bloc's members on a day, listed and as a set


class KnowledgeBase:
    """Actors by id, resolvable from their surface forms; see the module docstring."""

    def __init__(self, entries: Iterable[Entry] = (), agents: dict[str, str] | None = None) -> None:
        self._entries: dict[str, Entry] = {}
        self._forms: dict[str, tuple[str, str]] = {}  # key -> (actor id, how)
        self._keys: dict[str, set[str]] = defaultdict(set)  # actor id -> keys it registered
        self._agents: dict[str, str] = {}
        self._fuzzy = FuzzyIndex()
        self._member_of: dict[str, set[str]] = defaultdict(set)
        # (bloc, status) -> the days its membership changes, and the members found so far for
        # each stretch between two changes (see :meth:`members`).
        self._periods: dict[tuple[str, str], tuple[list[date], dict[int, _Members]]] = {}
        for entry in entries:
            self.add(entry)
        for noun, sector in (agents or {}).items():
            self.add_agent(noun, sector)

    # -- building -------------------------------------------------------------------------
    def add(self, entry: Entry) -> None:
        """Add or replace an entry; its forms take precedence over forms already indexed."""
        for key in self._keys.pop(entry.id, set()):
            if self._forms.get(key, ("", ""))[0] == entry.id:
                del self._forms[key]
        for period_key in [k for k in self._periods if k[0] == entry.id]:
            del self._periods[period_key]
        self._entries[entry.id] = entry
        for form, how in _forms_of(entry):
            key = normalise(form)
            if not key:
                continue
            current = self._forms.get(key)
            # Within one entry keep the strongest reading of a key (a name beats a demonym).
            if current and current[0] == entry.id and _HOW_RANK[current[1]] <= _HOW_RANK[how]:
                continue
            self._forms[key] = (entry.id, how)
            self._keys[entry.id].add(key)
            if how in ("name", "alias") and max_distance(key):
                self._fuzzy.add(key)
        for m in entry.members:
            self._member_of[m.member].add(entry.id)

    def add_agent(self, noun: str, sector: str) -> None:
        """Register an agent noun (and its regular plural) for a CAMEO sector code."""
        key = normalise(noun)
        if not key or not sector:
            return
        self._agents[key] = sector
        for plural in plural_forms(key):
            self._agents.setdefault(plural, sector)

    def load_file(self, path: Path) -> int:
        """Load a blocwatch YAML/TSV file or a PETRARCH/TABARI dictionary; entries loaded."""
        from blocwatch.knowledge.loading import load_into

        return load_into(self, Path(path))

    # -- reading --------------------------------------------------------------------------
    def get(self, actor_id: str) -> Entry | None:
        return self._entries.get(actor_id)

    def __contains__(self, actor_id: object) -> bool:
        return actor_id in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def entries(self) -> Iterable[Entry]:
        return list(self._entries.values())

    def agents(self) -> dict[str, str]:
        """Agent noun (normalised) -> sector code."""
        return dict(self._agents)

    def surface_forms(self) -> Iterator[tuple[str, str, str]]:
        """(form, actor id, how) for every form that still resolves to its entry."""
        for entry in self._entries.values():
            seen: set[str] = set()
            for form, how in _forms_of(entry):
                key = normalise(form)
                if form in seen or not key or self._forms.get(key, ("", ""))[0] != entry.id:
                    continue
                seen.add(form)
                yield form, entry.id, "metonym" if how == "seat" else how

    def resolve_form(self, phrase: str) -> tuple[Entry, str] | None:
        """The entry a phrase names exactly (after normalisation) and how it names it."""
        hit = self._forms.get(normalise(phrase))
        if hit is None:
            return None
        entry = self._entries.get(hit[0])
        return (entry, hit[1]) if entry else None

    def agent_sector(self, noun: str) -> str | None:
        key = normalise(noun)
        if key in self._agents:
            return self._agents[key]
        words = key.split(" ")
        while words and words[0] in _FILLERS:
            words = words[1:]
        return self._agents.get(" ".join(words)) if words else None

    def members(self, bloc_id: str, on: date | None = None, status: str = "member") -> list[str]:
        """Members of a bloc with ``status`` on ``on`` (open-ended memberships if ``None``)."""
        if on is None:
            entry = self._entries.get(bloc_id)
            return entry.members_on(on, status) if entry is not None else []
        return list(self._members_on(bloc_id, on, status)[0])

    def blocs_of(self, actor_id: str, on: date | None = None) -> list[str]:
        """Blocs and IGOs ``actor_id`` is a full member of on ``on`` (now if ``None``)."""
        if on is None:
            return sorted(b for b in self._member_of.get(actor_id, ()) if actor_id in self.members(b))
        return sorted(b for b in self._member_of.get(actor_id, ()) if actor_id in self._members_on(b, on)[1])

    def is_member(self, bloc_id: str, actor_id: str | None, on: date | None) -> bool:
        """Whether ``actor_id`` was a full member of ``bloc_id`` on ``on`` (False without either)."""
        if not actor_id or on is None:
            return False
        return actor_id in self._members_on(bloc_id, on)[1]

    def _members_on(self, bloc_id: str, on: date, status: str = "member") -> _Members:
        """:meth:`members` on a day, found once per stretch of days with the same members.

        A bloc's membership changes only on the days a membership starts or the day after one
        ends; between two such days every day has the same members.  Analytics ask for a
        million (bloc, day) pairs over a store, so the answer for the stretch holding ``on`` is
        kept (a UN-sized bloc has a few hundred stretches at most)."""
        key = (bloc_id, status)
        periods = self._periods.get(key)
        if periods is None:
            entry = self._entries.get(bloc_id)
            changes: set[date] = set()
            for m in entry.members if entry is not None else ():
                if m.start is not None:
                    changes.add(m.start)
                if m.end is not None and m.end < date.max:
                    changes.add(m.end + timedelta(days=1))
            periods = self._periods[key] = (sorted(changes), {})
        changes_on, found = periods
        stretch = bisect_right(changes_on, on)
        answer = found.get(stretch)
        if answer is None:
            entry = self._entries.get(bloc_id)
            listed = entry.members_on(on, status) if entry is not None else []
            answer = found[stretch] = (listed, frozenset(listed))
        return answer

    # -- resolution -----------------------------------------------------------------------
    def lookup(self, phrase: str, on: date | None = None) -> Actor | None:
        """Resolve a short phrase naming an actor; see the module docstring for the order."""
        words = phrase.split()
        # Leading qualifiers ("senior", "two") never name the actor: "senior Chinese officials".
        while len(words) > 1 and normalise(words[0]) in _FILLERS:
            words = words[1:]
        if not words:
            return None
        phrase = " ".join(words)
        whole = self._exact(phrase, on)
        if whole is not None:
            return whole
        for i in range(1, len(words)):
            head, tail = " ".join(words[:i]), " ".join(words[i:])
            if self._is_title(words[:i]):
                named = self._exact(tail, on)
                if named is not None and named.kind in ("person", "organisation"):
                    return named
        for i in range(len(words) - 1, 0, -1):
            head, tail = " ".join(words[:i]), " ".join(words[i:])
            sector = self._tail_sector(tail)
            if sector is None:
                continue
            base = self._exact(head, on)
            if base is not None and base.kind in ("organisation", "group") and base.sector:
                # "Hezbollah fighters" are Hezbollah: a known body's own sector is more
                # specific than the agent noun after it.
                return base
            if base is not None and base.kind != "person":
                return _with_sector(base, sector)
        sector = self.agent_sector(phrase)
        if sector is not None:
            return Actor(id=f"agent:{sector}", name=" ".join(words), kind="group", sector=sector,
                         cameo=sector)
        key = normalise(phrase)
        near = self._fuzzy.nearest(key) if key else None
        if near is not None:
            return self._actor_for(self._forms[near], on)
        return None

    def _exact(self, phrase: str, on: date | None) -> Actor | None:
        hit = self._forms.get(normalise(phrase))
        return self._actor_for(hit, on) if hit else None

    def _actor_for(self, hit: tuple[str, str], on: date | None) -> Actor | None:
        entry = self._entries.get(hit[0])
        if entry is None:
            return None
        actor = entry.actor(on)
        if entry.kind == "person" and not actor.country:
            # An international post (UN Secretary-General) is coded as its organisation.
            role = entry.role_on(on)
            org = self._entries.get(role.org) if role is not None and role.org else None
            if org is not None:
                actor = replace(actor, cameo=org.cameo or actor.cameo)
        return _with_sector(actor, "GOV") if hit[1] == "seat" else actor

    def _is_title(self, words: list[str]) -> bool:
        """Whether words are a title before a name: "President", "Russian Foreign Minister"."""
        for j in range(len(words)):
            if self.agent_sector(" ".join(words[j:])) is not None:
                return j == 0 or normalise(" ".join(words[:j])) in self._forms
        return False

    def _tail_sector(self, tail: str) -> str | None:
        # Try the whole tail, then its trailing words: "defence ministry officials" -> "officials".
        words = tail.split()
        for i in range(len(words)):
            sector = self.agent_sector(" ".join(words[i:]))
            if sector is not None:
                return sector
        return None


def _with_sector(actor: Actor, sector: str) -> Actor:
    base = actor.country if actor.kind in ("state", "territory", "person") else actor.cameo
    base = base or actor.country or actor.cameo
    return replace(actor, sector=sector, cameo=cameo_code(base, sector))


def _has_plural(demonym: str) -> bool:
    """Whether a demonym takes a plural "-s" (Afghans, Iraqis, Palestinians), unlike the ones
    that are their own plural (Chinese, French, British, Swiss)."""
    return bool(demonym) and " " not in demonym and not demonym.lower().endswith(
        ("ese", "sh", "ch", "ss", "s", "x", "z")
    )


def _forms_of(entry: Entry) -> Iterator[tuple[str, str]]:
    yield entry.name, "name"
    if entry.official_name:
        yield entry.official_name, "alias"
    for alias in entry.aliases:
        yield alias, "alias"
    for demonym in entry.demonyms:
        yield demonym, "demonym"
        if _has_plural(demonym):
            yield demonym + "s", "demonym"  # "the Palestinians reject ...": the people, the state
    seats = set(entry.seats)
    for metonym in entry.metonyms:
        yield metonym, "seat" if metonym in seats else "metonym"
    for seat in entry.seats:
        if seat not in entry.metonyms:
            yield seat, "seat"
