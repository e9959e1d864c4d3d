"""What people read about households (zh-CN): short, warm and plain. Placeholders are filled
with HTML-escaped values."""

from __future__ import annotations

ASK_ADDRESS = (
    "请告诉我您家的楼号和门牌号，比如：<b>3号楼502</b>，"
    "有单元的写上单元，比如：<b>3号楼2单元502</b>。"
)
ADDRESS_PLACEHOLDER = "3号楼502"
CURRENT = "您现在登记的住址是 <b>{home}</b>{status}。"
CURRENT_STATUS = {
    "unconfirmed": "",
    "pending": "（等工作人员确认）",
    "confirmed": "（已确认）",
    "rejected": "（工作人员没能确认）",
}
NOT_UNDERSTOOD = (
    "抱歉，我没看明白这个地址。请这样写：<b>/home 3号楼502</b>，"
    "有单元的写：<b>/home 3号楼2单元502</b>。"
)
FLOOR_OR_BUILDING = "“{text}”里的“楼”是楼号还是楼层呢？请写清楚楼号，比如：<b>/home 3号楼502</b>。"
CONFIRM = "您家是 <b>{home}</b>，对吗？"
BUTTON_OK = "对，就是这里"
BUTTON_AGAIN = "不对，重新填"
REGISTERED = "好的，已登记您家：<b>{home}</b>。以后有投票，您就可以参加了。"
REGISTERED_PENDING = (
    "好的，已登记您家：<b>{home}</b>。工作人员确认后，您就可以参加投票了，确认了我会告诉您。"
)
CHANGE_HINT = "地址要改，发 /home 新地址；不想登记了，发 /home 删除。"
REMOVED = "好的，已删除您的住址登记。"
NOTHING_TO_REMOVE = "您还没有登记住址。"
IN_GROUP = '住址请在私聊里告诉我，别人看不到。点 <a href="{link}">这里</a> 和我私聊。'
STALE = "这个问题已经过期了，请重新发 /home。"

CARD = "🏠 <b>住户登记待确认</b>\n{home}：{name}\n这户登记的第 {n} 位"
CARD_OK = "确认"
CARD_NO = "不是本户"
CARD_CONFIRMED = "🏠 {home}：{name}\n✅ 已确认（{staff}）"
CARD_REJECTED = "🏠 {home}：{name}\n❌ 没有确认（{staff}）"
CARD_GONE = "🏠 {home}\n这条登记已经改了或删除了。"
TOLD_CONFIRMED = "您登记的住址 <b>{home}</b> 已经确认，可以参加投票了。"
TOLD_REJECTED = "抱歉，工作人员没能确认您登记的住址 <b>{home}</b>。如有疑问，请联系居委会。"
ANSWER_CONFIRMED = "已确认"
ANSWER_REJECTED = "已记下：不是本户"

REGISTER_TITLE = "🏠 <b>{building}住户登记</b>（{households} 户，{people} 人）"
REGISTER_LINE = "{room}：{members} 人{note}"
REGISTER_NOTE_PENDING = "（{n} 人待确认）"
REGISTER_NOTE_REJECTED = "（{n} 人未确认）"
REGISTER_EMPTY = "{building}还没有人登记住址。"
REGISTER_USAGE = "请写上楼号，比如：/homes 3号楼"
REGISTER_ONLY_STAFF = "抱歉，住户登记只有工作人员能看。"

GROUP_TIED = "本群对应{buildings}：只请这几栋楼参加的投票会发到这里。"
