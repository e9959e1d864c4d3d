"""Tickets from Telegram: /wish, /complain, #微心愿 / #投诉 / #报修 posts, the private
conversation, staff card buttons, the resident's rating, /mytickets and /ticket."""

from __future__ import annotations

import re

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import texts
from bot.services import Services
from bot.services.messaging import deep_link, html, text_message
from bot.services.tickets import Origin, Person
from handlers.common import answered_prompt
from handlers.start import MENU
from storage.models import TicketKind

TAG = re.compile(r"#(微心愿|投诉|报修)")
COMMAND_TEXT = re.compile(r"^/(\w+)(?:@\w+)?\s*(.*)$", re.DOTALL)
STAFF_BUTTON = re.compile(r"^t:(claim|accept|done|forward|back|reject|to):(\d{1,9})(?::([A-Z]+))?$")
RESIDENT_BUTTON = re.compile(r"^r:(0|1|2|unsolved):(\d{1,9})$")
DRAFT_BUTTON = re.compile(r"^d:(ok|cancel|nophoto|plus1|new):(\d{1,9})(?::(\d{1,9}))?$")
REASON_PROMPT = re.compile(texts.REJECT_REASON_PROMPT)


def person_of(update: Update) -> Person:
    user = update.effective_user
    assert user is not None
    return Person(user.id, user.full_name)


def origin_of(update: Update) -> Origin:
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    in_group = chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)
    return Origin(person_of(update), chat.id, message.message_id, in_group,
                  chat.title if in_group else None)


def parse_request(body: str) -> tuple[TicketKind, str]:
    """'/wish 文本', '/complain 文本', or a post with #微心愿 / #投诉 / #报修 anywhere in it."""
    command = COMMAND_TEXT.match(body)
    if command and command.group(1) in ("wish", "complain"):
        return ("wish" if command.group(1) == "wish" else "complaint"), command.group(2)
    tag = TAG.search(body)
    assert tag is not None, "handlers only route commands and tagged posts here"
    kind: TicketKind = "wish" if tag.group(1) == "微心愿" else "complaint"
    return kind, body[:tag.start()] + body[tag.end():]


def photo_of(message: Message) -> str | None:
    return message.photo[-1].file_id if message.photo else None


def register(application: Application, services: Services) -> None:
    tickets = services.tickets

    async def in_resident_group_or_private(update: Update) -> bool:
        chat = update.effective_chat
        assert chat is not None
        return chat.type == ChatType.PRIVATE or await services.groups.is_resident_group(chat.id)

    async def request(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None
        if not await in_resident_group_or_private(update):
            return
        kind, text = parse_request(message.text or message.caption or "")
        await tickets.request(update.update_id, kind, text, photo_of(message),
                              origin_of(update))

    async def private_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None
        if TAG.search(message.text or message.caption or ""):
            await request(update, context)
            return
        if await tickets.draft_text(update.update_id, person_of(update),
                                    message.text or message.caption or "", photo_of(message)):
            return
        await services.replies.send(update.update_id, text_message(
            message.chat_id, texts.PRIVATE_HINT, buttons=MENU), "hint")

    async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat
        await tickets.cancel_draft(update.update_id, person_of(update), update.effective_chat.id)

    async def send_my_tickets(update: Update, chat_id: int) -> None:
        """The person's own tickets and those they +1'd, or the menu when there are none."""
        listing = await tickets.my_tickets(person_of(update).id)
        reply = text_message(chat_id, listing) if listing else text_message(
            chat_id, texts.MY_TICKETS_EMPTY, buttons=MENU)
        await services.replies.send(update.update_id, reply, "mytickets")

    async def my_tickets(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None
        if message.chat.type != ChatType.PRIVATE:
            if await services.groups.is_resident_group(message.chat_id):
                link = html(deep_link(services.bot_username))
                await services.replies.send(update.update_id, text_message(
                    message.chat_id, texts.MY_TICKETS_IN_GROUP.format(link=link),
                    reply_to=message.message_id), "mytickets")
            return
        await send_my_tickets(update, message.chat_id)

    async def show_ticket(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None
        if message.chat.type != ChatType.PRIVATE and not (
                services.roles.is_staff_chat(message.chat_id)):
            return  # a ticket may name a resident: only in private or in the staff chats
        args = context.args or []
        number = args[0].lstrip("#") if args else ""
        if not number.isdigit() or len(number) > 9:
            view = texts.TICKET_USAGE
        else:
            view = await tickets.view(int(number), person_of(update).id)
        await services.replies.send(update.update_id, text_message(
            message.chat_id, view, reply_to=message.message_id), "ticket")

    async def menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        chat_id = query.message.chat.id
        if query.data == "menu:mine":
            await query.answer()
            await send_my_tickets(update, chat_id)
            return
        kind: TicketKind = "wish" if query.data == "menu:wish" else "complaint"
        await query.answer()
        await tickets.start_draft(update.update_id, person_of(update), kind, chat_id)

    async def staff_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        match = STAFF_BUTTON.match(query.data or "")
        assert match is not None
        action, ticket_id, party = match.group(1), int(match.group(2)), match.group(3)
        answer = await tickets.staff_action(update.update_id, person_of(update), action,
                                            ticket_id, party)
        await query.answer(answer, show_alert=answer == texts.ONLY_STAFF)

    async def resident_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        match = RESIDENT_BUTTON.match(query.data or "")
        assert match is not None
        answer = await tickets.resident_answer(
            update.update_id, person_of(update), int(match.group(2)), match.group(1),
            query.message.chat.id, query.message.message_id)
        await query.answer(answer)

    async def draft_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        match = DRAFT_BUTTON.match(query.data or "")
        assert match is not None
        chat = query.message.chat
        answer = await tickets.draft_button(
            update.update_id, person_of(update), match.group(1), int(match.group(2)),
            int(match.group(3)) if match.group(3) else None,
            chat.title if chat.type != ChatType.PRIVATE else None)
        await query.answer(answer)

    async def reason_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        match = answered_prompt(update, context.bot.id, REASON_PROMPT)
        if match is not None:
            assert update.effective_message
            await tickets.reject(update.update_id, person_of(update), int(match.group(1)),
                                 update.effective_message.text or "")

    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    tagged = (filters.TEXT & filters.Regex(TAG)) | (filters.PHOTO & filters.CaptionRegex(TAG))
    application.add_handler(CommandHandler(["wish", "complain"], request))
    application.add_handler(CommandHandler("mytickets", my_tickets))
    application.add_handler(CommandHandler("ticket", show_ticket))
    application.add_handler(CommandHandler("cancel", cancel, filters=private))
    application.add_handler(MessageHandler(groups & ~filters.COMMAND & tagged, request))
    application.add_handler(MessageHandler(
        groups & filters.REPLY & filters.TEXT & ~filters.COMMAND, reason_reply))
    application.add_handler(MessageHandler(
        private & ~filters.COMMAND & (filters.TEXT | filters.PHOTO), private_message))
    application.add_handler(CallbackQueryHandler(menu, pattern=r"^menu:(wish|complain|mine)$"))
    application.add_handler(CallbackQueryHandler(staff_button, pattern=STAFF_BUTTON))
    application.add_handler(CallbackQueryHandler(resident_button, pattern=RESIDENT_BUTTON))
    application.add_handler(CallbackQueryHandler(draft_button, pattern=DRAFT_BUTTON))
