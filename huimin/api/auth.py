from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from huimin.core.services import api_token_user


class TokenAuth(HttpBearer):
    """`Authorization: Bearer hm_…`, a token made on the tokens page.

    An unknown or revoked token answers 401; an expired one 401 saying it expired (raised by
    the service and turned into a response by the API's error handler); a read-only token
    answers 403 to anything but GET, HEAD and OPTIONS.
    """

    def authenticate(self, request: HttpRequest, token: str):  # type: ignore[no-untyped-def]
        user = api_token_user(token, method=request.method or "GET")
        if user is None:
            return None
        request.user = user
        return user


# A browser session works too, so the pages can call the API without a token.
API_AUTH = [TokenAuth(), django_auth]
