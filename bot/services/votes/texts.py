"""What people read about votes (zh-CN): short, warm and plain. Placeholders are filled with
HTML-escaped values."""

from __future__ import annotations

USAGE = (
    "发起投票请这样写：\n"
    "<code>/vote 外墙颜色选哪种？ | 米黄 | 浅灰 | 砖红 | 截止 2026-12-20 18:00</code>\n"
    "可以再加 <code>| 范围 3号楼,5号楼</code>（只请这几栋楼投）和 <code>| 每人一票</code>"
    "（默认每户一票）。\n结束投票：<code>/vote close 1</code>；看投票：<code>/vote</code>"
)
BAD = {
    "question": "请写上要问大家的问题（200字以内）。",
    "options": "请写 2 到 10 个不同的选项，每个不超过 30 个字。",
    "deadline": "请写上截止时间，比如：<code>截止 2026-12-20 18:00</code>。",
    "scope": "范围里的楼号没看明白，请这样写：<code>范围 3号楼,5号楼</code>。",
    "past": "截止时间要在现在之后、90 天之内。",
}
ONLY_STAFF = "抱歉，投票只有工作人员能在工作群里发起和管理。"
STARTED = "🗳 第 {n} 号投票已发出，发到了 {groups} 个居民群。\n{summary}"
STARTED_NO_GROUPS = "🗳 第 {n} 号投票已建好，但还没有可以发的居民群。\n{summary}"
SUMMARY = "<b>{question}</b>\n{options}\n截止：{closes}\n{scope} · {rule}"
SCOPE_ALL = "全体住户"
SCOPE_SOME = "范围：{buildings}"
RULE_HOUSEHOLD = "每户一票"
RULE_PERSON = "每人一票"
ANNOUNCE = (
    "🗳 <b>居民投票</b>（第 {n} 号）\n<b>{question}</b>\n{options}\n"
    "截止：{closes}\n{scope} · {rule}，不记名，谁投了什么谁也看不到。\n"
    "请点下面的按钮，在和我的私聊里投票。还没登记住址的，先在私聊里发 /home 登记。"
)
ANNOUNCE_BUTTON = "去投票"
OPTION_LINE = "{i}. {option}"

BALLOT = "🗳 <b>{question}</b>\n截止：{closes} · {rule}\n请点一个选项："
BALLOT_VOTED = "🗳 <b>{question}</b>\n您已经投过票了，截止（{closes}）前可以点别的选项改投。"
CHECK_BUTTON = "我投了哪项？"
CAST = "已记下您的选择：{option}。截止前还可以改。"
CHANGED = "已改成：{option}。"
SAME = "您投的就是：{option}。"
YOURS = "您投的是：{option}。只有您自己能看到。"
NOT_YET = "您还没有投票。"
HOUSEHOLD_VOTED = "您家已经投过票了，一户只能投一票。"
NO_HOME = "参加投票要先登记住址：请发 /home 加上您家的楼号门牌号，比如 /home 3号楼502。"
NOT_VERIFIED = "您登记的住址还在等工作人员确认，确认后就可以投票了。"
REJECTED = "抱歉，您登记的住址没有通过确认，不能参加这次投票。如有疑问请联系居委会。"
OUT_OF_SCOPE = "这次投票只请{buildings}的住户参加，您家不在范围内。谢谢您的关心！"
OTHER_COMMUNITY = "这次投票不是您所在社区的，您不能参加。"
CLOSED = "这次投票已经结束了，谢谢您的关心！"
UNKNOWN = "没有找到这个投票。"
KEY_CHANGED = "这次投票暂时不能投，请联系工作人员。"

LIST_TITLE = "🗳 <b>投票</b>"
LIST_EMPTY = "还没有投票。发起投票：\n" + USAGE
LIST_OPEN = "第 {n} 号 · 进行中，截止 {closes}\n<b>{question}</b>\n投票率 {turnout}\n{buildings}"
LIST_CLOSED = "第 {n} 号 · 已结束（{closed}）\n<b>{question}</b>\n{winner}"
TURNOUT = "{voted}/{eligible} {unit}（{share}）"
BUILDING_TURNOUT = "· {building}：{voted}/{eligible}"
UNIT_HOUSEHOLD = "户"
UNIT_PERSON = "人"

CLOSE_UNKNOWN = "没有找到第 {n} 号投票。"
CLOSE_ALREADY = "第 {n} 号投票已经结束了，结果不会再变。"
CLOSE_OTHER = "第 {n} 号投票不是本社区的。"

RESULT = (
    "🗳 <b>投票结果</b>（第 {n} 号）\n<b>{question}</b>\n{lines}\n"
    "共 {voted} {unit}投票，投票率 {turnout}。{ending}"
)
RESULT_LINE = "{option}：{count} 票（{share}）"
RESULT_ENDED_DEADLINE = "已于 {closed} 截止。"
RESULT_ENDED_EARLY = "工作人员于 {closed} 结束了投票。"
RESULT_THANKS = "谢谢大家参与！"
RESULT_NONE = "没有人投票。"
CHART_TITLE = "第 {n} 号投票结果"
CHART_AXIS = "票数"
