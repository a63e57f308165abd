"""Which staff accounts and regions an administrator may reach.

An administrator manages a user only when every one of the user's regions lies within the
administrator's own: a user who also works elsewhere belongs to an administrator above both.
Anyone else's account answers 404, like one that does not exist.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from huimin.core import access
from huimin.core.models import Region, User

UserRegion = User.jurisdictions.through


def users_administered_by(admin: User | AnonymousUser) -> QuerySet[User]:
    if not admin.is_authenticated or not admin.has_perm("core.change_user"):
        return User.objects.none()
    within = access.region_filter(admin, "region__code")
    inside = UserRegion.objects.filter(within).values("user_id")
    outside = UserRegion.objects.exclude(within).values("user_id")
    return User.objects.filter(pk__in=inside).exclude(pk__in=outside)


def get_user_for(admin: User | AnonymousUser, user_id: int) -> User:
    try:
        return users_administered_by(admin).get(pk=user_id)
    except User.DoesNotExist as missing:
        raise Http404 from missing


def regions_administered_by(admin: User | AnonymousUser) -> QuerySet[Region]:
    """Every region within the administrator's jurisdiction (filter it further: it is large)."""
    return access.scope(Region.objects.all(), admin, "code")
