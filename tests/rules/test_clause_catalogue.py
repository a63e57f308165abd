"""Every clause the rules cite has the regulation's name and article in words, both languages;
values are worded for a person."""

import datetime as dt

import pytest

from huimin.rules import explain
from huimin.rules.programs import PROGRAMS
from huimin.rules.wording import NO_CLAUSE, chinese_number, clause_words, value_words
from tests.rules.pinned import pinned_parameters

HOUSEHOLD = {
    "region_code": "532901001001",
    "residence_type": "rural",
    "members": [{"birth_date": "1980-01-01"}, {"birth_date": "2015-01-01"}],
}


def _cited() -> set[str]:
    explanation = explain(HOUSEHOLD, "2026-03", pinned_parameters())
    clauses = {program.clause for program in PROGRAMS.values()}
    for entries in explanation.programs.values():
        clauses |= {c.clause for entry in entries for c in entry.criteria}
    return clauses - {NO_CLAUSE}


def test_every_clause_the_rules_cite_is_in_the_catalogue() -> None:
    cited = _cited()
    assert {"SAIM §9", "SAIM §47", "NDRR §14", "GF-2015-52"} <= cited
    for code in cited:
        zh, en = clause_words(code, "zh"), clause_words(code, "en")
        assert zh != code and en != code, code
        assert "POLICY.md" not in zh + en and "example" not in (zh + en).lower()


def test_a_clause_reads_as_the_regulation_and_its_article() -> None:
    assert clause_words("SAIM §9", "zh") == "《社会救助暂行办法》第九条"
    assert clause_words("SAIM §9", "en") == "Interim Measures for Social Assistance, art. 9"
    assert clause_words("SAIM §47-48", "zh") == "《社会救助暂行办法》第四十七条至第四十八条"
    assert clause_words("NDRR §14-21", "en") == "Regulations on Natural Disaster Relief, art. 14–21"
    with pytest.raises(KeyError, match="catalogue"):
        clause_words("XYZ §1", "zh")


@pytest.mark.parametrize(
    ("n", "words"),
    [(1, "一"), (9, "九"), (10, "十"), (12, "十二"), (21, "二十一"), (105, "一百零五")],
)
def test_article_numbers_are_chinese_numerals(n: int, words: str) -> None:
    assert chinese_number(n) == words


def test_values_are_worded_for_a_person() -> None:
    assert value_words(True, "", "zh") == "是" and value_words(False, "", "en") == "no"
    assert value_words("family", "", "zh", criterion="in_dibao_family") == "全家纳入低保"
    assert value_words("none", "", "en", criterion="in_dibao_family") == "not covered by dibao"
    assert value_words(123456, "fen", "zh") == "1,234.56 元"
    assert (
        value_words(2, "persons", "en") == "2 persons" and value_words(1, "homes", "en") == "1 home"
    )
    assert value_words(dt.date(2026, 11, 3), "", "zh") == "2026年11月3日"
    assert value_words(dt.date(2026, 11, 3), "", "en") == "3 November 2026"
    situation = {"age": 70, "disability_category": 4, "disability_grade": 1}
    assert value_words(situation, "", "zh") == "70 岁，肢体残疾1级"
    assert value_words(situation, "", "en") == "aged 70, physical disability, grade 1"
    parents = {"father_status": "dead", "mother_status": "imprisoned"}
    assert value_words(parents, "", "zh") == "父亲已死亡，母亲服刑在押"


def test_it_names_every_parameter_in_chinese():
    """An administrator's parameter form and the example-values list show these names: a key like
    `dibao.age.adult` on a Chinese page is machine text."""
    from huimin.rules.parameters import load_parameters
    from huimin.rules.wording import PARAMETER_NAMES_ZH

    unnamed = sorted(set(load_parameters().definitions) - set(PARAMETER_NAMES_ZH))
    assert unnamed == []
