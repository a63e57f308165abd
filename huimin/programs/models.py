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
