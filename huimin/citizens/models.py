"""A citizen's account and sign-in codes: separate from staff users, so no staff permission
ever applies to a citizen's session."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from huimin.core.pii import BlindIndexField, EncryptedTextField, mask_phone


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
