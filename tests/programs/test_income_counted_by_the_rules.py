"""Which incomes count is the programs' parameter, by period and region, applied to what the
registry records; a caseworker's exclusion of one record is the only exclusion the registry holds,
and it is shown with its reason."""

import datetime as dt

from django.core.management import call_command
from django.urls import reverse

from huimin.programs.evaluation import household_explain
from huimin.programs.frames import population_from_registry
from huimin.programs.parameters import live_parameters
from huimin.programs.services import parameter_override_create
from huimin.registry import services
from huimin.registry.models import Household, IncomeType
from huimin.rules import explain, set_to
from tests.conftest import VILLAGE_A
from tests.registry.factories import make_household, member

PERIOD = "2026-11"
MONTH_END = dt.date(2026, 11, 30)
PENSION_FEN = 30_000  # 300 yuan a month, shared by the two members: 150 yuan each
COUNTED = "dibao.income.counted_types"
REASON = "一次性务工报酬，入户核实后确认已不再持续"


def _household_with_a_basic_pension(caseworker) -> Household:
    household = make_household(caseworker)  # 张三 and 李梅
    services.income_add(
        actor=caseworker,
        person=member(household, "张三"),
        income_type=IncomeType.PENSION_BASIC,
        monthly_fen=PENSION_FEN,
        valid_from=dt.date(2025, 1, 1),
    )
    return household


def _per_capita_income(entry) -> int:
    return next(c for c in entry.criteria if c.name == "income_below_standard").value


def _counted_types_with_pensions() -> list[str]:
    today = live_parameters().resolve(COUNTED, VILLAGE_A, PERIOD).value
    assert IncomeType.PENSION_BASIC not in today  # the premise: today it is not counted
    return [*today, str(IncomeType.PENSION_BASIC)]


def test_a_reform_counting_the_basic_pension_changes_dibao_of_registered_households(
    caseworker_a,
):
    household = _household_with_a_basic_pension(caseworker_a)
    population = population_from_registry(
        Household.objects.filter(pk=household.pk), as_of=MONTH_END
    )
    today = live_parameters()
    reform = today.with_changes({COUNTED: set_to(_counted_types_with_pensions())})
    before = explain(population, PERIOD, today).for_program("dibao")
    after = explain(population, PERIOD, reform).for_program("dibao")
    assert _per_capita_income(before) == 0
    assert _per_capita_income(after) == PENSION_FEN / 2
    assert after.amount_fen < before.amount_fen


def test_an_override_counting_the_basic_pension_changes_the_explanation(caseworker_a, admin_user):
    household = _household_with_a_basic_pension(caseworker_a)
    before = household_explain(household=household, period=PERIOD).for_program("dibao")
    parameter_override_create(
        actor=admin_user,
        name=COUNTED,
        region="532901",
        start=dt.date(2026, 10, 1),
        value=_counted_types_with_pensions(),
        source="大理市民政局 2026 年第 10 号 (test)",
    )
    after = household_explain(household=household, period=PERIOD).for_program("dibao")
    assert (_per_capita_income(before), _per_capita_income(after)) == (0, PENSION_FEN / 2)
    assert after.amount_fen < before.amount_fen
    # a month before the override starts, the pension still does not count
    earlier = household_explain(household=household, period="2026-09").for_program("dibao")
    assert _per_capita_income(earlier) == 0


def test_an_income_a_caseworker_excluded_is_not_counted_and_its_reason_is_shown(
    client, caseworker_a, capsys
):
    household = make_household(caseworker_a)
    head = member(household, "张三")
    for reason in (REASON, ""):
        services.income_add(
            actor=caseworker_a,
            person=head,
            income_type=IncomeType.WAGES,
            monthly_fen=40_000,
            valid_from=dt.date(2026, 1, 1),
            exclusion_reason=reason,
        )
    dibao = household_explain(household=household, period=PERIOD).for_program("dibao")
    assert _per_capita_income(dibao) == 20_000  # only the wages not excluded: 400 / 2

    client.force_login(caseworker_a)
    page = client.get(
        reverse("programs:household-eligibility", args=[household.pk]), {"period": PERIOD}
    )
    assert REASON in page.content.decode()
    api = client.get(
        f"/api/v1/programs/households/{household.pk}/explain", {"period": PERIOD}
    ).json()
    assert [(i["person_name"], i["monthly_fen"], i["reason"]) for i in api["excluded_incomes"]] == [
        ("张三", 40_000, REASON)
    ]
    registry_page = client.get(reverse("registry:household", args=[household.pk]))
    assert REASON in registry_page.content.decode()
    call_command("explain", household.household_no, "--period", PERIOD, "--program", "dibao")
    assert REASON in capsys.readouterr().out
