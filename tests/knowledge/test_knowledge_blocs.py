"""Dated bloc membership: BRICS enlargement, NATO accessions, Brexit, OPEC exits."""

from __future__ import annotations

from datetime import date

import pytest

from blocwatch.knowledge import load_knowledge_base


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


def test_brics_over_time(kb):
    assert kb.members("BRICS", date(2010, 6, 1)) == ["BRA", "CHN", "IND", "RUS"]
    assert kb.members("BRICS", date(2023, 9, 19)) == ["BRA", "CHN", "IND", "RUS", "ZAF"]
    nine = kb.members("BRICS", date(2024, 6, 1))
    assert nine == ["ARE", "BRA", "CHN", "EGY", "ETH", "IND", "IRN", "RUS", "ZAF"]
    ten = kb.members("BRICS", date(2025, 2, 1))
    assert ten == sorted([*nine, "IDN"])
    assert kb.members("BRICS", date(2024, 6, 1), status="invited") == ["SAU"]
    assert "SAU" not in kb.members("BRICS")


def test_brics_partners(kb):
    assert kb.members("BRICS", date(2024, 12, 31), status="partner") == []
    early = kb.members("BRICS", date(2025, 1, 10), status="partner")
    assert early == ["BLR", "BOL", "CUB", "KAZ", "MYS", "THA", "UGA", "UZB"]
    assert "NGA" in kb.members("BRICS", date(2025, 1, 17), status="partner")
    later = kb.members("BRICS", date(2025, 7, 1), status="partner")
    assert len(later) == 10 and "VNM" in later


def test_nato_nordic_accessions(kb):
    assert "FIN" not in kb.members("NATO", date(2023, 4, 3))
    assert "FIN" in kb.members("NATO", date(2023, 4, 4))
    assert "SWE" not in kb.members("NATO", date(2024, 3, 6))
    assert "SWE" in kb.members("NATO", date(2024, 3, 7))
    assert len(kb.members("NATO", date(2024, 3, 7))) == 32
    assert len(kb.members("NATO", date(2019, 1, 1))) == 29


def test_eu_and_brexit(kb):
    assert len(kb.members("EU")) == 27
    assert "GBR" in kb.members("EU", date(2020, 1, 31))
    assert "GBR" not in kb.members("EU", date(2020, 2, 1))
    assert len(kb.members("EU", date(2019, 6, 1))) == 28
    assert "UKR" in kb.members("EU", status="candidate")


def test_opec_exits(kb):
    assert "QAT" in kb.members("OPEC", date(2018, 12, 31))
    assert "QAT" not in kb.members("OPEC", date(2019, 1, 1))
    assert "ECU" not in kb.members("OPEC", date(2020, 1, 1))
    assert "AGO" in kb.members("OPEC", date(2023, 6, 1))
    assert "AGO" not in kb.members("OPEC", date(2024, 1, 1))
    assert len(kb.members("OPEC")) == 12


def test_sco_and_g20(kb):
    assert "IRN" in kb.members("SCO", date(2023, 7, 4))
    assert "BLR" not in kb.members("SCO", date(2024, 7, 3))
    assert "BLR" in kb.members("SCO", date(2024, 7, 4))
    assert "AU" not in kb.members("G20", date(2023, 9, 8))
    assert {"EU", "AU"} <= set(kb.members("G20", date(2023, 9, 9)))
    assert len(kb.members("G20")) == 21


def test_blocs_of(kb):
    assert kb.blocs_of("PRK", date(2023, 9, 19)) == [
        "UN",
    ]
    russia = kb.blocs_of("RUS", date(2025, 1, 1))
    assert {"UN", "BRICS", "SCO", "G20", "UNSC", "CSTO", "EAEU", "OPEC_PLUS"} <= set(russia)
    assert "NATO" not in russia
    assert "NATO" in kb.blocs_of("SWE", date(2024, 3, 7))
    assert "NATO" not in kb.blocs_of("SWE", date(2024, 3, 6))


def test_unknown_bloc(kb):
    assert kb.members("NOPE") == []
    assert kb.blocs_of("NOPE") == []


def test_every_member_is_a_known_actor(kb):
    for entry in kb.entries():
        for membership in entry.members:
            assert membership.member in kb, (entry.id, membership.member)
