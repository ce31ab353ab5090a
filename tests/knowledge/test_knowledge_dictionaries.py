"""User dictionaries: our YAML format and PETRARCH/TABARI files, including dated codes and errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from blocwatch.knowledge import KnowledgeError, load_knowledge_base

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"

# Our own small fixture in the PETRARCH actors format (invented actors).
ACTORS_TXT = """\
<!-- a test dictionary written for blocwatch -->
# comment line
ZENDA_REPUBLIC_ [ZND]
+ZENDAN
+ZENDA_CITY  # a capital standing for the country

MARTA_OKONKWO_
+MINISTER_OKONKWO
    [ZNDGOV 150101-181231]
    [ZNDOPP >20190101]
    [ZNDELI <150101]
ZENDAN_RIVER_POLICE [ZNDCOP]
FREE_ZENDA_FRONT [ZNDREB] # rebels
NORTH_KOREA [PRK]
+THE_HERMIT_STATE
THE_BLUE_LEAGUE [IGOBLU]
SHADOW_OF_NOTHING [---]
"""

AGENTS_TXT = """\
!PERSON! = MAN, MEN, WOMAN, WOMEN
HARBOUR_PILOT [~BUS]
COAST!PERSON! [~MIL]
WHISTLE_BLOWER {WHISTLE_BLOWERS_GALORE} [~CVL] # irregular plural given
TRUCE_OBSERVER [IGO~]
UNCODED_NOUN
"""


@pytest.fixture()
def kb():
    return load_knowledge_base()


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_petrarch_actors(kb, tmp_path):
    path = write(tmp_path, "zenda.actors.txt", ACTORS_TXT)
    assert kb.load_file(path) == 6
    zenda = kb.lookup("Zenda City")
    assert (zenda.kind, zenda.cameo) == ("group", "ZND")
    assert kb.lookup("Zendan") is not None and kb.lookup("Zendan").id == zenda.id
    police = kb.lookup("Zendan River Police")
    assert (police.sector, police.cameo) == ("", "ZNDCOP")
    # Dated codes make a person with dated roles; < is "before", > "from".
    assert kb.lookup("Marta Okonkwo", date(2016, 5, 1)).cameo == "ZNDGOV"
    assert kb.lookup("Minister Okonkwo", date(2014, 12, 31)).cameo == "ZNDELI"
    assert kb.lookup("Marta Okonkwo", date(2020, 1, 1)).cameo == "ZNDOPP"
    assert kb.get("person:marta-okonkwo").role_on(date(2015, 1, 1)).sector == "GOV"
    # A known state's code adds aliases to the state instead of a new entry.
    assert kb.lookup("the Hermit State").id == "PRK"
    assert kb.lookup("The Blue League").cameo == "IGOBLU"
    assert kb.lookup("Shadow of Nothing") is None  # [---]: do not code


def test_petrarch_new_codes_on_a_known_state_get_country_and_sector(kb, tmp_path):
    path = write(tmp_path, "extra.txt", "ISRAELI_NAVY_COMMANDOS [ISRMIL]\n")
    assert kb.load_file(path) == 1
    actor = kb.lookup("Israeli navy commandos")
    assert (actor.country, actor.sector, actor.cameo) == ("ISR", "MIL", "ISRMIL")


def test_petrarch_agents(kb, tmp_path):
    path = write(tmp_path, "our.agents.txt", AGENTS_TXT)
    assert kb.load_file(path) == 7
    assert kb.agent_sector("harbour pilots") == "BUS"
    assert kb.agent_sector("coastwomen") == "MIL"
    assert kb.agent_sector("whistle blowers galore") == "CVL"
    assert kb.lookup("Brazilian harbour pilots").cameo == "BRABUS"


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("+ORPHAN_SYNONYM\n", 1, "before any entry"),
        ("GOOD [ABC]\nBROKEN [ABC 990101\n", 2, "unbalanced"),
        ("# header\nBAD_DATE\n    [ABCGOV 991399-001231]\n", 3, "bad date"),
        ("BACKWARDS [ABCGOV 20100101-20090101]\n", 1, "ends before it starts"),
        ("WEIRD [ABC ~~1]\n", 1, "bad date restriction"),
        ("    [ABC]\n", 1, "before any entry"),
    ],
)
def test_bad_petrarch_dictionary(kb, tmp_path, text, line, problem):
    path = write(tmp_path, "bad.txt", text)
    with pytest.raises(KnowledgeError) as caught:
        kb.load_file(path)
    assert caught.value.line == line
    assert str(path) in str(caught.value) and f":{line}:" in str(caught.value)
    assert problem in str(caught.value)


def test_bad_agents_dictionary(kb, tmp_path):
    path = write(tmp_path, "bad.agents.txt", "GOOD_AGENT [~GOV]\nNO_CLOSE [~GOV\n")
    with pytest.raises(KnowledgeError, match=r"bad\.agents\.txt:2: not an agent line"):
        kb.load_file(path)


YAML_TEXT = """\
# our own user dictionary
entries:
- id: "org:zenda-institute"
  name: Zenda Institute of Peace
  kind: organisation
  country: KOR
  sector: EDU
  aliases: [ZIP, Zenda Peace Institute]
- id: "person:ada-quill"
  name: Ada Quill
  kind: person
  country: KOR
  sector: EDU
  surname: Quill
  roles:
  - {title: director, start: 2020-01-01, org: "org:zenda-institute"}
- id: "ZENDA_BLOC"
  name: Zenda Bloc
  kind: bloc
  members: ["KOR 2020-01-01", "JPN 2020-01-01..2021-12-31", "PRK 2022-02-02 observer"]
- id: PRK
  extend: true
  metonyms: [Ryugyong Hotel]
agents:
  harbour master: GOV
"""


def test_yaml_user_dictionary(tmp_path):
    path = write(tmp_path, "mine.yaml", YAML_TEXT)
    kb = load_knowledge_base([path])
    assert kb.lookup("ZIP").id == "org:zenda-institute"
    ada = kb.lookup("Ada Quill", date(2021, 1, 1))
    assert (ada.country, ada.sector, ada.role) == ("KOR", "EDU", "director")
    assert kb.members("ZENDA_BLOC", date(2021, 6, 1)) == ["JPN", "KOR"]
    assert kb.members("ZENDA_BLOC", date(2022, 6, 1)) == ["KOR"]
    assert kb.members("ZENDA_BLOC", date(2022, 6, 1), status="observer") == ["PRK"]
    assert "ZENDA_BLOC" in kb.blocs_of("KOR", date(2022, 6, 1))
    # `extend: true` adds forms to the built-in entry and keeps the rest of it.
    assert kb.lookup("Ryugyong Hotel").id == "PRK" and kb.lookup("DPRK").id == "PRK"
    assert kb.agent_sector("harbour masters") == "GOV"


def test_later_files_override_earlier(tmp_path):
    first = write(
        tmp_path,
        "a.yaml",
        'entries:\n- {id: "org:a", name: Alpha Group, kind: organisation, '
        "country: FRA, aliases: [The Shared Name]}\n",
    )
    second = write(
        tmp_path,
        "b.yaml",
        'entries:\n- {id: "org:b", name: Beta Group, kind: organisation, '
        "country: DEU, aliases: [The Shared Name]}\n",
    )
    assert load_knowledge_base([first, second]).lookup("the shared name").id == "org:b"
    assert load_knowledge_base([second, first]).lookup("the shared name").id == "org:a"


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("entries:\n- id: x\n  name: X\n  kind: spaceship\n", 2, "unknown kind"),
        (
            "entries:\n- {id: y, name: Y, kind: bloc, members: ['KOR 2020-13-01']}\n",
            2,
            "not a YYYY-MM-DD date",
        ),
        ("entries:\n- {id: y, name: Y, kind: bloc, members: ['KOR from 2020']}\n", 2, "bad membership"),
        # a role's own line is named
        (
            "entries:\n- {id: z, name: Z, kind: person,\n   roles: [{title: t, start: 2020-01-01,\n"
            "   end: 2019-01-01}]}\n",
            3,
            "ends before it starts",
        ),
        ("entries:\n- id: w\n  name: W\n  kind: state\n  colour: blue\n", 2, "unknown entry field"),
        ("entries: [\n", 2, "invalid YAML"),
        ("entries:\n- {id: v, name: V, kind: bloc, members: ['KOR 2020-01-01 emperor']}\n", 2, "status"),
    ],
)
def test_bad_yaml_dictionary(tmp_path, text, line, problem):
    path = write(tmp_path, "bad.yaml", text)
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge_base([path])
    assert caught.value.line == line, str(caught.value)
    assert problem in str(caught.value) and str(path) in str(caught.value)


def test_missing_and_unknown_files(tmp_path):
    with pytest.raises(KnowledgeError, match="no such file"):
        load_knowledge_base([tmp_path / "nope.yaml"])
    with pytest.raises(KnowledgeError, match="unknown dictionary format"):
        load_knowledge_base([write(tmp_path, "x.json", "{}")])


@pytest.mark.shared
def test_petrarch_validation_suite_dictionaries(kb):
    folder = SHARED / "eval" / "events" / "petrarch2-unit"
    actors, agents = folder / "PETR.Validate.actors.txt", folder / "PETR.Validate.agents.txt"
    if not actors.is_file() or not agents.is_file():
        pytest.skip(f"PETRARCH validation dictionaries not found under {folder}")
    assert kb.load_file(actors) > 100
    assert kb.load_file(agents) > 50
    # Dated codes from the suite (< before, a-b range, > after).
    assert kb.lookup("Smeagol", date(1990, 1, 1)).cameo == "HOB"
    assert kb.lookup("Gollum", date(1997, 1, 1)).cameo == "HOBGOV"
    assert kb.lookup("Gollum", date(2000, 1, 1)).cameo == "HOBREB"
    assert kb.lookup("Sam Gamgee", date(2010, 1, 10)).cameo == "ORCHOB"
    assert kb.lookup("Israeli troops").cameo == "ISRMIL"
    assert kb.agent_sector("foreign minister") == "GOVFRM"


@pytest.mark.shared
def test_phoenix_agents_dictionary(kb):
    path = SHARED / "reference" / "cameo" / "Phoenix.agents.txt"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    assert kb.load_file(path) > 2000
    assert kb.agent_sector("policewomen") == "COP"  # POLICE!PERSON! expanded
    assert kb.agent_sector("deparment of environment") == "ENV"  # "[~ENV}" typo tolerated
