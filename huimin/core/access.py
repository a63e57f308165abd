"""Jurisdiction: the one place that decides which records a user may reach.

Every query a user can trigger goes through `scope()`, and every single protected object is
fetched with `get_object_for()`. A record outside the user's regions answers 404, exactly like a
record that does not exist, so a probe cannot even learn that it exists.
"""

from typing import TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from huimin.core.models import ApiToken, User

M = TypeVar("M", bound=Model)


def region_codes_of(user: User | AnonymousUser) -> list[str]:
    """The short codes of the user's jurisdictions, without codes already covered by another."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_region_codes", None)
    if cached is None:
        codes = sorted(user.jurisdictions.values_list("code", flat=True))
        cached = [c for c in codes if not any(c != o and c.startswith(o) for o in codes)]
        user._region_codes = cached  # type: ignore[union-attr,attr-defined]
    return cached


def region_filter(user: User | AnonymousUser, field: str = "region_code") -> Q:
    """A Q that keeps rows whose region code lies within the user's jurisdiction.

    A user with no jurisdiction sees nothing, not everything.
    """
    codes = region_codes_of(user)
    if not codes:
        return Q(pk__in=[])
    condition = Q()
    for code in codes:
        condition |= Q(**{f"{field}__startswith": code})
    return condition


def scope(
    queryset: QuerySet[M], user: User | AnonymousUser, field: str = "region_code"
) -> QuerySet[M]:
    return queryset.filter(region_filter(user, field))


def get_object_for(
    user: User | AnonymousUser, queryset: QuerySet[M], field: str = "region_code", **lookup: object
) -> M:
    try:
        return scope(queryset, user, field).get(**lookup)
    except queryset.model.DoesNotExist as missing:  # type: ignore[attr-defined]
        raise Http404 from missing


def covers(user: User | AnonymousUser, region_code: str) -> bool:
    return any(region_code.startswith(code) for code in region_codes_of(user))


def get_own_object(
    user: User | AnonymousUser, queryset: QuerySet[M], owner_field: str = "owner", **lookup: object
) -> M:
    """A record that belongs to one user (a job, a token): anyone else gets 404."""
    if not user.is_authenticated:
        raise Http404
    try:
        return queryset.filter(**{owner_field: user}).get(**lookup)
    except queryset.model.DoesNotExist as missing:  # type: ignore[attr-defined]
        raise Http404 from missing


def api_tokens_administered_by(user: User | AnonymousUser) -> "QuerySet[ApiToken]":
    """Every token whose owner works within the administrator's jurisdiction, or none."""
    if not user.is_authenticated or not user.has_perm("core.change_apitoken"):
        return ApiToken.objects.none()
    owners = User.objects.filter(region_filter(user, "jurisdictions__code")).values("pk")
    return ApiToken.objects.filter(user__in=owners)


def api_tokens_revocable_by(user: User | AnonymousUser) -> "QuerySet[ApiToken]":
    """The user's own tokens, and those an administrator oversees."""
    if not user.is_authenticated:
        return ApiToken.objects.none()
    own = ApiToken.objects.filter(user=user)
    return own | api_tokens_administered_by(user)
