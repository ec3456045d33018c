"""Settings, read from environment variables (see ``.env.example``).

SQLite in ``var/`` is the embedded default; set ``DATABASE_URL`` for PostgreSQL. With
``KONVERGEN_DEBUG`` off (the default) the production hardening below applies and
``konvergen check --deploy`` passes once ``KONVERGEN_SECRET_KEY`` and ``KONVERGEN_ALLOWED_HOSTS``
are set.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KONVERGEN_VAR_DIR", BASE_DIR / "var"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = _env_bool("KONVERGEN_DEBUG", False)
_INSECURE_KEY = "insecure-development-key-do-not-use-in-production-0123456789abcdef"
SECRET_KEY = os.environ.get("KONVERGEN_SECRET_KEY", _INSECURE_KEY)
ALLOWED_HOSTS = _env_list("KONVERGEN_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = _env_list("KONVERGEN_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "konvergen.core",
    "konvergen.regions",
    "konvergen.organisations",
    "konvergen.accounts",
    "konvergen.audit",
    "konvergen.registry",
    "konvergen.synth",
    "konvergen.linkage",
    "konvergen.welfare",
    "konvergen.programs",
    "konvergen.convergence",
    "konvergen.verification",
    "konvergen.targets",
    "konvergen.plans",
    "konvergen.scorecards",
    "konvergen.reports",
    "konvergen.agglomerations",
    "konvergen.meetings",
    "konvergen.dci",
    "konvergen.portal",
    "konvergen.api",
    # Django Ninja (the REST API): listed so its Swagger UI is served from its own static
    # files rather than a CDN.
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "konvergen.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A user with an authenticator app passes its code before any page (konvergen.accounts).
    "konvergen.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "konvergen.audit.middleware.AuditContextMiddleware",
]

ROOT_URLCONF = "konvergen.urls"
WSGI_APPLICATION = "konvergen.wsgi.application"

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
                "konvergen.accounts.context_processors.navigation",
            ],
        },
    },
]

_SQLITE_PATH = VAR_DIR / "konvergen.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL", default=f"sqlite:///{_SQLITE_PATH}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets the web server read while a background import writes; IMMEDIATE avoids
    # "database is locked" upgrades from read to write transactions.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
            " PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("KONVERGEN_TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end libraries are installed from the npm registry by `make` (pinned in
# package-lock.json) and served by the app itself: no CDN at run time.
_VENDOR = {
    "vendor/leaflet": "leaflet/dist",
    "vendor/pico": "@picocss/pico/css",
    "vendor/chartjs": "chart.js/dist",
}
STATICFILES_DIRS = [
    (prefix, BASE_DIR / "node_modules" / path)
    for prefix, path in _VENDOR.items()
    if (BASE_DIR / "node_modules" / path).exists()
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"

# Background jobs (imports, linking, recomputes, report generation): "queue" (the durable
# queue in the database, run by `konvergen worker`), "inline" (tests, commands) or "thread"
# (a thread of the web process, no worker). See core/jobs.py and docs/operations.md.
KONVERGEN_JOB_RUNNER = os.environ.get("KONVERGEN_JOB_RUNNER", "queue")
# Attempts per queued job; a worker silent this many seconds (on another host) has died.
KONVERGEN_JOB_MAX_ATTEMPTS = int(os.environ.get("KONVERGEN_JOB_MAX_ATTEMPTS", "3"))
KONVERGEN_JOB_STALE_SECONDS = float(os.environ.get("KONVERGEN_JOB_STALE_SECONDS", "120"))
# Linkage: how m is set when a model version is trained ("prior" or "em", see
# docs/linkage.md) and the distance between desa centroids that makes them neighbours.
KONVERGEN_LINKAGE_M_ESTIMATION = os.environ.get("KONVERGEN_LINKAGE_M_ESTIMATION", "prior")
KONVERGEN_LINKAGE_NEIGHBOUR_KM = float(os.environ.get("KONVERGEN_LINKAGE_NEIGHBOUR_KM", "3"))
# Seconds a page body computed from a region's data stays cached (its key holds the region's
# change stamp, so a change recomputes it sooner); 0 turns the page cache off.
KONVERGEN_PAGE_CACHE_SECONDS = int(os.environ.get("KONVERGEN_PAGE_CACHE_SECONDS", "600"))
UPLOAD_DIR = VAR_DIR / "uploads"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# Failed-login throttling (see konvergen.accounts.throttle).
LOGIN_FAILURE_LIMIT = int(os.environ.get("KONVERGEN_LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("KONVERGEN_LOGIN_FAILURE_WINDOW", "900"))
# Password-reset requests per e-mail address within the window (4x per client address).
PASSWORD_RESET_LIMIT = int(os.environ.get("KONVERGEN_PASSWORD_RESET_LIMIT", "3"))
PASSWORD_RESET_WINDOW_SECONDS = int(os.environ.get("KONVERGEN_PASSWORD_RESET_WINDOW", "3600"))
# How long a password-reset link works, and an invitation link (konvergen.accounts.tokens).
PASSWORD_RESET_TIMEOUT = int(os.environ.get("KONVERGEN_PASSWORD_RESET_TIMEOUT", "7200"))
KONVERGEN_INVITATION_DAYS = int(os.environ.get("KONVERGEN_INVITATION_DAYS", "7"))

# E-mail (invitations, password resets). KONVERGEN_EMAIL_BACKEND is "console" (printed by
# the server: the default without an SMTP host, as in the demo), "file" (one file per
# message in KONVERGEN_EMAIL_FILE_PATH), "smtp" (the default once KONVERGEN_EMAIL_HOST is
# set) or a dotted backend path.
_EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}
EMAIL_HOST = os.environ.get("KONVERGEN_EMAIL_HOST", "")
_email_backend = os.environ.get("KONVERGEN_EMAIL_BACKEND", "smtp" if EMAIL_HOST else "console")
EMAIL_BACKEND = _EMAIL_BACKENDS.get(_email_backend, _email_backend)
EMAIL_FILE_PATH = os.environ.get("KONVERGEN_EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_PORT = int(os.environ.get("KONVERGEN_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("KONVERGEN_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("KONVERGEN_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("KONVERGEN_EMAIL_TLS", True)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("KONVERGEN_EMAIL_FROM", "Konvergen <konvergen@localhost>")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = _env_bool("KONVERGEN_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = _env_bool("KONVERGEN_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("KONVERGEN_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The DCI social registry API (konvergen.dci, docs/dci.md): our id in message headers, and
# the Ed25519 private key (PEM file) signing our answers (none: answers are not signed).
DCI_RECEIVER_ID = os.environ.get("KONVERGEN_DCI_RECEIVER_ID", "konvergen")
DCI_SIGNING_KEY_FILE = os.environ.get("KONVERGEN_DCI_SIGNING_KEY_FILE", "")
DCI_SIGNING_KEY_ID = os.environ.get("KONVERGEN_DCI_SIGNING_KEY_ID", "1")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KONVERGEN_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"},
                # WeasyPrint logs every layout step of a report at INFO.
                "weasyprint": {"level": "WARNING"}},
}
