"""Tickets from Telegram: /wish, /complain, #微心愿 / #投诉 / #报修 posts (and their edits), the
private conversation, /mytickets, /ticket and answers to the bot's force-reply prompts.
Button presses are in handlers/buttons.py."""

from __future__ import annotations

import re
from dataclasses import replace

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from bot import texts
from bot.services import Services
from bot.services.messaging import deep_link, html, number_of, text_message
from bot.services.tickets import REQUEST_TAG, Origin
from bot.services.tickets.intake import Said
from handlers.context import LinliContext, person_of, replied_to_bot
from handlers.start import MENU, help_group
from storage.models import Attachment, TicketKind

TAG = REQUEST_TAG
COMMAND_TEXT = re.compile(r"^/(\w+)(?:@\w+)?\s*(.*)$", re.DOTALL)


def origin_of(update: Update) -> Origin:
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    in_group = chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)
    return Origin(
        person_of(update), chat.id, message.message_id, in_group, chat.title if in_group else None
    )


def parse_request(body: str) -> tuple[TicketKind, str]:
    """'/wish 文本', '/complain 文本', or a post with #微心愿 / #投诉 / #报修 anywhere in it."""
    command = COMMAND_TEXT.match(body)
    name = command.group(1).lower() if command else ""  # Telegram matches commands blind to case
    if command and name in ("wish", "complain"):
        return ("wish" if name == "wish" else "complaint"), command.group(2)
    tag = TAG.search(body)
    assert tag is not None, "handlers only route commands and tagged posts here"
    kind: TicketKind = "wish" if tag.group(1) == "微心愿" else "complaint"
    return kind, body[: tag.start()] + body[tag.end() :]


def photo_of(message: Message) -> str | None:
    return message.photo[-1].file_id if message.photo else None


def said_of(message: Message) -> Said:
    """What a message carries that the bot can take: words, a photo, a voice note, a
    location; anything else (a sticker, a video...) is marked unsupported."""
    voice = (
        Attachment(kind="voice", file_id=message.voice.file_id, duration=message.voice.duration)
        if message.voice
        else None
    )
    location = (
        Attachment(
            kind="location",
            latitude=message.location.latitude,
            longitude=message.location.longitude,
        )
        if message.location
        else None
    )
    said = Said(
        text=message.text or message.caption or "",
        photo=photo_of(message),
        voice=voice,
        location=location,
        media_group=message.media_group_id,
    )
    if said.empty and not message.text:
        return replace(said, unsupported=True)
    return said


async def in_resident_group_or_private(services: Services, update: Update) -> bool:
    chat = update.effective_chat
    assert chat is not None
    return chat.type == ChatType.PRIVATE or await services.groups.is_resident_group(chat.id)


async def request(update: Update, context: LinliContext) -> None:
    message = update.effective_message
    assert message is not None
    if not await in_resident_group_or_private(context.services, update):
        # Not a residents' group: a staff member's reply to a prompt may well say "#投诉".
        await prompt_answer(update, context)
        return
    kind, text = parse_request(message.text or message.caption or "")
    said = said_of(message)
    await context.services.intake.request(
        update.update_id,
        kind,
        text,
        said.photo,
        origin_of(update),
        attachments=said.attachments,
        media_group=said.media_group,
    )


async def edited_post(update: Update, context: LinliContext) -> None:
    """An edited tagged post updates the ticket it filed, never files another."""
    message = update.edited_message
    assert message is not None
    if not await context.services.groups.is_resident_group(message.chat_id):
        return
    _, text = parse_request(message.text or message.caption or "")
    await context.services.intake.edited_post(
        update.update_id, person_of(update), message.chat_id, message.message_id, text
    )


async def private_message(update: Update, context: LinliContext) -> None:
    message = update.effective_message
    assert message is not None
    services = context.services
    if TAG.search(message.text or message.caption or ""):
        await request(update, context)
        return
    said = said_of(message)
    if said.empty and not said.unsupported:  # an empty text: the menu
        await services.replies.send(
            update.update_id,
            text_message(message.chat_id, texts.PRIVATE_HINT, buttons=MENU),
            "hint",
        )
        return
    await services.drafts.receive(
        update.update_id, person_of(update), said, replied_to_bot(message, context.bot.id)
    )


async def group_media(update: Update, context: LinliContext) -> None:
    """In a resident group: a reply to the bot's request prompt (words or a voice note), or
    another photo of an album whose first photo filed a request. Anything else is chat."""
    message = update.effective_message
    assert message is not None
    services = context.services
    replied = replied_to_bot(message, context.bot.id)
    if replied is not None:
        if services.roles.is_staff_chat(message.chat_id):
            # An answer to a force-reply prompt, else a note on the card it replies to.
            if not await prompt_answer(update, context):
                await services.tickets.staff_reply(
                    update.update_id,
                    person_of(update),
                    message.chat_id,
                    replied,
                    message.text or message.caption or "",
                    photo_of(message),
                )
            return
        if await services.groups.is_resident_group(message.chat_id):
            await services.intake.reply_to_prompt(
                update.update_id, origin_of(update), replied, said_of(message)
            )
        return
    if message.media_group_id and message.photo:
        if await services.groups.is_resident_group(message.chat_id):
            await services.intake.album_photo(
                update.update_id,
                person_of(update),
                message.chat_id,
                message.media_group_id,
                photo_of(message) or "",
            )


async def cancel(update: Update, context: LinliContext) -> None:
    await context.services.drafts.cancel_draft(update.update_id, person_of(update))


async def send_my_tickets(services: Services, update: Update, chat_id: int) -> None:
    """The person's own tickets and those they +1'd, or the menu when there are none."""
    listing = await services.tickets.my_tickets(person_of(update).id)
    reply = (
        text_message(chat_id, listing)
        if listing
        else text_message(chat_id, texts.MY_TICKETS_EMPTY, buttons=MENU)
    )
    await services.replies.send(update.update_id, reply, "mytickets")


async def my_tickets(update: Update, context: LinliContext) -> None:
    message = update.effective_message
    assert message is not None
    services = context.services
    if message.chat.type != ChatType.PRIVATE:
        if await services.groups.is_resident_group(message.chat_id):
            link = html(deep_link(services.bot_username))
            await services.replies.send(
                update.update_id,
                text_message(
                    message.chat_id,
                    texts.MY_TICKETS_IN_GROUP.format(link=link),
                    reply_to=message.message_id,
                ),
                "mytickets",
            )
        return
    await send_my_tickets(services, update, message.chat_id)


async def show_ticket(update: Update, context: LinliContext) -> None:
    message = update.effective_message
    assert message is not None
    services = context.services
    args = context.args or []
    number = number_of(args[0]) if args else None
    found = await services.tickets.view_with_buttons(number, person_of(update).id, message.chat_id)
    if found is None:
        return  # not a place to show tickets
    view, buttons = found
    await services.replies.send(
        update.update_id,
        text_message(message.chat_id, view, buttons=buttons, reply_to=message.message_id),
        "ticket",
    )


async def open_tickets(update: Update, context: LinliContext) -> None:
    """/open, /open mine: the open tickets of this staff chat's party (every party's in the
    committee chat), overdue first."""
    message = update.effective_message
    assert message is not None
    services = context.services
    reply = await services.tickets.worklists.command(
        update.update_id,
        person_of(update),
        message.chat_id,
        context.args or [],
        private=message.chat.type == ChatType.PRIVATE,
    )
    if reply is not None:
        await services.replies.send(update.update_id, reply, "open")


async def staff_help(update: Update, context: LinliContext) -> None:
    """/help in a staff chat: the staff commands. Anywhere else, the resident's help."""
    message = update.effective_message
    assert message is not None
    services = context.services
    if not services.roles.is_staff_chat(message.chat_id):
        await help_group(update, context)
        return
    await services.replies.send(
        update.update_id,
        text_message(message.chat_id, texts.STAFF_HELP, reply_to=message.message_id),
        "help",
    )


async def prompt_answer(update: Update, context: LinliContext) -> bool:
    """A reply in a staff chat to one of the bot's force-reply prompts, found by the replied
    message's id in this chat (never by its words)."""
    message = update.effective_message
    assert message is not None
    replied = replied_to_bot(message, context.bot.id)
    services = context.services
    if replied is None or not services.roles.is_staff_chat(message.chat_id):
        return False
    return await services.prompts.answer(
        update.update_id, person_of(update), message.chat_id, replied, message.text or ""
    )


# Before handlers/start.py's: in a staff chat /help lists the staff commands.
STAFF_HELP_HANDLERS: list[BaseHandler[Update, LinliContext, None]] = [
    CommandHandler("help", staff_help, filters=filters.ChatType.GROUPS & filters.UpdateType.MESSAGE)
]


class _InAlbum(filters.MessageFilter):
    def filter(self, message: Message) -> bool:
        return message.media_group_id is not None


ALBUM = _InAlbum()
NEW = filters.UpdateType.MESSAGE  # commands and posts act on new messages only, never edits
PRIVATE = filters.ChatType.PRIVATE
GROUPS = filters.ChatType.GROUPS
TAGGED = (filters.TEXT & filters.Regex(TAG)) | (
    (filters.PHOTO | filters.VOICE) & filters.CaptionRegex(TAG)
)

HANDLERS: list[BaseHandler[Update, LinliContext, None]] = [
    CommandHandler(["wish", "complain"], request, filters=NEW),
    CommandHandler("mytickets", my_tickets, filters=NEW),
    CommandHandler("ticket", show_ticket, filters=NEW),
    CommandHandler("open", open_tickets, filters=NEW),
    CommandHandler("cancel", cancel, filters=PRIVATE & NEW),
    # Every group post is checked against these: the filter that fails for ordinary chat
    # comes first, so most posts are turned away by one or two checks.
    MessageHandler(TAGGED & GROUPS & NEW & ~filters.COMMAND, request),
    MessageHandler(
        filters.UpdateType.EDITED_MESSAGE & GROUPS & ~filters.COMMAND & TAGGED, edited_post
    ),
    MessageHandler(
        GROUPS & NEW & ~filters.COMMAND & (filters.REPLY | (filters.PHOTO & ALBUM)),
        group_media,
    ),
    # Everything else in private (a voice note, a location, a sticker...) gets an answer.
    MessageHandler(PRIVATE & NEW & ~filters.COMMAND & ~filters.StatusUpdate.ALL, private_message),
]
