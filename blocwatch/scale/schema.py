"""The Parquet datasets a backfill writes, declared once for pyarrow and for Spark.

Each table is a tuple of :class:`Field` (name, kind).  The kinds map onto pyarrow types
(:func:`arrow_schema`) and Spark SQL types (:func:`spark_schema`) the same way, so a dataset
written by the Spark engine and one written by the local engine read back identically:

==========  ====================  =============================
kind        pyarrow               Spark
==========  ====================  =============================
int         int64                 LongType
float       float64               DoubleType
str         string                StringType
bool        bool                  BooleanType
date        date32                DateType
bytes       binary                BinaryType
list        list<string>          ArrayType(StringType)
sections    list<struct<heading: string, start: int64, end: int64>>
==========  ====================  =============================

The columns are the store's (:mod:`blocwatch.store.models`) under the same names, plus
``position`` where the store relies on insertion order (mentions, quotes, actors of an
article) and ``part``, the partition a row was computed in.  ``part`` is the Hive-style
directory key (``articles/part=3/…``): every table's rows of one partition sit in directories
with the same key, which is what lets :mod:`blocwatch.scale.load` join an article with its
mentions, quotes, events and actors one partition at a time instead of the whole dataset.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["PART", "TABLES", "Field", "arrow_schema", "spark_schema"]

PART = "part"


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    kind: str  # int | float | str | bool | date | bytes | list | sections


def _fields(spec: str) -> tuple[Field, ...]:
    return tuple(Field(*item.split(":")) for item in spec.split())


TABLES: dict[str, tuple[Field, ...]] = {
    "articles": _fields(
        "id:str url:str canonical_url:str source:str title:str published:date modified:date "
        "authors:list language:str text:str content_hash:str sections:sections raw:bytes "
        "raw_type:str input_name:str"
    ),
    "mentions": _fields(
        "article_id:str position:int sentence_index:int start:int end:int text:str label:str actor_id:str"
    ),
    "quotes": _fields(
        "article_id:str position:int speaker:str speaker_actor_id:str affiliation:str content:str "
        "start:int end:int direct:bool cue:str sentence_index:int"
    ),
    "events": _fields(
        "article_id:str position:int source_actor_id:str target_actor_id:str source_cameo:str "
        "target_cameo:str plover:str cameo:str quad_class:int intensity:float negated:bool "
        "hypothetical:bool event_date:str location:str trigger:str sentence:str sentence_index:int "
        "sentence_start:int sentence_end:int"
    ),
    "actors": _fields(
        "article_id:str position:int id:str name:str kind:str country:str sector:str role:str cameo:str"
    ),
    # Inputs that could not be read or analysed: kept with their bytes, as the store's raw_inputs.
    "raw_inputs": _fields("input_name:str raw:bytes problem:str line:int"),
}


def arrow_schema(table: str) -> Any:
    """The pyarrow schema of ``table`` (without ``part``, which is the directory key)."""
    import pyarrow as pa

    section = pa.struct([("heading", pa.string()), ("start", pa.int64()), ("end", pa.int64())])
    types = {
        "int": pa.int64(), "float": pa.float64(), "str": pa.string(), "bool": pa.bool_(),
        "date": pa.date32(), "bytes": pa.binary(), "list": pa.list_(pa.string()),
        "sections": pa.list_(section),
    }  # fmt: skip
    return pa.schema([pa.field(f.name, types[f.kind]) for f in TABLES[table]])


def spark_schema(table: str) -> Any:
    """The Spark schema of ``table``'s rows as the workers produce them: ``part`` first."""
    from pyspark.sql import types as T

    section = T.StructType([
        T.StructField("heading", T.StringType()), T.StructField("start", T.LongType()),
        T.StructField("end", T.LongType()),
    ])  # fmt: skip
    types = {
        "int": T.LongType(), "float": T.DoubleType(), "str": T.StringType(), "bool": T.BooleanType(),
        "date": T.DateType(), "bytes": T.BinaryType(), "list": T.ArrayType(T.StringType()),
        "sections": T.ArrayType(section),
    }  # fmt: skip
    fields = [T.StructField(PART, T.LongType(), nullable=False)]
    fields += [T.StructField(f.name, types[f.kind]) for f in TABLES[table]]
    return T.StructType(fields)
