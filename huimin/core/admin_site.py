"""Huimin's admin site: Django's, with the administrator's own password change audited."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from huimin.core.audit import REDACTED, audit_record
from huimin.core.models import User


@contextmanager
def password_change_audited(
    request: HttpRequest, user_id: str | int, action: str
) -> Iterator[None]:
    """Audit the password change that the block makes, if it makes one, in its transaction.

    Django's password views write through their forms; comparing the stored hash before and after
    catches exactly the successful changes (and a password set unusable), whatever form did it.
    """
    with transaction.atomic():
        before = User.objects.filter(pk=user_id).values_list("password", flat=True).first()
        yield
        after = User.objects.filter(pk=user_id).values_list("password", flat=True).first()
        if before is not None and after != before:
            audit_record(
                actor=request.user,  # type: ignore[arg-type]
                action=action,
                object_type="user",
                object_id=user_id,
                changes={"password": [REDACTED, REDACTED]},
                request=request,
            )


class HuiminAdminSite(admin.AdminSite):
    def password_change(  # type: ignore[override]
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        with password_change_audited(request, request.user.pk or 0, "user.change_own_password"):
            return super().password_change(request, extra_context)
