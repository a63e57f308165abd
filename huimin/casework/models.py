"""Applications, the steps of their procedure, decisions and the entitlements they create.

States are TextChoices; invariants (one open step per application, one current decision, a
letter number once per office and year, amounts >= 0) are constraints in the database.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from huimin.registry.models import Household, Person


class Program(models.TextChoices):
    """The programs a person applies for; each has a procedure in `procedure.py`."""

    DIBAO = "dibao", _("Minimum living allowance")
    TEKUN = "tekun", _("Support for the extremely poor")
    TEMPORARY = "temporary", _("Temporary assistance")
    DISASTER = "disaster", _("Disaster relief")
    # Allowances the rules compute per person (`huimin/rules/programs`).
    OLD_AGE = "old_age", _("Old-age allowance")
    DISABILITY_LIVING = "disability_living", _("Living subsidy for people with disabilities")
    DISABILITY_CARE = "disability_care", _("Care subsidy for people with severe disabilities")
    ORPHAN = "orphan", _("Basic living allowance for orphans")
    UNSUPPORTED_CHILD = "unsupported_child", _("Allowance for children without support")


class Channel(models.TextChoices):
    WINDOW = "window", _("At the township window")
    VILLAGE_HELPER = "village_helper", _("Through the village helper")
    ONLINE = "online", _("Online")
    # Decided in the office's previous system, carried over with its decision (`carry_over`).
    CARRIED_OVER = "carried_over", _("Carried over from the previous system")


class ApplicationStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    SUSPENDED = "suspended", _("Suspended")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class EmergencyKind(models.TextChoices):
    NONE = "none", _("None")
    URGENT = "urgent", _("Urgent (fire, accident, acute illness)")
    EXPENDITURE = "expenditure", _("A large expense")


class Application(models.Model):
    program = models.CharField(_("program"), max_length=20, choices=Program.choices)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="applications")
    # The household's village when the application was taken: what scopes it.
    region_code = models.CharField(_("village"), max_length=12, db_index=True)
    channel = models.CharField(_("taken"), max_length=16, choices=Channel.choices)
    statement = models.TextField(_("applicant's statement"))
    status = models.CharField(
        max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.IN_PROGRESS
    )
    help_first = models.BooleanField(_("help first, verify later"), default=False)
    # Temporary assistance: the emergency or the expenditure.
    emergency_kind = models.CharField(
        _("emergency"), max_length=12, choices=EmergencyKind.choices, default=EmergencyKind.NONE
    )
    emergency_expense_fen = models.BigIntegerField(_("expense (fen)"), default=0)
    # A second application for the same kind of hardship within the period: the new emergency.
    new_emergency = models.CharField(_("the new emergency"), max_length=500, blank=True)
    # Disaster relief: the event and the damage.
    disaster_event = models.CharField(_("disaster"), max_length=200, blank=True)
    disaster_deaths = models.PositiveIntegerField(_("deaths in the family"), default=0)
    disaster_home_destroyed = models.BooleanField(_("home destroyed"), default=False)
    disaster_transitional_days = models.PositiveIntegerField(
        _("days of transitional resettlement"), default=0
    )
    suspended_reason = models.CharField(_("reason for the suspension"), max_length=500, blank=True)
    # Staff relatives (近亲属备案): set when taken, or when a relative is declared later.
    relative_flag = models.CharField(max_length=14, blank=True, default="")
    relative_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    relative_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    relative_review_note = models.CharField(max_length=500, blank=True)
    # Who took it: a member of staff, or the resident who applied online (never both).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_by = models.ForeignKey(
        "citizens.CitizenAccount",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Whose case it is: the person who took it, until a supervisor reassigns it. Their
    # supervisor's team page counts the case's open step under them.
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications_responsible",
        verbose_name=_("responsible"),
    )
    # The whole procedure's limit (application to decision), in working days from the day it
    # was taken; extended once, with a reason, by an approver.
    procedure_due = models.DateField(_("decision due"), null=True, blank=True, db_index=True)
    procedure_due_provisional = models.BooleanField(default=False)
    procedure_extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    procedure_extended_at = models.DateTimeField(null=True, blank=True)
    procedure_extension_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("supervise_casework", "Can see the team's worklists and the county's spot-checks"),
            ("take_application", "Can take an application"),
            ("prepare_application", "Can verify, visit and give the township's opinion"),
            ("record_appraisal", "Can record a democratic appraisal and post a notice"),
            ("decide_application", "Can approve or refuse an application"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(emergency_expense_fen__gte=0), name="application_expense_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(status="suspended") | ~Q(suspended_reason=""),
                name="application_suspension_has_reason",
            ),
            models.UniqueConstraint(
                fields=["household", "program"],
                condition=Q(status__in=["in_progress", "suspended"]),
                name="application_one_open_per_program",
            ),
            models.CheckConstraint(
                condition=Q(created_by__isnull=True, submitted_by__isnull=False)
                | Q(created_by__isnull=False, submitted_by__isnull=True),
                name="application_taken_by_staff_or_resident",
            ),
            models.CheckConstraint(
                condition=Q(procedure_extended_at__isnull=True) | ~Q(procedure_extension_reason=""),
                name="application_extension_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_program_display()} {self.pk}"


class StepKind(models.TextChoices):
    VERIFICATION = "verification", _("Household economic verification")
    HOME_VISIT = "home_visit", _("Home visit")
    APPRAISAL = "appraisal", _("Democratic appraisal")
    TOWNSHIP_OPINION = "township_opinion", _("Township opinion")
    PUBLIC_NOTICE = "public_notice", _("Public notice")
    DECISION = "decision", _("Decision")
    LETTER = "letter", _("Decision letter")
    ENTITLEMENT = "entitlement", _("Entitlement")


class StepStatus(models.TextChoices):
    WAITING = "waiting", _("Not yet")
    OPEN = "open", _("To do")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OUTCOME_LABELS = {
    "agree": _("most in favour"),
    "disagree": _("most against"),
    "recommend": _("recommends approval"),
    "not_recommend": _("does not recommend approval"),
    "no_objection": _("no objection"),
    "approved": _("Approved"),
    "refused": _("Refused"),
}


class Step(models.Model):
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="steps")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=StepKind.choices)
    status = models.CharField(max_length=10, choices=StepStatus.choices, default=StepStatus.WAITING)
    # Set when the step opens, from the procedure's parameter and the working-day calendar.
    opened_on = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True, db_index=True)
    due_provisional = models.BooleanField(default=False)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    second_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, blank=True)
    findings = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["application_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "position"], name="step_position_unique"
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status="open"),
                name="step_one_open_per_application",
            ),
            models.CheckConstraint(
                condition=Q(second_staff__isnull=True) | ~Q(second_staff=F("done_by")),
                name="step_two_distinct_staff",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="step_status_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def outcome_label(self) -> str:
        return str(OUTCOME_LABELS.get(self.outcome, self.outcome))


class DocumentKind(models.TextChoices):
    AUTHORIZATION = "authorization", _("Signed verification authorization")
    IDENTITY = "identity", _("Identity document")
    INCOME = "income", _("Proof of income")
    MEDICAL = "medical", _("Medical bill")
    PHOTO = "photo", _("Photo")
    OTHER = "other", _("Other")


class Document(models.Model):
    """An attachment, encrypted on disk under VAR_DIR (never under the static root)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    file_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    stored_name = models.CharField(max_length=100, unique=True)
    sha256 = models.CharField(max_length=64)
    # A member of staff, or the resident with an online application (never both).
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_by_resident = models.ForeignKey(
        "citizens.CitizenAccount", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="document_not_empty"),
            models.CheckConstraint(
                condition=Q(uploaded_by__isnull=True, uploaded_by_resident__isnull=False)
                | Q(uploaded_by__isnull=False, uploaded_by_resident__isnull=True),
                name="document_uploaded_by_staff_or_resident",
            ),
        ]

    def __str__(self) -> str:
        return self.file_name


class VerificationAuthorization(models.Model):
    """The applicant's and family's signed consent (核对授权书): no check runs without it."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="authorizations"
    )
    signers = models.ManyToManyField(Person, related_name="+")
    signed_on = models.DateField(_("signed on"))
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"authorization {self.pk} of {self.application_id}"


class FindingStatus(models.TextChoices):
    OPEN = "open", _("To check")
    ACCEPTED = "accepted", _("Taken into the registry")
    DISMISSED = "dismissed", _("Not taken")


class Finding(models.Model):
    """What one source of the verification found that differs from the registry."""

    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="found")
    source = models.CharField(max_length=30)
    kind = models.CharField(max_length=30)
    summary = models.CharField(max_length=300)
    data = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    reason = models.CharField(max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="dismissed") | ~Q(reason=""),
                name="finding_dismissal_has_reason",
            )
        ]

    def __str__(self) -> str:
        return self.summary


class NoticeStatus(models.TextChoices):
    POSTED = "posted", _("Posted")
    CLOSED = "closed", _("Closed")


class Notice(models.Model):
    """A public notice (公示) in one village for one period, listing its applications."""

    region_code = models.CharField(max_length=12, db_index=True)
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(max_length=8, choices=NoticeStatus.choices, default="posted")
    steps = models.ManyToManyField(Step, related_name="notices")
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    posted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="notice_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"notice {self.region_code} {self.starts_on}"


class Objection(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="objections"
    )
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="objections")
    received_on = models.DateField()
    objector = models.CharField(max_length=100, blank=True)  # may be anonymous
    text = models.TextField()
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["received_on", "id"]

    def __str__(self) -> str:
        return f"objection {self.pk}"


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class LetterSequence(models.Model):
    """The last letter number (文号) used by an office in a year."""

    office_code = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office_code", "year"], name="letter_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.office_code}/{self.year}: {self.last}"


class Decision(models.Model):
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=10, choices=DecisionOutcome.choices)
    period = models.CharField(max_length=7)  # the month assessed, YYYY-MM
    amount_fen = models.BigIntegerField(default=0)
    reasons = models.JSONField(default=list, blank=True)  # the failed criteria of a refusal
    explanation = models.JSONField(default=dict)  # the rules' explanation, as decided
    office_code = models.CharField(max_length=12)
    office_name = models.CharField(max_length=100)
    letter_year = models.PositiveSmallIntegerField()
    letter_serial = models.PositiveIntegerField()
    letter_number = models.CharField(max_length=60)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField()
    decided_at = models.DateTimeField(auto_now_add=True)
    # An appeal sets these and reopens the application; the decision stays as history.
    superseded_at = models.DateTimeField(null=True, blank=True)
    appeal_outcome = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(superseded_at__isnull=True),
                name="decision_one_current_per_application",
            ),
            models.UniqueConstraint(
                fields=["office_code", "letter_year", "letter_serial"],
                name="decision_letter_number_unique",
            ),
            models.CheckConstraint(condition=Q(amount_fen__gte=0), name="decision_amount_ok"),
        ]

    def __str__(self) -> str:
        return self.letter_number


class EntitlementStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    GRADUAL_EXIT = "gradual_exit", _("Gradual exit")
    ENDED = "ended", _("Ended")


class Entitlement(models.Model):
    program = models.CharField(_("program"), max_length=20, choices=Program.choices)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="entitlements")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="entitlements"
    )
    region_code = models.CharField(max_length=12, db_index=True)
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="entitlement")
    monthly_fen = models.BigIntegerField(_("monthly amount (fen)"))
    category = models.CharField(_("top-up category"), max_length=100, blank=True)
    start_month = models.DateField(_("first month"))  # always the 1st of a month
    end_month = models.DateField(_("last month"), null=True, blank=True)
    review_due = models.DateField(_("review due"), null=True, blank=True)
    status = models.CharField(
        max_length=14, choices=EntitlementStatus.choices, default=EntitlementStatus.ACTIVE
    )
    snapshot = models.JSONField()  # the facts and parameters the amount was decided on
    suspended_reason = models.CharField(max_length=300, blank=True)
    # The 1st of the month payment was first held; set while suspended, cleared on resume. The
    # rules count the entitlement as held for the months before it (casework.feeds).
    suspended_from = models.DateField(_("suspended from"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_month", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(monthly_fen__gte=0), name="entitlement_amount_ok"),
            # An entitlement set aside by an appeal before its first month ends the month
            # before it: it covered no month.
            models.CheckConstraint(
                condition=Q(end_month__isnull=True)
                | Q(end_month__gte=F("start_month"))
                | Q(status="ended"),
                name="entitlement_ends_after_start",
            ),
            # Never two held at once for one household, program and person (none for a
            # household-level benefit: coalesced, since NULLs never clash in a unique index).
            models.UniqueConstraint(
                F("household"),
                F("program"),
                Coalesce(F("person"), Value(0)),
                condition=Q(status__in=["active", "suspended", "gradual_exit"]),
                name="entitlement_one_held_per_program",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_program_display()} {self.monthly_fen}"


class ReviewProposal(models.TextChoices):
    CONTINUE = "continue", _("Continue as it is")
    ADJUST = "adjust", _("Adjust the amount")
    STOP = "stop", _("Stop")
    GRADUAL_EXIT = "gradual_exit", _("Gradual exit: keep paying for some months, then stop")


class ReviewStatus(models.TextChoices):
    PROPOSED = "proposed", _("Waiting for the approver")
    DECIDED = "decided", _("Decided")


class Review(models.Model):
    """A periodic review of an entitlement: the rules re-run on current data propose, an
    approver who did not propose decides."""

    entitlement = models.ForeignKey(Entitlement, on_delete=models.PROTECT, related_name="reviews")
    region_code = models.CharField(max_length=12, db_index=True)
    proposal = models.CharField(max_length=14, choices=ReviewProposal.choices)
    period = models.CharField(max_length=7)
    amount_fen = models.BigIntegerField(default=0)
    explanation = models.JSONField(default=dict)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=ReviewStatus.choices, default="proposed")
    accepted = models.BooleanField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    # The letter of the decision (复核决定书), numbered from the county office's sequence of
    # decision letters, with the facts it states frozen as decided.
    office_code = models.CharField(max_length=12, blank=True)
    office_name = models.CharField(max_length=100, blank=True)
    letter_year = models.PositiveSmallIntegerField(null=True, blank=True)
    letter_serial = models.PositiveIntegerField(null=True, blank=True)
    letter_number = models.CharField(max_length=60, blank=True)
    # {"outcome", "monthly_fen", "was_fen", "start", "end"}: what the letter says was decided
    letter_facts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entitlement"],
                condition=Q(status="proposed"),
                name="review_one_open_per_entitlement",
            ),
            models.UniqueConstraint(
                fields=["office_code", "letter_year", "letter_serial"],
                condition=Q(letter_serial__isnull=False),
                name="review_letter_number_unique",
            ),
            models.CheckConstraint(condition=Q(amount_fen__gte=0), name="review_amount_ok"),
        ]

    def __str__(self) -> str:
        return f"review {self.pk} of {self.entitlement_id}"


class ChangeKind(models.TextChoices):
    DEATH = "death", _("A death")
    INCOME = "income", _("A new income")
    MOVE_OUT = "move_out", _("Moved out of the area")
    AGE = "age", _("Reached an age that counts")


class ChangeStatus(models.TextChoices):
    OPEN = "open", _("To look at")
    DONE = "done", _("Dealt with")


class CircumstanceChange(models.Model):
    """A change the registry recorded in a household that receives something: what the rules
    give now for each running entitlement, and a task for the caseworker until dealt with."""

    kind = models.CharField(max_length=10, choices=ChangeKind.choices)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    region_code = models.CharField(max_length=12, db_index=True)
    occurred_on = models.DateField()
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    # {entitlement id: {"was_fen", "eligible", "amount_fen", "suspended", "suspended_from"}}
    evaluation = models.JSONField(default=dict)
    status = models.CharField(max_length=6, choices=ChangeStatus.choices, default="open")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "age"],
                condition=Q(kind="age"),
                name="change_one_per_person_and_age",
            ),
            models.CheckConstraint(
                condition=~Q(kind="age") | Q(age__isnull=False), name="change_age_has_age"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.household_id} {self.occurred_on}"


class RelativeFlag(models.TextChoices):
    DECLARED = "declared", _("A declared relative of staff")
    SAME_ADDRESS = "same_address", _("Lives at the address of a declared relative")


class RelativeDeclaration(models.Model):
    """A member of staff or a village cadre declares a close relative (近亲属备案)."""

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    relation = models.CharField(max_length=50)
    region_code = models.CharField(max_length=12, db_index=True)  # the relative's village
    declared_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-declared_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["staff", "person"], name="relative_declared_once")
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} -> {self.person_id}"


class OutreachStatus(models.TextChoices):
    OPEN = "open", _("Not yet contacted")
    CONTACTED = "contacted", _("Contacted")
    DECLINED = "declined", _("Declined")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible after all")
    APPLIED = "applied", _("Application started")


class OutreachCandidate(models.Model):
    """政策找人: a household the rules say qualifies for a program it is not enrolled in."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    program = models.CharField(max_length=20, choices=Program.choices)
    region_code = models.CharField(max_length=12, db_index=True)
    found_on = models.DateField()
    amount_fen = models.BigIntegerField(default=0)
    reason = models.JSONField(default=dict)  # the explanation's computation and criteria
    status = models.CharField(max_length=14, choices=OutreachStatus.choices, default="open")
    note = models.CharField(max_length=500, blank=True)
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-amount_fen", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "program"],
                condition=Q(status="open"),
                name="outreach_one_open_per_household_and_program",
            ),
            models.CheckConstraint(condition=Q(amount_fen__gte=0), name="outreach_amount_ok"),
        ]

    def __str__(self) -> str:
        return f"{self.program} {self.household_id}"


class SpotCheck(models.Model):
    """A county's re-check (抽查) of a sample of the cases it decided in a period (CQ-DB §33).

    The sample is drawn from the seed, so anyone can draw it again and get the same cases."""

    region_code = models.CharField(max_length=12, db_index=True)  # the county
    starts_on = models.DateField()
    ends_on = models.DateField()
    share = models.DecimalField(max_digits=4, decimal_places=3)  # the parameter as drawn
    seed = models.BigIntegerField()
    decided = models.PositiveIntegerField()  # how many cases the sample was drawn from
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-ends_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "starts_on", "ends_on"], name="spot_check_once_per_period"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="spot_check_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(share__gt=0) & Q(share__lte=1), name="spot_check_share_ok"
            ),
        ]

    def __str__(self) -> str:
        return f"spot-check {self.region_code} {self.starts_on}..{self.ends_on}"


class SpotCheckResult(models.TextChoices):
    PENDING = "pending", _("To re-check")
    CONFIRMED = "confirmed", _("Confirmed")
    DISCREPANCY = "discrepancy", _("Discrepancy found")


class SpotCheckItem(models.Model):
    """One decided case in a spot-check's sample, and what its re-check found."""

    spot_check = models.ForeignKey(SpotCheck, on_delete=models.PROTECT, related_name="items")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(max_length=12, db_index=True)  # the case's village
    relative_flagged = models.BooleanField(default=False)  # always in the sample
    result = models.CharField(
        max_length=12, choices=SpotCheckResult.choices, default=SpotCheckResult.PENDING
    )
    note = models.CharField(max_length=500, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["spot_check_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["spot_check", "decision"], name="spot_check_item_once"),
            models.CheckConstraint(
                condition=~Q(result="discrepancy") | ~Q(note=""),
                name="spot_check_discrepancy_has_note",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.spot_check_id}: {self.decision_id} {self.result}"
