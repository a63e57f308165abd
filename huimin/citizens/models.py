"""A citizen's account and sign-in codes: separate from staff users, so no staff permission
ever applies to a citizen's session."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from huimin.core.pii import BlindIndexField, EncryptedTextField, mask_phone
from huimin.payments.models import VisitOutcome


class CitizenAccount(models.Model):
    """A mobile number that signed in with a code. It reaches a household's records only once a
    clerk has checked the person's identity card at the township window (`citizen_account_link`)."""

    phone = EncryptedTextField(_("mobile number"))
    phone_index = BlindIndexField(source="phone")
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)
    # Set by the real-name check at the window; until then the account sees only itself.
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "registry.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(null=True, blank=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["phone_index"], name="citizen_phone_unique"),
            models.CheckConstraint(
                condition=models.Q(person__isnull=True, household__isnull=True)
                | models.Q(person__isnull=False, household__isnull=False),
                name="citizen_linked_to_person_and_household",
            ),
        ]

    def __str__(self) -> str:
        return mask_phone(self.phone)

    @property
    def is_linked(self) -> bool:
        return self.household_id is not None


class SignInCode(models.Model):
    """A one-time code sent by SMS: only its keyed hash is kept; it expires and is used once."""

    phone_index = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=64)
    address = models.CharField(max_length=45, blank=True, default="")  # who asked for it
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["phone_index", "created_at"], name="signin_code_phone_idx"),
            models.Index(fields=["address", "created_at"], name="signin_code_address_idx"),
        ]

    def __str__(self) -> str:
        return f"code {self.pk} ({self.created_at:%Y-%m-%d %H:%M})"


class RequestKind(models.TextChoices):
    QUESTION = "question", _("A question")
    COMPLAINT = "complaint", _("A complaint about the service")
    CHANGE = "change", _("A change in my circumstances")
    REPORT = "report", _("A report of fraud or favouritism")
    HELP = "help", _("A request for help")
    # Opened by a post-payment check that found the money did not arrive whole (抽查回访), never
    # chosen by a resident: a resident who was not paid files a complaint.
    PAYMENT = "payment", _("A payment not received in full")


class RequestChannel(models.TextChoices):
    ONLINE = "online", pgettext_lazy("request channel", "Online")
    VISIT = "visit", _("In person")
    CALL = "call", _("By telephone")
    HOTLINE = "hotline", _("12345 hotline")
    CHECK = "check", _("Post-payment check")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Being handled")
    CLOSED = "closed", _("Answered")


class Request(models.Model):
    """A resident's question, complaint, report or request for help (诉求).

    An anonymous report keeps nothing that identifies the reporter: no account, no phone, no
    network address (database constraint; its audit event has no address either)."""

    kind = models.CharField(_("kind"), max_length=12, choices=RequestKind.choices)
    channel = models.CharField(_("received"), max_length=12, choices=RequestChannel.choices)
    text = models.TextField(_("what it is about"))
    anonymous = models.BooleanField(_("anonymous"), default=False)
    account = models.ForeignKey(
        CitizenAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="requests"
    )
    contact_phone = EncryptedTextField(_("phone for the answer"), blank=True, default="")
    # Where it is handled: the township (or village) it concerns, or the county when it
    # concerns the caseworker; staff see it through their jurisdiction.
    region_code = models.CharField(max_length=12)
    concerns_caseworker = models.BooleanField(_("about the caseworker"), default=False)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filed_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    due_date = models.DateField()
    due_provisional = models.BooleanField(default=False)
    status = models.CharField(
        max_length=8, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    answered_in_time = models.BooleanField(null=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_comment = models.TextField(blank=True, default="")
    # The post-payment check that opened it (kind "payment"): one follow-up per check.
    payment_visit = models.OneToOneField(
        "payments.PaymentVisit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_up",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(anonymous=False)
                | models.Q(account__isnull=True, contact_phone=""),
                name="request_anonymous_keeps_no_identity",
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="request_rating_1_to_5",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="request_status_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"


class RequestAnswer(models.Model):
    """One answer or note on a request, kept whole: the record of how it was handled."""

    request = models.ForeignKey(Request, on_delete=models.PROTECT, related_name="answers")
    text = models.TextField()
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(auto_now_add=True)
    closes = models.BooleanField(default=False)
    # A follow-up's note that the check it came from was recorded again: what it found now
    # (a `payments.VisitOutcome`), the text being the check's note.
    visit_outcome = models.CharField(
        max_length=14, choices=VisitOutcome.choices, blank=True, default=""
    )

    class Meta:
        ordering = ["answered_at", "pk"]

    def __str__(self) -> str:
        return f"answer {self.pk} to {self.request_id}"


class NoticeKind(models.TextChoices):
    STEP_NEEDS_YOU = "step", _("A step needs you")
    PAUSED = "paused", _("Your application is paused")
    APPROVED = "approved", _("Your application is approved")
    REFUSED = "refused", _("Your application is refused")
    PAYMENT_FAILED = "payment_failed", _("A payment did not reach you")
    REVIEW_DUE = "review_due", _("Your review is due")


class NoticeStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Not delivered yet: trying again")
    GIVEN_UP = "given_up", _("Not delivered")


class CitizenNotice(models.Model):
    """A text sent to a confirmed account about its household's case: a step that needs the
    family, a decision, a payment that failed, a review coming. One per account and event
    (`event_key`, e.g. "decision:12"): an event never reaches the same account twice."""

    account = models.ForeignKey(CitizenAccount, on_delete=models.PROTECT, related_name="notices")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("about"), max_length=16, choices=NoticeKind.choices)
    event_key = models.CharField(max_length=80)
    # The record it is about, e.g. "casework.decision" 12 or "payments.paymentline" 345.
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40)
    region_code = models.CharField(max_length=12)  # the household's village, for the audit
    text = models.TextField(_("text sent"))  # exactly what went out: numbers masked
    status = models.CharField(
        max_length=8, choices=NoticeStatus.choices, default=NoticeStatus.QUEUED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failure = models.CharField(max_length=200, blank=True, default="")
    # Each hand-over to the gateway counts; a text not delivered is tried again, later each time,
    # until `notices.MAX_ATTEMPTS`, then given up ("not delivered" on the resident's page).
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)  # when the last attempt began
    next_try_at = models.DateTimeField(null=True, blank=True)  # set while "not delivered"

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "event_key"], name="citizen_notice_once_per_event"
            ),
        ]
        indexes = [
            models.Index(fields=["household", "created_at"], name="citizen_notice_household"),
            # The resend run reads only the few notices not (yet) sent.
            models.Index(
                fields=["status", "next_try_at"],
                name="citizen_notice_to_resend",
                condition=models.Q(status__in=["sending", "failed"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.event_key} to {self.account_id}"
