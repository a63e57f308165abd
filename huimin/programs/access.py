"""The parameter proposals a user may reach: those of regions within their jurisdiction."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from huimin.core import access
from huimin.core.models import User
from huimin.programs.models import ParameterProposal


def proposals_for(user: User | AnonymousUser) -> QuerySet[ParameterProposal]:
    return access.scope(ParameterProposal.objects.all(), user, "region")


def get_proposal_for(user: User | AnonymousUser, proposal_id: int) -> ParameterProposal:
    return access.get_object_for(user, ParameterProposal.objects.all(), "region", pk=proposal_id)
