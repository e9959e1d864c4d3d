"""Which chat an update belongs to, read from Telegram's JSON (the webhook stores it by that key)
exactly as from the parsed Update (the polling path orders by it)."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Update

from bot.processing import chat_key, raw_chat_key

GROUP = {"id": -1001234567890, "type": "supergroup", "title": "3号楼业主群"}
AUNTIE = {"id": 1001, "is_bot": False, "first_name": "王阿姨"}
PRIVATE = {"id": 1001, "type": "private", "first_name": "王阿姨"}
MESSAGE = {"message_id": 5, "date": 1_796_000_000, "chat": GROUP, "from": AUNTIE, "text": "你好"}
BOT = {"id": 7, "is_bot": True, "first_name": "邻里小助手"}

UPDATES: list[dict[str, Any]] = [
    {"update_id": 1, "message": MESSAGE},
    {"update_id": 2, "message": {**MESSAGE, "chat": PRIVATE}},
    {"update_id": 3, "edited_message": {**MESSAGE, "edit_date": 1_796_000_100}},
    {
        "update_id": 4,
        "callback_query": {
            "id": "q1",
            "from": AUNTIE,
            "chat_instance": "c",
            "data": "menu:wish",
            "message": {**MESSAGE, "from": BOT},
        },
    },
    {  # a press under an inline message: no message, only the presser
        "update_id": 5,
        "callback_query": {"id": "q2", "from": AUNTIE, "chat_instance": "c", "data": "x"},
    },
    {
        "update_id": 6,
        "my_chat_member": {
            "chat": GROUP,
            "from": AUNTIE,
            "date": 1_796_000_000,
            "old_chat_member": {"status": "left", "user": BOT},
            "new_chat_member": {"status": "member", "user": BOT},
        },
    },
    {"update_id": 7},
]


@pytest.mark.parametrize("data", UPDATES, ids=lambda d: str(d["update_id"]))
def test_the_raw_key_is_the_parsed_key(data: dict[str, Any]) -> None:
    assert raw_chat_key(data) == chat_key(Update.de_json(data, None))  # type: ignore[arg-type]
