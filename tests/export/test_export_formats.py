"""The export formats, on SQLite and PostgreSQL: GDELT 2.0 columns, PLOVER records, CSV /
JSON lines / Parquet tables with evidence offsets that point at the article's words."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

import pyarrow.parquet as pq
import pytest
from export_samples import note, summit

from blocwatch.export import (
    COLUMNS,
    GDELT_COLUMNS,
    TABLES,
    ExportError,
    ExportFilter,
    arrow_schema,
    export,
)
from blocwatch.export.gdelt import split_actor_code
from blocwatch.store import Store


@pytest.fixture
def filled(store: Store) -> Store:
    store.save_analysis(summit())
    store.save_analysis(note("a-june", 1, published=date(2024, 6, 1)))
    store.save_analysis(note("a-undated", 2, published=None, actor="FRE"))
    return store


def run(store: Store, fmt: str, **kwargs: Any) -> tuple[int, bytes]:
    out = io.BytesIO()
    count = export(store, fmt, out, **kwargs)
    return count, out.getvalue()


def gdelt_lines(store: Store, **kwargs: Any) -> list[dict[str, str]]:
    count, data = run(store, "gdelt", **kwargs)
    lines = data.decode("utf-8").split("\n")
    assert lines[-1] == "" and len(lines) - 1 == count
    rows = [line.split("\t") for line in lines[:-1]]
    assert all(len(r) == 61 for r in rows)
    return [dict(zip(GDELT_COLUMNS, r, strict=True)) for r in rows]


def test_gdelt_has_61_columns_in_gdelts_order() -> None:
    assert len(GDELT_COLUMNS) == 61
    assert GDELT_COLUMNS[:8] == (
        "GlobalEventID",
        "Day",
        "MonthYear",
        "Year",
        "FractionDate",
        "Actor1Code",
        "Actor1Name",
        "Actor1CountryCode",
    )
    assert GDELT_COLUMNS[25:35] == (
        "IsRootEvent",
        "EventCode",
        "EventBaseCode",
        "EventRootCode",
        "QuadClass",
        "GoldsteinScale",
        "NumMentions",
        "NumSources",
        "NumArticles",
        "AvgTone",
    )
    assert GDELT_COLUMNS[35] == "Actor1Geo_Type" and GDELT_COLUMNS[51] == "ActionGeo_Type"
    assert GDELT_COLUMNS[-2:] == ("DATEADDED", "SOURCEURL")


def test_gdelt_maps_our_events(filled: Store) -> None:
    rows = gdelt_lines(filled)
    # The negated sanction is not a GDELT event; the other four are, in id order.
    assert [r["EventCode"] for r in rows] == ["043", "112", "051", "051"]
    talks, accuse, june, undated = rows
    assert (talks["Day"], talks["MonthYear"], talks["Year"]) == ("20240506", "202405", "2024")
    assert talks["FractionDate"] == f"{2024 + 126 / 366:.4f}"  # 6 May is day 127 of a leap year
    assert (talks["Actor1Code"], talks["Actor1Name"], talks["Actor1CountryCode"]) == (
        "RUR",
        "RURITANIA",
        "RUR",
    )
    assert (talks["Actor2Code"], talks["Actor2CountryCode"]) == ("FRE", "FRE")
    assert (talks["EventBaseCode"], talks["EventRootCode"], talks["QuadClass"]) == ("043", "04", "1")
    assert talks["GoldsteinScale"] == "2.8" and talks["AvgTone"] == ""
    assert (talks["NumMentions"], talks["NumSources"], talks["NumArticles"]) == ("1", "1", "1")
    assert talks["IsRootEvent"] == "1" and accuse["IsRootEvent"] == "0"
    assert talks["SOURCEURL"] == "https://news.example.org/a-summit"
    assert len(talks["DATEADDED"]) == 14 and talks["DATEADDED"].isdigit()
    # A person: the CAMEO code gives country and type; the partial date "2024-04" is not the
    # article's day (6 May), so it is the month's first day.
    assert (accuse["Actor1Code"], accuse["Actor1Name"]) == ("SYLGOV", "ADA VEX")
    assert (accuse["Actor1CountryCode"], accuse["Actor1Type1Code"]) == ("SYL", "GOV")
    assert accuse["Day"] == "20240401"
    # Tabs and line breaks in a place name would break the file; they become spaces.
    assert accuse["ActionGeo_FullName"] == "Klow Old Town East" and accuse["ActionGeo_Type"] == "0"
    assert talks["ActionGeo_FullName"] == "" and talks["Actor1Geo_Lat"] == ""
    assert june["Day"] == "20240601"
    assert undated["Day"] == undated["DATEADDED"][:8]  # no date at all: the day it was ingested
    assert undated["Actor1Code"] == "FRE"


def test_split_actor_code_reads_cameo_chunks() -> None:
    assert split_actor_code("SYLGOV") == ("SYL", "", ["GOV"])
    assert split_actor_code("IGOWSTNAT") == ("", "NAT", ["IGO"])
    assert split_actor_code("IGORIV") == ("", "RIV", ["IGO"])
    assert split_actor_code("PSEHMSMIL") == ("PSE", "HMS", ["MIL"])
    assert split_actor_code("GOV", country="RUR") == ("RUR", "", ["GOV"])
    assert split_actor_code("") == ("", "", [])


def test_plover_records(filled: Store) -> None:
    count, data = run(filled, "plover")
    records = [json.loads(line) for line in data.decode().splitlines()]
    assert count == len(records) == 5
    talks, accuse, sanction = records[:3]
    assert (talks["event_type"], talks["mode"], talks["cameo"]) == ("CONSULT", "visit", "043")
    assert talks["date"] == "2024-05-06" and talks["date_precision"] == "day"
    assert [a["role"] for a in talks["actors"]] == ["actor", "recipient"]
    assert talks["contexts"] == [] and talks["quad_code"] == "verbal cooperation"
    assert accuse["actors"][0] == {
        "role": "actor",
        "id": "person:ada-vex",
        "name": "Ada Vex",
        "kind": "person",
        "country": "SYL",
        "sector": "GOV",
        "title": "Foreign Minister",
        "cameo": "SYLGOV",
    }
    assert accuse["date_raw"] == "2024-04" and accuse["date_precision"] == "month"
    assert accuse["location"] == {"placename_raw": "Klow\tOld Town\nEast"}
    # CAMEO 163 is COERCE in the conversion table, not SANCTION: no mode is claimed.
    assert sanction["negated"] is True and sanction["mode"] == ""
    assert talks["source"]["url"] == "https://news.example.org/a-summit"
    assert talks["source"]["publication_date"] == "2024-05-06"
    text = summit().article.text
    for record in records[:3]:
        ev = record["evidence"]
        assert text[ev["start"] : ev["end"]] == ev["sentence"]


def _texts(store: Store) -> dict[str, str]:
    _, data = run(store, "jsonl", table="articles")
    return {r["id"]: r["text"] for r in map(json.loads, data.decode().splitlines())}


@pytest.mark.parametrize("table", TABLES)
def test_csv_jsonl_parquet_agree_and_offsets_hold(filled: Store, table: str) -> None:
    names = [c.name for c in COLUMNS[table]]
    n_csv, csv_data = run(filled, "csv", table=table)
    n_jsonl, jsonl_data = run(filled, "jsonl", table=table)
    n_parquet, parquet_data = run(filled, "parquet", table=table)
    assert n_csv == n_jsonl == n_parquet > 0
    reader = list(csv.reader(io.StringIO(csv_data.decode("utf-8"), newline="")))
    assert reader[0] == names and len(reader) == n_csv + 1
    records = [json.loads(line) for line in jsonl_data.decode().splitlines()]
    assert all(list(r) == names for r in records)
    parquet = pq.read_table(io.BytesIO(parquet_data))
    assert parquet.schema.equals(arrow_schema(table)) and parquet.num_rows == n_parquet
    from_parquet = parquet.to_pylist()
    for row, record, pq_row in zip(reader[1:], records, from_parquet, strict=True):
        assert row[0] == str(record["id"]) == str(pq_row["id"])
    texts = _texts(filled)
    spans = {
        "events": ("sentence", "sentence_start", "sentence_end"),
        "mentions": ("text", "start", "end"),
        "quotes": ("content", "start", "end"),
    }
    if table in spans:
        words, start, end = spans[table]
        for record in records:
            assert texts[record["article_id"]][record[start] : record[end]] == record[words]


def test_csv_quotes_hostile_cells(filled: Store) -> None:
    _, data = run(filled, "csv", table="events")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    assert rows[1]["location"] == "Klow\tOld Town\nEast"
    assert rows[1]["article_title"] == "River Summit\tOpens"
    assert (rows[2]["negated"], rows[2]["hypothetical"]) == ("true", "false")
    _, articles = run(filled, "csv", table="articles")
    by_id = {r["id"]: r for r in csv.DictReader(io.StringIO(articles.decode("utf-8"), newline=""))}
    assert json.loads(by_id["a-summit"]["authors"]) == ["Ana Tester"]
    assert json.loads(by_id["a-june"]["authors"]) == [] and by_id["a-undated"]["published"] == ""


def test_filters(filled: Store) -> None:
    def ids(fmt: str = "jsonl", table: str = "events", **f: Any) -> list[Any]:
        _, data = run(filled, fmt, table=table, filters=ExportFilter(**f))
        return [json.loads(line)["id"] for line in data.decode().splitlines()]

    everything = ids()
    assert len(everything) == 5
    assert ids(since=date(2024, 5, 1), until=date(2024, 5, 31)) == everything[:3][::2]  # not April's
    assert ids(since=date(2024, 4, 1), until=date(2024, 4, 30)) == [everything[1]]
    assert ids(until=date(2024, 6, 1)) == everything[:4]
    assert ids(actor="FRE") == [everything[0], everything[1], everything[4]]
    assert ids(actor="RIVL") == [everything[2]]
    assert ids(actor="nobody") == []
    assert ids(table="articles", actor="RIVL") == ["a-summit"]
    assert ids(table="articles", until=date(2024, 5, 31)) == ["a-summit"]
    assert len(ids(table="mentions", actor="RUR")) == 3
    assert len(ids(table="quotes", actor="person:ada-vex")) == 1
    assert ids("plover", actor="SYL") == ["blocwatch-event-4"]


def test_empty_exports_are_well_formed(store: Store) -> None:
    assert run(store, "gdelt") == (0, b"")
    count, data = run(store, "csv", table="quotes")
    assert count == 0 and data.decode().strip() == ",".join(c.name for c in COLUMNS["quotes"])
    count, data = run(store, "parquet", table="mentions")
    table = pq.read_table(io.BytesIO(data))
    assert count == 0 and table.num_rows == 0 and table.schema.equals(arrow_schema("mentions"))


def test_bad_requests_are_refused(store: Store) -> None:
    for kwargs, problem in [
        ({"fmt": "xml"}, "unknown format"),
        ({"fmt": "csv", "table": "actors"}, "unknown table"),
        ({"fmt": "gdelt", "table": "articles"}, "describes events"),
        ({"fmt": "csv", "filters": ExportFilter(since=date(2024, 2, 1), until=date(2024, 1, 1))}, "before"),
    ]:
        with pytest.raises(ExportError, match=problem):
            export(store, out=io.BytesIO(), **kwargs)
