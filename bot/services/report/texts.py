"""What people read in the monthly report, the workbook, /rating and /inspection: one place for
the wording of this feature (kept beside it; bot/texts.py holds the words it shares, such as
PARTY, KIND, RATING and COLOUR_MARK)."""

from __future__ import annotations

CMD_REPORT = "民情月报（图表和表格）"
CMD_EXPORT = "导出工单 Excel"
CMD_RATING = "三维四色评价"
CMD_INSPECTION = "录入本月巡查得分"

MONTH = "{year}年{month}月"
MONTH_SO_FAR = "{year}年{month}月（截至{day}日）"

# Replies to commands.
ONLY_STAFF = "抱歉，月报和评价只给社区工作人员看。"
BAD_MONTH = "月份请这样写：/{command} 2026-11（不写就是上个月）。"
FUTURE_MONTH = "{month}还没到，没有数据。请写已经开始的月份，例如 /{command} 2026-11。"
BAD_SCORE = "请写 0 到 100 的得分，例如：/inspection 92（本月），或 /inspection 2026-11 92。"
INSPECTION_WHERE = "巡查得分请在社区工作群里录入（各方的工作群不能给自己打分）。"
INSPECTION_WHICH = "您在几个社区的工作群里，请写社区简码，例如：/inspection {code} 92。"
INSPECTION_SAVED = "已记下 {name} {month} 物业巡查得分：{score} 分。"
INSPECTION_REPLACED = "已把 {name} {month} 物业巡查得分从 {before} 分改为 {score} 分。"
REPORT_FAILED = "抱歉，月报这次没有发出去，请稍后再发一次命令。"
EXPORT_TOO_BIG = "这个月的工单表格超过 50 MB，Telegram 发不了，请联系管理员导出。"

# Captions (at most 1024 characters; HTML).
CAPTION_TITLE = "<b>【民情月报 · {name} · {month}】</b>"
CAPTION_TITLE_PARTY = "<b>【民情月报 · {name} · {party} · {month}】</b>"
CAPTION_TICKETS = "新工单 {total} 件（投诉/报修 {complaints} · 微心愿 {wishes}），已办结 {done} 件"
CAPTION_QUALITY = "按时办结 {on_time} · 满意度 {satisfied}"
CAPTION_NONE = "本月没有新工单。"
CAPTION_RATING = "三维四色 · {party}：{line}"
CAPTION_WISH_CLAIMS = "微心愿认领：工作人员 {staff} 件 · 志愿者 {volunteer} 件"
CAPTION_WISH_UNCLAIMED = " · 待认领 {unclaimed} 件"
CAPTION_FLAGS = "群消息审核：标记 {flagged} 条，确认 {confirmed}，误报 {dismissed}"
CAPTION_NO_FONT = (
    "⚠️ 服务器没有中文字体，图表里的文字无法显示，只发文字和表格。"
    "请管理员安装中文字体（如 fonts-noto-cjk）后重启。"
)
CAPTION_SECOND = "{month} · 办理质量和群消息审核"
CAPTION_WORKBOOK = "{name} {month} 工单明细（Excel）"
WORKBOOK_NAME = "民情月报-{code}-{month}.xlsx"

# /rating
RATING_TITLE = "<b>【三维四色 · {name} · {month}】</b>"
RATING_PARTY = "{party}：{line}"
RATING_TREND_UP = "（比上月 ↑{delta}）"
RATING_TREND_DOWN = "（比上月 ↓{delta}）"
RATING_TREND_SAME = "（与上月持平）"
RATING_INSPECTION = " · 巡查 {score}"
RATING_NO_INSPECTION = "本月还没有录入物业巡查得分：/inspection 92"
RATING_EXPLAIN = "得分 {green} 以上绿，{blue} 以上蓝，{yellow} 以上黄，其余红。"
RATING_EMPTY = "暂无数据"

# Charts.
CHART_TITLE_TICKETS = "{name} · {month} · 工单"
CHART_TITLE_QUALITY = "{name} · {month} · 办理质量"
CHART_WEEKLY = "每周新工单"
CHART_CATEGORIES = "投诉/报修 · 按类别"
CHART_PARTIES = "各责任方的工单"
CHART_ON_TIME = "按时办结率"
CHART_ACCEPT = "受理用时（中位数，小时）"
CHART_FINISH = "办结用时（中位数，天）"
CHART_SATISFACTION = "居民评价"
CHART_RATING = "三维四色得分"
CHART_FLAGS = "群消息审核"
CHART_WISH_CLAIMS = "微心愿由谁认领"
WISH_CLAIMER = {"staff": "工作人员", "volunteer": "志愿者", "unclaimed": "待认领"}
CHART_NO_DATA = "本月无数据"
CHART_OTHERS = "其余类别"
FLAG_KIND = {"rumour": "谣言", "ad": "广告"}
FLAG_STATUS = {"confirmed": "已确认", "dismissed": "误报/放行", "pending": "待审核"}

# The workbook.
SHEET_TICKETS = "工单"
SHEET_PARTIES = "各方统计"
SHEET_MODERATION = "舆情审核"
STATUS = {
    ("wish", "new"): "待认领",
    ("wish", "in_progress"): "已认领",
    ("wish", "done"): "已完成",
    ("complaint", "new"): "待受理",
    ("complaint", "in_progress"): "处理中",
    ("complaint", "done"): "已办结",
    ("wish", "rated"): "已评价",
    ("complaint", "rated"): "已评价",
    ("wish", "rejected"): "不予受理",
    ("complaint", "rejected"): "不予受理",
}
YES, NO = "是", "否"
TICKET_HEADERS = {
    "number": "编号",
    "community": "社区",
    "kind": "类型",
    "category": "类别",
    "party": "责任方",
    "status": "状态",
    "created": "提交时间",
    "accepted": "受理/认领时间",
    "done": "办结时间",
    "due": "办理期限",
    "overdue": "是否超时",
    "rating": "评价",
    "building": "楼栋",
    "reporter": "提交人",
}
PARTY_HEADERS = (
    "社区",
    "责任方",
    "新工单",
    "投诉/报修",
    "微心愿",
    "已办结",
    "按时办结率",
    "受理用时中位数（小时）",
    "办结用时中位数（天）",
    "满意",
    "基本满意",
    "不满意",
    "满意度",
    "投诉率（件/百户·月）",
    "响应及时率",
    "巡查得分",
    "三维四色得分",
    "颜色",
)
MODERATION_HEADERS = ("社区", "类型", "标记", "已确认", "误报/放行", "待审核", "准确率")
COLOUR_WORD = {"green": "绿", "blue": "蓝", "yellow": "黄", "red": "红"}
