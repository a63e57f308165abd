"""Funds, payroll cycles, payment lines and what became of each fen.

The database holds the invariants: one regular or arrears line per entitlement and month, one
one-off line per person and purpose, one reissue per failed line, amounts never below zero; a
recovery never more than the overpayment, each instalment above zero. On PostgreSQL the lines
are partitioned by month, and migration 0012 states those keys with the month in them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from huimin.casework.models import Entitlement, Program
from huimin.core.pii import BlindIndexField, EncryptedTextField
from huimin.payments.banking.layouts import REASON_KINDS
from huimin.registry.models import Household, Person


class Allocation(models.Model):
    """A budget line: what a program may spend in a region in a year, by who pays it."""

    program = models.CharField(_("program"), max_length=20)
    region_code = models.CharField(_("region"), max_length=12, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"))
    central_fen = models.BigIntegerField(_("central share (fen)"), default=0)
    provincial_fen = models.BigIntegerField(_("provincial share (fen)"), default=0)
    local_fen = models.BigIntegerField(_("local share (fen)"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "region_code", "year"], name="allocation_one_per_year"
            ),
            models.CheckConstraint(
                condition=Q(central_fen__gte=0) & Q(provincial_fen__gte=0) & Q(local_fen__gte=0),
                name="allocation_shares_ok",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program} {self.region_code} {self.year}"

    @property
    def total_fen(self) -> int:
        return self.central_fen + self.provincial_fen + self.local_fen

    @property
    def program_label(self) -> str:
        return str(dict(Program.choices).get(self.program, self.program))


class CycleKind(models.TextChoices):
    MONTHLY = "monthly", _("Monthly payroll")
    ONE_OFF = "one_off", _("One-off payment")


class CycleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CHECKED = "checked", _("Checked")
    APPROVED = "approved", _("Approved")
    EXPORTED = "exported", _("Sent to the bank")
    RECONCILED = "reconciled", _("Reconciled")
    CLOSED = "closed", _("Closed")


class PayrollCycle(models.Model):
    region_code = models.CharField(_("region"), max_length=12, db_index=True)
    month = models.DateField(_("month"))  # the 1st of the month paid
    kind = models.CharField(max_length=8, choices=CycleKind.choices, default=CycleKind.MONTHLY)
    purpose = models.CharField(_("purpose"), max_length=60, blank=True)  # one-off runs only
    programs = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=CycleStatus.choices, default=CycleStatus.DRAFT)
    line_count = models.PositiveIntegerField(default=0)
    total_fen = models.BigIntegerField(default=0)
    generated = models.BooleanField(default=False)  # every chunk is in
    overspend_reason = models.CharField(max_length=500, blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month", "-id"]
        permissions = [
            ("prepare_payroll", "May prepare payroll cycles, export bank files and import returns"),
            ("approve_payroll", "May approve a payroll cycle someone else prepared"),
            ("override_allocation", "May approve a payroll beyond its allocation, with a reason"),
            ("record_cash", "May record cash handed over"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "month"],
                condition=Q(kind="monthly"),
                name="cycle_one_monthly_per_region",
            ),
            models.UniqueConstraint(
                fields=["region_code", "month", "purpose"],
                condition=Q(kind="one_off"),
                name="cycle_one_off_per_purpose",
            ),
            models.CheckConstraint(condition=Q(total_fen__gte=0), name="cycle_total_ok"),
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.month:%Y-%m}"


class LineKind(models.TextChoices):
    REGULAR = "regular", _("Monthly")
    ONE_OFF = "one_off", _("One-off")
    REISSUE = "reissue", _("Reissued")
    # A month owed from before the first payroll that paid the entitlement (补发): its own month.
    ARREARS = "arrears", _("Arrears")


# The kinds that pay an entitlement's month itself: one line of these per entitlement and month.
MONTH_PAYING_KINDS = (LineKind.REGULAR, LineKind.ARREARS)


class Channel(models.TextChoices):
    BANK = "bank", pgettext_lazy("payment channel", "Bank")
    CASH = "cash", pgettext_lazy("payment channel", "Cash")


class LineStatus(models.TextChoices):
    PENDING = "pending", _("To be paid")
    EXCLUDED = "excluded", _("Excluded")
    SENT = "sent", _("Sent to the bank")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
    REISSUE = "reissue", _("To be reissued")
    CASH = "cash", _("To be paid in cash")
    CLEARED = "cleared", _("Reissued in a later cycle")
    RETURNED = "returned", _("Cash not handed over: returned to the fund")


PAID_STATUSES = (LineStatus.PAID,)


class PaymentLine(models.Model):
    cycle = models.ForeignKey(PayrollCycle, on_delete=models.PROTECT, related_name="lines")
    kind = models.CharField(max_length=8, choices=LineKind.choices, default=LineKind.REGULAR)
    entitlement = models.ForeignKey(
        Entitlement, on_delete=models.PROTECT, null=True, blank=True, related_name="payment_lines"
    )
    month = models.DateField()
    purpose_key = models.CharField(max_length=60, blank=True)
    reissue_of = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reissued_as"
    )
    program = models.CharField(max_length=20, choices=Program.choices)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    payee = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="payment_lines")
    collector = models.CharField(_("collected by (proxy or guardian)"), max_length=50, blank=True)
    # The authorization the collector holds, as it was valid on the pay month (who collects).
    authorization = models.ForeignKey(
        "CollectionAuthorization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lines",
    )
    region_code = models.CharField(max_length=12, db_index=True)  # the household's village
    amount_fen = models.BigIntegerField()
    channel = models.CharField(max_length=4, choices=Channel.choices, default=Channel.BANK)
    status = models.CharField(max_length=8, choices=LineStatus.choices, default=LineStatus.PENDING)
    outcome = models.CharField(max_length=20, blank=True)  # the return's class or "cash"
    # The bank file it went out in: a line later paid in cash still counts in that file's total.
    # Not indexed, so that marking lines sent stays an update in place (migration 0009).
    sent_in = models.ForeignKey(
        "BankFile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lines",
        db_index=False,
    )
    reason = models.CharField(max_length=200, blank=True)
    # When the line was put on a cash roll: unpaid after `payments.cash_return_days`, it returns.
    cash_since = models.DateField(null=True, blank=True)
    frozen = models.JSONField()  # the entitlement, facts and parameters as they were
    frozen_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            # A month paid as arrears can never be paid again as a regular line, nor the reverse.
            models.UniqueConstraint(
                fields=["entitlement", "month"],
                condition=Q(kind__in=["regular", "arrears"]),
                name="line_one_per_entitlement_month",
            ),
            models.UniqueConstraint(
                fields=["payee", "purpose_key"],
                condition=Q(kind="one_off"),
                name="line_one_per_person_purpose",
            ),
            models.CheckConstraint(condition=Q(amount_fen__gte=0), name="line_amount_ok"),
        ]

    def __str__(self) -> str:
        return f"{self.program} {self.month:%Y-%m} {self.amount_fen}"

    @property
    def bank_reason(self) -> str:
        """Why the bank refused the line, in words; "" when it did not (or a follow-up's own
        reason has replaced the bank's)."""
        return str(REASON_KINDS[self.reason]) if self.reason in REASON_KINDS else ""


class PurposeClaim(models.Model):
    """A person's one-off payment for a purpose, claimed before its line is written.

    The claim's key is what makes a second payment for one purpose impossible in any month: on
    PostgreSQL the lines are partitioned by month, and a partitioned table's unique keys must
    include the month (migration 0012)."""

    payee = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    purpose_key = models.CharField(max_length=60)
    cycle = models.ForeignKey(PayrollCycle, on_delete=models.PROTECT, related_name="claims")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["payee", "purpose_key"], name="claim_one_per_person_purpose"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose_key} {self.payee_id}"


class ExceptionKind(models.TextChoices):
    DEAD = "dead", _("The recipient has died")
    ID_INVALID = "id_invalid", _("The identity number is not valid")
    ACCOUNT_MISSING = "account_missing", _("No bank account")
    ACCOUNT_INVALID = "account_invalid", _("The bank account number fails its check digit")
    HOLDER_NAME = "holder_name", _("The account holder is not the payee")
    SHARED_ACCOUNT = "shared_account", _("The same account is used by several households")
    NOT_MEMBER = "not_member", _("The payee is not a member of the household")
    AMOUNT_CHANGED = "amount_changed", _("The amount changed a lot from last month")
    REVIEW_OVERDUE = "review_overdue", _("The review is overdue")
    SUSPENDED = "suspended", _("The entitlement is suspended")
    NOT_TOGETHER = "not_together", _("Two programs that may not be held together")
    AUTHORIZATION_EXPIRED = (
        "authorization_expired",
        _("The collector's authorization has expired or was revoked"),
    )
    GUARDIAN_MISSING = "guardian_missing", _("The payee is a minor with no guardian recorded")
    ARREARS_BEYOND_LIMIT = (
        "arrears_beyond_limit",
        _("Months owed from longer ago than arrears are paid automatically"),
    )


class ExceptionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved: pay")
    EXCLUDED = "excluded", _("Excluded: do not pay")


class PaymentException(models.Model):
    """A pre-payment check that failed: someone must resolve it or exclude the line, with a reason."""

    cycle = models.ForeignKey(PayrollCycle, on_delete=models.PROTECT, related_name="exceptions")
    line = models.ForeignKey(PaymentLine, on_delete=models.PROTECT, related_name="exceptions")
    kind = models.CharField(max_length=24, choices=ExceptionKind.choices)
    detail = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=8, choices=ExceptionStatus.choices, default=ExceptionStatus.OPEN
    )
    reason = models.CharField(max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["line", "kind"], name="exception_one_per_line_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.line_id}"


class BankFile(models.Model):
    cycle = models.ForeignKey(PayrollCycle, on_delete=models.PROTECT, related_name="bank_files")
    layout = models.CharField(max_length=40)
    name = models.CharField(max_length=120)
    sha256 = models.CharField(max_length=64)
    count = models.PositiveIntegerField()
    total_fen = models.BigIntegerField()
    content = models.BinaryField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class ReturnFile(models.Model):
    cycle = models.ForeignKey(PayrollCycle, on_delete=models.PROTECT, related_name="return_files")
    name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    counts = models.JSONField(default=dict)
    totals_fen = models.JSONField(default=dict)
    applied = models.CharField(max_length=8)  # "all" or "clear"
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Confirmation(models.TextChoices):
    SIGNATURE = "signature", _("Signature")
    THUMBPRINT = "thumbprint", _("Thumbprint")


# Who collects (see the block at the end): who took a cash payment.
class Receiver(models.TextChoices):
    PAYEE = "payee", _("The payee")
    COLLECTOR = "collector", _("The authorized collector")


class CashReceipt(models.Model):
    line = models.OneToOneField(PaymentLine, on_delete=models.PROTECT, related_name="cash_receipt")
    confirmation = models.CharField(max_length=10, choices=Confirmation.choices)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    witness = models.CharField(_("witness"), max_length=50)
    paid_on = models.DateField(_("date"))
    # Who took the cash: the payee, or the collector the line's authorization names.
    received_by = models.CharField(
        _("received by"),
        max_length=9,
        choices=Receiver.choices,
        default=Receiver.PAYEE,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.line_id} {self.paid_on}"


class VisitOutcome(models.TextChoices):
    RECEIVED_FULL = "received_full", _("Received in full")
    RECEIVED_LESS = "received_less", _("Received less")
    NOT_RECEIVED = "not_received", _("Not received")
    UNREACHABLE = "unreachable", _("Could not be reached")


# What a visit found that needs following up: the money did not arrive whole.
PROBLEM_OUTCOMES = (VisitOutcome.RECEIVED_LESS, VisitOutcome.NOT_RECEIVED)


class PaymentVisit(models.Model):
    """A paid line drawn for post-payment verification (抽查回访), and what the call or visit found.

    The sample is drawn once per cycle, stratified by village, reproducibly from its seed."""

    cycle = models.ForeignKey(PayrollCycle, on_delete=models.PROTECT, related_name="visits")
    line = models.OneToOneField(PaymentLine, on_delete=models.PROTECT, related_name="visit")
    seed = models.CharField(max_length=60)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(
        _("what was found"), max_length=14, choices=VisitOutcome.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["line__region_code", "line_id"]

    def __str__(self) -> str:
        return f"{self.line_id} {self.outcome or '-'}"


# --- Who collects: proxies (代领) and guardians -------------------------------------------------


class CollectorKind(models.TextChoices):
    PROXY = "proxy", _("Proxy (collects on the payee's signed authorization)")
    GUARDIAN = "guardian", _("Guardian")


class CollectionAuthorization(models.Model):
    """Someone other than the payee who may collect the payee's money: a proxy on a signed
    authorization, or a guardian on a guardianship certificate.

    The collector's identity number is kept as the registry keeps a person's: encrypted, with a
    blind index to find it; never in clear. Revoked, it stays, with who revoked it and why."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    payee = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="collection_authorizations"
    )
    collector_name = models.CharField(_("collector's name"), max_length=50)
    collector_id_number = EncryptedTextField(_("collector's identity number"))
    collector_id_index = BlindIndexField(source="collector_id_number")
    relation = models.CharField(_("relation to the payee"), max_length=30)
    kind = models.CharField(_("kind"), max_length=8, choices=CollectorKind.choices)
    document_ref = models.CharField(_("authorization or certificate number"), max_length=100)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.CharField(_("why revoked"), max_length=300, blank=True)

    class Meta:
        ordering = ["-valid_from", "-id"]
        permissions = [
            ("record_authorization", "May record and revoke who collects for a payee"),
        ]
        constraints = [
            # A proxy's authorization is for a stated time; only a guardianship may be open-ended.
            models.CheckConstraint(
                condition=Q(kind="guardian") | Q(valid_until__isnull=False),
                name="authorization_proxy_has_end",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="authorization_period_ok",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.collector_name} ({self.kind}) → {self.payee_id}"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


# --- end of who collects ------------------------------------------------------------------------


# --- Recoveries of overpayments (追回) ---------------------------------------------------------


class RecoveryReason(models.TextChoices):
    DEATH_NOT_REPORTED = "death_not_reported", _("A death was not reported")
    INCOME_CONCEALED = "income_concealed", _("Income was concealed")
    FRAUD = "fraud", _("Fraud was found")
    PAID_TWICE = "paid_twice", _("The same month was paid twice")
    WRONG_AMOUNT = "wrong_amount", _("More was paid than was decided")


class RecoveryState(models.TextChoices):
    ACTIVE = "active", _("Being recovered")
    COMPLETED = "completed", _("Recovered in full")
    WAIVED = "waived", _("Waived")


OVERPAYMENT_ONLY = _(
    "Only assistance paid in excess may be recovered: never a loan, a debt, a fee or a fine "
    "(CQ-DB §22)."
)


class Recovery(models.Model):
    """An overpayment of assistance, paid back by instalments withheld from the same
    entitlement's monthly line (追回).

    Nothing here can express a loan, a debt, a fee or a fine: a recovery is always assistance
    this entitlement paid in excess for the months it names (CQ-DB §22, SAIM §68)."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    entitlement = models.ForeignKey(
        Entitlement, on_delete=models.PROTECT, related_name="recoveries"
    )
    region_code = models.CharField(max_length=12, db_index=True)  # the household's village
    first_month = models.DateField(_("first month overpaid"))
    last_month = models.DateField(_("last month overpaid"))
    amount_fen = models.BigIntegerField(_("amount overpaid (fen)"), help_text=OVERPAYMENT_ONLY)
    instalment_fen = models.BigIntegerField(_("monthly instalment (fen)"))
    reason = models.CharField(
        _("why it was overpaid"), max_length=20, choices=RecoveryReason.choices
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    decision_ref = models.CharField(_("decision document number"), max_length=100)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(
        max_length=9, choices=RecoveryState.choices, default=RecoveryState.ACTIVE
    )
    # Withheld from lines not excluded; `ledger_verify` checks it against the deductions.
    recovered_fen = models.BigIntegerField(_("recovered so far (fen)"), default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    waived_at = models.DateTimeField(null=True, blank=True)
    waive_reason = models.CharField(_("why waived"), max_length=500, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="recovery_amount_ok"),
            models.CheckConstraint(
                condition=Q(instalment_fen__gt=0), name="recovery_instalment_ok"
            ),
            models.CheckConstraint(
                condition=Q(recovered_fen__gte=0) & Q(recovered_fen__lte=models.F("amount_fen")),
                name="recovery_recovered_ok",
            ),
            models.CheckConstraint(
                condition=Q(last_month__gte=models.F("first_month")),
                name="recovery_months_ok",
            ),
            models.CheckConstraint(
                condition=~Q(state="waived") | ~Q(waive_reason=""),
                name="recovery_waived_with_reason",
            ),
            models.CheckConstraint(
                condition=~Q(state="completed") | Q(recovered_fen=models.F("amount_fen")),
                name="recovery_completed_in_full",
            ),
        ]

    def __str__(self) -> str:
        return f"recovery {self.pk} of {self.entitlement_id}: {self.amount_fen}"

    @property
    def remaining_fen(self) -> int:
        return 0 if self.state == RecoveryState.WAIVED else self.amount_fen - self.recovered_fen


class RecoveryDeduction(models.Model):
    """One instalment of a recovery, withheld from one regular line: the line pays its gross
    amount less every instalment withheld from it (the gross is in its sealed record)."""

    recovery = models.ForeignKey(Recovery, on_delete=models.PROTECT, related_name="deductions")
    line = models.ForeignKey(
        PaymentLine, on_delete=models.PROTECT, related_name="recovery_deductions"
    )
    amount_fen = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["recovery", "line"], name="deduction_one_per_line"),
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="deduction_amount_ok"),
        ]

    def __str__(self) -> str:
        return f"{self.recovery_id} on {self.line_id}: {self.amount_fen}"


# --- end of recoveries --------------------------------------------------------------------------
