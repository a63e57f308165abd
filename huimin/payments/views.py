"""Payroll pages: the cycles of the area, a cycle with its exceptions and actions, the cash roll."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huimin.casework.models import Entitlement
from huimin.core.access import covers
from huimin.core.documents import pdf_response, render_pdf
from huimin.core.errors import HuiminError, NotAllowed, ValidationFailed
from huimin.core.jobs import job_start
from huimin.core.models import User
from huimin.core.money import parse_yuan
from huimin.payments import access, recoveries, services, visits
from huimin.payments.banking.layouts import layouts_available
from huimin.payments.banking.returns import RETURN_CLASSES
from huimin.payments.models import (
    OVERPAYMENT_ONLY,
    Channel,
    CollectionAuthorization,
    CollectorKind,
    ExceptionStatus,
    LineKind,
    LineStatus,
    PaymentLine,
    PaymentVisit,
    Receiver,
    RecoveryDeduction,
    RecoveryReason,
    VisitOutcome,
)
from huimin.payments.queries import allocations_of_cycle, ledger_verify
from huimin.payments.tasks import GENERATE_KIND, generate_cycle
from huimin.registry.models import Household

# A cycle of this many entitlements or fewer is generated in the request; larger ones as a job.
INLINE_GENERATE_MAX = 2000


def _with_withheld(lines: QuerySet[PaymentLine]) -> QuerySet[PaymentLine]:
    """Each line with `withheld_fen`: what recovery instalments took from it (None: nothing)."""
    withheld = (
        RecoveryDeduction.objects.filter(line=OuterRef("pk"))
        .values("line")
        .annotate(fen=Sum("amount_fen"))
        .values("fen")
    )
    return lines.annotate(withheld_fen=Subquery(withheld))


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise NotAllowed(_("You may not do this."))


@login_required
@permission_required("payments.view_payrollcycle", raise_exception=True)
@require_http_methods(["GET", "POST"])
def cycle_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            _require(request, "payments.prepare_payroll")
            region = request.POST.get("region_code", "").strip()
            if not region or not covers(request.user, region):
                raise ValidationFailed(_("Choose a region in your area."), field="region_code")
            cycle = services.cycle_create(
                actor=_user(request),
                region_code=region,
                month=services.month_parse(request.POST.get("month", "")),
                programs=request.POST.getlist("programs"),
            )
        except HuiminError as error:
            messages.error(request, error.message)
        else:
            return redirect("payments:cycle", cycle_id=cycle.pk)
    cycles = access.cycles_for(request.user).select_related("prepared_by", "approved_by")[:200]
    return render(request, "payments/cycle_list.html", {"cycles": cycles})


@login_required
@permission_required("payments.view_payrollcycle", raise_exception=True)
@require_GET
def cycle_detail(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access.get_cycle_for(request.user, cycle_id)
    by_status = [
        {**row, "status": LineStatus(row["status"]).label, "channel": Channel(row["channel"]).label}
        for row in cycle.lines.values("status", "channel")
        .annotate(n=Count("pk"), fen=Sum("amount_fen"))
        .order_by("status", "channel")
    ]
    by_kind = [
        {**row, "kind": LineKind(row["kind"]).label}
        for row in cycle.lines.values("kind")
        .annotate(n=Count("pk"), fen=Sum("amount_fen"))
        .order_by("kind")
    ]
    context = {
        "cycle": cycle,
        "by_status": by_status,
        "by_kind": by_kind,
        "exceptions": list(
            cycle.exceptions.select_related("line__payee", "decided_by").order_by("status", "pk")[
                :500
            ]
        ),
        "open_exceptions": cycle.exceptions.filter(status=ExceptionStatus.OPEN).count(),
        "follow_up": list(
            cycle.lines.filter(status=LineStatus.FAILED).select_related("payee")[:500]
        ),
        # Each line with where it went: its bank file, the bank's answer, its cash receipt.
        "lines": list(
            _with_withheld(
                cycle.lines.select_related(
                    "payee", "sent_in", "cash_receipt", "reissued_as__cycle"
                ).defer("sent_in__content")
            ).order_by("pk")[:200]
        ),
        "allocations": list(
            access.allocations_for(request.user).filter(
                pk__in=allocations_of_cycle(cycle, cycle.programs).values("pk")
            )
        ),
        "bank_files": list(cycle.bank_files.defer("content")),
        "return_files": [
            {"name": returned.name, "counts": _return_counts_in_words(returned.counts)}
            for returned in cycle.return_files.all()
        ],
        "layouts": [(layout.key, layout.name) for layout in layouts_available()],
        "ledger": ledger_verify(access.cycles_for(request.user).filter(pk=cycle.pk)),
        "preparer": cycle.prepared_by_id == request.user.pk,
        "visits": list(
            cycle.visits.select_related("line__payee", "recorded_by", "follow_up")[:500]
        ),
        "visit_summary": visits.visits_summary(cycle),
        "visit_outcomes": VisitOutcome.choices,
        "may_draw": cycle.status in visits.PAID_CYCLE_STATUSES,
    }
    return render(request, "payments/cycle.html", context)


@login_required
@permission_required("payments.view_payrollcycle", raise_exception=True)
@require_POST
def cycle_action(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access.get_cycle_for(request.user, cycle_id)
    action = request.POST.get("action", "")
    actor = _user(request)
    try:
        if action == "generate":
            _require(request, "payments.prepare_payroll")
            if services.entitlements_due_count(cycle) <= INLINE_GENERATE_MAX:
                services.cycle_generate(actor=actor, cycle=cycle)
            else:
                job = job_start(
                    owner=actor,
                    kind=GENERATE_KIND,
                    title=_("Payment lines of %(cycle)s") % {"cycle": cycle},
                    task=generate_cycle,
                    user_id=actor.pk,
                    cycle_id=cycle.pk,
                    language=translation.get_language() or "",
                )
                messages.success(
                    request,
                    _("The lines are being made (job %(n)d); follow it on the jobs page.")
                    % {"n": job.pk},
                )
                return redirect("payments:cycle", cycle_id=cycle.pk)
        elif action == "check":
            _require(request, "payments.prepare_payroll")
            services.cycle_check(actor=actor, cycle=cycle)
        elif action == "approve":
            services.cycle_approve(
                actor=actor, cycle=cycle, override_reason=request.POST.get("override_reason", "")
            )
        elif action == "export":
            _require(request, "payments.prepare_payroll")
            services.cycle_export(
                actor=actor, cycle=cycle, layout_key=request.POST.get("layout", "")
            )
        elif action == "reconcile":
            _require(request, "payments.prepare_payroll")
            services.cycle_reconcile(actor=actor, cycle=cycle)
        elif action == "close":
            _require(request, "payments.prepare_payroll")
            services.cycle_close(actor=actor, cycle=cycle)
        else:
            raise ValidationFailed(_("Choose what to do."), field="action")
    except HuiminError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done."))
    return redirect("payments:cycle", cycle_id=cycle.pk)


@login_required
@permission_required("payments.view_payrollcycle", raise_exception=True)
@require_GET
def bank_file(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access.get_cycle_for(request.user, cycle_id)
    found = cycle.bank_files.order_by("-pk").first()
    if found is None:
        messages.error(request, _("No bank file has been made for this payroll."))
        return redirect("payments:cycle", cycle_id=cycle.pk)
    response = HttpResponse(bytes(found.content), content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{found.name}"'
    return response


@login_required
@permission_required("payments.view_payrollcycle", raise_exception=True)
@require_POST
def return_upload(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access.get_cycle_for(request.user, cycle_id)
    upload = request.FILES.get("file")
    try:
        _require(request, "payments.prepare_payroll")
        if upload is None:
            raise ValidationFailed(_("Choose the bank's return file."), field="file")
        record = services.return_apply(
            actor=_user(request),
            cycle=cycle,
            content=upload.read(),
            file_name=upload.name or "",
            apply="clear" if request.POST.get("apply") == "clear" else "all",
        )
    except HuiminError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Return applied: %(paid)d paid, %(rejected)d failed.")
            % {"paid": record.counts.get("paid", 0), "rejected": record.counts.get("rejected", 0)},
        )
    return redirect("payments:cycle", cycle_id=cycle.pk)


@login_required
@permission_required("payments.view_payrollcycle", raise_exception=True)
@require_POST
def exception_decide(request: HttpRequest, exception_id: int) -> HttpResponse:
    found = access.get_exception_for(request.user, exception_id)
    try:
        _require(request, "payments.prepare_payroll")
        services.exception_decide(
            actor=_user(request),
            exception=found,
            outcome=request.POST.get("outcome", ""),
            reason=request.POST.get("reason", ""),
        )
    except HuiminError as error:
        messages.error(request, error.message)
    return redirect("payments:cycle", cycle_id=found.cycle_id)


@login_required
@permission_required("payments.view_payrollcycle", raise_exception=True)
@require_POST
def line_follow_up(request: HttpRequest, line_id: int) -> HttpResponse:
    line = access.get_line_for(request.user, line_id)
    try:
        _require(request, "payments.prepare_payroll")
        services.line_follow_up(
            actor=_user(request),
            line=line,
            action=request.POST.get("action", ""),
            reason=request.POST.get("reason", ""),
        )
    except HuiminError as error:
        messages.error(request, error.message)
    return redirect("payments:cycle", cycle_id=line.cycle_id)


@login_required
@permission_required("payments.view_payrollcycle", raise_exception=True)
@require_GET
def cash_roll(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """The printable roll per village: who is paid in cash, how much, with room to sign."""
    cycle = access.get_cycle_for(request.user, cycle_id)
    village = request.GET.get("village", "")
    lines = cycle.lines.filter(channel=Channel.CASH).exclude(status=LineStatus.EXCLUDED)
    if village:
        lines = lines.filter(region_code=village)
    lines = _with_withheld(
        lines.select_related("payee", "household", "cash_receipt", "authorization")
    ).order_by("region_code", "household__household_no", "pk")
    villages: dict[str, list] = {}
    for line in lines:
        villages.setdefault(line.region_code, []).append(line)
    context = {
        "cycle": cycle,
        "villages": sorted(villages.items()),
        "today": timezone.localdate(),
    }
    if request.GET.get("format") == "pdf":
        lang = "en" if (translation.get_language() or "").startswith("en") else "zh-hans"
        pdf = render_pdf("payments/cash_roll.html", context, lang=lang)
        return pdf_response(pdf, f"cash-roll-{cycle.region_code}-{cycle.month:%Y%m}.pdf")
    return render(request, "payments/cash_roll.html", context)


@login_required
@permission_required("payments.view_payrollcycle", raise_exception=True)
@require_POST
def cash_receipt(request: HttpRequest, line_id: int) -> HttpResponse:
    line = access.get_line_for(request.user, line_id)
    try:
        _require(request, "payments.record_cash")
        try:
            paid_on = dt.date.fromisoformat(request.POST.get("paid_on", ""))
        except ValueError as bad:
            raise ValidationFailed(_("Give the date as YYYY-MM-DD."), field="paid_on") from bad
        services.cash_receipt_record(
            actor=_user(request),
            line=line,
            confirmation=request.POST.get("confirmation", ""),
            witness=request.POST.get("witness", ""),
            paid_on=paid_on,
            received_by=request.POST.get("received_by", Receiver.PAYEE),
        )
    except HuiminError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The cash receipt is recorded."))
    return redirect("payments:cash-roll", cycle_id=line.cycle_id)


def _percent(request: HttpRequest, field: str, default: str) -> float:
    """A percentage from the form (95 for 95 %), as a share; a clear error when it is not one."""
    label = {"confidence": _("The confidence"), "margin": _("The margin of error")}.get(
        field, _("The share")
    )
    text = request.POST.get(field, "").strip() or default
    try:
        value = float(text)
    except ValueError as bad:
        raise ValidationFailed(
            _("%(what)s must be a number of percent, such as %(example)s.")
            % {"what": label, "example": default},
            field=field,
        ) from bad
    if not 0 < value < 100:  # NaN fails this too
        raise ValidationFailed(
            _("%(what)s must be above 0 and below 100 percent.") % {"what": label}, field=field
        )
    return value / 100


@login_required
@permission_required("payments.view_payrollcycle", raise_exception=True)
@require_POST
def visits_draw(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access.get_cycle_for(request.user, cycle_id)
    try:
        _require(request, "payments.prepare_payroll")
        if request.POST.get("design") == "share":
            design: dict[str, float] = {"share": _percent(request, "share", "5")}
        else:
            design = {
                "confidence": _percent(request, "confidence", "95"),
                "margin": _percent(request, "margin", "3"),
            }
        drawn = visits.visits_draw(actor=_user(request), cycle=cycle, **design)
    except HuiminError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(n)d paid recipients drawn to check.") % {"n": len(drawn)})
    return redirect("payments:cycle", cycle_id=cycle.pk)


@login_required
@permission_required("payments.view_payrollcycle", raise_exception=True)
@require_POST
def visit_record(request: HttpRequest, line_id: int) -> HttpResponse:
    line = access.get_line_for(request.user, line_id)
    try:
        _require(request, "payments.record_cash")
        visit = PaymentVisit.objects.filter(line=line).first()
        if visit is None:
            raise ValidationFailed(_("This payment was not drawn for checking."), field="line")
        visit = visits.visit_record(
            actor=_user(request),
            visit=visit,
            outcome=request.POST.get("outcome", ""),
            note=request.POST.get("note", ""),
        )
    except HuiminError as error:
        messages.error(request, error.message)
    else:
        follow_up = getattr(visit, "follow_up", None)  # none: nothing to follow up
        if follow_up is None:
            messages.success(request, _("The check is recorded."))
        else:
            messages.success(
                request,
                _("The check is recorded; its follow-up is no. %(number)s.")
                % {"number": follow_up.pk},
            )
    return redirect("payments:cycle", cycle_id=line.cycle_id)


def _return_counts_in_words(counts: dict[str, int]) -> list[tuple[str, int]]:
    """Each class of return line by its name in the reader's language, in the classes' order."""
    return [(str(label), counts[kind]) for kind, label in RETURN_CLASSES.items() if kind in counts]


# --- Who collects: proxies (代领) and guardians -------------------------------------------------


def _optional_date(request: HttpRequest, field: str) -> dt.date | None:
    text = request.POST.get(field, "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as bad:
        raise ValidationFailed(_("Give the date as YYYY-MM-DD."), field=field) from bad


@login_required
@permission_required("payments.view_paymentline", raise_exception=True)
@require_http_methods(["GET", "POST"])
def household_collectors(request: HttpRequest, household_id: int) -> HttpResponse:
    """A household's collection authorizations (proxies and guardians), and a form to add one."""
    household = access.get_household_for(request.user, household_id)
    if request.method == "POST":
        try:
            _require(request, "payments.record_authorization")
            payee = household.members.filter(pk=request.POST.get("payee") or 0).first()
            if payee is None:
                raise ValidationFailed(_("Choose a member of the household."), field="payee")
            valid_from = _optional_date(request, "valid_from")
            if valid_from is None:
                raise ValidationFailed(_("Give the date it is valid from."), field="valid_from")
            services.authorization_record(
                actor=_user(request),
                payee=payee,
                collector_name=request.POST.get("collector_name", ""),
                collector_id_number=request.POST.get("collector_id_number", ""),
                relation=request.POST.get("relation", ""),
                kind=request.POST.get("kind", ""),
                document_ref=request.POST.get("document_ref", ""),
                valid_from=valid_from,
                valid_until=_optional_date(request, "valid_until"),
            )
        except HuiminError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The authorization is recorded."))
        return redirect("payments:household-collectors", household_id=household.pk)
    authorizations = CollectionAuthorization.objects.filter(household=household).select_related(
        "payee", "recorded_by", "revoked_by"
    )
    context = {
        "household": household,
        "authorizations": authorizations,
        "members": household.members.filter(death_date__isnull=True).order_by("pk"),
        "kinds": CollectorKind.choices,
        "today": timezone.localdate(),
    }
    return render(request, "payments/collectors.html", context)


@login_required
@permission_required("payments.view_paymentline", raise_exception=True)
@require_POST
def authorization_revoke(request: HttpRequest, authorization_id: int) -> HttpResponse:
    authorization = access.get_authorization_for(request.user, authorization_id)
    try:
        _require(request, "payments.record_authorization")
        services.authorization_revoke(
            actor=_user(request),
            authorization=authorization,
            reason=request.POST.get("reason", ""),
        )
    except HuiminError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The authorization is revoked."))
    return redirect("payments:household-collectors", household_id=authorization.household_id)


# --- Recoveries of overpayments (追回) ---------------------------------------------------------


def _month_field(request: HttpRequest, field: str) -> dt.date:
    return services.month_parse(request.POST.get(field, ""), field=field)


def _recovery_record(request: HttpRequest, household: Household) -> None:
    _require(request, "payments.prepare_payroll")
    entitlement = Entitlement.objects.filter(
        household=household, pk=_whole_number(request.POST.get("entitlement", ""))
    ).first()
    if entitlement is None:
        raise ValidationFailed(_("Choose the entitlement that was overpaid."), field="entitlement")
    recoveries.recovery_record(
        actor=_user(request),
        household=household,
        entitlement=entitlement,
        first_month=_month_field(request, "first_month"),
        last_month=_month_field(request, "last_month"),
        amount_fen=parse_yuan(request.POST.get("amount", ""), field="amount"),
        instalment_fen=parse_yuan(request.POST.get("instalment", ""), field="instalment"),
        reason=request.POST.get("reason", ""),
        decision_ref=request.POST.get("decision_ref", ""),
        note=request.POST.get("note", ""),
    )


def _whole_number(text: str) -> int:
    """A record id typed in a form, or 0 (no record) when it is not one."""
    text = text.strip()
    return int(text) if text.isdecimal() and len(text) < 12 else 0


@login_required
@permission_required("payments.view_paymentline", raise_exception=True)
@require_http_methods(["GET", "POST"])
def household_recoveries(request: HttpRequest, household_id: int) -> HttpResponse:
    """A household's overpayments being recovered, and a form to record one."""
    household = access.get_household_for(request.user, household_id)
    if request.method == "POST":
        try:
            _recovery_record(request, household)
        except HuiminError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The recovery is recorded."))
        return redirect("payments:household-recoveries", household_id=household.pk)
    context = {
        "household": household,
        "recoveries": recoveries.recoveries_of_household(household.pk).prefetch_related(
            "deductions__line"
        ),
        "entitlements": Entitlement.objects.filter(household=household).order_by("-start_month"),
        "reasons": RecoveryReason.choices,
        "overpayment_only": OVERPAYMENT_ONLY,
        "this_month": timezone.localdate().replace(day=1),
    }
    return render(request, "payments/recoveries.html", context)


@login_required
@permission_required("payments.view_paymentline", raise_exception=True)
@require_POST
def recovery_waive(request: HttpRequest, recovery_id: int) -> HttpResponse:
    recovery = access.get_recovery_for(request.user, recovery_id)
    try:
        recoveries.recovery_waive(
            actor=_user(request), recovery=recovery, reason=request.POST.get("reason", "")
        )
    except HuiminError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The rest of the recovery is waived."))
    return redirect("payments:household-recoveries", household_id=recovery.household_id)
