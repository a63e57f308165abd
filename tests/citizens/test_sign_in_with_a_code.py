from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from huimin.citizens import services
from huimin.citizens.access import SESSION_KEY
from huimin.citizens.models import CitizenAccount, SignInCode
from huimin.citizens.sms import outbox_path
from huimin.core.errors import TooManyAttempts, ValidationFailed
from tests.citizens.helpers import last_code_to, sent_texts, signed_in_client

PHONE = "13800001111"


def test_it_signs_in_with_the_code_sent_and_makes_the_account_once(db):
    client = signed_in_client(PHONE)
    assert CitizenAccount.objects.count() == 1
    assert client.session[SESSION_KEY] == CitizenAccount.objects.get().pk
    assert "_auth_user_id" not in client.session, "a citizen is never a staff user"
    signed_in_client(PHONE)
    assert CitizenAccount.objects.count() == 1


def test_it_keeps_only_a_hash_of_the_code_and_the_number_encrypted(db):
    with sent_texts():
        services.sign_in_code_send(phone=PHONE)
    code = last_code_to(PHONE)
    stored = SignInCode.objects.get()
    assert code not in stored.code_hash and len(stored.code_hash) == 64
    services.citizen_sign_in(phone=PHONE, code=code)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM citizens_citizenaccount")
        (raw,) = cursor.fetchone()
    assert PHONE not in raw


def test_a_code_is_used_once(db):
    with sent_texts():
        services.sign_in_code_send(phone=PHONE)
    code = last_code_to(PHONE)
    services.citizen_sign_in(phone=PHONE, code=code)
    with pytest.raises(ValidationFailed):
        services.citizen_sign_in(phone=PHONE, code=code)


def test_a_code_expires(db):
    with sent_texts():
        services.sign_in_code_send(phone=PHONE)
    code = last_code_to(PHONE)
    SignInCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ValidationFailed):
        services.citizen_sign_in(phone=PHONE, code=code)


def test_five_wrong_tries_spend_the_code(db):
    with sent_texts():
        services.sign_in_code_send(phone=PHONE)
    code = last_code_to(PHONE)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(services.CODE_ATTEMPTS):
        with pytest.raises(ValidationFailed):
            services.citizen_sign_in(phone=PHONE, code=wrong)
    assert SignInCode.objects.get().failed_attempts == services.CODE_ATTEMPTS
    with pytest.raises(ValidationFailed):
        services.citizen_sign_in(phone=PHONE, code=code)
    assert not CitizenAccount.objects.exists()


def test_it_throttles_codes_per_number(db):
    for _ in range(services.CODES_PER_NUMBER):
        services.sign_in_code_send(phone=PHONE)
    with pytest.raises(TooManyAttempts):
        services.sign_in_code_send(phone=PHONE)
    services.sign_in_code_send(phone="13800002222")  # another number is not held up
    SignInCode.objects.update(created_at=timezone.now() - services.THROTTLE_WINDOW)
    services.sign_in_code_send(phone=PHONE)  # an hour later it may ask again


def test_it_throttles_codes_per_address(db):
    client = Client(REMOTE_ADDR="10.1.2.3")
    with sent_texts():
        for n in range(services.CODES_PER_ADDRESS):
            assert client.post("/portal/sign-in/", {"phone": f"1390000{n:04d}"}).status_code == 302
        response = client.post("/portal/sign-in/", {"phone": "13999999999"})
    assert response.status_code == 200
    assert "13999999999" not in outbox_path().read_text(encoding="utf-8")
    other = Client(REMOTE_ADDR="10.9.9.9")
    assert other.post("/portal/sign-in/", {"phone": "13999999999"}).status_code == 302


def test_it_refuses_what_is_not_a_mobile_number(db):
    with pytest.raises(ValidationFailed):
        services.sign_in_code_send(phone="12345")


def test_signing_out_ends_the_citizens_session(db):
    client = signed_in_client(PHONE)
    client.post("/portal/sign-out/")
    assert client.get("/portal/me/").status_code == 302
