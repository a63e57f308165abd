"""Settings for the test suite: the well-known test secrets, tasks run at once."""

import os

os.environ.setdefault("HUIMIN_ENV", "test")

from huimin.settings import *  # noqa: E402, F403
