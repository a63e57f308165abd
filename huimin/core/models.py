from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from huimin.core.pii import BlindIndexField, EncryptedTextField


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("province")
    PREFECTURE = "prefecture", _("prefecture")
    COUNTY = "county", _("county")
    TOWNSHIP = "township", _("township")
    VILLAGE = "village", _("village")


class Region(models.Model):
    """An administrative division, by its short code (see core/regions.py)."""

    code = models.CharField(max_length=12, unique=True)
    level = models.CharField(max_length=12, choices=RegionLevel.choices)
    name_zh = models.CharField(max_length=100)
    name_en = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    code__regex=r"^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12})$"
                ),
                name="region_code_well_formed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"

    def name_for(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") else self.name_en


class User(AbstractUser):
    """A member of staff. Roles are groups; jurisdictions are the regions they work within."""

    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    phone = EncryptedTextField(_("phone"), blank=True, default="")
    phone_index = BlindIndexField(source="phone")
    jurisdictions = models.ManyToManyField(Region, blank=True, related_name="staff")
    # Set when an administrator resets the password: the user must choose their own at next login.
    must_change_password = models.BooleanField(_("must change password"), default=False)

    class Meta:
        permissions = [
            ("reveal_pii", "May reveal personal data (each reveal is audited)"),
            ("view_audit", "May read the audit trail"),
        ]
        indexes = [models.Index(fields=["phone_index"], name="user_phone_idx")]

    def __str__(self) -> str:
        return self.full_name or self.username


class AuditEvent(models.Model):
    """One link of the audit chain. Never updated, deleted or truncated (on PostgreSQL a trigger
    refuses it and the application's role is not granted it)."""

    seq = models.BigIntegerField(unique=True)
    created_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    region_code = models.CharField(max_length=12, blank=True, db_index=True)
    changes = models.JSONField(default=dict, blank=True)
    remote_addr = models.CharField(max_length=45, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditHead(models.Model):
    """The newest link of the audit chain, signed: the next event continues from here.

    One row. Kept apart from the events so that deleting the newest events leaves a head that no
    longer matches the chain (see core/audit.py); the signature stops it being moved back.
    """

    seq = models.BigIntegerField()
    hash = models.CharField(max_length=64)
    mac = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="audit_head_single_row"),
        ]

    def __str__(self) -> str:
        return f"head #{self.seq}"


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its hash is kept; the token is shown once.

    Every token expires (`API_TOKEN_DAYS` at most); a read-only one may only read (GET).
    `last_used_at` is refreshed at most once a minute, so a busy client does not write per call.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tokens"
    )
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    read_only = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def scope_label(self) -> str:
        return str(_("read only") if self.read_only else _("read and write"))


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    SUCCEEDED = "succeeded", _("finished")
    FAILED = "failed", _("failed")
    # The worker running it stopped (killed, machine restarted) before it finished: its lease
    # lapsed. Nothing it had not committed was kept; its owner may start it again.
    INTERRUPTED = "interrupted", _("interrupted")


class Job(models.Model):
    """Long work a user started (an import, a payroll, a simulation), with its progress."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jobs"
    )
    kind = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    outcome = models.JSONField(default=dict, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    # What it takes to run the job again: the task (its import path) and its arguments. Empty for
    # work that ran inside a request, which no worker can lose.
    task_path = models.CharField(max_length=200, blank=True)
    arguments = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=16, blank=True)  # the starter's, for its messages
    # A running job's progress renews its lease; a lease that lapses means its worker is gone.
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(done__gte=0), name="job_done_not_negative"),
        ]
        indexes = [
            # Finding lapsed leases on every read of the jobs page stays cheap: running jobs only.
            models.Index(
                fields=["lease_expires_at"],
                name="job_running_lease_idx",
                condition=models.Q(status="running"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if self.total <= 0:
            return 0
        return min(100, self.done * 100 // self.total)

    @property
    def is_active(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)

    @property
    def can_retry(self) -> bool:
        return self.status == JobStatus.INTERRUPTED and bool(self.task_path)
