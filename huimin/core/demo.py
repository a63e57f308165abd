"""The demo installation: regions, one user per role, and (once the registry exists) people."""

from dataclasses import dataclass

from django.db import transaction

from huimin.core import roles
from huimin.core.models import User
from huimin.core.services import user_create

DEMO_PASSWORD = "huimin-demo"  # noqa: S105 - documented in the README, demo data only


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: str
    regions: tuple[str, ...]


DEMO_USERS = (
    DemoUser("caseworker_dali", "李明 (大理市协理员)", roles.CASEWORKER, ("532901",)),
    DemoUser("caseworker_yangbi", "杨芳 (漾濞县协理员)", roles.CASEWORKER, ("532922",)),
    DemoUser("caseworker_xiaguan", "杨丽 (下关街道协理员)", roles.CASEWORKER, ("532901003",)),
    DemoUser("helper_xiaguan", "段海 (村级协办员)", roles.VILLAGE_HELPER, ("532901003",)),
    DemoUser("approver_dali", "赵琳 (大理市民政局审批)", roles.APPROVER, ("532901",)),
    DemoUser("finance_dali", "王强 (大理市财务)", roles.FINANCE, ("532901",)),
    DemoUser("auditor_5329", "何静 (大理州监督)", roles.AUDITOR, ("5329",)),
    DemoUser("analyst_53", "张伟 (云南省政策分析)", roles.ANALYST, ("53",)),
    DemoUser("admin", "系统管理员", roles.ADMINISTRATOR, ("53",)),
)


@transaction.atomic
def demo_users_create() -> list[str]:
    """Create the demo users that do not exist yet; returns the names created."""
    created = []
    for demo in DEMO_USERS:
        if User.objects.filter(username=demo.username).exists():
            continue
        user_create(
            actor=None,
            username=demo.username,
            password=DEMO_PASSWORD,
            full_name=demo.full_name,
            roles=[demo.role],
            region_codes=demo.regions,
            is_superuser=demo.role == roles.ADMINISTRATOR,
        )
        created.append(demo.username)
    return created


def demo_ready_message(addrport: str, *, serving: bool) -> str:
    """The demo's last words: where to open it and with which password."""
    host, _, port = addrport.rpartition(":")
    url = f"http://{host or '127.0.0.1'}:{port}/"
    if serving:
        how = "Open"
        after = "(Ctrl-C stops the server and the worker)"
    else:
        how = "Once served (`huimin demo`, or `huimin runserver` and `huimin worker`), open"
        after = ""
    return (
        f"{how} {url} and log in as one of the users above, "
        f"password {DEMO_PASSWORD} {after}".rstrip()
    )
