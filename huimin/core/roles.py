"""Roles are groups with permissions; this module is where each role's permissions are decided.

Apps add their permission codenames here as they arrive. `sync_roles` runs after every migrate,
so a new permission reaches its roles without a data migration per app.
"""

from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _

CASEWORKER = "caseworker"
VILLAGE_HELPER = "village_helper"
APPROVER = "approver"
FINANCE = "finance"
AUDITOR = "auditor"
ANALYST = "analyst"
ADMINISTRATOR = "administrator"

ROLE_LABELS = {
    CASEWORKER: _("Caseworker"),
    VILLAGE_HELPER: _("Village helper"),
    APPROVER: _("Reviewer / approver"),
    FINANCE: _("Finance officer"),
    AUDITOR: _("Supervisor / auditor"),
    ANALYST: _("Policy analyst"),
    ADMINISTRATOR: _("Administrator"),
}

_REGISTRY_READ = ["registry.view_household", "registry.view_person"]
_REGISTRY_WRITE = [
    *_REGISTRY_READ,
    "registry.add_household",
    "registry.change_household",
    "registry.add_person",
    "registry.change_person",
    "registry.import_registry",
    "registry.export_registry",
]

_CASEWORK_READ = [
    "casework.view_application",
    "casework.view_entitlement",
    "casework.view_notice",
]

_PAYMENTS_READ = [
    "payments.view_payrollcycle",
    "payments.view_paymentline",
    "payments.view_allocation",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    CASEWORKER: [
        *_REGISTRY_WRITE,
        "core.reveal_pii",
        *_CASEWORK_READ,
        "casework.take_application",
        "casework.prepare_application",
        *_PAYMENTS_READ,
        "payments.record_cash",
        "payments.record_authorization",
    ],
    VILLAGE_HELPER: [
        *_REGISTRY_READ,
        "registry.add_household",
        "registry.add_person",
        *_CASEWORK_READ,
        "casework.take_application",
        "casework.record_appraisal",
    ],
    APPROVER: [
        *_REGISTRY_READ,
        "core.reveal_pii",
        *_CASEWORK_READ,
        "casework.decide_application",
        "casework.supervise_casework",
        "programs.approve_parameter",
        *_PAYMENTS_READ,
        "payments.approve_payroll",
        "payments.override_allocation",
    ],
    FINANCE: [
        *_REGISTRY_READ,
        "core.reveal_pii",
        *_PAYMENTS_READ,
        # Funds: the finance officer records the budget lines and adjusts them, with a reason.
        "payments.add_allocation",
        "payments.change_allocation",
        "payments.prepare_payroll",
        "payments.record_cash",
        "payments.record_authorization",
    ],
    AUDITOR: [
        *_REGISTRY_READ,
        "core.view_audit",
        "registry.export_registry",
        *_CASEWORK_READ,
        "casework.supervise_casework",
        *_PAYMENTS_READ,
        "simulation.view_scenario",
    ],
    ANALYST: [
        "registry.export_registry",
        "simulation.run_simulation",
        "simulation.view_scenario",
    ],
    ADMINISTRATOR: [
        "core.add_user",
        "core.change_user",
        "core.view_user",
        "core.view_region",
        "core.change_region",
        "core.view_audit",
        # Every API token of the staff in their jurisdiction: see it, revoke it.
        "core.view_apitoken",
        "core.change_apitoken",
        # Local standards: an administrator proposes a value; a second person approves it.
        "programs.propose_parameter",
        "programs.approve_parameter",
    ],
}

# The roles a holder of each role may give or take away (core/administration/services.py).
ADMINISTERED_ROLES: dict[str, list[str]] = {
    ADMINISTRATOR: [
        CASEWORKER,
        VILLAGE_HELPER,
        APPROVER,
        FINANCE,
        AUDITOR,
        ANALYST,
        ADMINISTRATOR,
    ],
}


def sync_roles() -> None:
    """Create every role's group and give it exactly the permissions listed above that exist."""
    for role, names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set(_existing_permissions(names))


def _existing_permissions(names: list[str]) -> list[Permission]:
    wanted = {tuple(name.split(".", 1)) for name in names}
    labels = {label for label, _codename in wanted}
    candidates = Permission.objects.filter(content_type__app_label__in=labels).select_related(
        "content_type"
    )
    return [p for p in candidates if (p.content_type.app_label, p.codename) in wanted]


def sync_roles_after_migrate(**kwargs: object) -> None:
    sync_roles()


def roles_administered_by(user: object) -> list[str]:
    """The roles this user may give or take away, in the order of ROLE_LABELS."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm("core.change_user"):  # type: ignore[attr-defined]
        return []
    held = set(roles_of(user))
    given = {role for holder in held for role in ADMINISTERED_ROLES.get(holder, [])}
    return [role for role in ROLE_LABELS if role in given]


def roles_of(user: object) -> list[str]:
    groups = getattr(user, "groups", None)
    if groups is None:
        return []
    return sorted(name for name in groups.values_list("name", flat=True) if name in ROLE_LABELS)
