"""One person rule set: the form's checks (Python) and the import's (Polars) give one verdict."""

from datetime import date, timedelta

import polars as pl
import pytest
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from huimin.core.errors import ValidationFailed
from huimin.registry import services
from huimin.registry.bulk.columns import ROW_COLUMN
from huimin.registry.bulk.validation.person_rules import person_rule_errors
from huimin.registry.models import NotCountedReason, ParentStatus, Relation, SpecialCareCategory
from huimin.registry.validation import PersonFacts, check_person, sex_from_id
from tests.registry.factories import make_household, person_facts
from tests.registry.test_import_dry_run import (
    csv_file,
    errors_by_row,
    head,
    in_english,  # noqa: F401 - autouse fixture
    run,
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def an_identity(birth: date, serial: int) -> str:
    body = f"532901{birth:%Y%m%d}{serial:03d}"
    return body + ric.calc_check_digit(body + "0")


TODAY = timezone.localdate()
maybe_dates = st.one_of(
    st.none(), st.dates(min_value=date(1990, 1, 1), max_value=TODAY + timedelta(days=400))
)


@st.composite
def people(draw: st.DrawFn) -> PersonFacts:
    birth = draw(st.dates(min_value=date(1940, 1, 1), max_value=date(2020, 12, 31)))
    number = an_identity(birth, draw(st.integers(1, 999)))
    facts = PersonFacts(name="甲", id_number=number, relation=Relation.CHILD)
    facts.birth_date = draw(st.sampled_from([None, birth, birth + timedelta(days=1)]))
    facts.sex = draw(st.sampled_from(["", sex_from_id(number), "M", "F"]))
    facts.disability_category = draw(st.one_of(st.none(), st.integers(1, 7)))
    facts.disability_grade = draw(st.one_of(st.none(), st.integers(1, 4)))
    facts.special_care_category = draw(st.sampled_from(SpecialCareCategory.values))
    facts.special_care_grade = draw(st.one_of(st.none(), st.integers(1, 10)))
    facts.counted_in_family = draw(st.booleans())
    reasons = [v for v in NotCountedReason.values if v]
    facts.not_counted_reason = draw(st.sampled_from(["", *reasons]))
    for parent in ("father", "mother"):
        setattr(facts, f"{parent}_status", draw(st.sampled_from(ParentStatus.values)))
        setattr(facts, f"{parent}_status_since", draw(maybe_dates))
    return facts


def polars_verdicts(facts: list[PersonFacts]) -> list[bool]:
    """The import's rules over all of them at once: True where a row has no error."""
    frame = pl.DataFrame(
        {
            ROW_COLUMN: list(range(len(facts))),
            "id_birth_date": [ric.get_birth_date(f.id_number) for f in facts],
            "id_sex": [sex_from_id(f.id_number) for f in facts],
            "birth_date": [f.birth_date for f in facts],
            "sex": [f.sex or None for f in facts],
            "disability_category": [f.disability_category for f in facts],
            "disability_grade": [f.disability_grade for f in facts],
            "special_care_category": [f.special_care_category for f in facts],
            "special_care_grade": [f.special_care_grade for f in facts],
            "counted_in_family": [f.counted_in_family for f in facts],
            "not_counted_reason": [f.not_counted_reason or None for f in facts],
            "father_status": [f.father_status for f in facts],
            "mother_status": [f.mother_status for f in facts],
            "father_status_since": [f.father_status_since for f in facts],
            "mother_status_since": [f.mother_status_since for f in facts],
            "death_date": pl.Series([None] * len(facts), dtype=pl.Date),
            "payee": [False] * len(facts),
        },
        schema_overrides={
            "birth_date": pl.Date,
            "father_status_since": pl.Date,
            "mother_status_since": pl.Date,
            "disability_category": pl.Int64,
            "disability_grade": pl.Int64,
            "special_care_grade": pl.Int64,
            "sex": pl.Utf8,
            "not_counted_reason": pl.Utf8,
        },
    )
    wrong = set(pl.concat(person_rule_errors(frame))[ROW_COLUMN].to_list())
    return [row not in wrong for row in range(len(facts))]


def python_verdict(facts: PersonFacts) -> bool:
    try:
        check_person(facts, today=TODAY)
    except ValidationFailed:
        return False
    return True


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(people(), min_size=1, max_size=25))
def test_the_form_and_the_import_agree_on_every_person(facts):
    from_polars = polars_verdicts(facts)
    from_python = [python_verdict(f) for f in facts]
    assert from_python == from_polars


def test_the_service_refuses_a_special_care_grade_without_the_veteran_category(
    caseworker_a,
):
    household = make_household(caseworker_a)
    with pytest.raises(ValidationFailed, match="only a disabled veteran") as refused:
        services.person_add(
            actor=caseworker_a,
            household=household,
            facts=person_facts("王五", Relation.CHILD, special_care_grade=3),
        )
    assert refused.value.field == "special_care_grade"


def test_the_import_refuses_a_since_date_for_a_parent_who_is_present(caseworker_a, tmp_path):
    rows = [head("HH-1", father_status="健在", father_status_since="2024-01-01")]
    outcome = run(caseworker_a, csv_file(tmp_path, rows), mode="check")
    assert "present and able" in errors_by_row(outcome)[2]["father_status_since"]
