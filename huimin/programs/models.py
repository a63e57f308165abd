"""The Django side of the rules: parameter values set by administrators, dated and per region."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ParameterOverride(models.Model):
    """A parameter value that competes with the shipped YAML under the same resolution rule.

    Values are never edited in place once in force: a new value gets a new start date, so a past
    decision can always be recomputed with the parameters it was made under.
    """

    name = models.CharField(_("parameter"), max_length=100)
    region = models.CharField(
        _("region code prefix"),
        max_length=12,
        blank=True,
        help_text=_("Empty for the whole country."),
    )
    start = models.DateField(_("in force from"))
    value = models.JSONField(_("value"))
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    source = models.CharField(
        _("source"), max_length=300, help_text=_("The document that sets this value.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "region", "start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "region", "start"],
                condition=Q(retired_at__isnull=True),
                name="parameter_override_one_live_value",
            ),
            models.CheckConstraint(
                condition=Q(region__regex=r"^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12})?$"),
                name="parameter_override_region_well_formed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.region or '*'} from {self.start}"

    def as_record(self) -> dict[str, object]:
        record: dict[str, object] = {
            "name": self.name,
            "start": self.start,
            "region": self.region,
            "value": self.value,
            "source": self.source,
        }
        if self.unit:
            record["unit"] = self.unit
        return record


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("waiting for approval")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class ParameterProposal(models.Model):
    """A new local value of a parameter, proposed by one person and in force only once a second
    person approves it (maker-checker): approval creates the `ParameterOverride`.

    The effect the proposer was shown (households and money, computed by the rules engine for
    the month of `effect_period`) is kept with it, for the approver and the audit.
    """

    name = models.CharField(_("parameter"), max_length=100)
    region = models.CharField(_("region"), max_length=12)
    start = models.DateField(_("in force from"))
    value = models.JSONField(_("value"))
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    source = models.CharField(_("document reference"), max_length=300)
    note = models.TextField(_("note"), blank=True)
    effect_period = models.CharField(max_length=7)
    effect = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    override = models.OneToOneField(
        ParameterOverride, null=True, blank=True, on_delete=models.PROTECT, related_name="proposal"
    )

    class Meta:
        ordering = ["-proposed_at", "-id"]
        permissions = [
            ("propose_parameter", "May propose a local parameter value"),
            ("approve_parameter", "May approve or reject a proposed parameter value"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(region__regex=r"^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12})$"),
                name="parameter_proposal_region_well_formed",
            ),
            models.CheckConstraint(
                condition=Q(status="proposed") | Q(decided_by__isnull=False),
                name="parameter_proposal_decided_by_someone",
            ),
            models.CheckConstraint(
                condition=~Q(decided_by=models.F("proposed_by")),
                name="parameter_proposal_second_person",
            ),
        ]
        indexes = [models.Index(fields=["status", "region"], name="proposal_status_region_idx")]

    def __str__(self) -> str:
        return f"{self.name} @ {self.region} from {self.start} ({self.status})"

    def as_record(self) -> dict[str, object]:
        record: dict[str, object] = {
            "name": self.name,
            "start": self.start,
            "region": self.region,
            "value": self.value,
            "source": self.source,
        }
        if self.unit:
            record["unit"] = self.unit
        return record
