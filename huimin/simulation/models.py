"""Scenarios, their versions, and the runs made of them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

REGION_PREFIX = r"^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12})$"


class Scenario(models.Model):
    """A named what-if question; its content lives in numbered versions, never edited."""

    name = models.CharField(_("name"), max_length=200)
    # The region whose population the scenario simulates: who may see it and its runs.
    region_code = models.CharField(_("region"), max_length=12)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("run_simulation", "Can build and run policy simulations")]
        constraints = [
            models.CheckConstraint(
                condition=Q(region_code__regex=REGION_PREFIX), name="scenario_region_well_formed"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def latest(self) -> "ScenarioVersion":
        return self.versions.order_by("-number").first()  # type: ignore[return-value]


class ScenarioVersion(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    spec = models.JSONField()  # the checked scenario as a mapping (scenario.Scenario.as_dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scenario", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["scenario", "number"], name="scenario_version_number_unique"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="scenario_version_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.scenario} v{self.number}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class SimulationRun(models.Model):
    version = models.ForeignKey(ScenarioVersion, on_delete=models.PROTECT, related_name="runs")
    region_code = models.CharField(max_length=12)  # the scenario's, for scoping
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    job = models.ForeignKey("core.Job", null=True, on_delete=models.SET_NULL, related_name="+")
    figures = models.JSONField(default=dict, blank=True)
    message = models.CharField(max_length=500, blank=True)
    rules_seconds = models.FloatField(default=0)
    metrics_seconds = models.FloatField(default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(region_code__regex=REGION_PREFIX),
                name="simulation_run_region_well_formed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.version} run {self.pk}"
