"""Groups: the bot added or removed (my_chat_member), /bind, /unbind, /id, group migration."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatMemberStatus
from telegram.ext import Application, ChatMemberHandler, CommandHandler, ContextTypes, filters
from telegram.ext import MessageHandler as TgMessageHandler

from bot import texts
from bot.services import Services
from bot.services.messaging import text_message
from handlers.common import group_ref

IN = {ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER,
      ChatMemberStatus.RESTRICTED}


def register(application: Application, services: Services) -> None:
    async def my_membership(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        change = update.my_chat_member
        assert change is not None
        old, new = change.old_chat_member.status, change.new_chat_member.status
        chat = group_ref(update)
        if not chat.is_group:
            # In a private chat "kicked" means the person blocked the bot.
            await services.people.private_chat_changed(change.from_user.id, new in IN)
            return
        is_admin = new == ChatMemberStatus.ADMINISTRATOR and bool(
            getattr(change.new_chat_member, "can_delete_messages", False))
        if old not in IN and new in IN:
            await services.groups.bot_added(update.update_id, chat, change.from_user.id, is_admin)
        elif old in IN and new not in IN:
            await services.groups.bot_removed(update.update_id, chat.id, change.from_user.id)
        elif new in IN:
            await services.groups.bot_rights_changed(update.update_id, chat.id, is_admin,
                                                     change.from_user.id)

    async def bind(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_user and update.effective_message
        chat = group_ref(update)
        bot_is_admin = False
        if chat.is_group:
            me = await context.bot.get_chat_member(chat.id, context.bot.id)
            bot_is_admin = me.status == ChatMemberStatus.ADMINISTRATOR and bool(
                getattr(me, "can_delete_messages", False))
        await services.groups.bind(update.update_id, chat, update.effective_user.id,
                                   update.effective_message.message_id, bot_is_admin)

    async def unbind(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_user and update.effective_message
        await services.groups.unbind(update.update_id, group_ref(update),
                                     update.effective_user.id,
                                     update.effective_message.message_id)

    async def show_ids(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_user and update.effective_message and update.effective_chat
        text = texts.CHAT_ID.format(chat_id=update.effective_chat.id,
                                    user_id=update.effective_user.id)
        await services.replies.send(update.update_id, text_message(
            update.effective_chat.id, text, reply_to=update.effective_message.message_id), "id")

    async def migrated(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None
        if message.migrate_to_chat_id:
            await services.groups.migrated(update.update_id, message.chat.id,
                                           message.migrate_to_chat_id)

    async def renamed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None
        if message.new_chat_title:
            await services.groups.renamed(update.update_id, message.chat.id,
                                          message.new_chat_title)

    application.add_handler(ChatMemberHandler(my_membership, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_handler(CommandHandler("bind", bind))
    application.add_handler(CommandHandler("unbind", unbind))
    application.add_handler(CommandHandler("id", show_ids))
    application.add_handler(TgMessageHandler(filters.StatusUpdate.MIGRATE, migrated))
    application.add_handler(TgMessageHandler(filters.StatusUpdate.NEW_CHAT_TITLE, renamed))
