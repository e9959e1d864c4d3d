"""Groups: the bot added or removed (my_chat_member), /bind, /unbind, /id, group migration."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatMemberStatus
from telegram.ext import BaseHandler, ChatMemberHandler, CommandHandler, MessageHandler, filters

from bot import texts
from bot.services.households import parse_buildings
from bot.services.messaging import text_message
from handlers.common import group_ref
from handlers.context import LinliContext

IN = {
    ChatMemberStatus.MEMBER,
    ChatMemberStatus.ADMINISTRATOR,
    ChatMemberStatus.OWNER,
    ChatMemberStatus.RESTRICTED,
}


async def my_membership(update: Update, context: LinliContext) -> None:
    change = update.my_chat_member
    assert change is not None
    groups = context.services.groups
    old, new = change.old_chat_member.status, change.new_chat_member.status
    chat = group_ref(update)
    if not chat.is_group:
        # In a private chat "kicked" means the person blocked the bot.
        await context.services.people.private_chat_changed(change.from_user.id, new in IN)
        return
    is_admin = new == ChatMemberStatus.ADMINISTRATOR and bool(
        getattr(change.new_chat_member, "can_delete_messages", False)
    )
    by = change.from_user
    if old not in IN and new in IN:
        await groups.bot_added(update.update_id, chat, by.id, is_admin, by.full_name)
    elif old in IN and new not in IN:
        await groups.bot_removed(update.update_id, chat.id, by.id, by.full_name)
    elif new in IN:
        await groups.bot_rights_changed(update.update_id, chat.id, is_admin, by.id, by.full_name)


async def bind(update: Update, context: LinliContext) -> None:
    assert update.effective_user and update.effective_message
    chat = group_ref(update)
    bot_is_admin = False
    if chat.is_group:
        me = await context.bot.get_chat_member(chat.id, context.bot.id)
        bot_is_admin = me.status == ChatMemberStatus.ADMINISTRATOR and bool(
            getattr(me, "can_delete_messages", False)
        )
    # /bind 3号楼,4号楼 ties the group to buildings; /bind <code> names the community.
    buildings = parse_buildings(" ".join(context.args)) if context.args else None
    await context.services.groups.bind(
        update.update_id,
        chat,
        update.effective_user.id,
        update.effective_message.message_id,
        bot_is_admin,
        code=context.args[0].lower() if context.args and not buildings else None,
        buildings=buildings,
        binder_name=update.effective_user.full_name,
    )


async def unbind(update: Update, context: LinliContext) -> None:
    assert update.effective_user and update.effective_message
    await context.services.groups.unbind(
        update.update_id,
        group_ref(update),
        update.effective_user.id,
        update.effective_message.message_id,
    )


async def show_ids(update: Update, context: LinliContext) -> None:
    assert update.effective_user and update.effective_message and update.effective_chat
    text = texts.CHAT_ID.format(chat_id=update.effective_chat.id, user_id=update.effective_user.id)
    await context.services.replies.send(
        update.update_id,
        text_message(update.effective_chat.id, text, reply_to=update.effective_message.message_id),
        "id",
    )


async def migrated(update: Update, context: LinliContext) -> None:
    """A group became a supergroup: Telegram says so in the old chat and in the new one."""
    message = update.effective_message
    assert message is not None
    if message.migrate_to_chat_id:
        old, new = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:
        old, new = message.migrate_from_chat_id, message.chat.id
    else:
        return
    await context.services.groups.migrated(update.update_id, old, new)


async def renamed(update: Update, context: LinliContext) -> None:
    message = update.effective_message
    assert message is not None
    if message.new_chat_title:
        await context.services.groups.renamed(
            update.update_id, message.chat.id, message.new_chat_title
        )


NEW = filters.UpdateType.MESSAGE
HANDLERS: list[BaseHandler[Update, LinliContext, None]] = [
    ChatMemberHandler(my_membership, ChatMemberHandler.MY_CHAT_MEMBER),
    CommandHandler("bind", bind, filters=NEW),
    CommandHandler("unbind", unbind, filters=NEW),
    CommandHandler("id", show_ids, filters=NEW),
    MessageHandler(filters.StatusUpdate.MIGRATE, migrated),
    MessageHandler(filters.StatusUpdate.NEW_CHAT_TITLE, renamed),
]
