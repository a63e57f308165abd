"""The audit trail as its readers see it: which events they may see, filters, plain descriptions.

An auditor sees the events of the regions within their jurisdiction; system events that concern
no region ("", see `audit.audit_record`) are shown to auditors at the top of the region tree.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django import forms
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huimin.core import access
from huimin.core.models import AuditEvent, Region, User

PAGE_SIZE = 50

# What each kind of event says, with %(who)s, %(record)s, %(fields)s and %(detail)s filled in.
DESCRIPTIONS = {
    "household.create": gettext_lazy("%(who)s registered household %(record)s"),
    "household.update": gettext_lazy("%(who)s changed household %(record)s: %(fields)s"),
    "household.set_payee": gettext_lazy("%(who)s changed the payee of household %(record)s"),
    "household.set_head": gettext_lazy("%(who)s changed the head of household %(record)s"),
    "person.add": gettext_lazy("%(who)s added a member to household %(record)s"),
    "person.update": gettext_lazy("%(who)s changed a member of household %(record)s: %(fields)s"),
    "person.transfer": gettext_lazy("%(who)s moved a member into household %(record)s"),
    "person.record_death": gettext_lazy(
        "%(who)s recorded the death of a member of household %(record)s"
    ),
    "income.add": gettext_lazy("%(who)s added an income to household %(record)s"),
    "income.end": gettext_lazy("%(who)s ended an income of household %(record)s"),
    "asset.add": gettext_lazy("%(who)s added an asset to household %(record)s"),
    "asset.end": gettext_lazy("%(who)s ended an asset of household %(record)s"),
    "pii.reveal": gettext_lazy("%(who)s viewed personal data of %(record)s: %(fields)s"),
    "pii.rotate_key": gettext_lazy("%(who)s re-encrypted %(detail)s rows of %(record)s"),
    "registry.import": gettext_lazy("%(who)s imported the file %(record)s"),
    "registry.export": gettext_lazy("%(who)s exported %(detail)s rows from the registry"),
    "registry.generate": gettext_lazy("%(who)s generated a synthetic population (%(record)s)"),
    "parameter.override": gettext_lazy("%(who)s set a value of parameter %(detail)s"),
    "parameter.retire": gettext_lazy("%(who)s retired a value of parameter %(detail)s"),
    "regions.load": gettext_lazy("%(who)s loaded regions from %(detail)s"),
    "user.create": gettext_lazy("%(who)s created the user %(detail)s"),
    "user.set_password_in_admin": gettext_lazy("%(who)s set the password of %(record)s"),
    "user.change_own_password": gettext_lazy("%(who)s changed their own password"),
    "user.disable": gettext_lazy("%(who)s disabled the account %(detail)s"),
    "user.enable": gettext_lazy("%(who)s enabled the account %(detail)s again"),
    "user.reset_password": gettext_lazy("%(who)s reset the password of %(detail)s"),
    "user.set_roles": gettext_lazy("%(who)s changed the roles of %(detail)s"),
    "user.set_jurisdictions": gettext_lazy("%(who)s changed the regions of %(detail)s"),
    "parameter.propose": gettext_lazy("%(who)s proposed a value of parameter %(detail)s"),
    "parameter.approve": gettext_lazy("%(who)s approved a value of parameter %(detail)s"),
    "parameter.reject": gettext_lazy("%(who)s rejected a value of parameter %(detail)s"),
    "api_token.create": gettext_lazy("%(who)s created an API token"),
    "api_token.revoke": gettext_lazy("%(who)s revoked an API token"),
    "job.create": gettext_lazy("%(who)s started: %(detail)s"),
}
ADMIN_DESCRIPTIONS = {
    "create_in_admin": gettext_lazy("%(who)s created %(record)s in the admin"),
    "change_in_admin": gettext_lazy("%(who)s changed %(record)s in the admin: %(fields)s"),
    "delete_in_admin": gettext_lazy("%(who)s deleted %(record)s in the admin"),
}
UNKNOWN = gettext_lazy("%(who)s: %(action)s %(record)s")
# Where a detail of the event is found in its changes.
DETAIL_KEYS = {
    "pii.rotate_key": "rows",
    "registry.export": "rows",
    "parameter.override": "name",
    "parameter.retire": "name",
    "regions.load": "file",
    "user.create": "username",
    "user.disable": "username",
    "user.enable": "username",
    "user.reset_password": "username",
    "user.set_roles": "username",
    "user.set_jurisdictions": "username",
    "parameter.propose": "name",
    "parameter.approve": "name",
    "parameter.reject": "name",
    "job.create": "title",
}
_REGISTRY_TYPES = {
    "registry.household",
    "registry.person",
    "registry.incomerecord",
    "registry.asset",
}
_ADMIN_TYPES = {
    "user": "core.change_user",
    "region": "core.change_region",
    "group": "auth.change_group",
}


def events_visible_to(user: User) -> QuerySet[AuditEvent]:
    condition = access.region_filter(user)
    if is_top_level(user):
        condition |= Q(region_code="")
    return AuditEvent.objects.filter(condition)


def is_top_level(user: User) -> bool:
    """Whether one of the user's regions is a root of the region tree (a province here)."""
    codes = access.region_codes_of(user)
    return bool(codes) and Region.objects.filter(code__in=codes, parent__isnull=True).exists()


class AuditFilterForm(forms.Form):
    who = forms.CharField(label=gettext_lazy("Who"), required=False, max_length=150)
    action = forms.ChoiceField(label=gettext_lazy("What"), required=False)
    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    region = forms.RegexField(
        label=gettext_lazy("Region code"),
        required=False,
        regex=r"^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12})$",
        error_messages={"invalid": gettext_lazy("A region code has 2, 4, 6, 9 or 12 digits.")},
    )
    object_type = forms.CharField(label=gettext_lazy("Record type"), required=False, max_length=60)
    object_id = forms.CharField(label=gettext_lazy("Record id"), required=False, max_length=64)
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        choices = [(code, action_label(code)) for code in DESCRIPTIONS]
        choices += [(f"*.{suffix}", action_label(f"*.{suffix}")) for suffix in ADMIN_DESCRIPTIONS]
        self.fields["action"].choices = [("", _("any")), *sorted(choices, key=lambda c: c[1])]  # type: ignore[attr-defined]

    def filtered(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        data = self.cleaned_data
        if data["who"]:
            events = events.filter(
                Q(actor_name__icontains=data["who"]) | Q(actor__full_name__icontains=data["who"])
            )
        if data["action"].startswith("*."):
            events = events.filter(action__endswith=data["action"][1:])
        elif data["action"]:
            events = events.filter(action=data["action"])
        if data["date_from"]:
            events = events.filter(created_at__gte=_start_of(data["date_from"]))
        if data["date_to"]:
            events = events.filter(created_at__lt=_start_of(data["date_to"] + timedelta(days=1)))
        if data["region"]:
            events = events.filter(region_code__startswith=data["region"])
        if data["object_type"]:
            events = events.filter(object_type=data["object_type"])
        if data["object_id"]:
            events = events.filter(object_id=data["object_id"])
        return events


def _start_of(day) -> datetime:  # type: ignore[no-untyped-def]
    # Days are the office's days (Asia/Shanghai), not UTC's.
    return timezone.make_aware(datetime.combine(day, time.min))


def action_label(action: str) -> str:
    """A short name for a kind of event, for the filter: its description without the people."""
    if action.startswith("*."):
        template = ADMIN_DESCRIPTIONS[action[2:]]
    else:
        template = DESCRIPTIONS.get(action, UNKNOWN)
    text = str(template) % {
        "who": "",
        "record": "…",
        "fields": "…",
        "detail": "…",
        "action": action,
    }
    return text.strip(" :：")


@dataclass(frozen=True)
class EventLine:
    event: AuditEvent
    who: str
    text: str
    link: str
    region_name: str


@dataclass(frozen=True)
class AuditPage:
    lines: list[EventLine]
    older: str  # the link to the next (older) page, "" if there is none
    newest: str  # the link to the first page, "" if this is it


def audit_page(user: User, form: AuditFilterForm, *, language: str) -> AuditPage:
    """One page of events, newest first: keyset pagination on seq (no COUNT, no OFFSET)."""
    events = form.filtered(events_visible_to(user))
    before = form.cleaned_data["before"]
    if before:
        events = events.filter(seq__lt=before)
    rows = list(events.select_related("actor").order_by("-seq")[: PAGE_SIZE + 1])
    more, rows = len(rows) > PAGE_SIZE, rows[:PAGE_SIZE]
    names = {
        r.code: r.name_for(language)
        for r in Region.objects.filter(code__in={e.region_code for e in rows if e.region_code})
    }
    lines = [
        EventLine(e, _who(e), describe(e), record_link(user, e), names.get(e.region_code, ""))
        for e in rows
    ]
    query = {k: v for k, v in form.data.items() if k not in ("before", "page") and v}
    older = "?" + urlencode({**query, "before": rows[-1].seq}) if more and rows else ""
    newest = "?" + urlencode(query) if before else ""
    return AuditPage(lines, older, newest)


def _who(event: AuditEvent) -> str:
    if event.actor is None:
        return _("the system") if event.actor_name == "system" else event.actor_name
    return event.actor.full_name or event.actor_name


def describe(event: AuditEvent) -> str:
    """The event in a sentence of the reader's language: "陈某 changed household …: address"."""
    changes = event.changes if isinstance(event.changes, dict) else {}
    model_part, _dot, verb = event.action.partition(".")
    template = DESCRIPTIONS.get(event.action) or ADMIN_DESCRIPTIONS.get(verb) or UNKNOWN
    detail = changes.get(DETAIL_KEYS.get(event.action, ""), "")
    return str(template) % {
        "who": _who(event),
        "record": _record_label(event, changes),
        "fields": _fields_text(event, changes) or "—",
        "detail": detail,
        "action": event.action,
    }


def _record_label(event: AuditEvent, changes: dict) -> str:
    if changes.get("household"):
        return str(changes["household"])
    if event.action == "registry.import" or event.action == "registry.generate":
        return event.object_id
    model = _model(event.object_type)
    kind = str(model._meta.verbose_name) if model is not None else event.object_type
    name = changes.get("name")
    return f"{kind} {name or event.object_id}".strip()


def _fields_text(event: AuditEvent, changes: dict) -> str:
    model = _model(event.object_type)
    if event.action == "pii.reveal":
        names = [str(changes.get("field", ""))]
    elif isinstance(changes.get("fields"), list):
        names = [str(n) for n in changes["fields"]]
    else:
        names = [k for k, v in changes.items() if isinstance(v, list) and len(v) == 2]
    # The list separator of the reader's language ("、" in Chinese).
    return _(", ").join(_field_label(model, n) for n in names if n)


def _field_label(model, name: str) -> str:  # type: ignore[no-untyped-def]
    if model is None:
        return name
    try:
        return str(getattr(model._meta.get_field(name), "verbose_name", name))
    except FieldDoesNotExist:
        return name


def _model(object_type: str):  # type: ignore[no-untyped-def]
    label = object_type if "." in object_type else f"core.{object_type}"
    if object_type == "group":
        label = "auth.group"
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def record_link(user: User, event: AuditEvent) -> str:
    """Where the record can be seen, if this reader may see it there; "" otherwise."""
    if event.object_type in _REGISTRY_TYPES:
        if not (user.has_perm("registry.view_household") and event.region_code):
            return ""
        if not access.covers(user, event.region_code):
            return ""
        if event.object_type == "registry.household":
            return reverse("registry:household", args=[event.object_id])
        household = (event.changes or {}).get("household")
        return f"{reverse('registry:search')}?{urlencode({'q': household})}" if household else ""
    if event.object_type == "parameter_proposal" and (
        user.has_perm("programs.propose_parameter") or user.has_perm("programs.approve_parameter")
    ):
        return reverse("programs:parameter-proposal", args=[event.object_id])
    if event.object_type == "user" and user.has_perm("core.change_user"):
        # the administration page (404 for an account outside the reader's jurisdiction)
        return reverse("administration:user", args=[event.object_id])
    permission = _ADMIN_TYPES.get(event.object_type)
    if permission and user.has_perm(permission) and not event.action.endswith("delete_in_admin"):
        model = _model(event.object_type)
        try:
            return reverse(
                f"admin:{model._meta.app_label}_{model._meta.model_name}_change",
                args=[event.object_id],
            )
        except NoReverseMatch:
            return ""
    return ""
