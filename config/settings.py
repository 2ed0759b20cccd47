"""Clinic Inbox settings: one module, every value read from the environment.

Defaults make a bare checkout run (SQLite, an embedded Celery broker on the local
filesystem, mail printed to the console). Production sets DEBUG=false and supplies
DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY and ALLOWED_HOSTS; see the README.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from config.logging import LOG_FORMATS, logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("CLINIC_INBOX_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean strictly: a typo such as DEBUG=ture is an error, not False."""
    raw = env.str(name, default="").strip().lower()
    if raw == "":
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_secret(name: str, default: str | None = None) -> str | None:
    """Read a secret from NAME, or from the file named by NAME_FILE (Docker/systemd secrets)."""
    path = env.str(f"{name}_FILE", default="")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return env.str(name, default=default)


def development_secret_key() -> str:
    """A random key kept in var/ so development sessions survive restarts."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


DEBUG = env_bool("DEBUG", default=True)

SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) is required when DEBUG is off")
    SECRET_KEY = development_secret_key()

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CLINIC_NAME = env.str("CLINIC_NAME", default="Riverside Family Clinic")
CLINIC_PHONE = env.str("CLINIC_PHONE", default="555-0100")
# Email senders get an automatic acknowledgement with the expected response time.
PATIENT_ACKNOWLEDGEMENTS = env_bool("PATIENT_ACKNOWLEDGEMENTS", default=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "csp",
    # The /health/ endpoint (config/health.py).
    "health_check",
    "routing",
    "templates_app",
    "clinic_inbox",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Sends the Content-Security-Policy header configured below.
    "csp.middleware.CSPMiddleware",
    "config.middleware.RefuseDelete",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Counts failed logins per user name and client address and refuses locked-out ones.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=None)

# Sessions end after this long without a request (each request restarts the clock).
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=15)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clinic_inbox.context_processors.staff_roles",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'clinic_inbox.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    # Covering indexes (INCLUDE columns) are a PostgreSQL speed-up; SQLite, for development,
    # builds the same indexes without them, which is all this warning says.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "inbox:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# The routing-rule preview in the admin runs over these messages; routing itself never
# imports the case app (dependencies point from clinic_inbox to routing).
ROUTING_PREVIEW_MESSAGES = "clinic_inbox.selectors.recent_messages"
# Reply templates name the categories they suit; templates_app never imports routing.
TEMPLATES_CATEGORY_CHOICES = "routing.selectors.category_choices"

# Shared cache: rate limits (patient form, API throttles) must count across all web
# processes. A folder under var/ by default; Redis (CACHE_URL=redis://...) in production.
CACHES = {"default": env.cache_url("CACHE_URL", default=f"filecache://{VAR_DIR / 'cache'}")}

# Intake limits: larger messages are refused (API: 413) or quarantined (email), never cut.
INTAKE_MAX_BODY_CHARS = env.int("INTAKE_MAX_BODY_CHARS", default=100_000)
INTAKE_MAX_ATTACHMENT_BYTES = env.int("INTAKE_MAX_ATTACHMENT_BYTES", default=10 * 1024 * 1024)
INTAKE_MAX_ATTACHMENTS_BYTES = env.int("INTAKE_MAX_ATTACHMENTS_BYTES", default=25 * 1024 * 1024)
# Inbound email polled from an IMAP mailbox by `manage.py fetch_mail` (an MTA piping into
# `manage.py ingest_email` needs none of these). Plain IMAP (IMAP_SSL=false) is for a
# mailbox on the same machine only: the password would cross the network in clear.
IMAP_HOST = env.str("IMAP_HOST", default="")
IMAP_SSL = env_bool("IMAP_SSL", default=True)
IMAP_PORT = env.int("IMAP_PORT", default=993 if IMAP_SSL else 143)
IMAP_USER = env.str("IMAP_USER", default="")
IMAP_PASSWORD = env_secret("IMAP_PASSWORD", default="")
IMAP_MAILBOX = env.str("IMAP_MAILBOX", default="INBOX")
# Public patient form: submissions allowed per client address.
PATIENT_FORM_RATE = env.str("PATIENT_FORM_RATE", default="5/h")
# Integration API: requests per token.
API_RATE = env.str("API_RATE", default="120/min")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": API_RATE},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Clinic Inbox integration API",
    "DESCRIPTION": "Create patient messages from the portal or phone system and read a "
    "case's status. Authenticate with `Authorization: Token <key>`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}

# Waiting on the patient: a reminder after this many business days, then closed as
# closed_no_response after this many (counted from when the wait began).
WAITING_REMINDER_BUSINESS_DAYS = env.int("WAITING_REMINDER_BUSINESS_DAYS", default=2)
WAITING_CLOSE_BUSINESS_DAYS = env.int("WAITING_CLOSE_BUSINESS_DAYS", default=5)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: printed to the console by default; a file folder or SMTP when configured.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Clinic Inbox <inbox@clinic.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: an embedded filesystem broker by default (a real worker consumes it, no
# server needed); Redis or any other Celery broker when CELERY_BROKER_URL is set.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _broker_dir = VAR_DIR / "celery-broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
# Redis only: a task taken by a worker that died before acknowledging it (acks_late) is
# handed to another worker after this many seconds. Keep it longer than any task runs,
# including the retry countdowns of email tasks (at most 600 s).
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
        # A broker host that drops connection attempts (down, firewalled) fails one in this
        # long instead of the operating system's two minutes.
        "socket_connect_timeout": 0.2,
    }
# Tasks are queued while a request waits (after its work is committed), and the sweeps queue
# again whatever an outage held back: so an unreachable broker is given up on after ~0.1 s,
# one immediate retry (a pooled connection the broker closed) and one 0.1 s later, and no
# new attempt starts once 0.2 s have been spent connecting.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.1,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 0.2
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Production hardening: on whenever DEBUG is off, so `check --deploy` is clean.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe /health/ over plain HTTP; a redirect would read as "down".
SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^health/workers/$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy: scripts, styles, fonts and fetches only from this origin, and no
# inline script, inline style or eval anywhere, so text injected into a page (patient text is
# untrusted) cannot run. Pages keep styles in app.css and behaviour in app.js; htmx is told
# not to inject its indicator <style> or evaluate code (the htmx-config meta in base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
# `plain` lines for a terminal; `json` (one object per line) for a log collector in production.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in LOG_FORMATS:
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}")
LOGGING = logging_config(level=LOG_LEVEL, log_format=LOG_FORMAT)
