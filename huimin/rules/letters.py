"""Decision letters and pre-assessments in Chinese and English, from an explanation.

A decision letter (`render_letter`) comes from a decision: the office that made it, its date and
number, and the person it is addressed to, all given by the caller (casework). An approval states
the monthly amount and how it was computed; a refusal names every criterion that was not met, in
plain words, with the figure and the rule it was measured against. Both end with the right of
appeal: administrative reconsideration within 60 days, or an administrative lawsuit within 6
months. No letter carries an internal id.

A pre-assessment (`render_pre_assessment`) is what the eligibility page shows before any
application: what the registry shows, what applying takes, and that it is not a decision and
gives no right of appeal yet. It never uses decision wording.

Both say when an amount rests on a shipped example value that the office must replace.
"""

import datetime as dt
from string import Template

from huimin.rules.explain import CriterionResult, ParameterUse, ProgramExplanation
from huimin.rules.program import yuan
from huimin.rules.wording import (
    NO_CLAUSE,
    clause_words,
    date_words,
    is_example,
    month_words,
    parameter_value_words,
    parameter_words,
    rule_words,
    shapes_amounts,
    value_words,
)

APPEAL_ZH = (
    "如对本决定不服，可以自收到本决定书之日起60日内依法申请行政复议，"
    "也可以自收到本决定书之日起6个月内依法向人民法院提起行政诉讼。"
)
APPEAL_EN = (
    "If you disagree with this decision, you may apply for administrative reconsideration within "
    "60 days of receiving this letter, or bring an administrative lawsuit before the people's "
    "court within 6 months of receiving it."
)
NOT_A_DECISION_ZH = (
    "本预评估仅根据登记信息作出，不是审批决定，也不产生申请行政复议或提起行政诉讼的权利；"
    "作出决定后，决定书会告知您的权利。"
)
NOT_A_DECISION_EN = (
    "This pre-assessment is drawn from the registry only. It is not a decision and gives no right "
    "of appeal yet; the decision, once made, will tell you your rights."
)
HOW_TO_APPLY_ZH = (
    "如需申请：向户籍所在地乡镇人民政府（街道办事处）提出书面申请，"
    "经家庭经济状况核对、入户调查、民主评议和公示后，由县级民政部门作出决定。"
)
HOW_TO_APPLY_EN = (
    "To apply: hand a written application to the township government (or street office) of your "
    "registered residence; after the economic verification, a home visit, the democratic appraisal "
    "and a public notice, the county civil affairs bureau decides."
)

DECISIONS = {
    ("zh", True): Template(
        "$office\n$title审批决定书\n$number\n\n$addressee：\n\n"
        "经审核，您符合$title条件，决定自$period起予以批准，每月发放 $amount 元。\n\n"
        "计算方法：\n$computation\n\n审核情况：\n$criteria\n$examples\n$appeal\n\n$office\n$date\n"
    ),
    ("zh", False): Template(
        "$office\n$title审批决定书\n$number\n\n$addressee：\n\n"
        "经审核，您不符合$title条件，决定不予批准。理由如下：\n$failed\n$examples\n"
        "$appeal\n\n$office\n$date\n"
    ),
    ("en", True): Template(
        "$office\nDecision on $title\nNo. $number\n\nTo $addressee\n\n"
        "Your application is approved from $period: you will receive $amount yuan a month.\n\n"
        "How the amount was computed:\n$computation\n\nWhat was checked:\n$criteria\n$examples\n"
        "$appeal\n\n$office\n$date\n"
    ),
    ("en", False): Template(
        "$office\nDecision on $title\nNo. $number\n\nTo $addressee\n\n"
        "Your application is refused, for these reasons:\n$failed\n$examples\n"
        "$appeal\n\n$office\n$date\n"
    ),
}
# Review decisions (复核决定书): the same letter, for what a periodic review decided about an
# entitlement already paid (SAIM §13: raise, lower or stop, a stop in writing with reasons).
_REVIEW_HEAD_ZH = "$office\n$title复核决定书\n$number\n\n$addressee：\n\n"
_REVIEW_HEAD_EN = "$office\nReview decision on $title\nNo. $number\n\nTo $addressee\n\n"
_REVIEW_FOOT_ZH = "$examples\n$appeal\n\n$office\n$date\n"
_REVIEW_FOOT_EN = _REVIEW_FOOT_ZH
REVIEWS = {
    ("zh", "continue"): Template(
        _REVIEW_HEAD_ZH
        + "经复核，您仍符合$title条件，决定继续发放，自$start起每月 $amount 元。\n\n"
        "计算方法：\n$computation\n\n复核情况：\n$criteria\n" + _REVIEW_FOOT_ZH
    ),
    ("zh", "kept"): Template(
        _REVIEW_HEAD_ZH
        + "经复核，决定维持原待遇不变，每月 $amount 元。\n\n理由：$note\n"
        + _REVIEW_FOOT_ZH
    ),
    ("zh", "adjust"): Template(
        _REVIEW_HEAD_ZH
        + "经复核，您家庭的情况有变化，决定自$start起将每月发放金额由 $was 元调整为 "
        "$amount 元。\n\n计算方法：\n$computation\n\n复核情况：\n$criteria\n" + _REVIEW_FOOT_ZH
    ),
    ("zh", "gradual_exit"): Template(
        _REVIEW_HEAD_ZH
        + "经复核，您家庭新增了工资收入。按照渐退规定，新增的工资收入在渐退期内暂不计入，"
        "决定继续每月发放 $amount 元至$end，此后停止发放。\n\n复核情况：\n$criteria\n"
        + _REVIEW_FOOT_ZH
    ),
    ("zh", "stop"): Template(
        _REVIEW_HEAD_ZH
        + "经复核，您已不符合$title条件，决定自$start起停止发放。理由如下：\n$failed\n"
        + _REVIEW_FOOT_ZH
    ),
    ("en", "continue"): Template(
        _REVIEW_HEAD_EN + "After the review you still qualify: payment continues from $start at "
        "$amount yuan a month.\n\nHow the amount was computed:\n$computation\n\n"
        "What was checked:\n$criteria\n" + _REVIEW_FOOT_EN
    ),
    ("en", "kept"): Template(
        _REVIEW_HEAD_EN + "After the review your payment stays as it is: $amount yuan a month.\n\n"
        "Why: $note\n" + _REVIEW_FOOT_EN
    ),
    ("en", "adjust"): Template(
        _REVIEW_HEAD_EN + "After the review your household's situation has changed: from $start "
        "you will receive $amount yuan a month instead of $was yuan.\n\n"
        "How the amount was computed:\n$computation\n\nWhat was checked:\n$criteria\n"
        + _REVIEW_FOOT_EN
    ),
    ("en", "gradual_exit"): Template(
        _REVIEW_HEAD_EN
        + "After the review your household has a new wage income. Under the gradual "
        "exit rule that income is not counted for a while: you will go on receiving $amount yuan a "
        "month until $end, and payment stops after that.\n\nWhat was checked:\n$criteria\n"
        + _REVIEW_FOOT_EN
    ),
    ("en", "stop"): Template(
        _REVIEW_HEAD_EN + "After the review you no longer qualify: payment stops from $start, for "
        "these reasons:\n$failed\n" + _REVIEW_FOOT_EN
    ),
}
REVIEW_OUTCOMES = ("continue", "kept", "adjust", "gradual_exit", "stop")
PRE_ASSESSMENTS = {
    ("zh", True): Template(
        "根据登记信息预评估：$title\n$who期间：$period\n\n"
        "按登记信息，$subject看来符合$title条件，预计每月 $amount 元。\n\n"
        "计算方法：\n$computation\n\n登记信息显示：\n$criteria\n$examples\n$apply\n\n$notice\n"
    ),
    ("zh", False): Template(
        "根据登记信息预评估：$title\n$who期间：$period\n\n"
        "按登记信息，$subject看来不符合$title条件，因为：\n$failed\n$examples\n"
        "$apply\n\n$notice\n"
    ),
    ("en", True): Template(
        "Pre-assessment from the registry: $title\n${who}Month: $period\n\n"
        "From what the registry holds, $subject appears to qualify: about $amount yuan a month.\n\n"
        "How the amount would be computed:\n$computation\n\nWhat the registry shows:\n$criteria\n"
        "$examples\n$apply\n\n$notice\n"
    ),
    ("en", False): Template(
        "Pre-assessment from the registry: $title\n${who}Month: $period\n\n"
        "From what the registry holds, $subject does not appear to qualify, because:\n$failed\n"
        "$examples\n$apply\n\n$notice\n"
    ),
}


def render_letter(
    explanation: ProgramExplanation,
    lang: str = "both",
    *,
    office: str,
    date: dt.date,
    number: str,
    addressee: str,
) -> str:
    """The decision letter for one program's explanation: "zh", "en" or "both" (Chinese first).

    office, date and number are the decision's; addressee is the person's name."""
    if lang == "both":
        return "\n---\n\n".join(
            render_letter(
                explanation, one, office=office, date=date, number=number, addressee=addressee
            )
            for one in ("zh", "en")
        )
    _check(lang)
    e = explanation
    return DECISIONS[(lang, e.eligible)].substitute(
        office=office,
        number=number,
        addressee=addressee,
        date=date_words(date, lang),
        **_common(e, lang),
    )


def render_review_letter(
    explanation: ProgramExplanation,
    lang: str,
    *,
    outcome: str,
    office: str,
    date: dt.date,
    number: str,
    addressee: str,
    monthly_fen: int,
    was_fen: int,
    start: str,
    end: str | None = None,
    note: str = "",
) -> str:
    """The letter of a review's decision, in "zh" or "en".

    outcome is "continue", "adjust", "gradual_exit" or "stop" (the proposal accepted) or "kept"
    (the proposal not followed: the amount stays, for the approver's reason); monthly_fen is what
    is paid from `start` (a month, YYYY-MM), was_fen what was paid before; end is the last month
    paid of a gradual exit."""
    _check(lang)
    if outcome not in REVIEW_OUTCOMES:
        raise ValueError(f"review outcome {outcome!r} is not one of {REVIEW_OUTCOMES}")
    common = _common(explanation, lang)
    return REVIEWS[(lang, outcome)].substitute(
        office=office,
        number=number,
        addressee=addressee,
        date=date_words(date, lang),
        **{**common, "amount": yuan(monthly_fen)},
        was=yuan(was_fen),
        start=month_words(start, lang),
        end=month_words(end, lang) if end else "",
        note=note,
    )


def render_pre_assessment(
    explanation: ProgramExplanation, lang: str, *, person_name: str = ""
) -> str:
    """What the registry shows for one program, before any application: never a decision."""
    _check(lang)
    e = explanation
    zh = lang == "zh"
    if person_name:
        who = f"人员：{person_name}\n" if zh else f"Person: {person_name}\n"
        subject = person_name
    else:
        who = ""
        subject = "这户家庭" if zh else "the household"
    return PRE_ASSESSMENTS[(lang, e.eligible)].substitute(
        who=who,
        subject=subject,
        apply=HOW_TO_APPLY_ZH if zh else HOW_TO_APPLY_EN,
        notice=NOT_A_DECISION_ZH if zh else NOT_A_DECISION_EN,
        **_common(e, lang),
    )


def example_parameters(explanation: ProgramExplanation) -> list[ParameterUse]:
    """The parameters this result read whose value in force is a shipped example."""
    return [
        use for use in explanation.parameters if is_example(use.source) and shapes_amounts(use.unit)
    ]


def example_note(explanation: ProgramExplanation, lang: str) -> str:
    """A sentence naming each example value the result rests on, or "" when there is none."""
    uses = example_parameters(explanation)
    if not uses:
        return ""
    named = [
        f"{parameter_words(use.name, lang)}（{parameter_value_words(use.value, use.unit, lang)}）"
        if lang == "zh"
        else f"{parameter_words(use.name, lang)} ({parameter_value_words(use.value, use.unit, lang)})"
        for use in uses
    ]
    if lang == "zh":
        return (
            "注意：以下标准是系统自带的示例值，不是本地标准，民政部门须设定本地的数值："
            + "；".join(named)
            + "。"
        )
    return (
        "Note: these values are examples shipped with the system, not local standards; the office "
        "must set its own value: " + "; ".join(named) + "."
    )


def _check(lang: str) -> None:
    if lang not in ("zh", "en"):
        raise ValueError(f"language {lang!r} is not 'zh', 'en' or 'both'")


def _common(e: ProgramExplanation, lang: str) -> dict[str, str]:
    note = example_note(e, lang)
    return {
        "title": e.title_zh if lang == "zh" else e.title_en,
        "period": month_words(e.period, lang),
        "amount": yuan(e.amount_fen),
        "computation": e.computation_zh if lang == "zh" else e.computation_en,
        "criteria": "\n".join(criterion_line(c, lang) for c in e.criteria),
        "failed": "\n".join(criterion_line(c, lang) for c in e.criteria if not c.passed),
        "examples": f"\n{note}\n" if note else "",
        "appeal": APPEAL_ZH if lang == "zh" else APPEAL_EN,
    }


def criterion_line(c: CriterionResult, lang: str) -> str:
    figures = _figures(c, lang)
    cited = c.clause != NO_CLAUSE
    clause = clause_words(c.clause, lang)
    if lang == "zh":
        verdict = "符合" if c.passed else "不符合"
        return f"- {c.zh}：{verdict}{figures}" + (f"（依据：{clause}）" if cited else "")
    verdict = "met" if c.passed else "not met"
    return f"- {c.en}: {verdict}{figures}" + (f" (rule: {clause})" if cited else "")


def _figures(c: CriterionResult, lang: str) -> str:
    value = value_words(c.value, c.unit, lang, criterion=c.name)
    if c.threshold is None or c.op is None or isinstance(c.threshold, bool):
        return f"；情况：{value}" if lang == "zh" else f"; situation: {value}"
    rule = rule_words(c.op, c.threshold, c.unit, lang, criterion=c.name)
    if lang == "zh":
        return f"；实际 {value}，规定 {rule}"
    return f"; actual {value}, required {rule}"
