"""Settings for the test suite: the well-known test secrets, tasks run at once."""

import os

# The tests read no `.env` file, whatever the developer keeps at the project root (and so do the
# processes they start, which inherit this).
os.environ["HUIMIN_ENV_FILE"] = ""
os.environ.setdefault("HUIMIN_ENV", "test")

from huimin.settings import *  # noqa: E402, F403

# Collected once for the tests (huimin/core/static_collect.py), apart from the installation's own.
STATIC_ROOT = VAR_DIR / "test-static"  # noqa: F405
