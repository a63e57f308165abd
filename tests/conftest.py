"""The cast every test can call on, and the regions they work in.

Two caseworkers in two counties of Dali prefecture, an approver beside the first, an auditor over
the whole prefecture, an administrator and a user with no jurisdiction at all.
"""

import pytest
from django.conf import settings

from huimin.core import roles
from huimin.core.models import Region, User
from huimin.core.roles import sync_roles
from huimin.core.services import user_create
from huimin.core.static_collect import collect_static_if_changed
from huimin.programs import parameters as live_parameter_set
from tests import postgres_roles, sqlite_flush
from tests.rules.pinned import pinned_parameters

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Migrated as the owner; on PostgreSQL with HUIMIN_DB_APP_ROLE, run as the app's role."""
    postgres_roles.allow_test_flush()
    sqlite_flush.allow_test_flush()
    if not postgres_roles.APP_ROLE:
        yield
        return
    postgres_roles.run_as_app_role()
    yield
    postgres_roles.run_as_owner()  # so that the test database can be dropped


@pytest.fixture(scope="session", autouse=True)
def static_files() -> None:
    """Pages link their CSS under hashed names: the collected files must exist, as in production."""
    collect_static_if_changed()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's language: a page asked for in English through the test
    client leaves English active in the thread (the locale middleware does not reset it)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _audit_checkpoint(settings, tmp_path):
    """Each test's audit checkpoint file is its own, like its database."""
    settings.HUIMIN_AUDIT_CHECKPOINT = tmp_path / "audit-checkpoint.json"


# (code, level, name_zh, name_en)
TEST_REGIONS = [
    ("53", "province", "云南省", "Yunnan Province"),
    ("5329", "prefecture", "大理白族自治州", "Dali Bai Autonomous Prefecture"),
    ("532901", "county", "大理市", "Dali City"),
    ("532901001", "township", "下关街道", "Xiaguan Subdistrict"),
    ("532901001001", "village", "测试社区甲", "Test Community A"),
    ("532901101", "township", "大理镇", "Dali Town"),
    ("532901101201", "village", "测试村乙", "Test Village B"),
    ("532922", "county", "漾濞彝族自治县", "Yangbi Yi Autonomous County"),
    ("532922100", "township", "苍山西镇", "Cangshanxi Town"),
    ("532922100201", "village", "测试村丙", "Test Village C"),
]

VILLAGE_A = "532901001001"  # in Dali city, caseworker A's county
VILLAGE_B = "532922100201"  # in Yangbi county, caseworker B's county


@pytest.fixture(autouse=True)
def pinned_rule_parameters(monkeypatch: pytest.MonkeyPatch):
    """Pages, API and commands evaluate with the tests' pinned parameters (tests/rules/pinned.py)
    under the database overrides, never with the shipped examples an office replaces."""
    monkeypatch.setattr(live_parameter_set, "_shipped", pinned_parameters)
    live_parameter_set.reset_parameter_cache()
    yield
    live_parameter_set.reset_parameter_cache()


@pytest.fixture
def regions(db) -> dict[str, Region]:
    made: dict[str, Region] = {}
    for code, level, name_zh, name_en in TEST_REGIONS:
        parent = made.get(code[: {4: 2, 6: 4, 9: 6, 12: 9}.get(len(code), 0)])
        made[code] = Region.objects.create(
            code=code, level=level, name_zh=name_zh, name_en=name_en, parent=parent
        )
    return made


def make_user(username: str, role: str | None, region_codes: list[str], **extra: object) -> User:
    sync_roles()
    return user_create(
        actor=None,
        username=username,
        password=PASSWORD,
        full_name=username,
        roles=[role] if role else [],
        region_codes=region_codes,
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture
def caseworker_a(regions) -> User:
    return make_user("caseworker_a", roles.CASEWORKER, ["532901"])


@pytest.fixture
def caseworker_b(regions) -> User:
    return make_user("caseworker_b", roles.CASEWORKER, ["532922"])


@pytest.fixture
def approver_a(regions) -> User:
    return make_user("approver_a", roles.APPROVER, ["532901"])


@pytest.fixture
def auditor(regions) -> User:
    return make_user("auditor", roles.AUDITOR, ["5329"])


@pytest.fixture
def admin_user(regions) -> User:
    return make_user("administrator", roles.ADMINISTRATOR, ["53"], is_superuser=True)


@pytest.fixture
def nobody(regions) -> User:
    return make_user("nobody", None, [])


ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
requires_postgres = pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL")
