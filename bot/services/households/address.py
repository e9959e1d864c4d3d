"""Where a resident lives, as people type it, turned into one household key.

"3号楼502", "3栋502", "3幢502室", "３号楼５０２", "三号楼五零二" and "3-502" all name the household
key "3-502"; "3号楼2单元502" is "3-2-502" (room numbers repeat from one 单元 to the next, so the
单元 is kept when given). Parsing is conservative: anything that could be read two ways ("3楼502"
is a floor or a building; "3502" has no building) is refused with an example, never guessed.
Pure functions, no Telegram, no database.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_TRADITIONAL = str.maketrans({"號": "号", "樓": "楼", "棟": "栋", "單": "单", "層": "层"})
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百]+")
_DASH = "-—–－_"

_BUILDING = r"(?P<b>[0-9]{1,3}|[A-Z][0-9]{0,2})"
_BUILDING_WORD = r"(?:号楼|栋|幢|座|号|#)"
_ROOM = r"(?P<r>[0-9]{3,4})(?:室|号|户)?"
_WORDS = re.compile(
    rf"^{_BUILDING}{_BUILDING_WORD}-?"
    r"(?:(?P<e>[0-9]{1,2})(?:单元|门)-?)?"
    r"(?:(?P<f>[0-9]{1,2})(?:楼|层)-?)?"
    rf"{_ROOM}$"
)
_DASHES = re.compile(rf"^{_BUILDING}-(?:(?P<e>[0-9]{{1,2}})-)?{_ROOM}$")
# A bare number is a building where only a building can be meant; a letter needs its 栋.
_BUILDING_ONLY = re.compile(
    rf"^(?:(?P<n>[0-9]{{1,3}}){_BUILDING_WORD}?|{_BUILDING}{_BUILDING_WORD})$"
)
_LEFTOVER_FLOOR = re.compile(r"^[0-9A-Z]{1,3}楼")


@dataclass(frozen=True)
class Household:
    """One home: building, 单元 (entrance, if the resident gave it) and room."""

    building: str
    room: str
    entrance: str | None = None

    @property
    def key(self) -> str:
        """The normalised key stored and compared: "3-502", "3-2-502", "A-1201"."""
        parts = [self.building, *([self.entrance] if self.entrance else []), self.room]
        return "-".join(parts)

    @property
    def label(self) -> str:
        """How the household is shown to people: "3号楼502室", "3号楼2单元502室"."""
        entrance = f"{self.entrance}单元" if self.entrance else ""
        return f"{building_label(self.building)}{entrance}{self.room}室"

    @classmethod
    def from_key(cls, key: str) -> Household:
        parts = key.split("-")
        if len(parts) == 3:
            return cls(parts[0], parts[2], parts[1])
        building, room = parts
        return cls(building, room)


def building_label(building: str) -> str:
    """ "3" → "3号楼"; a lettered building "A" → "A栋"."""
    return f"{building}号楼" if building.isdigit() else f"{building}栋"


def _chinese_number(word: str) -> str:
    """一 → 1, 十二 → 12, 二十 → 20, 一百零一 → 101; a run of digits without 十/百, as
    room numbers are read (五零二), digit by digit."""
    if "十" not in word and "百" not in word:
        return "".join(str(_CN_DIGITS[c]) for c in word)
    total, current = 0, 0
    for c in word:
        if c == "百":
            total += (current or 1) * 100
            current = 0
        elif c == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _CN_DIGITS[c]
    return str(total + current)


def normalise(text: str) -> str:
    """Full-width to half-width, traditional to simplified (for the few words used here),
    Chinese numerals to digits, spaces and the decoration people add dropped."""
    folded = unicodedata.normalize("NFKC", text).upper().translate(_TRADITIONAL)
    folded = re.sub(r"\s+", "", folded)
    for dash in _DASH:
        folded = folded.replace(dash, "-")
    return _CN_NUMBER.sub(lambda m: _chinese_number(m.group(0)), folded)


def _number(raw: str) -> str:
    return raw.lstrip("0") or "0"


def parse_household(text: str) -> Household | None:
    """The household `text` names, or None when it is not clearly one."""
    folded = normalise(text)
    match = _WORDS.match(folded) or _DASHES.match(folded)
    if match is None:
        return None
    building = _number(match.group("b")) if match.group("b").isdigit() else match.group("b")
    room = _number(match.group("r"))
    floor = match.groupdict().get("f")
    if floor is not None and not room.startswith(_number(floor)):
        return None  # "3号楼5楼602": which is it?
    if building == "0" or room.startswith("0") or len(room) < 3:
        return None
    entrance = match.group("e")
    if entrance is not None:
        entrance = _number(entrance)
        if entrance == "0":
            return None
    return Household(building, room, entrance)


def parse_building(text: str) -> str | None:
    """A building as given to /homes, /bind or a vote's 范围: "3号楼", "3栋", "三号楼" or "3"."""
    match = _BUILDING_ONLY.match(normalise(text))
    if match is None:
        return None
    building = match.group("n") or match.group("b")
    building = _number(building) if building.isdigit() else building
    return None if building == "0" else building


_LIST_SEPARATORS = re.compile(r"[,，、;；/\s]+")


def parse_buildings(text: str) -> list[str] | None:
    """ "3号楼,5号楼" (or 、 ， spaces): the buildings in order, each once; None if any word is
    not a building."""
    words = [w for w in _LIST_SEPARATORS.split(text.strip()) if w]
    if not words:
        return None
    found: list[str] = []
    for word in words:
        building = parse_building(word)
        if building is None:
            return None
        if building not in found:
            found.append(building)
    return found


def looks_like_floor_only(text: str) -> bool:
    """ "3楼502": a floor or a building? Told apart from a plain mistake, to ask better."""
    return bool(_LEFTOVER_FLOOR.match(normalise(text)))
