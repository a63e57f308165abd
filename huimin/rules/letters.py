"""Decision letters in Chinese and English, from an explanation.

An approval states the monthly amount and how it was computed; a refusal names every criterion
that was not met, in plain words, with the figure and the rule it was measured against. Both end
with the right of appeal: administrative reconsideration within 60 days, or an administrative
lawsuit within 6 months.
"""

from string import Template
from typing import Any

from huimin.rules.explain import CriterionResult, ProgramExplanation
from huimin.rules.program import yuan

APPEAL_ZH = (
    "如对本决定不服，可以自收到本决定书之日起60日内依法申请行政复议，"
    "也可以自收到本决定书之日起6个月内依法向人民法院提起行政诉讼。"
)
APPEAL_EN = (
    "If you disagree with this decision, you may apply for administrative reconsideration within "
    "60 days of receiving this letter, or bring an administrative lawsuit before the people's "
    "court within 6 months of receiving it."
)

TEMPLATES = {
    ("zh", True): Template(
        "$title 审批决定书\n\n户号：$household$person\n期间：$period\n\n"
        "经审核，您符合$title条件，决定予以批准，每月发放 $amount 元。\n\n"
        "计算方法：\n$computation\n\n审核情况：\n$criteria\n\n$appeal\n"
    ),
    ("zh", False): Template(
        "$title 审批决定书\n\n户号：$household$person\n期间：$period\n\n"
        "经审核，您不符合$title条件，决定不予批准。理由如下：\n$failed\n\n$appeal\n"
    ),
    ("en", True): Template(
        "Decision on $title\n\nHousehold: $household$person\nPeriod: $period\n\n"
        "Your application is approved: you will receive $amount yuan a month.\n\n"
        "How the amount was computed:\n$computation\n\nWhat was checked:\n$criteria\n\n$appeal\n"
    ),
    ("en", False): Template(
        "Decision on $title\n\nHousehold: $household$person\nPeriod: $period\n\n"
        "Your application is refused, for these reasons:\n$failed\n\n$appeal\n"
    ),
}


def render_letter(
    explanation: ProgramExplanation, lang: str = "both", *, household_label: str | None = None
) -> str:
    """The decision letter for one program's explanation: "zh", "en" or "both" (Chinese first)."""
    if lang == "both":
        return (
            render_letter(explanation, "zh", household_label=household_label)
            + "\n---\n\n"
            + render_letter(explanation, "en", household_label=household_label)
        )
    if lang not in ("zh", "en"):
        raise ValueError(f"language {lang!r} is not 'zh', 'en' or 'both'")
    e = explanation
    person = ""
    if e.person_id is not None:
        person = f"  人员编号：{e.person_id}" if lang == "zh" else f"  Person: {e.person_id}"
    return TEMPLATES[(lang, e.eligible)].substitute(
        title=e.title_zh if lang == "zh" else e.title_en,
        household=household_label or e.household_id,
        person=person,
        period=e.period,
        amount=yuan(e.amount_fen),
        computation=e.computation_zh if lang == "zh" else e.computation_en,
        criteria="\n".join(_criterion_line(c, lang) for c in e.criteria),
        failed="\n".join(_criterion_line(c, lang) for c in e.criteria if not c.passed),
        appeal=APPEAL_ZH if lang == "zh" else APPEAL_EN,
    )


def _criterion_line(c: CriterionResult, lang: str) -> str:
    figures = _figures(c, lang)
    if lang == "zh":
        verdict = "符合" if c.passed else "不符合"
        return f"- {c.zh}：{verdict}{figures}（依据：{c.clause}）"
    verdict = "met" if c.passed else "not met"
    return f"- {c.en}: {verdict}{figures} (rule: {c.clause})"


def _figures(c: CriterionResult, lang: str) -> str:
    value = format_value(c.value, c.unit, lang)
    if c.threshold is None or c.op is None:
        return f"；情况：{value}" if lang == "zh" else f"; situation: {value}"
    threshold = format_value(c.threshold, c.unit, lang)
    if lang == "zh":
        return f"；实际 {value}，规定 {c.op} {threshold}"
    return f"; actual {value}, required {c.op} {threshold}"


def format_value(value: Any, unit: str, lang: str) -> str:
    if value is None:
        return "无" if lang == "zh" else "none"
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if unit == "fen":
        return f"{yuan(value)} 元" if lang == "zh" else f"{yuan(value)} yuan"
    if unit == "fen/year":
        return f"每年 {yuan(value)} 元" if lang == "zh" else f"{yuan(value)} yuan a year"
    if unit == "years":
        return f"{value} 岁" if lang == "zh" else f"{value} years"
    if unit == "grade":
        return f"{value} 级" if lang == "zh" else f"grade {value}"
    return str(value)
