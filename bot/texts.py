"""Every text a resident, moderator or staff member reads, in one place (zh-CN).

Keep them short, warm and plain: many readers are elderly and on a phone. Placeholders are
filled with HTML-escaped values by the code that uses them (see bot.services.messaging.html).
"""

from __future__ import annotations

# Private chat: greeting and menu ------------------------------------------------------------

GREETING = (
    "{name}，您好！我是<b>邻里小助手</b> 🏡\n"
    "想请邻居或社区帮个小忙，或者要投诉、报修，点下面的按钮就行。"
)
HELP = (
    "我能帮您做这些事：\n"
    "· <b>提交微心愿</b>：请志愿者、社区干部帮点小忙\n"
    "· <b>投诉/报修</b>：电梯、漏水、噪音这类问题\n"
    "· <b>我的工单</b>：看看您的事办到哪一步了\n"
    "· <b>接待日</b>：居委会、业委会、物业一起接待大家的日子\n"
    "点下面的按钮就可以开始。"
)
PRIVATE_HINT = "您好！请点下面的按钮，告诉我您想办什么事。"
MENU_WISH = "提交微心愿"
MENU_COMPLAIN = "投诉/报修"
MENU_MINE = "我的工单"
MENU_RECEPTION = "接待日"
MENU_NOT_YET = "这个功能马上开通，请过几天再试。"

# Groups -------------------------------------------------------------------------------------

GROUP_WELCOME = (
    "大家好，我是<b>邻里小助手</b> 🏡\n"
    "以后本群的微心愿、投诉报修和接待日提醒都可以找我。"
    "点 <a href=\"{link}\">这里</a> 和我私聊就能开始。"
)
GROUP_HELP = "我是本群的邻里小助手。有事请点 <a href=\"{link}\">这里</a> 和我私聊。"
NOT_ENABLED = (
    "您好，我是邻里小助手。本群还没有开通我的服务，我先不打扰大家了。"
    "需要开通请联系居委会。"
)
BOUND = "好的，本群已设为居民群，我会在这里为大家服务。"
ALREADY_BOUND = "本群已经是居民群了。"
UNBOUND = "好的，本群不再是居民群，我不会再在这里发消息。"
NOT_BOUND = "本群还不是居民群。"
BIND_NOT_ALLOWED = "抱歉，只有社区工作人员可以设置本群。"
BIND_STAFF_CHAT = "这是工作人员的群，不能设为居民群。"
BIND_ONLY_IN_GROUPS = "请在要设置的群里发送这个命令。"
STAFF_CHAT_HELLO = "您好，我是邻里小助手。这里是工作群，工单、提醒和日报会发到这里。"

# Everywhere ---------------------------------------------------------------------------------

CHAT_ID = "本聊天的 ID：<code>{chat_id}</code>\n您的用户 ID：<code>{user_id}</code>"
PRIVATE_FALLBACK = (
    "{mention}，我想私下告诉您一件事，但您还没有和我私聊过。"
    "请点 <a href=\"{link}\">这里</a> 打开和我的对话。"
)
SORRY = "抱歉，刚才出了点问题，请稍后再试。"
ONLY_STAFF = "抱歉，这个按钮只有社区工作人员能用。"
UNKNOWN_BUTTON = "这个按钮已经失效了，请重新打开菜单。"

# Command menu descriptions (Telegram shows them next to each command) -----------------------

CMD_START = "开始使用"
CMD_HELP = "我能做什么"
CMD_ID = "查看聊天 ID 和用户 ID"
CMD_BIND = "设为居民群（工作人员）"
CMD_UNBIND = "取消居民群（工作人员）"
