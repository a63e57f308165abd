"""No call to another registry without every adult member's valid, signed authorization."""

from dataclasses import replace
from datetime import date

import pytest
from django.utils import translation

from huimin.casework.verification import (
    VerificationNotAuthorized,
    adapters,
    verify_household,
)
from huimin.core.errors import HuiminError
from tests.casework.verification_cases import adults, make_family, request_for, signed_by
from tests.registry.factories import member


@pytest.fixture
def family(caseworker_a):
    return make_family(caseworker_a)


def test_it_refuses_without_an_authorization(family, django_assert_num_queries):
    request = replace(request_for(family), authorization=None)
    with django_assert_num_queries(0), pytest.raises(VerificationNotAuthorized) as refused:
        verify_household(request)
    assert refused.value.reason == "missing"
    assert isinstance(refused.value, HuiminError) and refused.value.status_code == 403
    for adapter in adapters().values():
        with pytest.raises(VerificationNotAuthorized):
            adapter.check(request)


def test_it_refuses_when_an_adult_member_has_not_signed(family):
    son = member(family, "王成")
    request = request_for(family, signed_by(family, adults(family) - {son.pk}))
    with pytest.raises(VerificationNotAuthorized) as refused:
        verify_household(request)
    assert refused.value.reason == "not_signed"
    assert refused.value.person_ids == (son.pk,)
    # each source refuses by itself too, not only the function that calls them all
    for adapter in adapters().values():
        with pytest.raises(VerificationNotAuthorized):
            adapter.check(request)


def test_it_needs_no_signature_from_a_child(family):
    child = member(family, "王小丫")
    assert child.pk not in adults(family)
    assert set(verify_household(request_for(family))) == set(adapters())


def test_it_counts_a_member_adult_from_the_eighteenth_birthday(family):
    son = member(family, "王成")  # born 2006-01-15
    request = request_for(family, signed_by(family, adults(family) - {son.pk}))
    on_the_eve = replace(
        request,
        as_of=date(2024, 1, 14),
        authorization=replace(request.authorization, signed_on=date(2024, 1, 1)),
    )
    verify_household(on_the_eve)
    with pytest.raises(VerificationNotAuthorized):
        verify_household(replace(on_the_eve, as_of=date(2024, 1, 15)))


def test_it_refuses_an_expired_authorization(family):
    old = signed_by(family, adults(family), on=date(2026, 1, 2))  # 322 days before the check
    with pytest.raises(VerificationNotAuthorized) as refused:
        verify_household(request_for(family, old))
    assert refused.value.reason == "expired"
    assert "2026-01-02" in refused.value.message
    # how long an authorization stays good is a parameter
    assert verify_household(request_for(family, old, authorization_valid_days=365))
    with pytest.raises(VerificationNotAuthorized):
        verify_household(request_for(family, old, authorization_valid_days=300))


def test_it_refuses_an_authorization_dated_after_the_check(family):
    later = signed_by(family, adults(family), on=date(2026, 11, 21))
    with translation.override("zh-hans"), pytest.raises(VerificationNotAuthorized) as refused:
        verify_household(request_for(family, later))
    assert refused.value.reason == "expired"
    assert "晚于核对日期" in refused.value.message


def test_it_refuses_a_check_without_a_purpose(family):
    with pytest.raises(VerificationNotAuthorized) as refused:
        verify_household(replace(request_for(family), purpose="  "))
    assert refused.value.reason == "no_purpose"


def test_it_refuses_in_the_readers_language(family):
    for language, words in [("zh-hans", "核对授权书"), ("en", "authorization for the check")]:
        with translation.override(language), pytest.raises(VerificationNotAuthorized) as refused:
            verify_household(replace(request_for(family), authorization=None))
        assert words in refused.value.message
