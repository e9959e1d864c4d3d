"""Whether two complaints are the same problem: the same place and the same fault.

Edit similarity of whole texts cannot tell "东门路灯不亮了" from "西门路灯不亮了" (one
character apart, two problems) and misses "3号楼的电梯又坏啦，停在1楼不动了" after
"3号楼电梯坏了，一直停在一楼不动" (one problem, reworded). Here a complaint is read into

* places, by kind: building (3号楼 = 3栋 = 3幢 = 三号楼 = 3#), unit, floor (一楼 = 1楼,
  负一层 = B1), room (502, 3-502), gate (东门, 2号门, 大门), side (左边, 前面), zone and phase
  (A区, 一期), parking space, named areas (小花园, 垃圾房, 楼道, 地库 …) and any other number;
* faults: an object (电梯, 路灯, 水管 …) with a problem (坏/停/不动, 不亮, 漏水, 吵 …), paired
  within a clause; emergencies (困人, 煤气味, 冒烟 …) separately.

Two complaints are the same problem when no kind of place conflicts (a kind named in both must
agree, one may add detail the other lacks; when both name places, at least one must agree), both
carry the same emergencies, and some fault of one matches a fault of the other (objects and
problems are hierarchical: 灯 matches 路灯, 坏 matches 不亮, but 路灯 does not match 楼道灯).
When a text says too little to read a fault (a typo, an unknown word), the rest of the text
after places and filler are removed is compared by edit similarity instead.

Pure and deterministic; each text is read once (cached), a comparison then costs microseconds.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product

from rapidfuzz import fuzz

# The score (0-100, the scale of the community file's `duplicate_match`) from which two
# complaints are offered as one. A fault read in both that matches scores 90-100; a text read
# only in part scores 0.9 x the edit similarity of what is left of both, at most 89.
DEFAULT_THRESHOLD = 75.0

# --- normalisation -------------------------------------------------------------------------

# Traditional characters residents' phones sometimes produce, for the words read below.
_TRADITIONAL = str.maketrans(
    "電燈門樓號層壞車區單東這裡響鬧積閘鎖窩滅亂開關氣煙庫衛廁廚陽臺蓋滿線廣場園動損斷會樹聲點時間進運轉髒雜盜罷鄰業務帶綠貓遞櫃幹淨話鳴響",
    "电灯门楼号层坏车区单东这里响闹积闸锁窝灭乱开关气烟库卫厕厨阳台盖满线广场园动损断会树声点时间进运转脏杂盗罢邻业务带绿猫递柜干净话鸣响",
)
_CLAUSE = re.compile(r"[，。！？、；：,.!?;:\s~…()（）【】\[\]\"'“”‘’]+")
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_CN_DIGITS |= {"七": 7, "八": 8, "九": 9}
# A Chinese numeral read as a number only before a word that makes it a place; from where a
# run of numerals starts (tried from inside one too, "十" x 2000 took 80 ms).
_CN_NUMBER = re.compile(
    r"(?<![零〇一二两三四五六七八九十百])([零〇一二两三四五六七八九十百]+)"
    r"(?=号楼|号门|号|栋|幢|座|单元|楼|层|期|区|室)"
)


def _cn_to_int(numeral: str) -> int | None:
    total, current = 0, 0
    for ch in numeral:
        if ch in _CN_DIGITS:
            current = current * 10 + _CN_DIGITS[ch] if current and ch in "零〇" else _CN_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
    value = total + current
    return value if numeral and value < 1000 else None


def _arabic(match: re.Match[str]) -> str:
    value = _cn_to_int(match.group(1))
    return match.group(1) if value is None else str(value)


def normalise(text: str) -> str:
    """Full-width forms to ASCII, lower case, common traditional characters to simplified,
    Chinese numerals of buildings, units and floors to digits."""
    text = unicodedata.normalize("NFKC", text).lower().translate(_TRADITIONAL)
    return _CN_NUMBER.sub(_arabic, text)


# --- places --------------------------------------------------------------------------------

_N = r"(\d{1,4})"
# (kind, pattern); each pattern's groups give the value. Applied in order, each on what the
# earlier ones left, so "3-2-502" is read once and "3号门" is a gate, not a building.
_PLACE_PATTERNS: list[tuple[tuple[str, ...], re.Pattern[str]]] = [
    # not places: dates, times, durations, counts, amounts, phone numbers
    ((), re.compile(r"\d+月\d+[日号]?|\d+[:：]\d+|\d{5,}")),
    (
        (),
        re.compile(
            r"(?:第)?\d+(?:\.\d+)?(?:个)?多?(?:小时|分钟|秒|点半?|天(?!花|台|然)|日|周|星期|礼拜|月|年|次|回|遍"
            r"|趟|元|块|毛|岁|人|户|家|辆|只|条|米|厘米|公分|度|部|台|斤|公斤|分)"
        ),
    ),
    (("building", "unit", "room"), re.compile(r"(\d{1,3})-(\d{1,2})-(\d{3,4})")),
    (("building", "room"), re.compile(r"(\d{1,3})-(\d{3,4})")),
    (("floor_b", "space"), re.compile(r"b(\d)-?(\d{2,4})(?!\d)")),
    (("space",), re.compile(r"车位\D{0,2}?([a-z]?\d{1,4})|([a-z]?\d{1,4})号?车位")),
    (("gate",), re.compile(r"(\d{1,2})号门")),
    (("gate",), re.compile(r"([东西南北]{1,2})(?:大|侧|边)?门(?!禁|锁|卫)")),
    (("gate_main",), re.compile(r"(正门|大门|主门|后门|侧门|小门)(?!禁|锁|卫)")),
    (("zone",), re.compile(r"([a-z]|\d{1,2})区")),
    (("phase",), re.compile(r"(\d{1,2})期")),
    (("building",), re.compile(r"([a-z]|\d{1,3})(?:号楼|号栋|栋|幢|座|#楼?)")),
    (("unit",), re.compile(r"(\d{1,2})单元")),
    (("floor_neg",), re.compile(r"(?:负|地下|-)(\d)(?:楼|层)")),
    (("floor_b",), re.compile(r"b(\d)(?!\d)")),
    (("floor",), re.compile(r"(\d{1,2})(?:楼|层|f)(?!道|梯|上|下|顶|前|后)")),
    (("room",), re.compile(r"(\d{3,4})(?:室|号房|房)?")),
    (("number",), re.compile(r"([a-z]?\d+)")),
]
_SIDES = {
    "东边": "e", "东侧": "e", "西边": "w", "西侧": "w", "南边": "s", "南侧": "s", "北边": "n",
    "北侧": "n", "左边": "l", "左侧": "l", "右边": "r", "右侧": "r", "前面": "f", "前边": "f",
    "楼前": "f", "门前": "f", "后面": "b", "后边": "b", "楼后": "b", "背后": "b", "人行": "walk",
    "车行": "drive", "出口": "out", "入口": "in", "进口": "in",
}  # fmt: skip
_SIDE = re.compile("|".join(sorted(_SIDES, key=len, reverse=True)))


def _places(text: str) -> tuple[dict[str, frozenset[str]], str]:
    """Places by kind, and the text with them cut out."""
    found: dict[str, set[str]] = {}
    for kinds, pattern in _PLACE_PATTERNS:

        def cut(match: re.Match[str], kinds: tuple[str, ...] = kinds) -> str:
            values = [g for g in match.groups() if g is not None] if kinds else []
            for kind, value in zip(_kinds(kinds, len(values)), values, strict=False):
                kind, value = _place_value(kind, value)
                found.setdefault(kind, set()).add(value)
            return "|"

        text = pattern.sub(cut, text)
    for match in _SIDE.finditer(text):
        found.setdefault("side", set()).add(_SIDES[match.group()])
    return {k: frozenset(v) for k, v in found.items()}, text


def _kinds(kinds: tuple[str, ...], n: int) -> tuple[str, ...]:
    return kinds if len(kinds) == n else kinds[:1] * n


def _place_value(kind: str, value: str) -> tuple[str, str]:
    if kind == "gate" and not value.isdigit():
        return "gate", value  # 东, 西北 …
    if kind == "gate_main":
        return "gate", {"正门": "main", "大门": "main", "主门": "main"}.get(value, value)
    if kind in ("floor_neg", "floor_b"):
        return "floor", f"-{value}"
    if kind in ("building", "zone", "space") and value.isdigit():
        return kind, str(int(value))
    return kind, value.lstrip("0") or "0"


# --- faults --------------------------------------------------------------------------------

# Words to objects (o:), named areas (a: — a place, and the object of a clause naming nothing
# else), problems (p:), emergencies (e:, also problems) and location suffixes (l:, making the
# word before them a place: "健身器材那边的灯"). Values are hierarchical: "light" matches
# "light.street", "fault" matches "fault.dark"; siblings do not match.
_WORDS: dict[str, str] = {}


def _words(tags: str, *surfaces: str) -> None:
    for surface in surfaces:
        _WORDS[surface] = tags


# objects
_words("o:lift", "电梯", "升降梯", "直梯", "客梯", "扶梯")
_words("o:lift a:lift", "电梯里", "电梯内", "轿厢")
_words("o:lift.button", "按钮", "按键")
_words("o:lift.door", "电梯门")
_words("o:screen", "显示屏", "屏幕", "屏")
_words("o:light", "灯", "灯泡", "照明", "灯光")
_words("o:light.street", "路灯", "路登", "草坪灯", "庭院灯", "景观灯")
_words("o:light.corridor a:stair", "楼道灯", "声控灯", "感应灯", "楼梯灯", "走廊灯")
_words("o:light p:fault.dark", "灯瞎", "灯黑", "黑灯瞎火", "没灯", "没有灯")
_words("o:door", "门", "铁门", "玻璃门", "大铁门", "防火门")
_words("o:door.unit", "单元门", "防盗门", "楼道门", "单元大门")
_words("o:door.access", "门禁", "刷卡", "刷脸", "门禁机", "人脸识别", "对讲")
_words("o:door.card", "门禁卡")
_words("o:door.lock", "门锁", "锁")
_words("o:door.lock p:fault.stayon", "门锁不上", "锁不上")
_words("o:door.auto", "自动门", "感应门")
_words("o:barrier", "道闸", "栏杆", "抬杆", "起落杆", "闸机", "挡车杆")
_words("o:pipe", "水管", "管子", "水管子", "管道", "自来水管", "暖气管", "暖气管子")
_words("o:drain", "下水道", "下水", "地漏", "马桶", "排水管", "污水管")
_words("o:manhole", "井盖", "下水井", "窨井", "窨井盖", "下水道盖子", "下水道盖")
_words("o:hydrant", "消防栓", "消火栓", "消防箱", "灭火器")
_words("o:aircon", "空调", "空调外机", "外机")
_words("o:wall.outer", "外墙", "外立面")
_words("o:wall", "墙", "墙面", "墙壁", "墙上")
_words("o:wall.paint", "墙皮", "墙漆", "腻子")
_words("o:tile", "瓷砖", "砖", "墙砖")
_words("o:ceiling", "天花板", "吊顶")
_words("o:window", "窗户", "玻璃", "窗", "窗子")
_words("o:tank", "水箱", "蓄水池")
_words("o:heating", "暖气", "暖气片", "供暖")
_words("o:hotwater p:cold", "热水不热", "没热水")
_words("o:meter.power", "电表", "电表箱")
_words("o:meter.gas", "燃气表", "煤气表", "天然气表")
_words("o:power.box", "配电箱", "电箱", "电闸")
_words("o:water p:outage", "停水", "没水", "断水", "不来水", "没有水")
_words("o:water p:lowpressure", "水压小", "水压低", "水压太小", "水上不来", "水压不够")
_words("o:power p:outage", "停电", "没电", "断电", "跳闸", "没有电")
_words("o:signal", "信号", "网络", "wifi")
_words("o:signal p:nosignal", "没信号", "信号差", "没有信号")
_words("o:camera", "摄像头", "监控", "探头")
_words("o:handrail", "扶手", "栏杆扶手")
_words("o:mailbox", "信箱", "信报箱", "报箱")
_words("o:step", "台阶", "楼梯台阶")
_words("o:road", "路面", "路", "地面", "道路")
_words("o:ramp", "坡道", "坡")
_words("o:swing", "秋千")
_words("o:slide", "滑梯")
_words("o:bench", "长椅", "椅子", "座椅")
_words("o:hoop", "篮筐", "篮板", "篮球架")
_words("o:bar", "单杠", "双杠")
_words("o:ad", "小广告", "广告")
_words("o:tree", "树", "大树", "树枝", "树木")
_words("o:grass a:green", "草坪", "草地", "草")
_words("a:green", "绿化带", "绿化")
_words("o:garbage", "垃圾")
_words("o:garbage.bin", "垃圾桶", "桶", "垃圾箱")
_words("o:garbage.construction", "建筑垃圾", "装修垃圾")
_words("o:cigbutt", "烟头")
_words("o:clutter", "杂物", "纸箱", "纸箱子", "旧家具", "家具", "东西")
_words("o:car", "车", "汽车", "车辆", "外来车", "外来车辆", "私家车")
_words("o:car p:obstruct", "停车", "乱停车", "停满车", "占车位", "占了车位")
_words("o:car p:abandoned", "僵尸车", "废弃车")
_words("o:car p:noise", "飙车", "轰油门", "喇叭", "按喇叭", "鸣笛")
_words("o:ebike", "电动车", "电瓶车", "电车", "自行车", "非机动车", "摩托车")
_words("o:charger", "充电桩", "充电站")
_words("o:renovation p:works", "装修", "电钻", "砸墙")
_words("o:construction p:works", "施工")
_words("o:construction", "工地")
_words("o:dance p:dance", "广场舞", "跳舞")
_words("o:dance", "音响", "音乐")
_words("o:dance p:noise", "音响大", "音乐大")
_words("o:upstairs p:noise", "拖椅子", "拖凳子", "拖桌子", "拖东西", "跺脚声", "弹珠")
_words("o:dog", "狗", "遛狗", "宠物", "大狗")
_words("o:dog p:noise", "狗叫", "犬吠")
_words("o:dog p:excrement", "狗屎", "狗粑粑", "狗拉屎", "狗尿", "狗便")
_words("o:cat", "猫")
_words("o:cat p:keeping", "养猫")
_words("o:cat.stray", "流浪猫", "野猫")
_words("o:chicken", "鸡")
_words("o:chicken p:keeping", "养鸡")
_words("o:rat p:pest", "老鼠", "耗子")
_words("o:insect p:pest", "蟑螂", "蚊子", "苍蝇", "白蚁")
_words("o:hornet p:pest", "马蜂", "马蜂窝", "蜂窝", "黄蜂")
_words("o:parcel", "快递", "包裹", "快递员")
_words("o:parcel.locker", "快递柜", "丰巢", "丰巢柜", "快递箱")
_words("o:parcel.station a:station", "驿站", "菜鸟驿站")
_words("o:takeaway", "外卖", "外卖员", "送外卖")
_words("o:guard", "保安", "门卫")
_words("o:phone", "电话", "物业电话")
_words("o:stall p:vendor", "摆摊", "小摊", "摊贩")
_words("o:bbq p:fumes", "烧烤")
_words("o:burning p:burning", "烧纸", "烧东西", "焚烧", "烧垃圾")
_words("o:restaurant", "饭店", "饭馆", "餐馆", "底商")
_words("o:fountain a:fountain", "喷泉")
_words("o:shed a:shed", "车棚", "自行车棚", "非机动车棚", "电动车棚")
# named areas
_words("a:garden", "花园")
_words("a:garden.small", "小花园")
_words("a:garden.central", "中心花园")
_words("o:garbage a:garbageroom", "垃圾房", "垃圾站", "垃圾中转站", "垃圾屋", "垃圾分类点")
_words("o:fitness a:fitness", "健身器材", "健身区", "健身场", "健身角", "健身器械")
_words("o:court a:court", "篮球场", "球场", "羽毛球场")
_words("o:playground a:playground", "儿童乐园", "儿童游乐区", "游乐区", "游乐场", "儿童区")
_words("a:square", "广场", "小广场")
_words("a:garage", "地库", "车库", "地下车库", "停车场", "地下停车场")
_words("a:pump", "水泵房", "泵房")
_words("a:powerroom", "配电房", "配电室", "变电箱", "变压器")
_words("a:lobby", "大堂", "大厅", "门厅")
_words("a:stair", "楼道", "楼梯间", "楼梯", "走廊", "过道")
_words("a:roof", "天台", "楼顶", "屋顶", "顶楼", "楼顶上")
_words("a:basement", "地下室")
_words("a:lifthall", "电梯厅", "电梯口", "电梯间", "候梯厅")
_words("a:fireway", "消防通道", "安全通道")
_words("a:pool", "游泳池", "泳池")
_words("a:changing", "更衣室")
_words("a:club", "会所", "活动室", "活动中心")
_words("a:bath", "卫生间", "厕所", "洗手间", "浴室")
_words("a:kitchen", "厨房")
_words("a:balcony", "阳台")
_words("a:guardroom", "岗亭", "门卫亭", "保安亭", "门卫室")
_words("l:", "门口", "上", "那边", "旁边", "附近", "边上", "周围", "那儿", "这边", "那块", "一带")
# problems
_words(
    "p:fault", "坏", "坏掉", "故障", "出问题", "有问题", "毛病", "不能用", "用不了", "不好用",
    "失灵", "没反应", "罢工", "趴窝", "不灵", "维修中", "不工作", "损坏", "破", "碎", "烂",
    "不行", "吹坏", "掀", "不制冷", "不出风", "不制热", "充不上电", "不喷水", "不转",
)  # fmt: skip
_words(
    "p:fault.stuck", "不动", "停", "停运", "卡", "卡住", "不走", "不运行", "没动", "停住",
    "停着",
)  # fmt: skip
_words(
    "p:fault.dark", "不亮", "没亮", "黑", "黑着", "灭", "黑乎乎", "黑漆漆", "不显示", "黑屏",
    "全黑", "暗",
)  # fmt: skip
_words("p:fault.flicker", "闪", "一闪一闪", "忽明忽暗", "闪烁")
_words(
    "p:fault.wontopen", "打不开", "开不了", "门不开", "不开门", "刷不开", "进不去", "进不来",
    "出不去", "取不出", "拿不出", "抬不起来", "不抬", "不起杆", "刷不了", "不能刷", "锁死",
    "锁上", "锁住", "挤不进去", "开不开",
)  # fmt: skip
_words(
    "p:fault.stayon", "关不上", "关不严", "关不了", "合不上", "开着", "亮着", "不关", "常亮",
    "白天亮", "关不掉", "不灭",
)  # fmt: skip
_words("p:fault.loose", "松", "晃", "晃动", "摇晃", "晃得", "松动", "咣当")
_words(
    "p:fault.fall", "掉", "脱落", "掉下来", "往下掉", "塌", "倒", "刮倒", "断", "歪", "裂",
    "开裂", "裂缝",
)  # fmt: skip
_words(
    "p:leak", "漏水", "漏", "渗水", "渗", "滴水", "滴", "爆", "破裂", "水流一地", "到处是水",
    "湿", "水印", "在漏", "漏雨", "流水",
)  # fmt: skip
_words("p:leak.overflow", "冒水", "往上冒", "往外冒", "反水", "返水", "溢水", "冒污水")
_words("p:mold", "发霉", "霉")
_words("p:ponding", "积水", "水坑", "淹")
_words(
    "p:obstruct", "堵", "堵住", "堵着", "挡", "挡住", "挡路", "占", "占用", "被占", "乱停",
    "停满", "乱放", "乱摆", "不通", "过不去", "下不去", "挡光", "挡阳光", "占道",
    "占着", "停别人", "别人停",
)  # fmt: skip
_words(
    "p:noise", "吵", "噪音", "噪声", "扰民", "声音大", "声音", "响", "异响", "嗡嗡", "咣咣",
    "哐当", "咯吱", "闹", "叫", "声", "轰隆", "睡不着", "蹦迪",
)  # fmt: skip
_words("p:smell", "臭", "臭味", "发臭", "异味", "味道", "熏", "熏人", "尿味", "猫尿味", "骚味")
_words("p:fumes", "油烟", "烟", "排油烟")
_words("p:smoking", "抽烟", "吸烟", "烟味")
_words(
    "p:pileup", "满", "堆满", "溢出", "冒尖", "装不下", "没人收", "没人清", "没清", "没人倒",
    "没倒", "堆", "堆放", "乱堆", "没人拉走", "不清运", "没人清理",
)  # fmt: skip
_words("p:litter", "乱扔", "乱丢", "扔", "丢垃圾")
_words("p:throwing", "高空扔", "高空抛物", "往下扔", "楼上扔", "往楼下扔", "高空坠物")
_words("p:excrement", "屎", "拉屎", "粑粑", "尿", "撒尿", "粪便", "便便")
_words("p:leash", "不拴绳", "不牵绳", "没拴绳", "没牵绳", "不栓绳", "不拴狗")
_words("p:pickup", "不捡", "不清理狗屎")
_words("p:keeping", "养")
_words("p:lost", "被偷", "丢", "被拿走", "拿走", "不见", "丢失", "偷")
_words("p:dropped", "扔门口", "放门口", "不送上门", "不打电话", "就走")
_words("p:queue", "排队", "排好久")
_words("p:speeding", "飞快", "太快", "骑得快", "骑车快", "特别快", "撞人")
_words("p:denied", "不让进", "不给进", "不让")
_words("p:pothole", "坑", "大坑", "坑洼")
_words("p:pried", "撬", "撬开")
_words("p:illegalbuild", "私搭乱建", "搭棚子", "违建", "违章搭建", "乱搭")
_words("p:posting", "贴", "贴满", "乱贴")
_words("p:overgrown", "没修剪", "该剪", "太长", "老高", "太高", "长太高", "疯长")
_words("p:farming", "种菜", "种青菜", "种地", "种")
_words("p:dead", "枯死", "枯", "死")
_words("p:icy", "结冰", "打滑", "滑")
_words("p:cold", "不热", "凉", "冰凉")
_words("p:dirty", "脏", "浑", "没换", "不干净", "发绿")
_words("p:unanswered", "打不通", "没人接", "不接", "占线")
_words("p:sleeping", "睡觉", "睡大觉", "打瞌睡")
_words("p:occupied", "住人", "有人住", "住着")
_words("p:service", "办不了", "办不下来", "不给办")
_words("p:intrude", "随便进", "随意进", "随便进来", "乱进")
_words("p:charging", "充电", "飞线充电", "拉线充电")
_words("p:birth", "一窝", "下崽", "生崽")
# emergencies
_words("e:trapped", "困人", "被困", "困", "关里面", "关在里面", "出不来", "困住")
_words("e:gas", "煤气味", "燃气味", "煤气", "燃气", "漏气", "天然气味", "液化气")
_words("e:fire", "着火", "起火", "冒烟", "失火", "火灾", "烧起来", "火苗")
_words("e:shock", "漏电", "电到人", "触电", "冒火花", "打火")
_words("e:faint", "晕倒", "昏倒", "摔倒", "不省人事")

# Objects that are places as well: "@楼道" (something in the corridor) is not "电梯".
_PLACE_LIKE = {"lift"} | {
    t[2:] for tags in _WORDS.values() if " a:" in tags for t in tags.split() if t[:2] == "o:"
}
_WORD = re.compile("|".join(sorted(map(re.escape, _WORDS), key=len, reverse=True)))
# Filler dropped before words are read: particles, adverbs of frequency and degree.
_FILLER = re.compile(
    r"的|(?<!不)了|啦|呀|啊|吧|呢|哦|嘛|喔|又|一直|还|都|也|老是|总是|天天|经常|好像|已经"
    r"|真的|实在|特别|非常|很|太|在|有点|有些|一点|好几|好多|突然|今天|昨天|晚上|白天|早上|半夜"
    r"|夜里|我们|咱们|我家|麻烦|请|赶紧|尽快|快点|一下|大家|有人|那个|这个|有个|有只|有辆"
)


@dataclass(frozen=True)
class Complaint:
    """What a complaint text is read as."""

    places: dict[str, frozenset[str]]
    faults: frozenset[tuple[str | None, str | None]]  # (object, problem) pairs
    objects: frozenset[str]
    problems: frozenset[str]
    emergencies: frozenset[str]
    residual: str = field(repr=False)


# (object, problem) pairs a complaint may name before it is read as naming none.
MAX_FAULTS = 64


@lru_cache(maxsize=4096)
def read(text: str) -> Complaint:
    """The places, faults and emergencies of one complaint text."""
    places, rest = _places(normalise(text))
    faults: set[tuple[str | None, str | None]] = set()
    emergencies: set[str] = set()
    areas: set[str] = set()
    residual: list[str] = []
    previous: list[str] = []  # the objects of the clause before, for "坏了，一直停在一楼"
    pending: list[str] = []  # objects named in a clause saying nothing wrong with them
    for clause in _CLAUSE.split(rest.replace("|", " ")):
        clause = _FILLER.sub("", clause)
        residual.append(clause)
        objects, problems = _clause(clause, areas, emergencies)
        # Each named once: "灯坏灯坏…" or "灯，灯，…" must not grow the pairs without bound.
        problems = list(dict.fromkeys(problems))
        objects = list(dict.fromkeys(pending + objects)) if objects or pending else previous
        pending = objects if not problems else []
        previous = objects
        whats: list[str | None] = [*objects] or [None]
        hows: list[str | None] = [*problems] or [None]
        faults.update(product(whats, hows))
    faults.discard((None, None))
    if len(faults) > MAX_FAULTS:
        # No real complaint names so many things wrong; comparing two such lists pair by pair
        # took over half a second. Read it as saying nothing clear: the words decide.
        faults = set()
    if areas:
        places = {**places, "area": frozenset(areas)}
    return Complaint(
        places=places,
        faults=frozenset(faults),
        objects=frozenset(o for o, _ in faults if o and not o.startswith("@")),
        problems=frozenset(p for _, p in faults if p),
        emergencies=frozenset(emergencies),
        residual="".join(residual),
    )


def _clause(clause: str, areas: set[str], emergencies: set[str]) -> tuple[list[str], list[str]]:
    """A clause's objects and problems. Objects are the things named (电梯, 路灯); else the
    things that are also places (垃圾房, 健身器材); else the places ("@楼道": any object there)."""
    strong: list[str] = []
    weak: list[str] = []
    where: list[str] = []
    problems: list[str] = []
    for match in _WORD.finditer(clause):
        tags = _WORDS[match.group()].split()
        if tags == ["l:"]:  # "X那边", "X门口", "X上": X is where, not what
            last = strong.pop() if strong else weak.pop() if weak else None
            if last:
                areas.add(last)
                where.append("@" + last)
            continue
        if "a:lift" in tags:  # "电梯里": the lift is where
            tags = ["a:lift"]
        objects = [v for k, v in map(_split, tags) if k == "o"]
        places = [v for k, v in map(_split, tags) if k == "a"]
        (weak if places else strong).extend(objects)
        areas.update(places)
        where.extend("@" + v for v in places)
        for kind, value in map(_split, tags):
            if kind in "pe":
                problems.append(value)
            if kind == "e":
                emergencies.add(value)
    return strong or weak or where, problems


def _split(tag: str) -> tuple[str, str]:
    kind, _, value = tag.partition(":")
    return kind, value


# --- comparison ----------------------------------------------------------------------------


def _alike(x: str, y: str) -> bool:
    return x == y or x.startswith(y + ".") or y.startswith(x + ".")


def _alike_objects(x: str | None, y: str | None) -> bool:
    """None (no object named) matches any object; "@place" (whatever is at a place already
    compared) any object that is not itself another place (电梯 is both)."""
    if not x or not y:
        return True
    if x.startswith("@") or y.startswith("@"):
        x, y = sorted((x, y))  # "@place" first
        there = x[1:]
        return y.startswith("@") or y not in _PLACE_LIKE or _alike(there, y.lstrip("@"))
    return _alike(x, y)


def _alike_sets(xs: frozenset[str], ys: frozenset[str]) -> bool:
    """Every value of the smaller set has a match in the other (one may add detail)."""
    small, large = (xs, ys) if len(xs) <= len(ys) else (ys, xs)
    return all(any(_alike(x, y) for y in large) for x in small)


def place_conflict(a: Complaint, b: Complaint) -> str | None:
    """The kind of place on which two complaints disagree, or None."""
    shared = False
    for kind in a.places.keys() & b.places.keys():
        if not _alike_sets(a.places[kind], b.places[kind]):
            return kind
        shared = True
    if a.places and b.places and not shared:
        return "+".join(sorted(a.places.keys() | b.places.keys()))
    return None


def _fault_match(a: Complaint, b: Complaint) -> bool | None:
    """True: a fault of one is a fault of the other; False: both say what is wrong and it
    differs; None: one of them says too little to tell."""
    for (oa, pa), (ob, pb) in product(a.faults, b.faults):
        if pa and pb and _alike(pa, pb) and _alike_objects(oa, ob):
            return True
    if a.objects and b.objects and not _alike_any(a.objects, b.objects):
        return False
    if a.problems and b.problems:
        return False
    return None


def _alike_any(xs: frozenset[str], ys: frozenset[str]) -> bool:
    return any(_alike(x, y) for x in xs for y in ys)


@dataclass(frozen=True)
class Verdict:
    """A comparison's score (0-100) and why."""

    score: float
    reason: str


def compare(a: str, b: str) -> Verdict:
    """How alike two complaints are as problems, with the reason."""
    ca, cb = read(a), read(b)
    conflict = place_conflict(ca, cb)
    if conflict:
        return Verdict(0.0, f"different place ({conflict})")
    if ca.emergencies != cb.emergencies:
        return Verdict(0.0, "an emergency in only one")
    residual = fuzz.ratio(ca.residual, cb.residual)
    match = _fault_match(ca, cb)
    if match is True:
        return Verdict(90.0 + residual / 10, "same place, same fault")
    if match is False:
        return Verdict(0.0, "different fault")
    if not ca.residual or not cb.residual:
        return Verdict(0.0, "nothing to compare")
    # Shared words make short texts look alike ("电梯里吐" and "电梯里脏"): discounted.
    return Verdict(min(residual * 0.9, 89.0), "fault not read: residual text compared")


def similarity(a: str, b: str) -> float:
    """0-100: at least 90 for the same place and a matching fault, 0 for a conflicting place,
    fault or emergency, otherwise 0.9 x the edit similarity of what is left (at most 89)."""
    return compare(a, b).score


def same_problem(a: str, b: str, threshold: float = DEFAULT_THRESHOLD) -> bool:
    """Whether complaint b reports the same problem as complaint a (symmetric)."""
    return similarity(a, b) >= threshold
