"""What the rules carry, worded for a person in Chinese or English.

The rules cite clauses by short codes ("SAIM §9") and hold values as data (booleans, codes such as
"single_person", amounts in fen, facts as records). This module turns both into words: a clause
into the regulation's name and article, a value into a figure with its unit or an enumeration's
label, and a parameter's name into what it is. Pages and letters use it; nothing here decides.
"""

import datetime as dt
import re
from typing import Any

from huimin.rules.program import yuan

# Regulations cited by code and article: code -> (Chinese name, English name). See POLICY.md.
REGULATIONS: dict[str, tuple[str, str]] = {
    "SAIM": ("社会救助暂行办法", "Interim Measures for Social Assistance"),
    "NDRR": ("自然灾害救助条例", "Regulations on Natural Disaster Relief"),
    "CQ-DB": (
        "重庆市城乡居民最低生活保障条例",
        "Chongqing Regulations on Minimum Living Allowance",
    ),
    "ZJ-SA": ("浙江省社会救助条例", "Zhejiang Regulations on Social Assistance"),
    "SH-SA": ("上海市社会救助条例", "Shanghai Regulations on Social Assistance"),
}

# Clauses cited as a whole document: code -> (Chinese words, English words).
DOCUMENTS: dict[str, tuple[str, str]] = {
    "GF-2015-52": (
        "《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》（国发〔2015〕52号）",
        "State Council opinion on the living and care subsidies for disabled people "
        "(Guofa [2015] No. 52)",
    ),
    "民发〔2010〕161号": (
        "《民政部 财政部关于发放孤儿基本生活费的通知》（民发〔2010〕161号）",
        "Notice on the basic living allowance for orphans (Minfa [2010] No. 161)",
    ),
    "民发〔2019〕62号": (
        "《关于进一步加强事实无人抚养儿童保障工作的意见》（民发〔2019〕62号）",
        "Opinion on support for children without de facto support (Minfa [2019] No. 62)",
    ),
    "军人抚恤优待条例": (
        "《军人抚恤优待条例》",
        "Regulations on Pensions and Preferential Treatment for Servicemen",
    ),
    "LOCAL-OLD-AGE": ("当地高龄津贴政策", "the local old-age allowance policy"),
}

NO_CLAUSE = "—"  # a fact every program checks (the person is alive), not a clause

_CITATION = re.compile(r"^(?P<code>[A-Z][A-Z-]*) §(?P<first>\d+)(?:-(?P<last>\d+))?$")
_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1..999 in Chinese numerals, as articles are numbered: 9 九, 12 十二, 47 四十七, 105 一百零五."""
    if not 0 < n < 1000:
        return str(n)
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    words = f"{_DIGITS[hundreds]}百" if hundreds else ""
    if tens:
        words += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    elif hundreds and units:
        words += "零"
    if units:
        words += _DIGITS[units]
    return words


def clause_words(code: str, lang: str) -> str:
    """《社会救助暂行办法》第九条 / "Interim Measures for Social Assistance, art. 9"."""
    if code == NO_CLAUSE:
        return code
    if code in DOCUMENTS:
        zh, en = DOCUMENTS[code]
        return zh if lang == "zh" else en
    match = _CITATION.match(code)
    if match is None or match["code"] not in REGULATIONS:
        raise KeyError(f"clause {code!r} is not in the clause catalogue (huimin/rules/wording.py)")
    zh_name, en_name = REGULATIONS[match["code"]]
    first, last = int(match["first"]), match["last"]
    if lang == "zh":
        articles = f"第{chinese_number(first)}条"
        if last:
            articles += f"至第{chinese_number(int(last))}条"
        return f"《{zh_name}》{articles}"
    return f"{en_name}, art. {first}" + (f"–{last}" if last else "")


# Labels of the enumerations criteria report: value -> (Chinese, English)
ENUMERATIONS: dict[str, tuple[str, str]] = {
    # dibao coverage
    "family": ("全家纳入低保", "the whole family is covered"),
    "single_person": ("本人单独纳入低保", "covered alone (single-person coverage)"),
    # temporary assistance hardship
    "urgent": ("急难型困难", "urgent hardship"),
    "expenditure": ("支出型困难", "expenditure-driven hardship"),
    # special care categories
    "disabled_veteran": ("残疾军人", "disabled veteran"),
    "martyr_family": ("烈士遗属", "martyr's family"),
    "died_on_duty_family": ("因公牺牲军人遗属", "family of a serviceman who died on duty"),
    "veteran_in_difficulty": ("生活困难的退役军人", "veteran in difficulty"),
    # parents' situations
    "present": ("在世并能抚养", "present"),
    "dead": ("已死亡", "dead"),
    "missing": ("失踪或失联", "missing"),
    "severely_disabled": ("重度残疾", "severely disabled"),
    "seriously_ill": ("重病", "seriously ill"),
    "imprisoned": ("服刑在押", "imprisoned"),
    "drug_rehabilitation": ("强制隔离戒毒", "in compulsory drug rehabilitation"),
    "deprived_of_liberty": ("被限制人身自由", "deprived of liberty"),
}
# Per criterion, what "none" means (a criterion with nothing to report)
NONE_WORDS: dict[str, tuple[str, str]] = {
    "in_dibao_family": ("未纳入低保", "not covered by dibao"),
    "has_hardship": ("未登记急难型或支出型困难", "no hardship recorded"),
    "entitled_category": ("不属于优抚对象", "not entitled to special care"),
    "disabled": ("无残疾人证", "no disability certificate"),
    "severely_disabled": ("无残疾人证", "no disability certificate"),
}
# Per criterion, what its yes/no value says: name -> ((true zh, true en), (false zh, false en))
BOOLEAN_WORDS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "alive": (("在世", "alive"), ("已死亡或尚未出生", "dead or not yet born")),
    "no_able_supporter": (
        ("有能履行义务的义务人", "has a supporter able to support them"),
        ("无义务人或义务人无履行能力", "no supporter able to support them"),
    ),
}
DISABILITY_CATEGORIES: dict[int, tuple[str, str]] = {
    1: ("视力残疾", "visual"),
    2: ("听力残疾", "hearing"),
    3: ("言语残疾", "speech"),
    4: ("肢体残疾", "physical"),
    5: ("智力残疾", "intellectual"),
    6: ("精神残疾", "mental"),
    7: ("多重残疾", "multiple"),
}

# unit -> (Chinese format, English format) of a number
COUNT_UNITS: dict[str, tuple[str, str]] = {
    "persons": ("{} 人", "{} persons"),
    "count": ("{}", "{}"),
    "homes": ("{} 套", "{} homes"),
    "properties": ("{} 处", "{} properties"),
    "years": ("{} 岁", "{} years old"),
    "grade": ("{} 级", "grade {}"),
    "days": ("{} 天", "{} days"),
    "months": ("{} 个月", "{} months"),
}
SINGULAR_EN = {
    "persons": "1 person",
    "homes": "1 home",
    "properties": "1 property",
    "years": "1 year old",
    "days": "1 day",
    "months": "1 month",
}
MONEY_UNITS: dict[str, tuple[str, str]] = {
    "fen": ("{} 元", "{} yuan"),
    "fen/month": ("每月 {} 元", "{} yuan a month"),
    "fen/year": ("每年 {} 元", "{} yuan a year"),
    "fen/death": ("每位遇难者 {} 元", "{} yuan per death"),
    "fen/household": ("每户 {} 元", "{} yuan per household"),
    "fen/person": ("每人 {} 元", "{} yuan per person"),
    "fen/person/day": ("每人每天 {} 元", "{} yuan per person a day"),
}
MONTHS_EN = "January February March April May June July August September October November December"


def yes_no(flag: bool, lang: str) -> str:
    return ("是" if flag else "否") if lang == "zh" else ("yes" if flag else "no")


def date_words(day: dt.date, lang: str) -> str:
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {MONTHS_EN.split()[day.month - 1]} {day.year}"


def month_words(period: str, lang: str) -> str:
    """'2026-11' -> 2026年11月 / November 2026."""
    year, month = (int(part) for part in period.split("-"))
    return f"{year}年{month}月" if lang == "zh" else f"{MONTHS_EN.split()[month - 1]} {year}"


def value_words(value: Any, unit: str, lang: str, *, criterion: str = "") -> str:
    """A criterion's value or threshold for a person; `criterion` names it for its own words."""
    zh = lang == "zh"
    if value is None or value == "none":
        if criterion in NONE_WORDS:
            return NONE_WORDS[criterion][0 if zh else 1]
        return "无" if zh else "none"
    if isinstance(value, dict):
        return _record_words(value, lang)
    if isinstance(value, bool):
        if criterion in BOOLEAN_WORDS:
            return BOOLEAN_WORDS[criterion][0 if value else 1][0 if zh else 1]
        return yes_no(value, lang)
    if isinstance(value, dt.date):
        return date_words(value, lang)
    if isinstance(value, str):
        label = ENUMERATIONS.get(value)
        return label[0 if zh else 1] if label else value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if unit in MONEY_UNITS and isinstance(value, int | float):
        return MONEY_UNITS[unit][0 if zh else 1].format(yuan(round(value)))
    if unit in COUNT_UNITS:
        if not zh and value == 1 and unit in SINGULAR_EN:
            return SINGULAR_EN[unit]
        return COUNT_UNITS[unit][0 if zh else 1].format(value)
    return str(value)


def _record_words(record: dict[str, Any], lang: str) -> str:
    zh = lang == "zh"
    parts: list[str] = []
    if "age" in record:
        parts.append(f"{record['age']} 岁" if zh else f"aged {record['age']}")
        category, grade = record.get("disability_category"), record.get("disability_grade")
        if category is None:
            parts.append("无残疾人证" if zh else "no disability certificate")
        else:
            zh_name, en_name = DISABILITY_CATEGORIES.get(int(category), (str(category),) * 2)
            parts.append(f"{zh_name}{grade}级" if zh else f"{en_name} disability, grade {grade}")
    if "father_status" in record:
        father = value_words(record["father_status"], "", lang)
        mother = value_words(record["mother_status"], "", lang)
        parts += (
            [f"父亲{father}", f"母亲{mother}"] if zh else [f"father {father}", f"mother {mother}"]
        )
    if "disaster_deaths" in record:
        destroyed = bool(record["disaster_home_destroyed"])
        if zh:
            parts += [
                f"死亡 {record['disaster_deaths']} 人",
                "住房倒塌损毁" if destroyed else "住房未倒塌损毁",
                f"过渡安置 {record['disaster_transitional_days']} 天",
                f"冬春救助 {record['disaster_winter_spring_persons']} 人",
            ]
        else:
            parts += [
                f"{record['disaster_deaths']} deaths",
                "home destroyed" if destroyed else "home not destroyed",
                f"{record['disaster_transitional_days']} days of resettlement",
                f"{record['disaster_winter_spring_persons']} persons in winter-spring need",
            ]
    return ("，" if zh else ", ").join(parts)


OPERATORS_ZH = {
    "<": "低于",
    "<=": "不超过",
    ">=": "不低于",
    ">": "高于",
    "==": "等于",
    "!=": "不等于",
}
OPERATORS_EN = {
    "<": "below",
    "<=": "at most",
    ">=": "at least",
    ">": "more than",
    "==": "equal to",
    "!=": "other than",
}


def rule_words(op: str, threshold: Any, unit: str, lang: str, *, criterion: str = "") -> str:
    """'< 600 yuan' as words: 低于 600.00 元 / below 600.00 yuan; "" for a yes/no test, whose
    condition already says what is required."""
    if isinstance(threshold, bool):
        return ""
    words = (OPERATORS_ZH if lang == "zh" else OPERATORS_EN).get(op, op)
    return f"{words} {value_words(threshold, unit, lang, criterion=criterion)}"


def is_example(source: str) -> bool:
    """A shipped value with no local source (`example:` in the parameter files)."""
    return source.strip().lower().startswith("example")


def shapes_amounts(unit: str) -> bool:
    """A standard, amount, limit or ratio (what an office sets as a figure), as against a choice
    of method (formula, rounding rule, flag, tier table) the result names in its computation."""
    return unit not in ("choice", "flag", "rounding rule") and not unit.startswith("list of [")


# Every parameter's name in Chinese; English uses the description. A test keeps it complete.
PARAMETER_NAMES_ZH: dict[str, str] = {
    "children.absence_min_months": "父母服刑、戒毒、失联等情形计入所需的最短月数",
    "children.age_limit": "儿童保障截止年龄",
    "children.orphan.dispersed_fen": "分散供养孤儿基本生活费",
    "children.orphan.institutional_fen": "机构集中养育孤儿基本生活费",
    "children.rounding": "儿童基本生活费取整方式",
    "common.disposable_income.rural": "上年农村居民人均可支配收入",
    "common.disposable_income.urban": "上年城镇居民人均可支配收入",
    "dibao.age.adult": "成年年龄（按当月最后一天计）",
    "dibao.age.elderly": "老年人分类施保起始年龄",
    "dibao.asset.commercial_property_max": "低保家庭可拥有的商业用房上限",
    "dibao.asset.financial_multiple": "低保家庭人均金融资产上限（上年人均可支配收入的倍数）",
    "dibao.asset.home_max": "低保家庭可拥有的住房套数上限",
    "dibao.asset.vehicle_limit_fen": "低保家庭机动车价值限额",
    "dibao.formula": "低保金计算方式",
    "dibao.income.counted_types": "计入家庭收入的收入类型",
    "dibao.income.deduct_expenses": "是否扣减家庭医疗和残疾支出",
    "dibao.income.months": "各类收入的计算月数",
    "dibao.near_poor.income_ratio": "低保边缘家庭人均收入上限（低保标准的倍数）",
    "dibao.near_poor.with_single_person_coverage": "单人保家庭其他成员可否认定为低保边缘家庭",
    "dibao.rounding": "低保金取整方式",
    "dibao.severe_disability.grade_max": "重度残疾的最低等级",
    "dibao.single_person.bedridden_selfcare_unable": "单人保认定长期卧床所需的不能自理项目数",
    "dibao.single_person.income_ratio": "单人保家庭人均收入上限（低保标准的倍数）",
    "dibao.standard.rural": "农村低保标准",
    "dibao.standard.urban": "城市低保标准",
    "dibao.tiers": "低保分档补差档次",
    "dibao.topup.elderly_ratio": "老年人分类施保比例",
    "dibao.topup.minor_ratio": "未成年人分类施保比例",
    "dibao.topup.seriously_ill_ratio": "重病患者分类施保比例",
    "dibao.topup.severely_disabled_ratio": "重度残疾人分类施保比例",
    "disability.care.fen": "重度残疾人护理补贴标准",
    "disability.care.include_grade34_mental": "护理补贴是否扩大到三、四级智力和精神残疾人",
    "disability.living.include_near_poor": "生活补贴是否扩大到低保边缘家庭",
    "disability.living.moderate_fen": "困难残疾人生活补贴标准（三、四级）",
    "disability.living.severe_fen": "困难残疾人生活补贴标准（一、二级）",
    "disability.rounding": "残疾人两项补贴取整方式",
    "disability.severe_grade_max": "享受重度标准的最低残疾等级",
    "disaster.death_consolation_fen": "遇难人员抚慰金",
    "disaster.reconstruction_fen": "倒损住房恢复重建补助",
    "disaster.rounding": "受灾人员救助金取整方式",
    "disaster.transitional_max_days": "过渡期生活救助最长天数",
    "disaster.transitional_per_person_day_fen": "过渡期生活救助标准",
    "disaster.winter_spring_per_person_fen": "冬春生活救助标准",
    "old_age.band_100_fen": "高龄津贴（100周岁以上）",
    "old_age.band_80_fen": "高龄津贴（80至89周岁）",
    "old_age.band_90_fen": "高龄津贴（90至99周岁）",
    "old_age.rounding": "高龄津贴取整方式",
    "payments.amount_change_ratio": "待遇金额较上月变动超过此比例须先核实（上月金额的比例）",
    "payments.arrears_max_months": "补发最多追溯的月数（自本期发放月份往前算），更早的月份只列出、不自动补发",
    "payments.cash_return_days": "现金未在此天数内发到对象手中即退回资金（自列入发放花名册起，自然日）",
    "payments.recovery_max_share": "追回多发资金每月扣减不超过当月待遇的此比例（不得扣减借款和债务）",
    "procedure.dibao.appraisal_days": "民主评议时限（入户调查结束后，工作日）",
    "procedure.dibao.decision_days": "县级审批时限（公示结束后，工作日）",
    "procedure.dibao.home_visit_days": "入户调查时限（核对结束后，工作日）",
    "procedure.dibao.township_opinion_days": "乡镇审核意见时限（民主评议结束后，工作日）",
    "procedure.dibao.verification_days": "家庭经济状况核对时限（自申请起，工作日）",
    "procedure.entitlement_days": "登记待遇发放的时限（送达决定书后，工作日）",
    "procedure.extension_days": "整个审批程序可延长的时限（一次，工作日）",
    "procedure.gradual_exit.months": "渐退期：新增工资收入不计入的月数",
    "procedure.gradual_exit.standard_multiple": "渐退适用的新增工资上限（人均，低保标准的倍数）",
    "procedure.letter_days": "书面告知决定的时限（作出决定后，工作日）",
    "procedure.notice_days": "公示天数（自然日）",
    "procedure.renotice_days": "异议处理后重新公示天数（自然日）",
    "procedure.temporary.repeat_months": "临时救助同一事由再次申请的间隔（月，另有新的急难情形除外）",
    "procedure.temporary.help_first_days": "临时救助“先行救助”后补办核查的时限（工作日）",
    "procedure.temporary.review_days": "临时救助简易程序每一步的时限（工作日）",
    "procedure.temporary.whole_days": "临时救助一般程序的总时限（自申请至决定，工作日）",
    "procedure.whole_days": "整个审批程序的总时限（自申请至县级决定，工作日）",
    "procedure.spot_check.share": "县级抽查的最低比例（已决定的案件）",
    "special_care.died_on_duty_family_fen": "因公牺牲军人遗属定期抚恤金",
    "special_care.disabled_veteran_by_grade_fen": "残疾军人残疾抚恤金（按等级）",
    "special_care.martyr_family_fen": "烈士遗属定期抚恤金",
    "special_care.rounding": "优抚金取整方式",
    "special_care.veteran_in_difficulty_fen": "生活困难退役军人补助",
    "tekun.age.elderly": "特困老年人年龄（按当月最后一天计）",
    "tekun.age.minor": "特困未成年人年龄上限（按当月最后一天计）",
    "tekun.age.student": "在校学生按未成年人保障的年龄上限",
    "tekun.basic_living_ratio": "特困人员基本生活标准（低保标准的倍数）",
    "tekun.care.centralized.full": "特困人员集中供养护理标准（全自理）",
    "tekun.care.centralized.none": "特困人员集中供养护理标准（完全不能自理）",
    "tekun.care.centralized.partial": "特困人员集中供养护理标准（部分自理）",
    "tekun.care.dispersed.full": "特困人员分散供养护理标准（全自理）",
    "tekun.care.dispersed.none": "特困人员分散供养护理标准（完全不能自理）",
    "tekun.care.dispersed.partial": "特困人员分散供养护理标准（部分自理）",
    "tekun.income.counted_types": "特困认定计入的本人收入类型",
    "tekun.mental_grade_max": "视为无劳动能力的智力、精神残疾最低等级",
    "tekun.physical_grade_max": "视为无劳动能力的肢体残疾最低等级",
    "tekun.rounding": "特困供养金取整方式",
    "temporary.cap_multiple": "临时救助上限（城市低保月标准的倍数）",
    "temporary.rounding": "临时救助金取整方式",
    "temporary.township_multiple": "乡镇可审批的临时救助额度（城市低保月标准的倍数）",
    "citizens.review_notice_days": "复核到期前短信告知家庭的天数（自然日）",
    "requests.question_days": "群众咨询的答复时限",
    "requests.complaint_days": "群众投诉的办理时限",
    "requests.change_days": "群众反映情况变化的处理时限",
    "requests.report_days": "举报骗保、优亲厚友的核查时限",
    "requests.help_days": "群众求助的答复时限",
    "requests.payment_days": "抽查回访发现资金未足额到账的跟进时限",
}


def parameter_words(name: str, lang: str) -> str:
    """A parameter's name for a person: the Chinese name, or the English description without
    its citation in brackets."""
    if lang == "zh":
        return PARAMETER_NAMES_ZH.get(name, name)
    from huimin.rules.parameters import load_parameters  # the shipped set is cached

    definition = load_parameters().definitions.get(name)
    description = definition.description if definition else ""
    return re.sub(r"\s*\([^)]*§[^)]*\)$", "", description) or name


def parameter_value_words(value: Any, unit: str, lang: str) -> str:
    """A parameter's value with its unit; lists and rules shown as they are written."""
    if isinstance(value, bool):
        return yes_no(value, lang)
    if isinstance(value, int | float) and (unit in MONEY_UNITS or unit in COUNT_UNITS):
        return value_words(value, unit, lang)
    if unit == "ratio" and isinstance(value, int | float):
        if value < 1:  # a share of a standard
            return f"{value * 100:g}%"
        return f"{value:g} 倍" if lang == "zh" else f"{value:g} times"
    if isinstance(value, list) and unit.startswith("list of fen"):
        return "、".join(yuan(v) for v in value) + (" 元" if lang == "zh" else " yuan")
    return str(value)
