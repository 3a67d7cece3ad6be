"""Settings for the mentorship app, read from the environment.

With nothing set, the app runs for development on SQLite and a Celery broker kept in files under
`var/` (no server needed). `DATABASE_URL` and `REDIS_URL` switch to PostgreSQL and Redis.
`.env.example` lists every variable.
"""

import os
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from mentorship.env import env_bool, env_int, env_list, env_str, env_url

# Generic Django classes (ModelAdmin[Program], ModelChoiceField[Skill]) subscriptable at run time,
# as the type checker sees them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR") or BASE_DIR / "var")

DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off (comma-separated).")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SIGNUP_OPEN = env_bool("SIGNUP_OPEN", True)  # off: people join only by HR import or invitation

# Public base URL used in emails sent by workers, which have no request to build links from.
SITE_URL = env_url("SITE_URL", schemes={"http", "https"}) or "http://localhost:8000"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "mentorship.accounts",
    "mentorship.core",
    "mentorship.participants",
    "mentorship.programs",
    "mentorship.imports",
    "mentorship.mentorships",
    "mentorship.notifications",
    "mentorship.workspace",
    "mentorship.dashboards",
    "mentorship.feedback",
    "skills",
    "pairing",
    "mentorship.demo",  # demo data, scale data and benchmarks: the top layer, nothing imports it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A NUL in the address or a form field gets a 400 before anything reads it; an id too large
    # for any column a 404 (see the module).
    "mentorship.core.hostile.HostileInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "mentorship.participants.middleware.OnboardingMiddleware",
]

ROOT_URLCONF = "mentorship.urls"
# The project's form templates (label above the input, help under it) apply to every form; the
# widgets' own templates come from django.forms (in INSTALLED_APPS for that reason).
FORM_RENDERER = "mentorship.core.forms.FormRenderer"
WSGI_APPLICATION = "mentorship.wsgi.application"
ASGI_APPLICATION = "mentorship.asgi.application"

TEMPLATES: list[dict[str, Any]] = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mentorship.participants.context_processors.navigation",
            ],
        },
    },
]

# Database -------------------------------------------------------------------------------------
DATABASE_URL = env_url("DATABASE_URL", schemes={"postgres", "postgresql", "sqlite"})
if DATABASE_URL:
    # Connection budget: each request-handling thread holds at most one connection, kept open
    # between requests for DATABASE_CONN_MAX_AGE seconds (0: closed after each request) and
    # checked before reuse, so a restarted PostgreSQL costs one reconnect, not an error. A web
    # server therefore holds at most (workers x threads) connections; see the README's sizing.
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 300, minimum=0),
            conn_health_checks=True,
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # PostgreSQL's JIT compiles big aggregate queries for longer than they run (700 ms to save
        # 35 ms on a dashboard query, measured): web requests are better off without it.
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
else:
    # SQLite creates the file but not its folder, and on a fresh clone any command may be the
    # first to connect (`manage.py check` does, for its JSONField check).
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "db.sqlite3"),
            # Web, worker and beat share the file: WAL lets readers run beside one writer, and
            # IMMEDIATE transactions wait for the lock instead of failing mid-transaction.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # A file, not memory, for tests: browser tests' live server answers requests on several
            # threads, and an in-memory database would be one connection shared by all of them.
            # One file per test process, so parallel runs never share one.
            "TEST": {"NAME": str(Path(tempfile.gettempdir()) / f"mentorship-test-{os.getpid()}.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache and broker -------------------------------------------------------------------------------
REDIS_URL = env_url("REDIS_URL", schemes={"redis", "rediss"})
CACHE_KEY_PREFIX = env_str("CACHE_KEY_PREFIX", "mentorship")
if REDIS_URL:
    # Redis is not on the login path (allauth keeps its rate limits in the cache): the default cache
    # tries Redis with short timeouts and, while Redis fails, uses a table in the database (made by
    # a migration), so logins keep their rate limits and every page answers. See README "Faults".
    CACHES = {
        "default": {
            "BACKEND": "mentorship.core.cache.FallbackCache",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {"primary": "redis", "fallback": "database", "retry_after": 15},
        },
        "redis": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            # Fail within half a second when Redis cannot be reached, and within a second when it
            # hangs, instead of blocking a request. (Half a second for replies too was tripped by a
            # busy machine's ordinary delays, and each switch restarts the rate-limit counters.)
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0, "retry_on_timeout": False},
        },
        "database": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "mentorship_cache_fallback",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        },
    }
else:
    # A file cache is shared by every process on the machine, so allauth's rate limits hold
    # across the web process and the workers without a server.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }

# Celery ---------------------------------------------------------------------------------------
CELERY_TASK_HARD_TIME_LIMIT = 15 * 60
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        # A task not acknowledged within this time (its worker died) is handed to another worker,
        # so a killed task resumes within about 5 minutes. Tasks may run longer than this: the
        # long jobs hold leases (mentorship.leases), so a copy handed over while the first still
        # runs finds the lease held and does nothing; the short ones claim their rows.
        "visibility_timeout": 240,
        # Fail fast when Redis is unreachable: a request must not hang on enqueueing. No retries
        # when a publisher opens its channel (kombu would retry for broker_connection_timeout,
        # 2 s per enqueue); the worker's and beat's own reconnect policies are not affected.
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
        "max_retries": 0,
    }
else:
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        "polling_interval": 0.2,  # seconds; the default of 1 makes a demo's email queue crawl
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # a task is acknowledged when done, so a killed worker loses none
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_MAX_REDELIVERIES = 3  # then a task that keeps killing workers is dropped and logged
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # with acks_late, do not hoard tasks a peer could run
CELERY_TASK_TIME_LIMIT = CELERY_TASK_HARD_TIME_LIMIT
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_HARD_TIME_LIMIT - 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Leased jobs (match runs, imports; mentorship.leases). A worker renews its lease every third of
# JOB_LEASE_SECONDS; a job whose worker died is taken over once the lease has run out and the
# recovery pass (every JOB_RECOVERY_SECONDS) has found it: about two minutes after a kill.
JOB_LEASE_SECONDS = env_int("JOB_LEASE_SECONDS", 60, minimum=3)
JOB_RECOVERY_SECONDS = env_int("JOB_RECOVERY_SECONDS", 60, minimum=1)
JOB_MAX_ATTEMPTS = env_int("JOB_MAX_ATTEMPTS", 3, minimum=1)  # claims before a job is failed for good
JOB_REQUEUE_AFTER_SECONDS = env_int("JOB_REQUEUE_AFTER_SECONDS", 300, minimum=1)  # queued this long: message lost
# How often the feedback sweep looks for due reminders; a reminder goes out at most this late.
FEEDBACK_SWEEP_MINUTES = env_int("FEEDBACK_SWEEP_MINUTES", 15, minimum=1)
CELERY_BEAT_SCHEDULE = {
    # Every minute: proves beat, broker and a worker are alive; /healthz reads the time it wrote.
    "heartbeat": {"task": "mentorship.core.tasks.heartbeat", "schedule": timedelta(minutes=1)},
    # Hourly: self-match requests nobody answered in time expire, and the mentee hears about it.
    "self-match-requests-expire": {
        "task": "pairing.tasks.self_match_requests_expire",
        "schedule": timedelta(hours=1),
    },
    # Every JOB_RECOVERY_SECONDS (a minute by default): match runs whose worker died (lease
    # expired) are queued again or, after JOB_MAX_ATTEMPTS, failed with the reason; queued runs
    # whose hand-off to the broker failed (Redis down) are enqueued again.
    "match-runs-recover": {
        "task": "pairing.tasks.match_runs_recover",
        "schedule": timedelta(seconds=JOB_RECOVERY_SECONDS),
    },
    # Every JOB_RECOVERY_SECONDS too, the same for imports: a killed import rolled back, so it is
    # queued to start again from its file; a confirmed import the broker never got is handed over.
    "imports-recover": {
        "task": "mentorship.imports.tasks.import_jobs_recover",
        "schedule": timedelta(seconds=JOB_RECOVERY_SECONDS),
    },
    # Every JOB_RECOVERY_SECONDS too: emails whose hand-off was lost or whose sender died mid-send
    # go back to the broker (between sweeps, so a lost invitation waits minutes, not a quarter hour).
    "emails-recover": {
        "task": "mentorship.notifications.tasks.emails_recover",
        "schedule": timedelta(seconds=JOB_RECOVERY_SECONDS),
    },
    # Every FEEDBACK_SWEEP_MINUTES (15 by default): write the reminders that fell due (ratings,
    # cadence, proposals, check-ins, enrollment), mark pairs at risk, and re-enqueue lost emails.
    "feedback-sweep": {
        "task": "mentorship.feedback.tasks.feedback_sweep",
        "schedule": timedelta(minutes=FEEDBACK_SWEEP_MINUTES),
    },
    # Mondays at 07:00 UTC, before the working week: HR owners' program digest, and the weekly
    # email of people who chose a digest over single reminders.
    "feedback-weekly-digest": {
        "task": "mentorship.feedback.tasks.feedback_weekly_digest",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon"),
    },
    # Nightly at 03:10 UTC, off-peak: drop expired sessions so the table does not grow forever.
    "clear-expired-sessions": {
        "task": "mentorship.core.tasks.sessions_clear_expired",
        "schedule": crontab(hour=3, minute=10),
    },
}
# A heartbeat older than this makes /healthz report beat as down.
HEARTBEAT_STALE_AFTER = timedelta(seconds=env_int("HEARTBEAT_STALE_AFTER_SECONDS", 300, minimum=60))

# Accounts -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"
ACCOUNT_ADAPTER = "mentorship.participants.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Mentorship] "
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", "Mentorship")

# Email ----------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Mentorship <mentorship@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_email_host = env_str("EMAIL_HOST")
if _email_host:
    _email_port = env_int("EMAIL_PORT", 587, minimum=1, maximum=65535)
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": _email_port,
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", _email_port == 587),
                "use_ssl": env_bool("EMAIL_USE_SSL", _email_port == 465),
                "timeout": env_int("EMAIL_TIMEOUT", 20, minimum=1),
            },
        }
    }
elif DEBUG:
    # Development: print each mail and keep a copy, which the outbox page shows.
    MAILERS = {"default": {"BACKEND": "mentorship.core.mail.ConsoleAndFileBackend"}}
else:
    # Production without a mail server: nothing is sent or kept, and each drop is logged (no
    # outbox: it would show reset links and other people's mail). Set EMAIL_HOST to send mail.
    MAILERS = {"default": {"BACKEND": "mentorship.core.mail.DroppingBackend"}}
MAIL_OUTBOX_DIR = VAR_DIR / "mail"

# Security -------------------------------------------------------------------------------------
SECURE_CSP: dict[str, Any] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Preloading binds every subdomain to HTTPS for months and is hard to undo, so it stays an explicit
# opt-in; until a deployment opts in, `check --deploy` should not fail on it (security.W021).
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Internationalisation and static files --------------------------------------------------------
LANGUAGE_CODE = "en"
# One date style on every page (see mentorship/core/formats/en/formats.py).
FORMAT_MODULE_PATH = ["mentorship.core.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
_manifest = env_bool("STATIC_MANIFEST", not DEBUG)
# Without collected files (development, tests), WhiteNoise serves straight from the finders.
WHITENOISE_USE_FINDERS = not _manifest
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed names need `collectstatic`, which the Docker image runs; development serves
        # files straight from static/.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if _manifest
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}

# Product settings -----------------------------------------------------------------------------
# Off: only a program's owners may change it; on: any HR admin may.
PROGRAMS_ANY_HR_ADMIN_MAY_EDIT = env_bool("PROGRAMS_ANY_HR_ADMIN_MAY_EDIT", False)
# The largest employee CSV HR may upload; a reverse proxy's body limit must allow at least this.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
# Off: an import job (the personal data of a whole file) is visible to the HR admin who uploaded it
# and to superusers; on: to every HR admin.
IMPORT_JOBS_SHARED_WITH_HR_ADMINS = env_bool("IMPORT_JOBS_SHARED_WITH_HR_ADMINS", False)
# Managers never see a figure drawn from fewer people than this.
PRIVACY_THRESHOLD = env_int("PRIVACY_THRESHOLD", 5, minimum=3)
# Dashboards are cached per page, scope and filters for at most this many seconds; a write the
# figures depend on starts afresh sooner (mentorship/dashboards/cache.py). 0: never cached.
DASHBOARD_CACHE_SECONDS = env_int("DASHBOARD_CACHE_SECONDS", 60, minimum=0, maximum=3600)
# A cached page may lag a change to its figures by this many seconds (so a page is computed at
# most this often while people keep writing); 0: the next view after a change is computed afresh.
DASHBOARD_CACHE_LAG_SECONDS = env_int("DASHBOARD_CACHE_LAG_SECONDS", 10, minimum=0, maximum=3600)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
}

# Enterprise (issue 16): single sign-on, audit trail, data rights, calendar --------------------
# Kept in one block so it merges cleanly; see the README's "Single sign-on" section.
from mentorship.sso import config as sso_config  # noqa: E402

INSTALLED_APPS += [
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "mentorship.audit",
    "mentorship.sso",
    "mentorship.datarights",
    "mentorship.ical",
]
MIDDLEWARE += ["mentorship.audit.context.AuditActorMiddleware"]  # who acts, for the audit trail
TEMPLATES[0]["OPTIONS"]["context_processors"].append("mentorship.sso.context_processors.sso")
ACCOUNT_ADAPTER = "mentorship.sso.adapter.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "mentorship.sso.adapter.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = sso_config.providers(os.environ)
SECURE_CSP["form-action"] += sso_config.form_action_origins(SOCIALACCOUNT_PROVIDERS, env_list("SSO_CSP_FORM_ACTION"))
SOCIALACCOUNT_AUTO_SIGNUP = True  # the IdP's claims are enough: no extra sign-up form
SOCIALACCOUNT_EMAIL_REQUIRED = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"  # the IdP vouches for its people's emails
SOCIALACCOUNT_STORE_TOKENS = False  # sign-in only: the app never calls the IdP's APIs
# 1: only SSO signs people in; password sign-in stays for superusers at /accounts/login/?break-glass=1.
SSO_REQUIRED = env_bool("SSO_REQUIRED", False)
if SSO_REQUIRED and not SOCIALACCOUNT_PROVIDERS:
    raise ImproperlyConfigured("SSO_REQUIRED=1 needs an identity provider: set SSO_OIDC_PROVIDERS or SSO_SAML_IDPS.")
# 0: only people who already have an account may sign in through an IdP.
SSO_JIT = env_bool("SSO_JIT", True)
# SAML IdPs rarely send email_verified; the directory behind them is the authority on emails.
SSO_SAML_EMAIL_VERIFIED = env_bool("SSO_SAML_EMAIL_VERIFIED", True)
# The claims (OIDC) or attributes (SAML) that carry a new person's department and manager.
SSO_CLAIM_DEPARTMENT = env_str("SSO_CLAIM_DEPARTMENT", "department")
SSO_CLAIM_MANAGER_EMAIL = env_str("SSO_CLAIM_MANAGER_EMAIL", "manager_email")
# Every 10 minutes: data exports whose hand-off or worker was lost are enqueued again (or failed
# after three attempts), and prepared downloads past their 7 days are dropped.
CELERY_BEAT_SCHEDULE["data-exports-recover"] = {
    "task": "mentorship.datarights.tasks.data_exports_recover",
    "schedule": timedelta(minutes=10),
}
