"""Parameter validation for the sandbox, driven by the table derived from the Bot API spec.

Telegram answers a call with a missing required parameter or a value of the wrong type with
400 Bad Request; so does the sandbox. It is stricter in one way on purpose: an unknown parameter
name is refused too, so that a typo in the bot's code shows up in tests instead of being ignored.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

SPEC_PATH = Path(__file__).with_name("bot_api_spec.json")

_INT = re.compile(r"-?\d+")


class ApiError(Exception):
    """An error answer of the Bot API: HTTP status, Telegram's description, optional parameters."""

    def __init__(self, code: int, description: str, **parameters: Any) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


@dataclass(frozen=True, eq=False)
class Spec:
    methods: dict[str, dict[str, list]]
    types: dict[str, dict[str, Any]]
    version: str
    by_lower_name: dict[str, str]

    def method_name(self, name: str) -> str | None:
        """Telegram's method names are case-insensitive."""
        return self.by_lower_name.get(name.lower())


@cache
def load_spec() -> Spec:
    raw = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    return Spec(
        methods=raw["methods"],
        types=raw["types"],
        version=raw["version"],
        by_lower_name={name.lower(): name for name in raw["methods"]},
    )


class _Invalid(Exception):
    pass


def _decode_json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError as exc:
            raise _Invalid from exc
    return value


def _check(spec: Spec, type_name: str, value: Any) -> Any:
    """Return value decoded as type_name, or raise _Invalid."""
    if type_name.startswith("Array of "):
        items = _decode_json(value)
        if not isinstance(items, list):
            raise _Invalid
        inner = type_name.removeprefix("Array of ")
        return [_check(spec, inner, item) for item in items]
    scalar = _DECODERS.get(type_name)
    if scalar is not None:
        return scalar(value)
    return _check_object(spec, type_name, _decode_json(value))


def _integer(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _INT.fullmatch(value.strip()):
        return int(value)
    raise _Invalid


def _float(value: Any) -> float:
    if isinstance(value, bool):
        raise _Invalid
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise _Invalid from exc


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    raise _Invalid


def _string(value: Any) -> str:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    raise _Invalid


_DECODERS: dict[str, Any] = {
    "Integer": _integer,
    "Float": _float,
    "Boolean": _boolean,
    "String": _string,
    "InputFile": lambda value: value,
}


def _check_object(spec: Spec, type_name: str, value: Any) -> dict:
    entry = spec.types.get(type_name)
    if entry is None:
        # A type the table does not describe: accept any JSON object.
        if not isinstance(value, dict):
            raise _Invalid
        return value
    if entry["subtypes"]:
        return _check_subtypes(spec, entry["subtypes"], value)
    if not isinstance(value, dict):
        raise _Invalid
    out = dict(value)
    for name, (types, required) in entry["fields"].items():
        if name not in value:
            if required:
                raise _Invalid
            continue
        out[name] = _check_any(spec, types, value[name])
    _check_tags(entry, type_name, value)
    return out


def _check_subtypes(spec: Spec, subtypes: list[str], value: Any) -> dict:
    for sub in subtypes:
        try:
            return _check_object(spec, sub, value)
        except _Invalid:
            continue
    raise _Invalid


def _check_tags(entry: dict, type_name: str, value: dict) -> None:
    """Discriminated subtypes (BotCommandScopeChat, ChatMemberMember...) name their
    'type'/'status'/'source'."""
    for tag in ("type", "status", "source"):
        described = entry["fields"].get(tag)
        if described is not None and isinstance(value.get(tag), str):
            wanted = _tag_for(type_name, tag)
            if wanted is not None and value[tag] != wanted:
                raise _Invalid


_TAG_EXCEPTIONS = {"ChatMemberOwner": "creator", "ChatMemberBanned": "kicked"}


def _tag_for(type_name: str, tag: str) -> str | None:
    """The fixed value of a discriminating field for a handful of subtype families."""
    if type_name in _TAG_EXCEPTIONS:
        return _TAG_EXCEPTIONS[type_name]
    families = {
        "BotCommandScope": "type",
        "MenuButton": "type",
        "ChatMember": "status",
    }
    for family, field in families.items():
        if field == tag and type_name.startswith(family) and type_name != family:
            suffix = type_name.removeprefix(family)
            return re.sub(r"(?<!^)(?=[A-Z])", "_", suffix).lower()
    return None


def _check_any(spec: Spec, types: list[str], value: Any) -> Any:
    for type_name in types:
        try:
            return _check(spec, type_name, value)
        except _Invalid:
            continue
    raise _Invalid


def validate_call(spec: Spec, method: str, params: dict[str, Any]) -> dict[str, Any]:
    """Check a call against the spec and return its parameters decoded to Python values."""
    fields = spec.methods[method]
    for name in params:
        if name not in fields:
            raise ApiError(400, f'Bad Request: unknown parameter "{name}" for method {method}')
    decoded: dict[str, Any] = {}
    for name, (types, required) in fields.items():
        if name not in params or params[name] in ("", None):
            if required:
                raise ApiError(400, _missing_description(method, name))
            continue
        try:
            decoded[name] = _check_any(spec, types, params[name])
        except _Invalid:
            raise ApiError(400, _invalid_description(name, types)) from None
    return decoded


def _missing_description(method: str, name: str) -> str:
    if name == "text" and method.startswith(("send", "edit")):
        return "Bad Request: message text is empty"
    if name == "chat_id":
        return "Bad Request: chat_id is empty"
    return f"Bad Request: parameter {name} is required"


def _invalid_description(name: str, types: list[str]) -> str:
    if name == "reply_markup":
        return "Bad Request: can't parse reply keyboard markup JSON object"
    if name == "chat_id":
        return "Bad Request: chat not found"
    return f"Bad Request: can't parse {name}: expected {' or '.join(types)}"


def validate_object(spec: Spec, type_name: str, value: dict) -> None:
    """Raise ValueError unless value is a well-formed Bot API object (the sandbox checks itself)."""
    try:
        _check_object(spec, type_name, value)
    except _Invalid:
        raise ValueError(f"not a valid {type_name}: {value!r}") from None
