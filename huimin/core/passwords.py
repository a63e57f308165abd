"""Password checks: Django's validators, with a message Django's Chinese catalogue lacks.

Django 5.2 rewrote the "too short" message, and its zh_Hans translation still has the old one,
so a Chinese user read it in English. The rule itself is Django's.
"""

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return ngettext(
            "The password is too short: it needs at least %(count)d character.",
            "The password is too short: it needs at least %(count)d characters.",
            self.min_length,
        ) % {"count": self.min_length}
