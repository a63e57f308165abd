"""Django settings for Huimin, read from the environment (see README: Configuration).

HUIMIN_ENV chooses the kind of installation: `production` (the default) requires every secret,
`demo` and `test` supply well-known ones that must never protect real data.

Variables may also be written in a `.env` file at the project root (or the file HUIMIN_ENV_FILE
names); a variable set in the environment wins over the file. The test settings read no file.
"""

import base64
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url

from huimin.env import (
    ImproperSetting,
    env_bool,
    env_choice,
    env_file_load,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
ENV_FILE = env_file_load()
VAR_DIR = Path(env_str("HUIMIN_VAR_DIR", str(BASE_DIR / "var")))

HUIMIN_ENV = env_choice("HUIMIN_ENV", ("production", "demo", "test"), "production")
_WELL_KNOWN = HUIMIN_ENV in ("demo", "test")

# Well-known values for the demo and the tests only; production must set its own.
_DEMO_SECRET_KEY = "huimin-demo-only-secret-key-not-for-real-data-0123456789"  # noqa: S105
_DEMO_DATA_KEY = base64.b64encode(b"huimin-demo-data-key-32-bytes!!!").decode()
_DEMO_AUDIT_KEY = "huimin-demo-only-audit-key-not-for-real-trails-0123456789"

SECRET_KEY = env_str("HUIMIN_SECRET_KEY", _DEMO_SECRET_KEY if _WELL_KNOWN else None)
DEBUG = env_bool("HUIMIN_DEBUG", False)
ALLOWED_HOSTS = env_list("HUIMIN_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("HUIMIN_CSRF_TRUSTED_ORIGINS", [])

# Personal data: the current key encrypts; older keys (comma-separated) only decrypt, until
# `huimin rotate_data_key` has re-encrypted every row under the current one.
HUIMIN_DATA_KEY = env_str("HUIMIN_DATA_KEY", _DEMO_DATA_KEY if _WELL_KNOWN else None)
HUIMIN_DATA_KEYS_OLD = env_list("HUIMIN_DATA_KEYS_OLD", [])

# The audit chain is an HMAC under this key, which the database must not hold: whoever can edit
# the audit table still cannot re-hash it. The signed checkpoint of the chain's head lives in a
# file, also outside the database (see core/audit.py).
HUIMIN_AUDIT_KEY = env_str("HUIMIN_AUDIT_KEY", _DEMO_AUDIT_KEY if _WELL_KNOWN else None)
if len(HUIMIN_AUDIT_KEY) < 32:
    raise ImproperSetting("HUIMIN_AUDIT_KEY", "must be at least 32 characters")
# The SMS gateway adapter for citizens (huimin/citizens/sms.py): a dotted path to a backend.
HUIMIN_SMS_BACKEND = env_str("HUIMIN_SMS_BACKEND", "huimin.citizens.sms.FileBackend")
HUIMIN_AUDIT_CHECKPOINT = Path(
    env_str("HUIMIN_AUDIT_CHECKPOINT", str(VAR_DIR / "audit-checkpoint.json"))
)
# PostgreSQL: the role the application runs as, when migrations run as the tables' owner. After
# every migrate it is granted what it needs, and on the audit tables no UPDATE, DELETE or TRUNCATE.
HUIMIN_DB_APP_ROLE = env_str("HUIMIN_DB_APP_ROLE", "")

# Huimin's apps come first so that their templates and translations win over contrib's.
INSTALLED_APPS = [
    "huimin.core",
    "huimin.registry",
    "huimin.programs",
    "huimin.simulation",
    "huimin.casework",
    "huimin.payments",
    "huimin.citizens",
    "huimin.api",
    "huimin.core.admin_apps.HuiminAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles: runserver leaves static files to WhiteNoise, as gunicorn does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files, served by the application itself under runserver, gunicorn and the tests.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "huimin.core.http.RefuseNulBytesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A user given a temporary password changes it before anything else.
    "huimin.core.administration.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    # Writes the audit events of refusals once the refused change has rolled back.
    "huimin.core.refusals.RefusalAuditMiddleware",
]

ROOT_URLCONF = "huimin.urls"
WSGI_APPLICATION = "huimin.wsgi.application"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database() -> dict[str, Any]:
    default_url = f"sqlite:///{VAR_DIR / 'huimin.sqlite3'}"
    url = env_str("DATABASE_URL", default_url)
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url))
    except ValueError as error:
        raise ImproperSetting("DATABASE_URL", str(error)) from error
    if config["ENGINE"] == "django.db.backends.sqlite3":
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of one failing
        # half-way; WAL lets pages read while a payroll or an import writes.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    elif config["ENGINE"] == "django.db.backends.postgresql":
        config["CONN_MAX_AGE"] = env_int("HUIMIN_DB_CONN_MAX_AGE", 60)
    else:
        raise ImproperSetting("DATABASE_URL", "only sqlite:// and postgres:// are supported")
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Every password a person chooses (their own change, an administrator's set-password form) is
# checked against these; a temporary password the system generates passes them too.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        # Django's, with its message in Chinese too (core/passwords.py)
        "NAME": "huimin.core.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Throttling of failed logins (django-axes, core/login_throttle.py): a user name is locked after
# HUIMIN_LOGIN_FAILURE_LIMIT failures from any address (one account attacked from many places),
# and an address after HUIMIN_LOGIN_ADDRESS_FAILURE_LIMIT failures whatever the user names (a
# password spray); higher, so that a village's shared computer survives its staff's typos.
AXES_FAILURE_LIMIT = env_int("HUIMIN_LOGIN_FAILURE_LIMIT", 5, minimum=1)
HUIMIN_LOGIN_ADDRESS_FAILURE_LIMIT = env_int("HUIMIN_LOGIN_ADDRESS_FAILURE_LIMIT", 20, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("HUIMIN_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
AXES_HANDLER = "huimin.core.login_throttle.LoginThrottle"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# Apps keep their own locale/; sub-packages with pages of their own add theirs here.
LOCALE_PATHS = [
    BASE_DIR / "huimin" / "registry" / "bulk" / "locale",
    BASE_DIR / "huimin" / "casework" / "verification" / "locale",
]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# Personal data kept outside the database, and the API's tokens.
# Uploaded import files and rejected-row files are encrypted; after this many days they are deleted.
IMPORT_FILES_RETENTION_DAYS = env_int("HUIMIN_IMPORT_FILES_RETENTION_DAYS", 7, minimum=1)
# An export of more rows than this runs as a background job; its file (encrypted like the
# imports) can be downloaded by its owner for this many hours, then it is deleted.
EXPORT_INLINE_MAX_ROWS = env_int("HUIMIN_EXPORT_INLINE_MAX_ROWS", 5000, minimum=1)
EXPORT_FILES_RETENTION_HOURS = env_int("HUIMIN_EXPORT_FILES_RETENTION_HOURS", 24, minimum=1)
# A new API token expires after this many days (its owner may choose fewer).
API_TOKEN_DAYS = env_int("HUIMIN_API_TOKEN_DAYS", 90, minimum=1)
# Attempts per user and hour to register an identity number known in another jurisdiction.
FOREIGN_ID_ATTEMPTS_PER_HOUR = env_int("HUIMIN_FOREIGN_ID_ATTEMPTS_PER_HOUR", 10, minimum=1)

# Static files are collected (`huimin collectstatic`) into STATIC_ROOT under names carrying their
# content's hash, compressed, and served by WhiteNoise with far-future cache headers.
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("HUIMIN_STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "huimin.core.static_storage.StaticFilesStorage"},
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("HUIMIN_SESSION_SECONDS", 8 * 3600)
SESSION_COOKIE_SECURE = env_bool("HUIMIN_HTTPS", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# Tests run tasks at once in the test process, unless HUIMIN_TASKS=database (a test that drives a
# real worker process sets it for that worker).
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS = {
    "default": {
        "BACKEND": _TASK_BACKENDS[
            env_choice(
                "HUIMIN_TASKS",
                tuple(_TASK_BACKENDS),
                "immediate" if HUIMIN_ENV == "test" else "database",
            )
        ],
        "QUEUES": ["default"],
    }
}

# A running job's progress renews its lease for this long; a job whose lease lapses is marked
# interrupted (its worker died). It must outlast the longest stretch between two progress reports
# of any job: writing a 1,000,000-row import, one stretch, takes about a minute.
HUIMIN_JOB_LEASE_SECONDS = env_int("HUIMIN_JOB_LEASE_SECONDS", 600)
if HUIMIN_JOB_LEASE_SECONDS < 1:
    raise ImproperSetting("HUIMIN_JOB_LEASE_SECONDS", "must be at least 1")

# The office's own working-days file (core/workdays.py): the State Council's arrangement of a year
# that the shipped calendar does not know yet. Empty: none.
HUIMIN_WORKDAYS_FILE = env_str("HUIMIN_WORKDAYS_FILE", "")
if HUIMIN_WORKDAYS_FILE and not Path(HUIMIN_WORKDAYS_FILE).is_file():
    raise ImproperSetting("HUIMIN_WORKDAYS_FILE", f"{HUIMIN_WORKDAYS_FILE} is not a readable file")

# Household economic verification (casework/verification): which adapter answers for each other
# registry (`simulated`, `<source>=<dotted.path>`, `<source>=none`; see its README), how many
# days a signed authorization stays good, and the percentage of households a simulated source
# seeds with a discrepancy.
HUIMIN_VERIFICATION_ADAPTERS = env_list(
    "HUIMIN_VERIFICATION_ADAPTERS", ["simulated"] if _WELL_KNOWN else []
)
HUIMIN_VERIFICATION_AUTHORIZATION_DAYS = env_int(
    "HUIMIN_VERIFICATION_AUTHORIZATION_DAYS", 180, minimum=1
)
HUIMIN_VERIFICATION_SIMULATED_SHARE = env_int("HUIMIN_VERIFICATION_SIMULATED_SHARE", 10, minimum=0)
if HUIMIN_VERIFICATION_SIMULATED_SHARE > 100:
    raise ImproperSetting("HUIMIN_VERIFICATION_SIMULATED_SHARE", "is a percentage, at most 100")
# Simulation: a Dask scheduler (tcp://host:port) to partition runs on; empty runs them here. The
# smallest table cell shown outside the reader's own jurisdiction (a scenario may ask for more).
HUIMIN_SIMULATION_DASK = env_str("HUIMIN_SIMULATION_DASK", "")
HUIMIN_SIMULATION_MIN_CELL = env_int("HUIMIN_SIMULATION_MIN_CELL", 10)
if HUIMIN_SIMULATION_MIN_CELL < 1:
    raise ImproperSetting("HUIMIN_SIMULATION_MIN_CELL", "must be at least 1")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("HUIMIN_LOG_LEVEL", "WARNING")},
}

if HUIMIN_ENV == "test":
    # Argon2 is deliberately slow; the tests create hundreds of users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    AXES_ENABLED = False
