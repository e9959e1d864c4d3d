"""Settings from the environment and `.env` (pydantic-settings), with one-line error reports.

The names and defaults are a contract (DESIGN.md): operators set them, docs and checks rely on them.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from storage.db import check_database_url

_TOKEN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{10,}$")

# What each setting expects, in words an operator can act on.
EXPECTED = {
    "BOT_TOKEN": "the token @BotFather gave you, like 123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
    "BOT_API_BASE_URL": "an http(s) URL of a Bot API server, like https://api.telegram.org/bot",
    "DATABASE_URL": "sqlite:///path/to/file.db (e.g. sqlite:///data/linli.db)",
    "TIMEZONE": "an IANA time zone name, like Asia/Shanghai",
    "COMMITTEE_CHAT_ID": "the committee chat's numeric id (send /id in that chat), "
    "like -1001234567890",
    "MODERATOR_CHAT_ID": "the moderators' chat's numeric id, like -1001234567890, "
    "or empty for the committee chat",
    "ADMIN_USER_IDS": "comma-separated numeric Telegram user ids, like 10001,10002",
    "DIGEST_TIME": "a time of day as HH:MM, like 08:00",
    "COMMUNITY_CONFIG": "the path of a TOML file with the community's own rules "
    "(see community.example.toml), or empty for the built-in defaults",
    "GROUP_MESSAGES_PER_MINUTE": "a whole number from 1 to 1000 (Telegram allows 20)",
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    bot_token: SecretStr
    bot_api_base_url: str = "https://api.telegram.org/bot"
    database_url: str = "sqlite:///data/linli.db"
    timezone: str = "Asia/Shanghai"
    committee_chat_id: int
    moderator_chat_id: int | None = None
    admin_user_ids: Annotated[frozenset[int], NoDecode] = Field(default_factory=frozenset)
    digest_time: time = time(8, 0)
    community_config: str | None = None
    group_messages_per_minute: int = Field(default=20, ge=1, le=1000)

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        if not _TOKEN.match(value.get_secret_value().strip()):
            raise ValueError("malformed token")
        return SecretStr(value.get_secret_value().strip())

    @field_validator("bot_api_base_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("not an http(s) URL")
        return value

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: str) -> str:
        check_database_url(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("unknown time zone") from exc
        return value

    @field_validator("moderator_chat_id", "community_config", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("admin_user_ids", mode="before")
    @classmethod
    def _comma_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            if not all(re.fullmatch(r"\d+", p) for p in parts):
                raise ValueError("not a list of numeric ids")
            return frozenset(int(p) for p in parts)
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("digest_time", mode="before")
    @classmethod
    def _hh_mm(cls, value: Any) -> Any:
        if isinstance(value, str):
            match = re.fullmatch(r"(\d{1,2}):(\d{2})", value.strip())
            if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
                raise ValueError("not HH:MM")
            return time(int(match.group(1)), int(match.group(2)))
        return value

    @model_validator(mode="after")
    def _moderators_default_to_committee(self) -> Settings:
        if self.moderator_chat_id is None:
            object.__setattr__(self, "moderator_chat_id", self.committee_chat_id)
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def moderators_chat(self) -> int:
        assert self.moderator_chat_id is not None
        return self.moderator_chat_id


class SettingsError(Exception):
    """A setting is missing or malformed; str() is one line for the operator."""


def describe(error: ValidationError) -> list[str]:
    """One line per setting at fault: its name, what is wrong, and what is expected."""
    lines: list[str] = []
    seen: set[str] = set()
    for item in error.errors():
        name = str(item["loc"][0]).upper() if item["loc"] else "SETTINGS"
        if name in seen:
            continue
        seen.add(name)
        expected = EXPECTED.get(name, "a valid value")
        if item["type"] == "missing":
            lines.append(f"Setting {name} is missing: expected {expected}.")
        else:
            shown = "" if name == "BOT_TOKEN" else f" ({item.get('input')!r})"
            lines.append(f"Setting {name} is invalid{shown}: expected {expected}.")
    return lines


def load_settings(**overrides: Any) -> Settings:
    """Read settings; raise SettingsError whose message is one line per bad setting."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError("\n".join(describe(exc))) from None
