import base64

import pytest
from django.db import connection

from huimin.core import pii
from huimin.core.errors import NotAllowed
from huimin.core.key_rotation import rotate_all
from huimin.core.models import AuditEvent, User
from huimin.core.services import pii_reveal

PHONE = "13912345678"


def raw_phone(user: User) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM core_user WHERE id = %s", [user.pk])
        return cursor.fetchone()[0]


def test_it_stores_no_clear_value_and_reads_it_back(caseworker_a):
    caseworker_a.phone = PHONE
    caseworker_a.save()
    stored = raw_phone(caseworker_a)
    assert PHONE not in stored
    assert stored.startswith("v1.")
    assert User.objects.get(pk=caseworker_a.pk).phone == PHONE


def test_the_same_value_encrypts_differently_each_time():
    assert pii.encrypt(PHONE) != pii.encrypt(PHONE)


def test_it_finds_a_record_by_exact_value_through_the_blind_index(caseworker_a, caseworker_b):
    caseworker_a.phone = PHONE
    caseworker_a.save()
    caseworker_b.phone = "13800000000"
    caseworker_b.save()
    found = User.objects.filter(phone_index__in=pii.blind_index_candidates(" 139 1234 5678 "))
    assert list(found) == [caseworker_a]


def test_masking_keeps_only_the_ends():
    assert pii.mask("532901199001011234") == "5329**********1234"
    assert pii.mask_phone(PHONE) == "139****5678"
    assert pii.mask_bank_account("6217000010001234567") == "***************4567"
    assert pii.mask("") == ""


def test_a_reveal_is_audited(caseworker_a):
    caseworker_a.phone = PHONE
    caseworker_a.save()
    value = pii_reveal(
        user=caseworker_a, record=caseworker_a, field="phone", region_code="532901001001"
    )
    assert value == PHONE
    event = AuditEvent.objects.get(action="pii.reveal")
    assert event.actor == caseworker_a
    assert event.changes == {"field": "phone"}
    assert PHONE not in str(event.changes)


def test_a_reveal_outside_the_jurisdiction_or_role_is_refused(caseworker_a, auditor):
    with pytest.raises(NotAllowed, match="outside your jurisdiction"):
        pii_reveal(
            user=caseworker_a, record=caseworker_a, field="phone", region_code="532922100201"
        )
    with pytest.raises(NotAllowed, match="may not reveal"):
        pii_reveal(user=auditor, record=auditor, field="phone", region_code="532901001001")
    assert not AuditEvent.objects.filter(action="pii.reveal").exists()


def test_key_rotation_re_encrypts_every_row_and_keeps_lookups_working(caseworker_a, settings):
    caseworker_a.phone = PHONE
    caseworker_a.save()
    old_key_id = pii.key_id_of(raw_phone(caseworker_a))
    new_key = base64.b64encode(b"a-brand-new-key-of-32-bytes-long").decode()
    settings.HUIMIN_DATA_KEYS_OLD = [settings.HUIMIN_DATA_KEY]
    settings.HUIMIN_DATA_KEY = new_key
    pii.reset_key_cache()
    try:
        assert User.objects.get(pk=caseworker_a.pk).phone == PHONE  # old rows still readable
        assert rotate_all(batch_size=1, report=lambda _line: None) >= 1
        assert pii.key_id_of(raw_phone(caseworker_a)) != old_key_id
        assert rotate_all(report=lambda _line: None) == 0  # nothing left to do: resumable
        settings.HUIMIN_DATA_KEYS_OLD = []
        pii.reset_key_cache()
        assert User.objects.get(phone_index=pii.blind_index(PHONE)) == caseworker_a
    finally:
        pii.reset_key_cache()
