"""/vote's words: `问题 | 选项1 | 选项2 … | 截止 YYYY-MM-DD HH:MM [| 范围 3号楼,5号楼]
[| 每人一票]`, `close N`, or nothing (the list). Pure: no Telegram, no database."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.services.households import parse_buildings

MAX_OPTIONS = 10
MAX_OPTION_LEN = 30
MAX_QUESTION_LEN = 200
_DEADLINE = re.compile(r"^截止[:：]?\s*(\d{4})-(\d{1,2})-(\d{1,2})\s+(\d{1,2}):(\d{2})$")
_SCOPE = re.compile(r"^范围[:：]?\s*(.+)$")
_CLOSE = re.compile(r"^(?:close|结束|关闭)\s+#?(\d{1,9})$", re.IGNORECASE)
PER_PERSON = "每人一票"
PER_HOUSEHOLD = "每户一票"


@dataclass(frozen=True)
class NewVote:
    question: str
    options: list[str]
    closes_at: datetime  # aware
    scope: list[str] | None
    per_person: bool


@dataclass(frozen=True)
class CloseVote:
    number: int


@dataclass(frozen=True)
class ListVotes:
    pass


@dataclass(frozen=True)
class BadVote:
    reason: str  # a key of texts.BAD


def parse_vote_command(text: str, zone: ZoneInfo) -> NewVote | CloseVote | ListVotes | BadVote:
    body = text.strip()
    if not body:
        return ListVotes()
    if close := _CLOSE.match(unicodedata.normalize("NFKC", body)):
        return CloseVote(int(close.group(1)))
    parts = [p.strip() for p in re.split(r"[|｜]", body)]
    question = parts[0]
    read = _read_parts(parts[1:], zone)
    if isinstance(read, BadVote):
        return read
    options, deadline, scope, per_person = read
    if not question or len(question) > MAX_QUESTION_LEN:
        return BadVote("question")
    if deadline is None:
        return BadVote("deadline")
    if len(options) < 2 or len(options) > MAX_OPTIONS:
        return BadVote("options")
    if len(set(options)) != len(options) or any(len(o) > MAX_OPTION_LEN for o in options):
        return BadVote("options")
    return NewVote(question, options, deadline, scope, per_person)


def _read_parts(
    parts: list[str], zone: ZoneInfo
) -> tuple[list[str], datetime | None, list[str] | None, bool] | BadVote:
    """The options, deadline, scope and rule among the parts after the question."""
    options: list[str] = []
    deadline: datetime | None = None
    scope: list[str] | None = None
    per_person = False
    for given in parts:
        part = unicodedata.normalize("NFKC", given)  # full-width digits, colons, spaces
        if not part:
            continue
        if match := _DEADLINE.match(part):
            try:
                year, month, day, hour, minute = (int(g) for g in match.groups())
                deadline = datetime(year, month, day, hour, minute, tzinfo=zone)
            except ValueError:
                return BadVote("deadline")
        elif part.startswith("截止"):
            return BadVote("deadline")
        elif match := _SCOPE.match(part):
            scope = parse_buildings(match.group(1))
            if scope is None:
                return BadVote("scope")
        elif part in (PER_PERSON, PER_HOUSEHOLD):
            per_person = part == PER_PERSON
        else:
            options.append(given)
    return options, deadline, scope, per_person
