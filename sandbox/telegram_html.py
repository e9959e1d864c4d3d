"""Telegram's HTML parse mode, as strict as Telegram: the tags it knows, nothing else.

Returns the text a person sees and its entities (offsets in UTF-16 code units), or raises
ApiError with Telegram's "can't parse entities" description.
"""

from __future__ import annotations

import re

from sandbox.spec import ApiError

_TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)"
    r"((?:\s+[a-zA-Z-]+(?:=(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*>"
)
_ATTR = re.compile(r"([a-zA-Z-]+)(?:=(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+)))?")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_KINDS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _fail(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: can't parse entities: {reason}")


Open = tuple[str, str, int, dict[str, str]]  # tag, entity kind, UTF-16 start, attributes


def _close(stack: list[Open], name: str, pos16: int, byte_offset: int) -> dict | None:
    """An end tag: the entity it closes (None when it spans nothing)."""
    if not stack or stack[-1][0] != name:
        expected = f'"</{stack[-1][0]}>"' if stack else "none"
        raise _fail(
            f"Unmatched end tag at byte offset {byte_offset}, expected {expected}, "
            f'found "</{name}>"'
        )
    _, kind, start, attrs = stack.pop()
    if pos16 <= start:
        return None
    entity: dict = {"type": kind, "offset": start, "length": pos16 - start}
    if kind == "text_link":
        entity["url"] = attrs.get("href", "")
    return entity


def _attributes(name: str, raw_attrs: str, byte_offset: int) -> dict[str, str]:
    attrs = {
        m.group(1).lower(): next((g for g in m.group(2, 3, 4) if g is not None), "")
        for m in _ATTR.finditer(raw_attrs)
    }
    if name == "span" and attrs.get("class") != "tg-spoiler":
        raise _fail(f'Unsupported start tag "span" at byte offset {byte_offset}')
    if name == "a" and not attrs.get("href"):
        raise _fail(f'Can\'t find href in "a" tag at byte offset {byte_offset}')
    return attrs


def _character(source: str, i: int) -> tuple[str, int]:
    """The character an entity at source[i] stands for, and where the text goes on."""
    match = _ENTITY.match(source, i)
    if not match:
        raise _fail(f"Character entity expected at byte offset {len(source[:i].encode())}")
    body = match.group(1)
    if body in _NAMED:
        return _NAMED[body], match.end()
    code = int(body[2:], 16) if body.startswith("#x") else int(body[1:])
    return chr(code), match.end()


def parse_html(source: str) -> tuple[str, list[dict]]:
    out: list[str] = []
    pos16 = 0
    stack: list[Open] = []
    entities: list[dict] = []
    i = 0
    while i < len(source):
        ch = source[i]
        if ch == "<":
            match = _TAG.match(source, i)
            byte_offset = len(source[:i].encode())
            if not match:
                raise _fail(f'Unsupported start tag "" at byte offset {byte_offset}')
            closing, name, raw_attrs = match.group(1), match.group(2).lower(), match.group(3)
            if name not in _KINDS:
                kind = "end" if closing else "start"
                raise _fail(f'Unsupported {kind} tag "{name}" at byte offset {byte_offset}')
            if closing:
                entity = _close(stack, name, pos16, byte_offset)
                if entity is not None:
                    entities.append(entity)
            else:
                stack.append((name, _KINDS[name], pos16, _attributes(name, raw_attrs, byte_offset)))
            i = match.end()
            continue
        if ch == "&":
            ch, i = _character(source, i)
        else:
            i += 1
        out.append(ch)
        pos16 += utf16_len(ch)
    if stack:
        raise _fail(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities
