"""Every change an administrator makes to staff accounts, and a user's change of their own password.

Each function locks the account it changes, checks the actor's authority in the same
transaction, and writes its audit event there. The rules of authority:

- an administrator reaches only users whose regions all lie within their own (access.py);
- they give regions only from within their own, so nobody is raised above the administrator;
- they give or take away only the roles they administer (roles.ADMINISTERED_ROLES);
- they do not change their own account here (disable it, its roles or its regions): another
  administrator does, so that nobody widens their own powers or locks themselves out.
"""

import secrets
from collections.abc import Iterable

from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from huimin.core import access
from huimin.core.administration.access import users_administered_by
from huimin.core.audit import REDACTED, audit_record
from huimin.core.errors import NotAllowed, ValidationFailed
from huimin.core.models import Region, User
from huimin.core.regions import common_ancestor
from huimin.core.roles import ROLE_LABELS, roles_administered_by, roles_of
from huimin.core.services import user_create

# No 0/O, 1/l/i: a temporary password is read out over the phone or written on paper.
TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TEMPORARY_GROUPS = 4


def _locked(actor: User, user_id: int) -> User:
    """The account, locked, if the actor administers it; 404 otherwise."""
    from django.http import Http404

    user = users_administered_by(actor).select_for_update().filter(pk=user_id).first()
    if user is None:
        raise Http404
    return user


def _codes(user: User) -> list[str]:
    return sorted(user.jurisdictions.values_list("code", flat=True))


def _not_oneself(actor: User, user: User) -> None:
    if actor.pk == user.pk:
        raise NotAllowed(
            _("You cannot change this on your own account: ask another administrator.")
        )


def _check_roles(actor: User, roles: Iterable[str]) -> list[str]:
    roles = sorted(set(roles))
    unknown = [r for r in roles if r not in ROLE_LABELS]
    if unknown:
        raise ValidationFailed(_("Unknown role: %(roles)s") % {"roles": ", ".join(unknown)})
    return roles


def _check_role_change(actor: User, before: set[str], after: set[str]) -> None:
    allowed = set(roles_administered_by(actor))
    refused = sorted((before ^ after) - allowed)
    if refused:
        raise NotAllowed(
            _("You may not give or take away the role: %(roles)s")
            % {"roles": _(", ").join(str(ROLE_LABELS[r]) for r in refused)}
        )


def _check_regions(actor: User, region_codes: Iterable[str]) -> list[Region]:
    codes = sorted(set(region_codes))
    if not codes:
        raise ValidationFailed(_("Choose at least one region."), field="regions")
    outside = [c for c in codes if not access.covers(actor, c)]
    regions = list(Region.objects.filter(code__in=codes).order_by("code"))
    unknown = sorted(set(codes) - {r.code for r in regions})
    if outside or unknown:
        raise ValidationFailed(
            _("These regions are not within your jurisdiction: %(codes)s")
            % {"codes": ", ".join(sorted(set(outside) | set(unknown)))},
            field="regions",
        )
    return regions


def _check_password(password: str, user: User | None) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise ValidationFailed(" ".join(error.messages), field="password") from error


def temporary_password() -> str:
    """A one-time password that passes the validators: four groups of four, like kf7m-2pqa-…"""
    return "-".join(
        "".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(4))
        for _ in range(TEMPORARY_GROUPS)
    )


@transaction.atomic
def user_add(
    *,
    actor: User,
    username: str,
    full_name: str,
    roles: Iterable[str],
    region_codes: Iterable[str],
) -> tuple[User, str]:
    """A new member of staff with a temporary password, shown once, to change at first login."""
    username = username.strip()
    if not username:
        raise ValidationFailed(_("Give a user name."), field="username")
    roles = _check_roles(actor, roles)
    _check_role_change(actor, set(), set(roles))
    regions = _check_regions(actor, region_codes)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed(
            _("The user name “%(name)s” is taken.") % {"name": username}, field="username"
        )
    password = temporary_password()
    user = user_create(
        actor=actor,
        username=username,
        password=password,
        full_name=full_name.strip(),
        roles=roles,
        region_codes=[r.code for r in regions],
    )
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])
    return user, password


@transaction.atomic
def user_disable(*, actor: User, user_id: int) -> User:
    user = _locked(actor, user_id)
    _not_oneself(actor, user)
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        _audit(actor, "user.disable", user, {"is_active": [True, False]})
    return user


@transaction.atomic
def user_enable(*, actor: User, user_id: int) -> User:
    user = _locked(actor, user_id)
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
        _audit(actor, "user.enable", user, {"is_active": [False, True]})
    return user


@transaction.atomic
def user_reset_password(*, actor: User, user_id: int, password: str = "") -> tuple[User, str]:
    """Give a user a new password that they must change at their next login.

    Without `password`, a temporary one is made and returned, to be shown once; with one, it is
    checked like any password a person chooses, and "" is returned.
    """
    user = _locked(actor, user_id)
    _not_oneself(actor, user)
    temporary = not password
    if temporary:
        password = temporary_password()
    else:
        _check_password(password, user)
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    _audit(
        actor,
        "user.reset_password",
        user,
        {"password": [REDACTED, REDACTED], "temporary": temporary},
    )
    return user, password if temporary else ""


@transaction.atomic
def user_set_roles(*, actor: User, user_id: int, roles: Iterable[str]) -> User:
    user = _locked(actor, user_id)
    _not_oneself(actor, user)
    after = set(_check_roles(actor, roles))
    before = set(roles_of(user))
    if after == before:
        return user
    _check_role_change(actor, before, after)
    user.groups.remove(*Group.objects.filter(name__in=before - after))
    user.groups.add(*Group.objects.filter(name__in=after - before))
    _audit(
        actor,
        "user.set_roles",
        user,
        {"roles": {"added": sorted(after - before), "removed": sorted(before - after)}},
    )
    return user


@transaction.atomic
def user_set_jurisdictions(*, actor: User, user_id: int, region_codes: Iterable[str]) -> User:
    user = _locked(actor, user_id)
    _not_oneself(actor, user)
    regions = _check_regions(actor, region_codes)
    before, after = set(_codes(user)), {r.code for r in regions}
    if after == before:
        return user
    user.jurisdictions.set(regions)
    _audit(
        actor,
        "user.set_jurisdictions",
        user,
        {"regions": {"added": sorted(after - before), "removed": sorted(before - after)}},
        region_code=common_ancestor(before | after),
    )
    return user


@transaction.atomic
def user_change_own_password(*, user: User, current_password: str, new_password: str) -> None:
    """A user's own change: the current password, and a new one the validators accept."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not locked.check_password(current_password):
        raise ValidationFailed(_("The current password is wrong."), field="current_password")
    if new_password == current_password:
        raise ValidationFailed(
            _("Choose a new password, not the current one."), field="new_password"
        )
    try:
        password_validation.validate_password(new_password, locked)
    except ValidationError as error:
        raise ValidationFailed(" ".join(error.messages), field="new_password") from error
    locked.set_password(new_password)
    locked.must_change_password = False
    locked.save(update_fields=["password", "must_change_password"])
    user.password = locked.password  # the session's hash follows (update_session_auth_hash)
    user.must_change_password = False
    audit_record(
        actor=locked,
        action="user.change_own_password",
        object_type="user",
        object_id=locked.pk,
        changes={"password": [REDACTED, REDACTED]},
    )


def _audit(actor: User, action: str, user: User, changes: dict, *, region_code: str = "") -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type="user",
        object_id=user.pk,
        region_code=region_code or common_ancestor(_codes(user)),
        changes={"username": user.get_username(), **changes},
    )
