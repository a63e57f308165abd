import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from huimin.core.errors import ValidationFailed
from huimin.core.models import AuditEvent
from huimin.programs.evaluation import household_explain, totals_for_registry
from huimin.programs.models import ParameterOverride
from huimin.programs.parameters import live_parameters
from huimin.programs.services import parameter_override_create
from huimin.registry.models import Asset, Household, IncomeRecord, Person
from tests.conftest import VILLAGE_A, VILLAGE_B

PERIOD = "2026-11"


def make_household(number: str, village: str, wage_fen: int, *, members: int = 2) -> Household:
    """A rural household written straight to the tables: this module tests the rules side."""
    household = Household.objects.create(
        household_no=number, region_code=village, address="测试地址", residence_type="rural"
    )
    for position in range(members):
        person = Person.objects.create(
            household=household,
            name=f"成员{position}",
            id_number=f"53290119800101{number[-2:]}{position}X",
            sex="M",
            birth_date=dt.date(1980, 1, 1),
            relation="head" if position == 0 else "child",
        )
        if position == 0:
            IncomeRecord.objects.create(
                person=person,
                income_type="wages",
                monthly_fen=wage_fen,
                valid_from=dt.date(2020, 1, 1),
            )
    return household


def test_a_poor_household_is_eligible_for_dibao_and_the_explanation_matches(regions):
    poor = make_household("H-01", VILLAGE_A, wage_fen=20000)
    explanation = household_explain(household=poor, period=PERIOD)
    dibao = explanation.for_program("dibao")
    assert dibao.eligible and dibao.amount_fen > 0
    income = next(c for c in dibao.criteria if c.name == "income_below_standard")
    assert income.passed and income.value == 10000  # 200 yuan shared by two members
    totals = {
        t.program: t
        for t in totals_for_registry(households=Household.objects.all(), period=PERIOD)
        if not t.region_code
    }
    assert totals["dibao"].eligible == 1
    assert totals["dibao"].monthly_cost_fen == dibao.amount_fen


def test_a_costly_car_fails_the_asset_test(regions):
    household = make_household("H-02", VILLAGE_A, wage_fen=0)
    Asset.objects.create(
        household=household, kind="vehicle", value_fen=8_000_000, valid_from=dt.date(2024, 1, 1)
    )
    dibao = household_explain(household=household, period=PERIOD).for_program("dibao")
    assert not dibao.eligible
    assert [c.name for c in dibao.criteria if not c.passed] == ["no_costly_vehicle"]


def test_an_override_from_the_database_changes_the_standard_and_is_audited(regions, admin_user):
    household = make_household("H-03", VILLAGE_A, wage_fen=20000)
    before = household_explain(household=household, period=PERIOD).for_program("dibao").amount_fen
    standard = live_parameters().resolve_winner("dibao.standard.rural", VILLAGE_A, _period())
    parameter_override_create(
        actor=admin_user,
        name="dibao.standard.rural",
        region="532901",
        start=dt.date(2026, 10, 1),
        value=standard.value + 10000,
        source="大理市民政局 2026 年第 9 号 (test)",
    )
    after = household_explain(household=household, period=PERIOD).for_program("dibao")
    assert after.amount_fen > before
    used = next(p for p in after.parameters if p.name == "dibao.standard.rural")
    assert used.origin == "override" and used.region == "532901"
    assert AuditEvent.objects.filter(action="parameter.override").exists()


def test_an_unknown_parameter_is_refused_before_it_is_saved(regions, admin_user):
    with pytest.raises(ValidationFailed, match="dibao.standrd"):
        parameter_override_create(
            actor=admin_user,
            name="dibao.standrd",
            region="",
            start=dt.date(2026, 1, 1),
            value=1,
            source="typo",
        )
    assert not ParameterOverride.objects.exists()


def test_the_commands_print_totals_and_an_explanation(regions, capsys):
    make_household("H-04", VILLAGE_A, wage_fen=20000)
    make_household("H-05", VILLAGE_B, wage_fen=20000)
    call_command("evaluate", "--period", PERIOD, "--region", "532901")
    out = capsys.readouterr().out
    assert "dibao" in out and "532901" in out and "532922" not in out
    call_command("explain", "H-04", "--period", PERIOD, "--program", "dibao", "--lang", "zh")
    out = capsys.readouterr().out
    assert "根据登记信息预评估" in out and "不是审批决定" in out  # a pre-assessment, not a decision
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("evaluate", "--period", "November")


def _period():
    from huimin.rules.periods import parse_period

    return parse_period(PERIOD)


def test_a_parquet_population_is_evaluated_by_county(tmp_path, capsys, db):
    from huimin.registry.synthetic import generate, write_parquet

    villages = ["532901003001", "532922100201"]
    write_parquet(generate(villages, 3000, seed=5), tmp_path)
    call_command(
        "evaluate",
        "--period",
        PERIOD,
        "--parquet",
        str(tmp_path / "persons.parquet"),
        "--region",
        "532922",
    )
    out = capsys.readouterr().out
    assert "532922" in out and "532901 " not in out
    with pytest.raises(CommandError, match="no households.parquet"):
        call_command("evaluate", "--period", PERIOD, "--parquet", str(tmp_path / "missing"))
