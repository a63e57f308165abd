"""Every kind of event the system writes carries a region, so an auditor above it sees it.

The kinds are read from the source: each call of `audit_record` (or of the registry's `audit`
helpers) with a literal action. A new kind written somewhere without a scenario here fails the
first test; a scenario whose event is invisible to the auditors fails the second.
"""

import ast
import base64
import datetime as dt
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

import huimin
from huimin.core import pii, roles
from huimin.core.audit import audit_record
from huimin.core.audit_trail import events_visible_to
from huimin.core.key_rotation import rotate_all
from huimin.core.models import AuditEvent, Job, JobStatus, Region
from huimin.core.region_loader import regions_load
from huimin.core.services import (
    api_token_create,
    api_token_revoke,
    job_create,
    job_interrupt_lapsed,
    job_retry,
    pii_reveal,
)
from huimin.programs.services import parameter_override_create, parameter_override_retire
from huimin.registry import services as registry
from huimin.registry.bulk.export import registry_export
from huimin.registry.bulk.services import registry_generate, registry_import_run
from huimin.registry.models import AssetKind, IncomeType, Relation
from tests.casework.every_event import write_every_casework_event
from tests.citizens.every_event import write_every_citizen_event
from tests.conftest import PASSWORD, VILLAGE_A, VILLAGE_B, make_user
from tests.payments.every_event import write_every_payments_event
from tests.registry.factories import household_facts, make_household, member, person_facts
from tests.registry.test_import_dry_run import csv_file, head, person

# The functions that write events, and where their action is when it is given by position.
WRITERS = {
    "audit_record": None,
    "audit_record_many": None,
    "refusal_record": None,
    "audit": 1,
    "audit_person": 1,
    "password_change_audited": 2,
}


def actions_in_source() -> set[str]:
    """Every literal action passed to an audit writer in huimin/; admin ones as "*.<verb>"."""
    found: set[str] = set()
    for path in Path(huimin.__file__).parent.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in WRITERS:
                continue
            given = [k.value for k in node.keywords if k.arg == "action"]
            position = WRITERS[name]
            if not given and position is not None and len(node.args) > position:
                given = [node.args[position]]
            for value in given:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    found.add(value.value)
                elif isinstance(value, ast.JoinedStr):
                    found.add(_pattern(value))
    return found


def _pattern(value: ast.JoinedStr) -> str:
    # f"{model_name}.{'change' if change else 'create'}_in_admin" -> "*.change_in_admin" etc.
    text = "".join(p.value if isinstance(p, ast.Constant) else "{}" for p in value.values)
    if text == "{}.{}_in_admin":
        return "*.create_in_admin|*.change_in_admin"
    return text.replace("{}", "*")


def expected_kinds() -> set[str]:
    kinds: set[str] = set()
    for action in actions_in_source():
        kinds |= set(action.split("|"))
    return kinds


def kind_of(action: str) -> str:
    model, _dot, verb = action.partition(".")
    return (
        f"*.{verb}" if verb in ("create_in_admin", "change_in_admin", "delete_in_admin") else action
    )


@pytest.fixture
def every_kind_of_event(
    regions, caseworker_a, caseworker_b, admin_user, client, tmp_path, settings
) -> list[AuditEvent]:
    """Make the system write each kind of event once, the way its doors do."""
    settings.VAR_DIR = tmp_path / "var"
    today = timezone.localdate()
    # Registry: a household's life.
    household = make_household(caseworker_a)
    facts = household_facts(VILLAGE_A, address="下关镇文化路14号")
    household = registry.household_update(
        actor=caseworker_a, household=household, facts=facts, expected_version=household.version
    )
    spouse = member(household, "李梅")
    registry.household_set_payee(actor=caseworker_a, household=household, payee=spouse)
    household.refresh_from_db()
    registry.household_set_head(
        actor=caseworker_a, household=household, new_head=spouse, old_head_relation=Relation.SPOUSE
    )
    child = registry.person_add(
        actor=caseworker_a, household=household, facts=person_facts("王小明", Relation.CHILD)
    )
    facts = person_facts("王小明明", Relation.CHILD)
    facts.id_number = child.id_number
    registry.person_update(actor=caseworker_a, person=child, facts=facts)
    income = registry.income_add(
        actor=caseworker_a,
        person=spouse,
        income_type=IncomeType.WAGES,
        monthly_fen=80000,
        valid_from=today - dt.timedelta(days=60),
    )
    registry.income_end(actor=caseworker_a, income=income, valid_to=today - dt.timedelta(days=1))
    asset = registry.asset_add(
        actor=caseworker_a,
        household=household,
        kind=AssetKind.VEHICLE,
        value_fen=2_000_000,
        valid_from=today - dt.timedelta(days=60),
    )
    registry.asset_end(actor=caseworker_a, asset=asset, valid_to=today - dt.timedelta(days=1))
    other = make_household(caseworker_a, others=())
    registry.person_transfer(
        actor=caseworker_a,
        person=child,
        to_household=other,
        relation=Relation.CHILD,
        on_date=today,
    )
    registry.person_record_death(
        actor=caseworker_a, person=member(other, "张三"), death_date=today, new_head=child
    )
    pii_reveal(user=caseworker_a, record=spouse, field="id_number", region_code=VILLAGE_A)
    # Bulk: import, export (with and without a village), generate.
    rows = [head("HH-7"), person("HH-7", relation="配偶", name="李梅")]
    registry_import_run(
        user=caseworker_b,
        path=csv_file(tmp_path, [head("HH-8", village=VILLAGE_B)]),
        file_name="b.csv",
        mode="valid",
    )
    registry_import_run(
        user=caseworker_a, path=csv_file(tmp_path, rows), file_name="a.csv", mode="valid"
    )
    registry_export(user=caseworker_a, q="张三", village="", file_format="csv")
    registry_export(user=caseworker_a, q="", village=VILLAGE_A, file_format="csv")
    registry_generate(region="532922", persons=6, seed=1)
    # Programs: a parameter value set and retired.
    override = parameter_override_create(
        actor=admin_user,
        name="dibao.standard.rural",
        region="532901",
        start=dt.date(2026, 10, 1),
        value=90000,
        source="test",
    )
    parameter_override_retire(actor=admin_user, override_id=override.pk)
    # A proposed value: approved by a second person (which sets it), another one rejected.
    from huimin.programs.services import (
        parameter_proposal_approve,
        parameter_proposal_create,
        parameter_proposal_reject,
    )

    checker = make_user("approver_checker", roles.APPROVER, ["532901"])
    for decide in ("approve", "reject"):
        proposal = parameter_proposal_create(
            actor=admin_user,
            name="dibao.standard.rural",
            region="532901",
            start=dt.date(2026, 11, 1) if decide == "approve" else dt.date(2026, 12, 1),
            value=91000,
            source="大民发〔2026〕12号",
            effect_period="2026-11",
        )
        if decide == "approve":
            parameter_proposal_approve(actor=checker, proposal_id=proposal.pk)
        else:
            parameter_proposal_reject(actor=checker, proposal_id=proposal.pk, reason="文号有误")
    # Simulation: a scenario written, revised, run and a registry snapshot taken.
    from huimin.rules.periods import parse_period
    from huimin.simulation import services as simulation
    from huimin.simulation.populations import snapshot_write

    analyst = make_user("analyst_dali", roles.ANALYST, ["5329"])
    raw = {
        "name": "audit",
        "period": "2026-03",
        "population": {"source": "registry", "region": "532901"},
        "reform": {"parameters": [{"name": "dibao.standard", "scale": 1.1}]},
        "metrics": {"poverty_line_fen": 60000},
    }
    scenario = simulation.scenario_create(actor=analyst, raw=raw)
    version = simulation.scenario_revise(actor=analyst, scenario=scenario, raw=raw)
    run = simulation.simulation_run_start(actor=analyst, version=version)
    simulation.simulation_run_finish(run_id=run.pk, figures={})
    snapshot_write(
        user=analyst, region="532901", period=parse_period("2026-03"), directory=tmp_path / "snap"
    )
    # Casework: every step of a case, its decision, letter, entitlement and appeal.
    write_every_casework_event(caseworker_a)
    # Payments: a payroll from allocation to reconciliation, with an exception, a return, cash.
    write_every_payments_event(caseworker_a)
    write_every_citizen_event(caseworker_a)
    # Staff and system: users, tokens, jobs, regions, key rotation.
    make_user("approver_x", roles.APPROVER, ["532901"])  # by the system (no actor)
    from huimin.core.services import user_create

    user_create(actor=admin_user, username="helper", password=PASSWORD, region_codes=["532922"])
    # The administration pages' services: an account made, changed, disabled and enabled.
    from huimin.core.administration import services as administration

    clerk, _temporary = administration.user_add(
        actor=admin_user, username="clerk", full_name="clerk", roles=[], region_codes=["532901"]
    )
    administration.user_set_roles(actor=admin_user, user_id=clerk.pk, roles=[roles.CASEWORKER])
    administration.user_set_jurisdictions(
        actor=admin_user, user_id=clerk.pk, region_codes=["532901001"]
    )
    administration.user_reset_password(actor=admin_user, user_id=clerk.pk)
    administration.user_disable(actor=admin_user, user_id=clerk.pk)
    administration.user_enable(actor=admin_user, user_id=clerk.pk)
    administration.user_change_own_password(
        user=caseworker_a, current_password=PASSWORD, new_password="a long new passphrase"
    )
    token, _clear = api_token_create(user=caseworker_b, name="reports")
    api_token_revoke(user=caseworker_b, token_id=token.pk)
    job_create(owner=caseworker_b, kind="test", title="a job")
    # A job whose worker died: marked interrupted, then started again by its owner.
    lapsed = job_create(
        owner=caseworker_b,
        kind="test",
        title="a lapsed job",
        task_path="huimin.core.tasks.verify_audit_chain",
    )
    Job.objects.filter(pk=lapsed.pk).update(
        status=JobStatus.RUNNING, lease_expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    job_interrupt_lapsed(owner=caseworker_b)
    job_retry(actor=caseworker_b, job_id=lapsed.pk)  # enqueued on commit: never, in a test
    regions_csv = tmp_path / "regions.csv"
    regions_csv.write_text(
        "code,name_zh,name_en\n532923,祥云县,Xiangyun County\n", encoding="utf-8"
    )
    regions_load(path=regions_csv, actor=admin_user)
    regions_load(path=regions_csv)
    settings.HUIMIN_DATA_KEYS_OLD = [settings.HUIMIN_DATA_KEY]
    settings.HUIMIN_DATA_KEY = base64.b64encode(b"a-brand-new-key-of-32-bytes-long").decode()
    pii.reset_key_cache()
    try:
        rotate_all(batch_size=1000, report=lambda _line: None)
    finally:
        pii.reset_key_cache()
    # The admin: a region changed and deleted, a user's password set, one's own changed.
    client.force_login(admin_user)
    region = Region.objects.get(code="532923")
    client.post(
        f"/admin/core/region/{region.pk}/change/",
        {
            "code": "532923",
            "level": "county",
            "name_zh": "祥云县",
            "name_en": "Xiangyun",
            "parent": region.parent_id,
        },
    )
    client.post(
        "/admin/core/region/add/",
        {
            "code": "532924",
            "level": "county",
            "name_zh": "宾川县",
            "name_en": "Binchuan",
            "parent": region.parent_id,
        },
    )
    client.post(
        "/admin/core/region/",
        {"action": "delete_selected", "_selected_action": [str(region.pk)], "post": "yes"},
    )
    new = "a new and long enough passphrase"
    client.post(
        f"/admin/core/user/{caseworker_b.pk}/password/",
        {"password1": new, "password2": new, "set_usable_password": "true"},
    )
    client.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    return list(AuditEvent.objects.order_by("seq"))


def test_every_kind_of_event_in_the_source_is_exercised(every_kind_of_event):
    written = {kind_of(e.action) for e in every_kind_of_event}
    assert expected_kinds() - written == set()


def test_every_event_is_visible_to_an_auditor_above_it(every_kind_of_event):
    top = make_user("auditor_yunnan", roles.AUDITOR, ["53"])
    prefecture = make_user("auditor_dali", roles.AUDITOR, ["5329"])
    seen_by_top = set(events_visible_to(top).values_list("seq", flat=True))
    seen_in_dali = set(events_visible_to(prefecture).values_list("seq", flat=True))
    for event in every_kind_of_event:
        assert event.seq in seen_by_top, (event.action, event.region_code)
        if event.actor_id is not None:
            # Staff events carry the actor's jurisdiction, rows' events their rows' region.
            assert event.region_code, event.action
        if event.actor_id is not None and event.region_code.startswith("5329"):
            assert event.seq in seen_in_dali, event.action


def test_an_export_without_a_village_is_seen_by_the_auditor_of_the_rows(
    regions, caseworker_a, auditor
):
    make_household(caseworker_a)
    registry_export(user=caseworker_a, q="张三", village="", file_format="csv")
    event = AuditEvent.objects.get(action="registry.export")
    assert event.region_code.startswith("532901")
    assert events_visible_to(auditor).filter(pk=event.pk).exists()


def test_a_staff_event_takes_the_actors_jurisdiction(regions, caseworker_a, caseworker_b, auditor):
    with transaction.atomic():
        audit_record(actor=caseworker_b, action="test.staff_event")
    event = AuditEvent.objects.get(action="test.staff_event")
    assert event.region_code == "532922"
    assert events_visible_to(auditor).filter(pk=event.pk).exists()
    assert not events_visible_to(caseworker_a).filter(pk=event.pk).exists()


def test_a_system_event_without_an_actor_is_seen_at_the_top_only(regions, auditor):
    with transaction.atomic():
        audit_record(actor=None, action="test.system_event")
    top = make_user("auditor_yunnan", roles.AUDITOR, ["53"])
    assert events_visible_to(top).filter(action="test.system_event").exists()
    assert not events_visible_to(auditor).filter(action="test.system_event").exists()


def test_the_common_region_of_several_is_a_whole_region():
    from huimin.core.regions import common_ancestor as region_common_prefix

    assert region_common_prefix(["532911", "532912"]) == "5329"
    assert region_common_prefix(["532901001", "532901101"]) == "532901"
    assert region_common_prefix(["532901001001"]) == "532901001001"
    assert region_common_prefix(["53", "11"]) == ""
    assert region_common_prefix([]) == ""
