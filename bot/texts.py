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
MENU_HOME = "登记住址"
ASK_HOME_ONCE = "方便的话，告诉我您住哪栋楼哪一户，工作人员上门更方便（不填也行）。"
CARD_HOME = "　住址：{home}"

# Groups -------------------------------------------------------------------------------------

GROUP_WELCOME = (
    "大家好，我是<b>邻里小助手</b> 🏡\n"
    "以后本群的微心愿、投诉报修和接待日提醒都可以找我。"
    '点 <a href="{link}">这里</a> 和我私聊就能开始。'
)
GROUP_HELP = '我是本群的邻里小助手。有事请点 <a href="{link}">这里</a> 和我私聊。'
NOT_ENABLED = (
    "您好，我是邻里小助手。本群还没有开通我的服务，我先不打扰大家了。需要开通请联系居委会。"
)
BOUND = (
    "好的，本群已设为居民群："
    "大家发 #投诉、#报修、#微心愿 就能找我办事，我也会提醒接待日、撤下不实消息。"
)
ALREADY_BOUND = "本群已经是居民群了。"
UNBOUND = "好的，本群不再是居民群，我不会再在这里发消息。"
NOT_BOUND = "本群还不是居民群。"
BIND_NOT_ALLOWED = "抱歉，只有社区工作人员可以设置本群。"
BOUND_IN = (
    "好的，本群已设为{name}的居民群："
    "大家发 #投诉、#报修、#微心愿 就能找我办事，我也会提醒接待日、撤下不实消息。"
)
BIND_WHICH = "本群属于哪个社区？请工作人员发送：\n{choices}"
BIND_CHOICE = "/bind {code}（{name}）"
BIND_NOT_YOURS = "抱歉，您不是{name}的工作人员，不能把本群设为该社区的居民群。"
BIND_STAFF_CHAT = "这是工作人员的群，不能设为居民群。"
BIND_ONLY_IN_GROUPS = "请在要设置的群里发送这个命令。"
STAFF_CHAT_HELLO = "您好，我是邻里小助手。这里是工作群，工单、提醒和日报会发到这里。"
BIND_MAKE_ADMIN = "{mention}，请把我设为本群管理员（允许删除消息），这样我才能撤下谣言。"
# Group life, told to the committee.
GROUP_ADDED_BY_OTHER = (
    "🔔 {who} 把我加进了群「{title}」，但 TA 不是工作人员，所以我还没开通。"
    "要在该群开通，请点下面的按钮。"
)
BTN_ENABLE_GROUP = "在该群开通"
GROUP_ENABLED_BY = "\n✅ {who} 已在该群开通。"
ANSWER_GROUP_ENABLED = "已在该群开通"
ANSWER_GROUP_ALREADY = "该群已经开通了"
GROUP_REMOVED = (
    "⚠️ {who} 把我移出了居民群「{title}」，该群以后收不到提醒。如是误操作，请把我加回去。"
)
GROUP_LOST_ADMIN = (
    "⚠️ 我在居民群「{title}」不能删消息了（{who} 改了我的权限），确认的谣言将删不掉。"
    "请把我设为管理员并允许删除消息。"
)
GROUP_LACKS_ADMIN = (
    "⚠️ 居民群「{title}」已开通，但我还不是能删消息的管理员，确认的谣言删不掉。请把我设为管理员。"
)
GROUP_UNTITLED = "（无名群）"

# Everywhere ---------------------------------------------------------------------------------

CHAT_ID = "本聊天的 ID：<code>{chat_id}</code>\n您的用户 ID：<code>{user_id}</code>"
PRIVATE_FALLBACK = (
    "{mention}，我想私下告诉您一件事，但您还没有和我私聊过。"
    '请点 <a href="{link}">这里</a> 打开和我的对话。'
)
SORRY = "抱歉，刚才出了点问题，请稍后再试。"
TRY_LATER = "抱歉，系统有点忙，刚才这条没能记下，请稍后再试。"
ONLY_STAFF = "抱歉，这个按钮只有社区工作人员能用。"
NOT_RECORDED_YET = "这条消息还在发送中，请过几秒再按一次。"
UNKNOWN_BUTTON = "这个按钮已经失效了，请重新打开菜单。"  # also: pressed outside its place

# Command menu descriptions (Telegram shows them next to each command) -----------------------

CMD_START = "开始使用"
CMD_HELP = "我能做什么"
CMD_ID = "查看聊天 ID 和用户 ID"
CMD_BIND = "设为居民群（工作人员）"
CMD_UNBIND = "取消居民群（工作人员）"
CMD_WISH = "提交微心愿，例如 /wish 想请人换个灯泡"
CMD_COMPLAIN = "投诉或报修，例如 /complain 电梯坏了"
CMD_MYTICKETS = "我的工单"
CMD_CANCEL = "取消正在填写的内容"
CMD_TICKET = "查看工单，例如 /ticket 42"

# Tickets: words of the contract --------------------------------------------------------------

KIND = {"wish": "微心愿", "complaint": "投诉/报修"}
STATUS = {
    ("wish", "new"): "待认领",
    ("wish", "in_progress"): "已认领",
    ("wish", "done"): "已完成",
    ("complaint", "new"): "待受理",
    ("complaint", "in_progress"): "处理中",
    ("complaint", "done"): "已办结",
}
STATUS_RATED = "已评价"
STATUS_REJECTED = "不予受理"
OVERDUE_FLAG = "已超时"
BTN_CLAIM = "认领"
BTN_ACCEPT = "受理"
BTN_DONE = "完成"
BTN_FORWARD = "转派"
BTN_REJECT = "不予受理"
BTN_BACK = "返回"
# What the stored codes read as.
PARTY = {"property": "物业", "owners": "业委会", "residents": "居委会", "street": "街道"}
RATING = {"satisfied": "满意", "fair": "基本满意", "unsatisfied": "不满意"}
BTN_UNSOLVED = "未解决"
BTN_PLUS_ONE = "+1 到 #{n}"
BTN_CREATE_ANYWAY = "仍然新建"
BTN_SUBMIT = "确认提交"
BTN_EDIT = "修改"
BTN_NO_PHOTO = "不加照片"
BTN_CANCEL = "取消"

# Tickets: intake ------------------------------------------------------------------------------

ASK_TEXT = {
    "wish": "请写下您的微心愿，比如：想请人帮忙换个灯泡。直接发文字给我就行。",
    "complaint": "请说说遇到了什么问题，比如：3号楼电梯坏了。直接发文字给我就行。",
}
ASK_TEXT_IN_GROUP = "请在 {tag} 后面写上具体内容，比如：{tag} {example}"
EXAMPLE = {"wish": "想请人教孩子下围棋", "complaint": "3号楼电梯坏了"}
TOO_LONG = "内容有点长（最多 {limit} 个字），请简短一些再发一次。"
ASK_TEXT_AGAIN = "好的，请重新写一下内容，直接发文字给我就行。"
ASK_PHOTO = "要不要加一张照片？直接发照片给我，或者点「不加照片」。"
CONFIRM_DRAFT = "请确认您的{kind}：\n{text}{photo}\n\n没问题就点「确认提交」。"
CONFIRM_PHOTO_NOTE = "\n（附照片一张）"
DRAFT_CANCELLED = "好的，已经取消了。需要时随时找我。"
NOTHING_TO_CANCEL = "现在没有要取消的事。"
DRAFT_GONE = "这份内容已经提交或取消了。"
NOT_YOURS = "这个按钮是给提交人用的。"
DUPLICATE_OFFER = (
    "已经有邻居反映过类似的问题：<b>#{n}</b>（{category} · {status}）。\n"
    "点「+1」一起跟进，办理进度会同样通知您；不是同一件事就点「仍然新建」。"
)
DUPLICATE_ASKED_IN_PRIVATE = "{name}，收到！好像已经有邻居反映过类似的问题，我私信问您一下。"
QUOTA_TOAST = "这一小时提交得太多了，请稍后再提交"
QUOTA_REACHED = "您这一小时已经提交了 {n} 件，先等等处理结果吧。急事请直接打电话给居委会或物业。"
FOLLOWING = "好的，已把您加到 <b>#{n}</b>，有进展会一起通知您。"

ACK_PRIVATE = (
    "已收到您的{kind} <b>#{n}</b>\n"
    "内容：{text}\n"
    "由{party}办理{category}，预计 {due} 前处理。有进展我会马上告诉您。"
)
ACK_CATEGORY = "（{category}）"
ACK_GROUP = "{name}，收到！已登记为 <b>#{n}</b>（{about}），办理进度会私信告诉您。"
ACK_GROUP_WITH_LINK = (
    "{name}，收到！已登记为 <b>#{n}</b>（{about}）。"
    '想收到办理进度，请点 <a href="{link}">这里</a> 和我私聊。'
)

# Tickets: voice, albums, locations, anything else ------------------------------------------

ASK_KIND = "要帮您登记吗？请选一下是哪一类：\n{text}"
ASK_KIND_VOICE = "已收到您的语音。请选一下是哪一类："
ASK_KIND_LOCATION = "收到您发的位置。要登记一件事吗？请选一下是哪一类："
ASK_KIND_PHOTO = "收到您的照片。要登记一件事吗？请选一下是哪一类："
BTN_KIND_COMPLAINT = "投诉/报修"
BTN_KIND_WISH = "微心愿"
BTN_NOT_NOW = "不用了"
NOT_NOW = "好的，不登记。需要时随时找我。"
VOICE_TEXT = "（语音留言 {seconds} 秒）"
VOICE_RECEIVED = "已收到您的语音，工作人员会听。"
VOICE_CARD = "#{n} 的语音"
LOCATION_RECEIVED = "收到位置，已经加上了。"
CARD_LOCATION = "#{n} 的位置"
CARD_MORE_PHOTO = "#{n} 的照片（补充）"
UNSUPPORTED = "抱歉，这个我看不懂。我能收文字、语音、照片和位置，直接发给我就行。"
STALE_DRAFT = "您上次写了一半的{kind}还没提交：\n「{text}」\n要接着上次的写，还是重新开始？"
STALE_EMPTY = "（还没写内容）"
BTN_RESUME = "接着上次的"
BTN_FRESH = "重新开始"
CONFIRM_ALBUM_NOTE = "\n（附照片）"
CONFIRM_PHOTOS_NOTE = "\n（附照片 {n} 张）"
CONFIRM_VOICE_NOTE = "\n（附语音 {n} 条）"
CONFIRM_LOCATION_NOTE = "\n（附位置）"

# Tickets: two-way notes ---------------------------------------------------------------------

BTN_ADD = "补充"
ASK_ADDITION = "请直接发文字、照片或语音给我，我会补充到 <b>#{n}</b>。"
ADDED = "好的，已补充到 <b>#{n}</b>，工作人员会看到。"
ADDED_FOR_STAFF = "📎 <b>#{n}</b> 居民补充：{text}"
ADDED_NO_TEXT = "（见照片/语音）"
NOTIFY_NOTE = "<b>#{n}</b> 进展：{note}"
NOTIFY_NOTE_FOLLOWER = "您跟进的工单 <b>#{n}</b> 有新进展。"
NOTE_PHOTO = "<b>#{n}</b> 进展照片"
NOTE_SENT = "已告诉居民"
DONE_NOTE = "\n说明：{note}"
CARD_NOTE = "\n最新进展：{note}"
CARD_REPLY_HINT = "\n（回复这张卡片，反映人会收到您写的进展）"
NOTE_NOT_YOURS = "抱歉，这个工单不归您所在的工作群办理。"
TICKET_CLOSED_FOR_NOTES = "这个工单已经结束了，不能再补充。有新情况请重新提交。"
DONE_WORDS = ("完成", "已完成", "办结", "已办结")

# Tickets: after 不满意 --------------------------------------------------------------------------

ASK_WHY = "谢谢您告诉我们。哪里不满意？点一下，或者直接写几个字发给我："
WHY = {"slow": "办得太慢", "poor": "没办好", "manner": "态度不好", "write": "我来写"}
WHY_WRITE = "好的，请直接写几个字发给我。"
WHY_THANKS = "谢谢，已经转告社区，会有人跟进。"
UNSATISFIED_FOR_STAFF = "😟 <b>#{n}</b> 居民评价：不满意{why}"
UNSATISFIED_WHY = "\n原因：{why}"

# Volunteers (VOLUNTEER_CHAT_ID) ------------------------------------------------------------------

VOLUNTEER_CHAT_HELLO = (
    "大家好，我是邻里小助手 🏡 这里是志愿者群：居民的微心愿会发到这里，"
    "谁能帮忙就点「认领」，我会把联系方式私信给您。"
)
BIND_VOLUNTEER_CHAT = "这是志愿者群，不能设为居民群。"
VOLUNTEER_CARD = "🙋 <b>微心愿 #{n}</b>\n「{text}」{where}\n哪位志愿者能帮忙，请点「认领」。"
VOLUNTEER_WHERE = "\n地点：{building}"
VOLUNTEER_CLAIMED = "\n✅ 已由{name}认领，谢谢！"
VOLUNTEER_TAKEN_BY_STAFF = "🙋 微心愿 <b>#{n}</b> 已由社区工作人员认领，谢谢大家！"
VOLUNTEER_TAKEN = "这个微心愿已经有人认领了，谢谢您！"
ONLY_VOLUNTEERS = "抱歉，只有志愿者群的成员可以认领。"
ANSWER_VOLUNTEER_CLAIMED = "谢谢您！联系方式已私信发给您"
VOLUNTEER_DETAILS = (
    "谢谢您认领微心愿 <b>#{n}</b>！\n「{text}」\n居民：{resident}{home}\n"
    "点居民的名字就能私聊联系。办好后请点「完成」。"
)
VOLUNTEER_HOME = "（{home}）"
VOLUNTEER_THANKS = "谢谢您！微心愿 <b>#{n}</b> 已完成，正在请居民评价。"
VOLUNTEERS_TITLE = "🙋 <b>{month}月志愿服务</b>（完成的微心愿）"
VOLUNTEERS_LINE = "· {name}：{n} 次"
VOLUNTEERS_NONE = "这个月还没有志愿者完成的微心愿。"
VOLUNTEERS_ONLY_STAFF = "抱歉，志愿服务统计只给社区工作人员看。"
CMD_VOLUNTEERS = "本月志愿服务"

# Tickets: emergencies -------------------------------------------------------------------------

EMERGENCY_CALL = "🚨 <b>情况紧急请先打电话！</b>\n{contacts}\n我们也已经通知工作人员马上处理。"
EMERGENCY_CONTACT_LINE = "· {name}：<b>{number}</b>"
CARD_URGENT = "🚨 <b>紧急</b> "
URGENT_ESCALATION = (
    "🚨 <b>紧急工单 #{n} 还没人受理</b>（已过 {minutes} 分钟）\n"
    "「{text}」\n请马上处理，并点卡片上的「受理」。"
)

# Tickets: hearing back in the group when the private chat is closed --------------------------

GROUP_NOTICE = '<b>#{n}</b> {step}，详情请点 <a href="{link}">这里</a> 查看。'
GROUP_NOTICE_RATE = '<b>#{n}</b> {step}，请点 <a href="{link}">这里</a> 评价。'
STEP = {
    "accepted": "已受理",
    "claimed": "有人认领了",
    "done": "已办结",
    "wish_done": "已完成",
    "forwarded": "已转交办理",
    "rejected": "不予受理",
    "reopened": "已重新打开",
    "noted": "有新进展",
}

# Tickets: updates to the resident ------------------------------------------------------------

NOTIFY_CLAIMED = "您的微心愿 <b>#{n}</b> 有人认领了：{staff}会来帮您。"
NOTIFY_ACCEPTED = "您的工单 <b>#{n}</b> 已受理，{party}正在处理。"
NOTIFY_DONE = (
    "您的{kind} <b>#{n}</b> {status}。\n"
    "请您评价一下：满意、基本满意，还是不满意？\n"
    "要是{what}，请点最下面的「未解决」，我们接着办。"
)
NOTIFY_DONE_WHAT = {"wish": "事情还没办成", "complaint": "问题其实还没解决"}
NOTIFY_DONE_FOLLOWER = "您跟进的工单 <b>#{n}</b> {status}。"
NOTIFY_FORWARDED = "您的工单 <b>#{n}</b> 已转交{party}办理。"
NOTIFY_REJECTED = "很抱歉，您的工单 <b>#{n}</b> 不予受理。\n原因：{reason}"
NOTIFY_REJECTED_FOLLOWER = "您跟进的工单 <b>#{n}</b> 不予受理。"
NOTIFY_REOPENED = "好的，<b>#{n}</b> 已重新打开，我们会继续处理。"
RATED = "谢谢您的评价：{rating}"
RATED_ALREADY = "您已经评价过了，谢谢！"

# Tickets: staff ------------------------------------------------------------------------------

CARD = (
    "{icon} <b>#{n}</b> {kind}{category} · {party}\n"
    "「{text}」\n"
    "反映人：{reporter}（{where}）{followers}\n"
    "提交：{created}　期限：{due}\n"
    "状态：<b>{status}</b>{who}{flag}"
)
CARD_REASON = "\n原因：{reason}"
CARD_ASSIGNEE = "（{name}）"
CARD_RATING = "　评价：{rating}"
CARD_OVERDUE = "　⏰{flag}"
CARD_FOLLOWERS = "，另有 {count} 位居民 +1"
CARD_PHOTO = "#{n} 的照片"
CARD_FORWARDED_AWAY = "\n已转派给{party}"
CARD_CHOOSE_PARTY = "\n请选择转派给："
CARD_PARTY_CHAT_REFUSED = (
    "\n⚠️ {party}的工作群收不到卡片（机器人不在群里），先发到这里，请把机器人加回该群。"
)
ASK_REJECT_REASON = "请回复这条消息，写上不予受理 #{n} 的原因（居民会看到）。"
REJECT_REASON_PLACEHOLDER = "不予受理的原因"
REOPENED_FOR_STAFF = "🔁 <b>#{n}</b> 居民反映问题未解决，已重新打开，请继续处理。"
ESCALATION = (
    "⏰ 超时提醒：<b>#{n}</b> {kind} · {category} · {party}\n期限 {due}，现在{status}。请尽快处理。"
)
ANSWER_DONE = "已处理"
ANSWER_CLAIMED = "已认领"
ANSWER_ACCEPTED = "已受理"
ANSWER_FINISHED = "已完成，正在请居民评价"
ANSWER_FORWARDED = "已转派给{party}"
ANSWER_CHOOSE_PARTY = "请选择转派给谁"
ANSWER_BACK = "已返回"
ANSWER_REPLY_REASON = "请回复原因"
ANSWER_STALE = "这个工单现在是「{status}」，按钮已过期。"
WHERE_PRIVATE = "私聊"
ANSWER_FORWARDED_ASK = "已转派给{party}，可回复写原因"
ASK_FORWARD_REASON = "<b>#{n}</b> 已转派给{party}。想写转派原因，请回复这条消息（不写也行）。"
FORWARD_REASON_PLACEHOLDER = "转派原因（可不写）"
FORWARD_REASON_SAVED = "好的，<b>#{n}</b> 的卡片上已写明转派原因。"
CARD_FORWARDED = "\n↪️ {by}从{party}转派过来{reason}"
CARD_FORWARD_REASON = "，原因：{reason}"
CARD_FORWARDED_AWAY_BY = "\n{by}已转派给{party}"
CARD_REPOSTED_AWAY = "\n（这张卡片已重新发出，请用新的那张）"
BTN_REPOST = "重新发卡片"
ANSWER_REPOSTED = "卡片已重新发出"

# Tickets: worklists (/open) -----------------------------------------------------------------

OPEN_TITLE_ALL = "<b>未办结的工单</b>（{count} 件）"
OPEN_TITLE_PARTY = "<b>{party}未办结的工单</b>（{count} 件）"
OPEN_TITLE_MINE = "<b>我经手的未办结工单</b>（{count} 件）"
OPEN_PAGE = "　第 {page}/{pages} 页"
OPEN_LINE = "{flag}<b>#{n}</b> {category} · {party} · {status}{assignee} · {age}"
OPEN_ASSIGNEE = "（{name}）"
OPEN_OVERDUE = "⏰"
OPEN_URGENT = "🚨"
OPEN_HINT = "\n点编号，在本群重新发出那张卡片。"
OPEN_EMPTY = "没有未办结的工单 👍"
OPEN_MINE_EMPTY = "您手上没有未办结的工单。"
OPEN_ONLY_STAFF_CHATS = "/open 请在工作群里用。"
OPEN_USAGE = "请这样写：/open 或 /open mine"
OPEN_NOT_STAFF = "抱歉，只有本群负责办理工单的工作人员能看。"
BTN_PREV = "上一页"
BTN_NEXT = "下一页"
BTN_TICKET = "#{n}"
ANSWER_PAGE = "第 {page} 页"
AGE_MINUTES = "{n}分钟"
AGE_HOURS = "{n}小时"
AGE_DAYS = "{n}天"

# Tickets: deadlines and the escalation ladder -------------------------------------------------

DEADLINE_SOON_TITLE = "⏳ <b>快到期了</b>（{count} 件）"
DEADLINE_OVERDUE_TITLE = "⏰ <b>超时提醒</b>（{count} 件）"
DEADLINE_STREET_TITLE = "🚩 <b>问题直通车</b>：{community}超时未办（{count} 件）"
DEADLINE_LINE = (
    "<b>#{n}</b> {category} · {party} · {status}{assignee}{step}\n　「{text}」提交已{age}，{when}"
)
DEADLINE_NOBODY = "（还没人接）"
DEADLINE_DUE = "期限 {due}"
DEADLINE_LATE = "已超时{late}"
DEADLINE_STEP = " · 第{step}次提醒"
DEADLINE_FOOT = "\n请尽快处理。"

# Tickets: staff help -------------------------------------------------------------------------

STAFF_HELP = (
    "工作群里可以用：\n"
    "· /open 未办结的工单（本方的；社区工作群里是全部），/open mine 我经手的\n"
    "· /ticket 42 工单和经过，卡片丢了可重新发\n"
    "· 卡片上点 受理（认领）、完成、转派、不予受理；回复卡片写进展，居民会收到\n"
    "· /digest 日报，/report 月报，/export 表格，/rating 三维四色\n"
    "· /reception list 接待日；add 添加，edit 编号 修改，skip 编号 日期 取消一次，del 编号 删除\n"
    "· /vote 居民投票，/homes 3号楼 住户登记，/modstats 审核统计"
)
CMD_OPEN = "未办结的工单（/open mine 我经手的）"

# Tickets: viewing -----------------------------------------------------------------------------

MY_TICKETS_EMPTY = "您还没有提交过微心愿或投诉。点下面的按钮就能提交。"
MY_TICKETS_TITLE = "您的工单："
MY_TICKET_LINE = "<b>#{n}</b> {kind}{category} · <b>{status}</b>\n　{text}"
MY_TICKET_CATEGORY = " · {category}"
STATUS_RATED_AS = "已评价：{rating}"
FOLLOWED_TITLE = "您 +1 跟进的："
FOLLOWED_LINE = "<b>#{n}</b> {category} · <b>{status}</b>"
MY_TICKETS_IN_GROUP = '您的工单只给您自己看，请点 <a href="{link}">这里</a> 私聊我查看。'
TICKET_NOT_FOUND = "没有找到这个工单。"
TICKET_USAGE = "请这样写：/ticket 42"
TICKET_VIEW = (
    "<b>#{n}</b> {kind} · {category} · {party}\n"
    "「{text}」\n"
    "状态：<b>{status}</b>{flag}　期限：{due}"
)
TICKET_VIEW_STAFF_EXTRA = "\n反映人：{reporter}　提交：{created}"
TICKET_LOG_TITLE = "\n经过："
TICKET_LOG_LINE = "{at} {who}{what}"
TICKET_LOG_ACTIONS = {
    "filed": "提交",
    "claimed": "认领",
    "accepted": "受理",
    "done": "完成",
    "rejected": "不予受理",
    "reopened": "居民反映未解决",
    "overdue": "超时",
    "followed": "有居民 +1",
    "edited": "居民修改了内容",
    "noted": "写了进展",
    "added": "居民补充了内容",
    "forward_reason": "写了转派原因",
    "reposted": "重新发了卡片",
    "reminded": "快到期提醒",
    "escalated": "再次超时提醒",
}
TICKET_LOG_FORWARDED = "转派给{party}"
TICKET_LOG_RATED = "评价：{rating}"

# Reception days, meetings and reminders --------------------------------------------------------

RECEPTION_DEFAULT_TITLE = "联合接待日"
RECEPTION_USAGE = (
    "请这样设置：\n"
    "/reception add 规则 时间 地点 [标题]\n"
    "规则可以写：\n"
    "· 每月15日\n"
    "· 每月第一个周六（第二、第三、第四、最后一个也行）\n"
    "· 每周一，或 每周一三五\n"
    "· 某一天：2026-12-20\n"
    '时间写成 09:00-11:00。地点中间有空格就加引号："居委会 一楼 大厅"。\n'
    "例如：/reception add 每月15日 09:00-11:00 居委会一楼 联合接待日\n"
    "加上「内部」只提醒工作群。遇到节假日，每月和某一天的安排顺延到下一个工作日，每周的安排"
    "那一周取消；加上「遇节假日顺延」「遇节假日取消」或「遇节假日照常」可以改。\n"
    "修改：/reception edit 编号 规则 时间 地点 [标题]\n"
    "取消某一次：/reception skip 编号 2026-12-15\n"
    "删除：/reception del 编号"
)
RECEPTION_VERBS = (
    "可以用：/reception add（添加）、list（查看）、edit 编号（修改）、"
    "skip 编号 日期（取消某一次）、del 编号（删除）。发 /reception add 看写法。"
)
RECEPTION_BAD_SCHEDULE = (
    "规则「{word}」看不懂。例如：每月15日（也可以写 每月第一个周六、每周一、2026-12-20）"
)
RECEPTION_BAD_DATE = "没有「{word}」这一天。例如：2026-12-20"
RECEPTION_PAST_DATE = "{date}已经过去了，请写以后的日期。"
RECEPTION_NO_TIME = (
    "请在规则后面写上时间，例如：/reception {verb} {schedule} 09:00-11:00 居委会一楼"
)
RECEPTION_BAD_TIME = "时间「{word}」看不懂。例如：09:00-11:00"
RECEPTION_TIME_ORDER = "时间「{word}」结束得比开始还早。例如：09:00-11:00"
RECEPTION_NO_PLACE = "请在时间后面写上地点，例如：/reception {verb} {schedule} {times} 居委会一楼"
RECEPTION_NO_NUMBER = (
    "请写上安排的编号，例如：/reception {verb} 1 {example}（编号见 /reception list）"
)
RECEPTION_EDIT_EXAMPLE = "每月15日 09:00-11:00 居委会一楼"
RECEPTION_SKIP_EXAMPLE = "2026-12-15"
RECEPTION_EDITED = "好的，已修改 <b>{n}</b> 号安排：{line}\n下一次：{next}"
RECEPTION_SKIP_NO_DATE = "请写上要取消哪一天，例如：/reception skip {n} 2026-12-15"
RECEPTION_SKIP_NOT_ON = "{n} 号安排{date}没有活动。{dates}"
RECEPTION_SKIP_NEXT = "最近几次是：{dates}"
RECEPTION_SKIPPED = "好的，{n} 号安排{date}那一次取消了。{told}"
RECEPTION_SKIPPED_TOLD = "已经提醒过的 {groups} 个群都发了取消通知。"
RECEPTION_SKIPPED_QUIET = "还没有提醒过，到时不会再提醒。"
RECEPTION_SKIPPED_BEFORE = "{n} 号安排{date}那一次已经取消过了。"
RECEPTION_CANCELLED = (
    "📢 通知：原定{date} {weekday} {starts}-{ends}的<b>{title}</b>（{place}）取消了，"
    "请大家不要白跑一趟。{next}"
)
RECEPTION_CANCELLED_NEXT = "\n下一次：{line}"
RECEPTION_CHANGED = "📢 安排有变：<b>{title}</b>改为 {line}"
HOLIDAYS_MISSING = (
    "⚠️ 我还没有 {year} 年的法定节假日安排：{year} 年的接待日不会因节假日顺延，"
    "办理期限也只按周末算。"
    "国务院公布后，请管理员在社区配置文件里给每个假期加一段，然后重启我，例如：\n"
    "<code>[[holidays]]\n"
    'name = "春节"\n'
    'off = "{year}-02-06..{year}-02-13"\n'
    'work = ["{year}-02-14", "{year}-02-20"]</code>\n'
    "（off 是放假的日子，work 是调休上班的日子。）"
)
RECEPTION_ONLY_STAFF = "抱歉，只有社区工作人员可以设置接待日。"
RECEPTION_ADDED = "好的，已添加 <b>{n}</b> 号安排：{line}\n下一次：{next}"
RECEPTION_NO_NEXT = "近期没有"
RECEPTION_DELETED = "好的，已删除 {n} 号安排。"
RECEPTION_NOT_FOUND = "没有找到 {n} 号安排。用 /reception list 看看现有的安排。"
RECEPTION_LIST_TITLE = "现有的安排："
RECEPTION_LIST_EMPTY = (
    "还没有安排。\n例如：/reception add 每月15日 09:00-11:00 居委会一楼 联合接待日"
)
RECEPTION_LIST_MORE = "……还有 {n} 项没有列出，不用的可以用 /reception del 编号 删除。"
RECEPTION_LIST_LINE = "<b>{n}</b>. {line}"
RECEPTION_RULE_LINE = "{schedule} {starts}-{ends} {title} · {place}{flags}"
RECEPTION_STAFF_FLAG = "（内部）"
RECEPTION_POLICY_FLAG = {"shift": "", "skip": "（遇节假日取消）", "keep": "（遇节假日照常）"}
RECEPTION_WEEKLY_SHIFT_FLAG = "（遇节假日顺延）"
UPCOMING_TITLE = "近期安排："
UPCOMING_JOINT = "下一次联合接待日：{line}"
UPCOMING_OTHERS = "其他安排："
UPCOMING_MORE = "……还有 {n} 项安排"
UPCOMING_EMPTY = "最近没有安排接待日。"
UPCOMING_LINE = "· {date} {weekday} {starts}-{ends} <b>{title}</b> · {place}{moved}"
MOVED_NOTE = "（原定{orig}，因{holiday}顺延）"
REMINDER_EVENING = (
    "📅 提醒：明天（{date} {weekday}）{starts}-{ends}{moved}\n<b>{title}</b>\n地点：{place}{who}"
)
REMINDER_BEFORE = "⏰ {lead}开始：今天 {starts}-{ends}{moved}\n<b>{title}</b>\n地点：{place}{who}"
REMINDER_LEAD_HOUR = "一小时后"
REMINDER_LEAD_HOURS = "{hours}小时后"
REMINDER_LEAD_MINUTES = "{minutes}分钟后"
REMINDER_WHO_JOINT = "\n居委会、业委会、物业的工作人员都在，有事可以当面说。"

# The daily digest ---------------------------------------------------------------------------

DIGEST_TITLE = "📋 <b>社区日报 · {date} {weekday}</b>"
DIGEST_TITLE_OF = "📋 <b>{name}日报 · {date} {weekday}</b>"
STREET_DIGEST_TITLE = "🏙 <b>街道日报 · {date} {weekday}</b>"
STREET_DIGEST_LINE = "· {name}：新工单 {new} · 办结 {resolved} · 超时 {overdue} · 满意率 {satisfied} · 待审 {pending}"  # noqa: E501
RATING_TITLE = "【三维四色 · {party}（近 {days} 天）】"
RATING_LINE = (
    "{mark} {name} {score} 分 · 投诉 {rate} 件/百户·月 · 响应 {responsive} · 满意 {satisfied}"
)
RATING_LINE_EMPTY = "⚪ {name} 暂无数据"
RATING_NO_COUNT = "—（未设户数）"
COLOUR_MARK = {"green": "🟢绿", "blue": "🔵蓝", "yellow": "🟡黄", "red": "🔴红"}
STREET_DIGEST_TOTAL = (
    "【合计 {n} 个社区】新工单 {new} · 办结 {resolved} · 超时 {overdue} · 满意率 {satisfied}"
    " · 待审 {pending}"
)
DIGEST_PERIOD = "统计时段：{start} 至 {end}"
DIGEST_NEW = "【新工单】{total} 件"
DIGEST_PARTY_COUNT = "{party} {n} 件"
DIGEST_NEW_LINE = "· {kind}：{parties}"
DIGEST_RESOLVED = "【办结】{n} 件"
DIGEST_RATINGS = "【评价】满意 {good} · 基本满意 {fair} · 不满意 {bad}{average}"
DIGEST_AVERAGE = "，平均 {score} 分（满分 3 分）"
DIGEST_OVERDUE = "【超时未办】{n} 件{items}"
DIGEST_OVERDUE_ITEM = "#{n} 超 {days} 天"
DIGEST_MORE = "，等{n}件"
DIGEST_UNCLAIMED = "【微心愿超 {days} 天没人认领】{n} 件{items}"
DIGEST_FLAGS = (
    "【群消息审核】待审核 {pending} · 确认 {confirmed} · 误报 {dismissed} · 自动处理重复 {hits}"
)
DIGEST_NEXT_RECEPTION = "【下次接待日】{line}"
DIGEST_NO_RECEPTION = "【下次接待日】暂无安排"
DIGEST_ONLY_STAFF = "抱歉，日报只发给社区工作人员。"
DIGEST_TITLE_PARTY = "📋 <b>{party}日报 · {date} {weekday}</b>"
DIGEST_BACKLOG = "【待办】{n} 件{items}"
DIGEST_OLDEST = "【最久未办】#{n}，已 {days} 天"
STAFF_COMMAND_ELSEWHERE = "这个命令请在社区工作群里或私聊我使用，其他群里不显示内部信息。"
CMD_RECEPTION = "近期接待日"
CMD_DIGEST = "现在看日报"

# Screening of group posts (moderators) --------------------------------------------------------

REVIEW_TITLE = {"rumour": "🔎 <b>待审核#{n}</b>：疑似谣言", "ad": "🔎 <b>待审核#{n}</b>：疑似广告"}
REVIEW_CARD = (
    "{title}\n群：{group}\n发送人：{author}\n可疑程度：{score}%　原因：{reasons}\n内容：{text}"
)
REVIEW_PENDING = "\n请核实后选择。确认前不会删除任何消息。"
REVIEW_KEPT_EDITED = "，发送人已修改原消息，未删除"
REVIEW_EDITED = "\n✏️ 发送人已把这条改成：{text}\n（确认时不会删除这条）"
REVIEW_ALSO = "\n另见 {n} 条（{groups}），一次决定对全部有效。"
REVIEW_PIECES = "\n这位居民分 {n} 条发出（上面用「／」隔开），确认会把这 {n} 条都删除。"
REVIEW_PIECES_ONE = "\n这位居民原本分几条发出，其余几条已被发送人改掉，确认只删除上面这一条。"
PIECES_SEPARATOR = " ／ "
REVIEW_NEAREST = "\n与已确认的谣言#{k}相似：{text}{clarification}"
REVIEW_NEAREST_CLARIFICATION = "\n当时的澄清：{text}"
REVIEW_DECIDED = {
    "confirmed": "\n✅ {who} 于 {when} 确认{what}",
    "dismissed": "\n↩️ {who} 于 {when} 判定为误报，已放行",
    "checking": "\n⏳ {who} 于 {when} 标记为需核实",
}
REVIEW_WHAT = {"rumour": "为谣言", "ad": "为广告"}
REVIEW_DELETED = "，消息已删除"
REVIEW_NOT_DELETED = "，但机器人不是该群管理员，<b>消息未删除</b>，请群主手动删除"
BTN_CONFIRM = {"rumour": "确认谣言", "ad": "确认广告"}
BTN_DISMISS = "误报/放行"
BTN_CHECK = "需核实"
BTN_UNDO = "撤销确认"
CHECK_HANDED = "，已转社区工作群核实"
CHECK_SAME_CHAT = "（本群就是社区工作群：请向相关单位核实后，在这张卡片上选择）"
UNDO_TOO_LATE = "已经超过 {minutes} 分钟，不能撤销了。"
UNDONE = "\n↩️ {who} 撤销了确认，请重新判断。已删除的群消息无法恢复。"
ANSWER_UNDONE = "已撤销确认"
CHECK_CARD = (
    "📮 <b>请帮忙核实</b>（审核#{n}）\n"
    "群里有一条说法，管理员拿不准，请向相关单位核实后在下面选择：\n"
    "群：{group}\n"
    "原因：{reasons}\n"
    "内容：{text}"
)
ONLY_MODERATORS = "抱歉，只有群管理员（审核员）能做这个决定。"
ANSWER_ALREADY_DECIDED = "这条已经处理过了。"
ASK_CLARIFICATION = (
    "谣言#{k} 已记下。请<b>回复这条消息</b>写一句澄清"
    "（例如“经向自来水公司核实，近期没有停水计划”），"
    "以后有人再发同样的说法，我会直接用它回复。"
)
CLARIFICATION_PLACEHOLDER = "澄清内容"
CLARIFICATION_SAVED = "已保存谣言#{k}的澄清，再有人发同样的说法会自动回复。"
GROUP_RUMOUR_REMOVED = (
    "📢 管理员核实，刚才群里的一条消息内容不实，已经移除。"
    "请以居委会、物业的正式通知为准，不信谣、不传谣，谢谢大家。"
)
GROUP_RUMOUR_NOT_REMOVED = (
    "📢 管理员核实，这条消息内容不实，请大家不要转发。请以居委会、物业的正式通知为准，谢谢大家。"
)
GROUP_CLARIFICATION = "📢 关于刚才的不实消息，社区澄清：{clarification}"
KNOWN_RUMOUR_REPLY = "📢 这条说法之前已经核实过，内容不实{removed}。\n社区澄清：{clarification}"
KNOWN_RUMOUR_REMOVED = "，已移除"
KNOWN_RUMOUR_NO_CLARIFICATION = "请以居委会、物业的正式通知为准，不信谣、不传谣。"
GROUP_AD_REMOVED = "一条广告已被管理员移除。本群是邻里交流群，请不要发广告，谢谢。"
KNOWN_LOG = {
    "rumour": "🤖 {group} {author} 的消息与已确认谣言#{k}相同，{done}。",
    "ad": "🤖 {group} {author} 的消息与已确认广告#{k}相同，{done}。",
}
KNOWN_LOG_DELETED = "已自动删除并回复澄清"
KNOWN_LOG_AD_DELETED = "已自动删除"
KNOWN_LOG_ANSWERED = "机器人不是该群管理员，只回复了澄清"
KNOWN_LOG_AD_KEPT = "机器人不是该群管理员，未能删除"
MUTED_LOG = "🔇 {author} 已第 {n} 次发广告，已在{group}禁言 {hours} 小时（不会踢出）。"
MUTED_CHANNEL_LOG = (
    "🔇 频道「{author}」已第 {n} 次发广告，已禁止它在{group}发言，管理员解除前一直有效。"
)
PENDING_AGAIN = "⏳ 有 {n} 条群消息等待审核超过一天了，卡片重新发在下面，请尽快处理。"
BTN_UNMUTE = "解除禁言"
UNMUTED_LOG = "\n✅ {who} 已解除禁言"
UNDO_UNMUTED_LOG = "\n↩️ {who} 撤销了广告确认，禁言已解除"
UNDO_UNMUTED_PRIVATE = "您好，刚才在「{group}」的禁言是误判，已经解除，您可以正常发言了。抱歉！"
CLARIFICATION_WITHDRAWN = "谣言#{k} 的确认已由 {who} 撤销，不用再写澄清了。"
ANSWER_UNMUTED = "已解除禁言"
MUTED_PRIVATE = (
    "您好，您在「{group}」发的广告已经多次被管理员确认，暂时不能在群里发言 {hours} 小时。"
    "到时间会自动恢复。有疑问请联系居委会。"
)
UNMUTED_PRIVATE = "您好，管理员已经恢复您在「{group}」发言。谢谢理解。"
MUTED_FAILED_LOG = "⚠️ {author} 已第 {n} 次发广告，但机器人不是{group}的管理员，无法禁言。"
DELETE_FAILED_LOG = (
    "⚠️ 未能删除{group}里的一条消息：机器人没有删除权限，或消息已超过48小时，请群主手动删除。"
)
MODSTATS = (
    "📊 <b>审核统计</b>\n"
    "近7天：标记 {flagged7} · 确认 {confirmed7} · 误报 {dismissed7} · 自动处理重复 {hits7}"
    " · 准确率 {precision7}\n"
    "近30天：标记 {flagged30} · 确认 {confirmed30} · 误报 {dismissed30} · 自动处理重复 {hits30}"
    " · 准确率 {precision30}\n"
    "现在待审核：{pending}"
)
MODSTATS_NO_DECISIONS = "—"
MODSTATS_ONLY = "抱歉，审核统计只给审核员看。"
CMD_MODSTATS = "审核统计"
