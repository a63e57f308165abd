"""Signing a citizen in as a phone would: ask for a code, read it from the SMS outbox, type it."""

import re

from django.test import Client, TestCase

from huimin.citizens.sms import outbox_path


def last_code_to(phone: str) -> str:
    lines = [
        line
        for line in outbox_path().read_text(encoding="utf-8").splitlines()
        if f"\t{phone}\t" in line
    ]
    found = re.search(r"\b(\d{6})\b", lines[-1].split("\t", 2)[2])
    assert found, lines[-1]
    return found.group(1)


def signed_in_client(phone: str, **client_kwargs: object) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans", **client_kwargs)
    with sent_texts():
        assert client.post("/portal/sign-in/", {"phone": phone}).status_code == 302
    response = client.post("/portal/sign-in/code/", {"code": last_code_to(phone)})
    assert response.status_code == 302 and response["Location"] == "/portal/me/", response
    return client


def sent_texts():
    """Texts leave after the commit; the test's transaction never commits, so run them here."""
    return TestCase.captureOnCommitCallbacks(execute=True)
