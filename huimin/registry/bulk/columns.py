"""The import template: one row per person, the household's columns repeated on each member's row.

This module is the template's documentation: the explanation sheet of the XLSX template, the
CSV template and the validator are all generated from `COLUMNS`, so they cannot drift apart.

A header may be the column's key (`id_number`) or its Chinese label (`公民身份号码`). Household
columns may be left empty on all rows but one of the household; values that are filled in must
agree between the rows. Coded columns accept the code or the Chinese word (`rural` or `农村`).
"""

from dataclasses import dataclass, field
from enum import Enum

from django.utils.translation import gettext_lazy as _

from huimin.registry.ethnic_groups import CHINESE_NAMES, spellings


class Kind(Enum):
    TEXT = "text"
    CODE = "code"  # one of `choices`
    BOOL = "bool"  # 是/否
    DATE = "date"
    INT = "int"  # whole number in [low, high]
    MONEY = "money"  # yuan, at most two decimals; stored as fen
    ID_NUMBER = "id_number"
    VILLAGE = "village"
    DIGITS = "digits"  # bank account, phone: digits (phone may carry a dash)


class Level(Enum):
    HOUSEHOLD = "household"
    PERSON = "person"


@dataclass(frozen=True)
class Column:
    key: str
    label_zh: str
    level: Level
    kind: Kind
    meaning_zh: str
    meaning_en: str
    example: str
    required: bool = False
    choices: dict[str, str] = field(default_factory=dict)  # code -> Chinese word
    aliases: dict[str, str] = field(default_factory=dict)  # other spellings, lower-cased -> code
    max_length: int = 0
    low: int = 0
    high: int = 0
    default: str = ""  # what an empty cell means, as a parsed code ("" = nothing)


H, P = Level.HOUSEHOLD, Level.PERSON

YES_WORDS = ("是", "y", "yes", "true", "1", "有", "√")
NO_WORDS = ("否", "n", "no", "false", "0", "无", "×")

RESIDENCE = {"urban": "城镇", "rural": "农村"}
RELATIONS = {
    "head": "户主",
    "spouse": "配偶",
    "child": "子女",
    "parent": "父母",
    "grandchild": "孙子女",
    "sibling": "兄弟姐妹",
    "other": "其他",
}
SEXES = {"M": "男", "F": "女"}
SPECIAL_CARE = {
    "none": "无",
    "disabled_veteran": "伤残军人",
    "martyr_family": "烈士遗属",
    "died_on_duty_family": "因公牺牲军人遗属",
    "veteran_in_difficulty": "困难退役军人",
}
NOT_COUNTED = {
    "soldier": "现役义务兵",
    "prisoner": "服刑人员",
    "clergy_away": "离家一年以上的宗教教职人员",
    "other": "其他",
}
PARENT_STATUS = {
    "present": "健在",
    "dead": "死亡",
    "missing": "失踪",
    "severely_disabled": "重度残疾",
    "seriously_ill": "重病",
    "imprisoned": "服刑",
    "drug_rehabilitation": "强制隔离戒毒",
    "deprived_of_liberty": "被限制人身自由",
}

# Income columns: key -> income type of IncomeRecord.
INCOME_COLUMNS = {
    "income_wages": "wages",
    "income_farm_net": "farm_net",
    "income_business": "business",
    "income_property": "property",
    "income_transfer_support": "transfer_support",
    "income_pension_basic": "pension_basic",
    "income_other": "other",
}
# Asset columns holding a value in yuan: key -> Asset kind.
ASSET_VALUE_COLUMNS = {
    "deposits": "deposit",
    "securities": "securities",
    "debt_owed": "debt_owed",
    "vehicle_value": "vehicle",
}
# Asset columns holding a count of properties: key -> Asset kind.
ASSET_COUNT_COLUMNS = {"homes": "home", "commercial_properties": "commercial_property"}
SELF_CARE_COLUMNS = (
    ("cannot_eat", "不能自主进食", "cannot eat unaided"),
    ("cannot_dress", "不能自主穿衣", "cannot dress unaided"),
    ("cannot_transfer", "不能自主上下床", "cannot get in and out of bed unaided"),
    ("cannot_toilet", "不能自主如厕", "cannot use the toilet unaided"),
    ("cannot_walk_indoors", "不能自主室内行走", "cannot walk indoors unaided"),
    ("cannot_bathe", "不能自主洗澡", "cannot bathe unaided"),
)


def _words(choices: dict[str, str]) -> str:
    return "、".join(f"{word}（{code}）" for code, word in choices.items())


COLUMNS: tuple[Column, ...] = (
    Column(
        "household_no",
        "户编号",
        H,
        Kind.TEXT,
        "本户的编号，同一户各成员填写相同编号",
        "the household's number; the same on every member's row",
        "HH532901000001",
        required=True,
        max_length=20,
    ),
    Column(
        "village_code",
        "村（社区）代码",
        H,
        Kind.VILLAGE,
        "12位统计用区划代码，须在您的管辖范围内",
        "12-digit village code, within your jurisdiction",
        "532901001001",
        required=True,
    ),
    Column(
        "address",
        "家庭住址",
        H,
        Kind.TEXT,
        "现居住地址",
        "home address",
        "下关街道龙山社区建设路12号",
        required=True,
        max_length=200,
    ),
    Column(
        "residence_type",
        "户籍类型",
        H,
        Kind.CODE,
        f"可填：{_words(RESIDENCE)}",
        "registered residence: urban or rural",
        "农村",
        required=True,
        choices=RESIDENCE,
    ),
    Column(
        "relation",
        "与户主关系",
        P,
        Kind.CODE,
        f"每户须有且只有一名户主。可填：{_words(RELATIONS)}",
        "relation to the head; each household has exactly one head",
        "户主",
        required=True,
        choices=RELATIONS,
    ),
    Column(
        "name", "姓名", P, Kind.TEXT, "姓名", "full name", "张秀英", required=True, max_length=50
    ),
    Column(
        "id_number",
        "公民身份号码",
        P,
        Kind.ID_NUMBER,
        "18位居民身份证号码；在Excel中请设为文本格式，以免末位丢失",
        "18-character resident identity number; keep the Excel column as text",
        "532901198803120020",
        required=True,
    ),
    Column(
        "sex",
        "性别",
        P,
        Kind.CODE,
        "可不填（由身份证号码推出）；填写时须与号码一致。男、女",
        "optional (follows from the identity number); if given it must agree. M or F",
        "女",
        choices=SEXES,
    ),
    Column(
        "birth_date",
        "出生日期",
        P,
        Kind.DATE,
        "可不填；填写时须与身份证号码一致。格式 YYYY-MM-DD",
        "optional; if given it must agree with the identity number. YYYY-MM-DD",
        "1988-03-12",
    ),
    Column(
        "ethnicity",
        "民族",
        P,
        Kind.CODE,
        "民族名称（如 白族，也可写 白 或 Bai）或 GB/T 3304 民族代码（如 14）；可不填",
        "ethnic group: its Chinese or English name, or its GB/T 3304 code (白族, 白, Bai or 14)",
        "白族",
        choices=CHINESE_NAMES,
        aliases=spellings(),
    ),
    Column(
        "disability_category",
        "残疾类别",
        P,
        Kind.INT,
        "1视力 2听力 3言语 4肢体 5智力 6精神 7多重；无残疾留空",
        "1 visual, 2 hearing, 3 speech, 4 physical, 5 intellectual, 6 mental, 7 multiple; "
        "empty if not disabled",
        "4",
        low=1,
        high=7,
    ),
    Column(
        "disability_grade",
        "残疾等级",
        P,
        Kind.INT,
        "1–4级，1级最重；与残疾类别同填或同空",
        "grade 1-4, 1 the most severe; filled together with the category",
        "2",
        low=1,
        high=4,
    ),
    *(
        Column(
            key, label, P, Kind.BOOL, f"是/否，{label}", f"yes/no: {english}", "否", default="false"
        )
        for key, label, english in SELF_CARE_COLUMNS
    ),
    Column(
        "serious_illness",
        "患重病",
        P,
        Kind.BOOL,
        "是/否",
        "yes/no: serious illness",
        "否",
        default="false",
    ),
    Column(
        "able_to_work",
        "有劳动能力",
        P,
        Kind.BOOL,
        "是/否，留空表示尚不清楚（不作不利于申请人的认定）",
        "yes/no: able to work; empty means not yet known (never counted against the applicant)",
        "是",
    ),
    Column(
        "student",
        "在校学生",
        P,
        Kind.BOOL,
        "是/否，全日制在校（本科及以下）",
        "yes/no: full-time student up to bachelor level",
        "否",
        default="false",
    ),
    Column(
        "special_care_category",
        "优抚类别",
        P,
        Kind.CODE,
        f"可填：{_words(SPECIAL_CARE)}",
        "special-care category",
        "无",
        choices=SPECIAL_CARE,
        default="none",
    ),
    Column(
        "special_care_grade",
        "伤残军人等级",
        P,
        Kind.INT,
        "伤残军人的伤残等级 1–10",
        "disabled veterans: disability grade 1-10",
        "",
        low=1,
        high=10,
    ),
    Column(
        "counted_in_family",
        "计入家庭成员",
        P,
        Kind.BOOL,
        "是/否，留空视为“是”；填“否”时须填不计入原因",
        "yes/no: counted in the family for assistance; empty means yes; if no, give the reason",
        "是",
        default="true",
    ),
    Column(
        "not_counted_reason",
        "不计入原因",
        P,
        Kind.CODE,
        f"可填：{_words(NOT_COUNTED)}",
        "why not counted",
        "",
        choices=NOT_COUNTED,
    ),
    Column(
        "father_status",
        "父亲状况",
        P,
        Kind.CODE,
        f"未成年人填写。可填：{_words(PARENT_STATUS)}",
        "for minors: the father's situation",
        "健在",
        choices=PARENT_STATUS,
        default="present",
    ),
    Column(
        "mother_status",
        "母亲状况",
        P,
        Kind.CODE,
        f"未成年人填写。可填：{_words(PARENT_STATUS)}",
        "for minors: the mother's situation",
        "健在",
        choices=PARENT_STATUS,
        default="present",
    ),
    *(
        Column(
            f"{parent}_status_since",
            f"{parent_zh}状况开始日期",
            P,
            Kind.DATE,
            f"{parent_zh}服刑、戒毒、被限制人身自由或失联等从何时开始，格式 YYYY-MM-DD；已持续多年可不填",
            f"since when the {parent}'s situation holds, YYYY-MM-DD; empty if for years",
            "",
        )
        for parent, parent_zh in (("father", "父亲"), ("mother", "母亲"))
    ),
    Column(
        "legal_supporter_able",
        "法定义务人有赡养抚养能力",
        P,
        Kind.BOOL,
        "是/否，留空表示尚不清楚（不作不利于申请人的认定）",
        "yes/no: has a legal supporter able to support; empty means not yet known (never "
        "counted against the applicant)",
        "是",
    ),
    Column(
        "in_institution",
        "集中供养",
        P,
        Kind.BOOL,
        "是/否，住在福利机构",
        "yes/no: lives in an institution",
        "否",
        default="false",
    ),
    Column(
        "death_date",
        "死亡日期",
        P,
        Kind.DATE,
        "已故成员填写，格式 YYYY-MM-DD",
        "date of death, YYYY-MM-DD",
        "",
    ),
    Column(
        "income_wages",
        "工资性收入（元/月）",
        P,
        Kind.MONEY,
        "元/月，最多两位小数；留空表示不变",
        "wages, yuan a month, at most two decimals; empty means no change",
        "2600.00",
    ),
    Column(
        "income_farm_net",
        "农业经营净收入（元/月）",
        P,
        Kind.MONEY,
        "近12个月净收入÷12，元/月",
        "farm income: last 12 months net / 12, yuan a month",
        "850",
    ),
    Column(
        "income_business",
        "经营性收入（元/月）",
        P,
        Kind.MONEY,
        "元/月",
        "business income, yuan a month",
        "",
    ),
    Column(
        "income_property",
        "财产性收入（元/月）",
        P,
        Kind.MONEY,
        "租金、利息，元/月",
        "rent and interest, yuan a month",
        "",
    ),
    Column(
        "income_transfer_support",
        "赡养抚养扶养费（元/月）",
        P,
        Kind.MONEY,
        "家庭外亲属给付，元/月",
        "support paid by relatives outside the household, yuan a month",
        "",
    ),
    Column(
        "income_pension_basic",
        "基本养老金（元/月）",
        P,
        Kind.MONEY,
        "元/月",
        "basic old-age pension, yuan a month",
        "200",
    ),
    Column(
        "income_other",
        "其他收入（元/月）",
        P,
        Kind.MONEY,
        "元/月",
        "other income, yuan a month",
        "",
    ),
    Column(
        "payee",
        "领款人",
        P,
        Kind.BOOL,
        "是/否；每户最多一人，不填时由户主领款，已故成员不能领款",
        "yes/no: receives the payments; at most one per household, the head if none; never a "
        "dead member",
        "是",
        default="false",
    ),
    Column(
        "bank_name",
        "开户银行",
        H,
        Kind.TEXT,
        "领款账户的开户银行",
        "bank of the payee's account",
        "中国农业银行",
        max_length=100,
    ),
    Column(
        "bank_account",
        "银行账号",
        H,
        Kind.DIGITS,
        "领款账号：银行卡16–19位（末位为校验位），存折等其他账户12–30位数字",
        "the payee's account number: a bank card 16-19 digits (the last a check digit), a "
        "passbook or other account 12-30 digits",
        "6228480000000000018",
    ),
    Column(
        "phone",
        "联系电话",
        H,
        Kind.DIGITS,
        "手机（11位）或带区号的固定电话，如0871-12345678，分机号用“-”隔开",
        "mobile (11 digits) or landline with its area code, e.g. 0871-12345678, extension after "
        "a dash",
        "13812345678",
    ),
    Column(
        "deposits",
        "存款（元）",
        H,
        Kind.MONEY,
        "全家银行存款，元",
        "bank deposits of the household, yuan",
        "5000",
    ),
    Column(
        "securities",
        "有价证券（元）",
        H,
        Kind.MONEY,
        "股票、基金等，元",
        "securities and funds, yuan",
        "",
    ),
    Column(
        "debt_owed",
        "债权（元）",
        H,
        Kind.MONEY,
        "他人欠本户的钱，元",
        "debts owed to the family, yuan",
        "",
    ),
    Column(
        "vehicle_value",
        "机动车价值（元）",
        H,
        Kind.MONEY,
        "机动车估值，元；无车留空或填0",
        "value of the household's vehicle, yuan; empty or 0 if none",
        "",
    ),
    Column(
        "disability_vehicle",
        "残疾人代步车",
        H,
        Kind.BOOL,
        "是/否：上述车辆是否为残疾人专用代步车",
        "yes/no: the vehicle is a disability vehicle",
        "否",
        default="false",
    ),
    Column(
        "homes",
        "住房套数",
        H,
        Kind.INT,
        "全家拥有的住房套数",
        "number of homes the household owns",
        "1",
        low=0,
        high=99,
    ),
    Column(
        "commercial_properties",
        "商业用房套数",
        H,
        Kind.INT,
        "商铺、写字楼等",
        "number of commercial properties",
        "0",
        low=0,
        high=99,
    ),
)

BY_KEY = {column.key: column for column in COLUMNS}
HOUSEHOLD_KEYS = tuple(c.key for c in COLUMNS if c.level is Level.HOUSEHOLD)
PERSON_KEYS = tuple(c.key for c in COLUMNS if c.level is Level.PERSON)
ERROR_COLUMN = "error"
ERROR_LABEL = "错误原因"
ROW_COLUMN = "__row"  # the row number in the file, added by the reader

LEVEL_LABELS = {Level.HOUSEHOLD: _("household"), Level.PERSON: _("person")}


def header_lookup() -> dict[str, str]:
    """Header text (key or Chinese label, case and spaces ignored) -> column key."""
    lookup: dict[str, str] = {}
    for column in COLUMNS:
        lookup[_fold(column.key)] = column.key
        lookup[_fold(column.label_zh)] = column.key
    return lookup


def _fold(text: str) -> str:
    return "".join(text.split()).lower().replace("(", "（").replace(")", "）")


def fold_header(text: str) -> str:
    return _fold(text)
