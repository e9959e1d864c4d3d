"""Screening from Telegram: every resident's post in a resident group goes to the screen, and
/modstats. Review-card presses are in handlers/buttons.py, clarification replies are prompt
answers (handlers/tickets.py)."""

from __future__ import annotations

from telegram import Message, MessageOriginChannel, Update
from telegram.constants import MessageEntityType
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from bot.services.messaging import text_message
from bot.services.people import Person
from bot.services.screening import Post
from handlers.context import LinliContext, person_of

# A handler group of its own: screening looks at every post, whatever else handled it.
SCREEN_GROUP = 1


async def screen(update: Update, context: LinliContext) -> None:
    """Every post and every edit in a group: an edit can turn a post into a rumour, and a post
    made as a channel is as public as anyone's. Only the group's own voices are not screened:
    its anonymous admins (posting as the group itself) and the posts of the channel its owner
    linked to it, which Telegram forwards into the group automatically."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None
    sender_chat = message.sender_chat
    if sender_chat is not None:
        if sender_chat.id == message.chat_id or message.is_automatic_forward:
            return  # the group's anonymous admins or its linked channel: they speak for it
        author = Person(sender_chat.id, sender_chat.title or sender_chat.username or "频道")
        is_bot = False
    elif user is not None:
        author, is_bot = person_of(update), user.is_bot
    else:
        return  # Telegram names the sender of every group post; nothing to screen without
    # Commands too: "/help 内部消息……" shows in the group like any post (a bare command
    # reads as nothing to the screen).
    text = shown_text(message)
    await context.services.screening.screen_post(
        Post(
            update_id=update.update_id,
            chat_id=message.chat_id,
            chat_title=message.chat.title,
            message_id=message.message_id,
            author=author,
            text=text,
            forwarded_from_channel=isinstance(message.forward_origin, MessageOriginChannel),
            author_is_bot=is_bot,
            edited=update.edited_message is not None,
            sent_at=message.date,
        )
    )


def shown_text(message: Message) -> str:
    """Everything a post shows the group in words: its text or caption, the links hidden
    behind its words (text_link), a poll's question and options, a venue's name and address,
    the words it quotes from another chat, and the URL buttons a forwarded post carries. A
    rumour or a scam link in any of them is in the group as much as one typed out."""
    parts = [message.text or message.caption or ""]
    for entity in (*message.entities, *message.caption_entities):
        if entity.type == MessageEntityType.TEXT_LINK and entity.url:
            parts.append(entity.url)
    if message.poll is not None:
        parts.append(message.poll.question)
        parts += [option.text for option in message.poll.options]
    if message.venue is not None:
        parts += [message.venue.title, message.venue.address]
    if message.external_reply is not None and message.quote is not None:
        parts.append(message.quote.text)  # a post quoted here from a chat not screened
    if message.reply_markup is not None:
        for row in message.reply_markup.inline_keyboard:
            parts += [f"{button.text} {button.url}" for button in row if button.url]
    return "\n".join(p for p in parts if p)


async def modstats(update: Update, context: LinliContext) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    services = context.services
    figures = await services.screening.stats(user.id, message.chat_id)
    if figures is not None:
        await services.replies.send(
            update.update_id,
            text_message(message.chat_id, figures, reply_to=message.message_id),
            "modstats",
        )


SCREENED = (
    filters.ChatType.GROUPS
    & (filters.UpdateType.MESSAGE | filters.UpdateType.EDITED_MESSAGE)
    & (filters.TEXT | filters.CAPTION | filters.POLL | filters.VENUE)
)
HANDLERS: list[BaseHandler[Update, LinliContext, None]] = [
    CommandHandler("modstats", modstats, filters=filters.UpdateType.MESSAGE),
]
SCREEN_HANDLERS: list[BaseHandler[Update, LinliContext, None]] = [
    MessageHandler(SCREENED, screen),
]
