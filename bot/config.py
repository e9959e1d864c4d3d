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
    "DATABASE_URL": "sqlite:///path/to/file.db (e.g. sqlite:///data/linli.db) or "
    "postgresql://user:password@host:5432/database",
    "TIMEZONE": "an IANA time zone name, like Asia/Shanghai",
    "COMMITTEE_CHAT_ID": "the committee chat's numeric id (send /id in that chat), "
    "like -1001234567890",
    "MODERATOR_CHAT_ID": "the moderators' chat's numeric id, like -1001234567890, "
    "or empty for the committee chat",
    "STREET_CHAT_ID": "the street office chat's numeric id (the cross-community digest goes "
    "there), like -1001234567890, or empty",
    "ADMIN_USER_IDS": "comma-separated numeric Telegram user ids, like 10001,10002",
    "DIGEST_TIME": "a time of day as HH:MM, like 08:00",
    "COMMUNITY_CONFIG": "the path of a TOML file with the community's own rules "
    "(see community.example.toml), or empty for the built-in defaults",
    "GROUP_MESSAGES_PER_MINUTE": "a whole number from 1 to 1000 (Telegram allows 20)",
    "WEBHOOK_URL": "the public https URL Telegram posts updates to, like "
    "https://bot.example.org/telegram, or empty for long polling",
    "WEBHOOK_LISTEN": "host:port to accept Telegram's posts on, like 0.0.0.0:8443",
    "WEBHOOK_SECRET": "1 to 256 characters of A-Z, a-z, 0-9, _ and - (set with WEBHOOK_URL: "
    "Telegram sends it with every update, anything without it is refused)",
    "METRICS_LISTEN": "host:port for /healthz and /metrics, like 127.0.0.1:9108, or empty",
}
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_HOST_PORT = re.compile(r"^(?P<host>[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:]+\]):(?P<port>\d{1,5})$")


def host_port(value: str) -> tuple[str, int]:
    """'0.0.0.0:8443' -> ('0.0.0.0', 8443); ValueError otherwise."""
    match = _HOST_PORT.fullmatch(value.strip())
    if not match or not 0 < int(match.group("port")) < 65536:
        raise ValueError("not host:port")
    return match.group("host").strip("[]"), int(match.group("port"))


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
    street_chat_id: int | None = None
    volunteer_chat_id: int | None = None
    admin_user_ids: Annotated[frozenset[int], NoDecode] = Field(default_factory=frozenset)
    digest_time: time = time(8, 0)
    community_config: str | None = None
    group_messages_per_minute: int = Field(default=20, ge=1, le=1000)
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0:8443"
    webhook_secret: SecretStr | None = None
    metrics_listen: str | None = None

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

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^/\s]+(/\S*)?$", value):
            raise ValueError("not an http(s) URL")
        return value

    @field_validator("webhook_listen", "metrics_listen")
    @classmethod
    def _listen(cls, value: str | None) -> str | None:
        if value is not None:
            host_port(value)
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _SECRET.match(value.get_secret_value()):
            raise ValueError("not 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator(
        "moderator_chat_id",
        "street_chat_id",
        "volunteer_chat_id",
        "community_config",
        "webhook_url",
        "webhook_secret",
        "metrics_listen",
        mode="before",
    )
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
    def _webhook_needs_a_secret(self) -> Settings:
        if self.webhook_url and self.webhook_secret is None:
            raise ValueError("WEBHOOK_SECRET")  # describe(): "missing", with what to set
        return self

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


class _StorageSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")
    database_url: str = Settings.model_fields["database_url"].default

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: str) -> str:
        return check_database_url(value)


def database_url_setting() -> str:
    """DATABASE_URL alone (for `python -m bot backup`, which needs no token)."""
    try:
        return _StorageSettings().database_url
    except ValidationError:
        raise SettingsError(
            f"Setting DATABASE_URL is invalid: expected {EXPECTED['DATABASE_URL']}."
        ) from None


class SettingsError(Exception):
    """A setting is missing or malformed; str() is one line for the operator."""


def describe(error: ValidationError) -> list[str]:
    """One line per setting at fault: its name, what is wrong, and what is expected."""
    lines: list[str] = []
    seen: set[str] = set()
    for item in error.errors():
        if item["loc"]:
            name = str(item["loc"][0]).upper()
        else:  # a rule across settings names the one to set
            name = str(item["msg"]).removeprefix("Value error, ")
            item = {**item, "type": "missing"}
        if name in seen:
            continue
        seen.add(name)
        expected = EXPECTED.get(name, "a valid value")
        if item["type"] == "missing":
            lines.append(f"Setting {name} is missing: expected {expected}.")
        else:
            shown = "" if name in ("BOT_TOKEN", "WEBHOOK_SECRET") else f" ({item.get('input')!r})"
            lines.append(f"Setting {name} is invalid{shown}: expected {expected}.")
    return lines


def load_settings(**overrides: Any) -> Settings:
    """Read settings; raise SettingsError whose message is one line per bad setting."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError("\n".join(describe(exc))) from None
