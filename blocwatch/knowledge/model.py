"""The records of the actor knowledge base: :class:`Entry` with dated :class:`Role` and
:class:`Membership` facts, and :class:`KnowledgeError` for bad dictionary input.

An entry is one actor (state, territory, bloc, IGO, organisation, person or group).  Facts that
change over time carry ``start``/``end`` dates, both *inclusive* (``end`` is the last day the fact
held; ``None`` means open).  That makes hand-overs on the same day (a president leaving office at
noon, the next one sworn in) resolve to the role that started latest, see :meth:`Entry.role_on`.

``Entry.actor(on)`` turns an entry into the contract :class:`blocwatch.records.Actor`: for a
person the country, sector, role title and CAMEO code come from the role held that day; a person
who held a government role before that day and none on it is coded as an elite (``ELI``), as
CAMEO does for former officials.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from blocwatch.records import Actor

__all__ = ["Entry", "KnowledgeError", "Membership", "Role", "STATUSES", "KINDS"]

KINDS = frozenset({"state", "territory", "bloc", "igo", "organisation", "person", "group"})
STATUSES = frozenset({"member", "partner", "observer", "invited", "candidate", "suspended"})


class KnowledgeError(ValueError):
    """Bad knowledge-base input; the message names the file, the line and the problem."""

    def __init__(self, path: Path | str, line: int | None, problem: str) -> None:
        self.path = str(path)
        self.line = line
        self.problem = problem
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {problem}")


def _covers(start: date | None, end: date | None, on: date) -> bool:
    return (start is None or start <= on) and (end is None or on <= end)


@dataclass(frozen=True, slots=True)
class Role:
    """A dated position a person holds."""

    title: str  # "Foreign Minister", "Supreme Leader", "President", "researcher"
    country: str  # ISO3
    sector: str  # GOV, MIL, EDU, ...
    start: date | None
    end: date | None  # None = still holds it
    org: str | None = None  # org id, e.g. "org:kinu"

    def held_on(self, on: date) -> bool:
        return _covers(self.start, self.end, on)


@dataclass(frozen=True, slots=True)
class Membership:
    """A dated membership of a bloc/IGO; ``status`` is one of :data:`STATUSES`."""

    member: str
    start: date | None
    end: date | None
    status: str = "member"

    def held_on(self, on: date) -> bool:
        return _covers(self.start, self.end, on)


def _latest(roles: list[Role]) -> Role:
    # The most recently started role wins; an undated start counts as earliest.
    return max(roles, key=lambda r: r.start or date.min)


@dataclass(slots=True)
class Entry:
    """One actor of the knowledge base.

    ``aliases`` includes the name itself; ``metonyms`` are places standing for the actor
    (capitals, seats of power); ``seats`` is the subset of metonyms that denote the actor's
    *government* ("the Kremlin" -> RUS GOV, whereas "Moscow" -> RUS).
    """

    id: str
    name: str
    kind: str  # state | territory | bloc | igo | organisation | person | group
    country: str = ""
    sector: str = ""
    cameo: str = ""
    aliases: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    metonyms: tuple[str, ...] = ()
    surname: str = ""
    roles: tuple[Role, ...] = ()
    members: tuple[Membership, ...] = ()
    parent: str = ""
    seats: tuple[str, ...] = ()
    official_name: str = ""

    def role_on(self, on: date | None) -> Role | None:
        """The role held on ``on`` (the latest-started if several); with ``on=None`` the role
        held now (open-ended), else the one that ended last."""
        if not self.roles:
            return None
        if on is None:
            current = [r for r in self.roles if r.end is None]
            if current:
                return _latest(current)
            return max(self.roles, key=lambda r: r.end or date.max)
        held = [r for r in self.roles if r.held_on(on)]
        return _latest(held) if held else None

    def actor(self, on: date | None = None) -> Actor:
        """The contract :class:`Actor` for this entry on ``on`` (today's facts if ``None``)."""
        country, sector, role_title = self.country, self.sector, ""
        # Persons (and dictionary groups whose code changed over time) take their codes from
        # the role held that day.
        if self.kind in ("person", "group") and self.roles:
            role = self.role_on(on)
            if role is not None:
                country, sector, role_title = role.country, role.sector, role.title
            elif on is not None:
                country, sector, role_title = self._off_duty(on)
        if self.kind in ("state", "territory"):
            country = country or self.id
        cameo = self.cameo
        if not cameo or (self.roles and self.kind in ("person", "group")):
            cameo = cameo_code(country, sector) if (country or sector) else self.cameo
        return Actor(
            id=self.id,
            name=self.name,
            kind=self.kind,
            country=country,
            sector=sector,
            role=role_title,
            cameo=cameo,
            members=tuple(self.members_on(on)),
        )

    def members_on(self, on: date | None, status: str = "member") -> list[str]:
        """Ids of the members with ``status`` on ``on`` (open-ended memberships if ``None``)."""
        found = {m.member for m in self.members
                 if m.status == status and (m.end is None if on is None else m.held_on(on))}
        return sorted(found)

    def _off_duty(self, on: date) -> tuple[str, str, str]:
        """Country/sector/title of a person on a day they held no listed role."""
        before = [r for r in self.roles if r.end is not None and r.end < on]
        if before:
            last = max(before, key=lambda r: r.end or date.min)
            # CAMEO codes former officials and leaders as elites (ELI).
            if last.sector in ("GOV", "MIL", "LEG", "JUD"):
                return last.country, "ELI", f"former {last.title}"
            return last.country, self.sector or last.sector, ""
        first = min(self.roles, key=lambda r: r.start or date.min)
        return first.country, self.sector, ""


def cameo_code(country: str, sector: str) -> str:
    """A CAMEO actor code from a country code and an agent code ("PRK" + "GOV" -> "PRKGOV")."""
    return f"{country}{sector}"
