"""Settings for HRMS Lite, read from the environment (and a local `.env` file).

Every variable is listed with its default in `.env.example` and the README.
With DEBUG off (the default) the app refuses to start without SECRET_KEY and
ALLOWED_HOSTS, and turns on the HTTPS and cookie protections.
"""

import datetime
import ipaddress
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env (written by `make run` / `make test`) fills in what the real
# environment does not set; the real environment always wins.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Set it in the environment, or run `make run` "
        "once to write a local .env with a random key."
    )

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is not set. With DEBUG off, list the host names this "
        "site is served on, e.g. ALLOWED_HOSTS=hr.example.com"
    )
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Behind a proxy that terminates TLS and sets X-Forwarded-Proto and X-Forwarded-For.
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
# The addresses (or networks) of our own reverse proxies: only a request that comes from
# one of them may say, in X-Forwarded-For, whom it is forwarding (core/security.py). By
# default, behind a proxy, a proxy on this machine; set it to your load balancers'.
TRUSTED_PROXIES = env.list(
    "TRUSTED_PROXIES", default=["127.0.0.1", "::1"] if BEHIND_TLS_PROXY else []
)
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {_proxy!r} is not an IP address or network."
        ) from None

INSTALLED_APPS = [
    "core.admin_site.HRMSAdminConfig",  # django.contrib.admin, with a scoped redirect
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_filters",
    "django_htmx",
    "template_partials",
    "auditlog",
    "axes",
    "django_otp",  # two-factor sign-in: an authenticator app's codes, and recovery codes
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django_prometheus",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    # Ours, bottom layer first; each imports only the layers below it (docs/architecture.md;
    # the contract in pyproject.toml, checked by `lint-imports`, names every app's layer).
    "core",
    "accounts",
    "jobs",
    "notifications",
    "employees",
    "attendance",
    "timeclock",
    "leave",
    "approvals",
    "imports",
    "people",
    "payroll",
    "dashboard",
    "activity",
    "api",
    "demo",
]

MIDDLEWARE = [
    # First: every request gets an id, a log line and metrics, whatever happens later.
    "core.observability.RequestLogMiddleware",
    # Next: any error under /api/, wherever it comes from, is answered in JSON.
    "api.middleware.ApiErrorsMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Pages compressed (a 400-person roster: 480 KB of HTML, 30 KB sent); Django's
    # GZipMiddleware pads its output against BREACH, and CSRF tokens are masked.
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): a code was entered
    "api.middleware.ApiTokenMiddleware",
    "core.middleware.LoginRequiredMiddleware",
    "core.middleware.IdleTimeoutMiddleware",
    "accounts.middleware.ScopeMiddleware",
    # Two-factor sign-in: a user who owes a code (or must set it up) sees nothing else.
    "accounts.middleware.TwoFactorMiddleware",
    "people.access.TeamScopeMiddleware",  # an employee's scope: their own team
    "timeclock.middleware.KioskMiddleware",  # an office kiosk's account sees only the kiosk
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.RefuseNulMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.HtmxMessagesMiddleware",
    "core.middleware.AuditlogMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

FORM_RENDERER = "core.forms.FormRenderer"

ROOT_URLCONF = "hrms.urls"
WSGI_APPLICATION = "hrms.wsgi.application"

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
                "accounts.context_processors.single_sign_on",  # the sign-in page's button
                "notifications.context_processors.unread_notifications",  # the nav's count
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Reuse SQLite's connections: closing one after each request folds its WAL back into the file.
DATABASES["default"]["CONN_MAX_AGE"] = env.int(
    "CONN_MAX_AGE", default=600 if DATABASES["default"]["ENGINE"].endswith("sqlite3") else 0
)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers take the lock when their transaction starts, so two saves of the
    # same roster queue up instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The planner's cost of a random read: 1.1 for data on SSDs or in memory (PostgreSQL's
    # default, 4, is for spinning disks, and makes it sort a whole table rather than read
    # the first rows of an index: the API's newest 100 employees, 4 ms -> 0.4 ms).
    # POSTGRES_RANDOM_PAGE_COST= (empty) leaves the server's own setting.
    random_page_cost = env.str("POSTGRES_RANDOM_PAGE_COST", default="1.1")
    if random_page_cost:
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = (
            f"{options.get('options', '')} -c random_page_cost={float(random_page_cost)}".strip()
        )
# Count database queries for /metrics: django-prometheus' wrappers of the same backends.
DATABASES["default"]["ENGINE"] = DATABASES["default"]["ENGINE"].replace(
    "django.db.backends.", "django_prometheus.db.backends."
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache: Redis when REDIS_URL is set, else a table of the database (made by a
# migration). Either way every worker and app server shares it: the dashboard's figures,
# forgotten when attendance changes in one process, are forgotten for all.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env.str("REDIS_URL"),
            "KEY_PREFIX": "hrms",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "hrms_cache",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }
# Memoised results that stay true whatever other processes do, because their keys carry
# a version kept in the shared cache (the dashboard's day figures). Per process.
CACHES["local"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a rule: puts every password change in the audit trail.
    {"NAME": "accounts.signals.PasswordChangeAudit"},
]
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses sign-ins while a user name and address are locked out.
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.ModelBackend",  # permissions in one query
    "accounts.oidc.OIDCBackend",  # single sign-on, when OIDC_ENABLED; no permissions
    "people.access.ManagerBackend",  # managers mark their team's attendance, if allowed
]
# The time clock: the networks (addresses or ranges, comma-separated) web punches must
# come from (empty: anywhere), and whether to ask the browser for its location (recorded
# with the punch when allowed; never required).
CLOCK_NETWORKS = env.list("CLOCK_NETWORKS", default=[])
for _network in CLOCK_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"CLOCK_NETWORKS: {_network!r} is not an IP address or network."
        ) from None
CLOCK_ASK_LOCATION = env.bool("CLOCK_ASK_LOCATION", default=False)
# Whether managers (employees with people reporting to them) may mark and correct their
# team's attendance. Off: only HR and attendance managers mark.
MANAGERS_MAY_MARK_ATTENDANCE = env.bool("MANAGERS_MAY_MARK_ATTENDANCE", default=False)
# Approvers are reminded of requests waiting for them longer than this many days.
APPROVAL_REMINDER_DAYS = env.int("APPROVAL_REMINDER_DAYS", default=2)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
# Invitation and password links work once, for this long (seconds; 3 days).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3 * 24 * 3600)

# Email (invitations, password resets): written to the console (`make run` shows it) until
# EMAIL_URL names a server, e.g. smtp+tls://user:password@smtp.example.com:587
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="HRMS Lite <hrms@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where people reach the app: the links in notification emails sent by background jobs.
SITE_URL = env.str("SITE_URL", default="http://localhost:8000")

LANGUAGE_CODE = "en-gb"
# How dates and numbers look to people: one style, set in core/formats/en_GB/formats.py.
FORMAT_MODULE_PATH = ["core.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Security. Safe defaults everywhere; the HTTPS-only ones when DEBUG is off.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# Signed-in sessions end after this many idle seconds (default 8 hours).
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=8 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT
SESSION_REFRESH_SECONDS = 60
# Sessions in the database; a mere refresh of one never waits on a busy SQLite database.
SESSION_ENGINE = "core.sessions"

# A strict Content Security Policy: nothing inline, nothing from another host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    },
}

# Sign-in lockout (django-axes): after AXES_FAILURE_LIMIT failures for the same user
# name from the same address, that pair is locked out for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "core.security.client_ip"
AXES_USERNAME_CALLABLE = "core.security.sign_in_name"
# A single sign-on attempt is not a password to count or lock out (accounts/oidc.py).
AXES_WHITELIST_CALLABLE = "accounts.oidc.is_single_sign_on"

# Single sign-on with OpenID Connect (mozilla-django-oidc; docs/security.md): off until a
# client id is set. It signs in only existing, active accounts whose email the provider
# has verified; nobody signs up by it. The provider's endpoints are set one by one, or
# read from OIDC_DISCOVERY_URL when someone first signs in (no call at start-up).
OIDC_PROVIDER_NAME = env.str("OIDC_PROVIDER_NAME", default="single sign-on")  # the button's
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_DISCOVERY_URL = env.str("OIDC_DISCOVERY_URL", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
# The claim that says the provider has verified the email (Entra ID: xms_edov).
OIDC_EMAIL_VERIFIED_CLAIM = env.str("OIDC_EMAIL_VERIFIED_CLAIM", default="email_verified")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
_oidc_endpoints = [
    OIDC_OP_AUTHORIZATION_ENDPOINT,
    OIDC_OP_TOKEN_ENDPOINT,
    OIDC_OP_USER_ENDPOINT,
    OIDC_OP_JWKS_ENDPOINT,
]
if OIDC_ENABLED and not (OIDC_RP_CLIENT_SECRET and (OIDC_DISCOVERY_URL or all(_oidc_endpoints))):
    raise ImproperlyConfigured(
        "OIDC_RP_CLIENT_ID is set, so single sign-on is on: set OIDC_RP_CLIENT_SECRET, and "
        "OIDC_DISCOVERY_URL or all four OIDC_OP_..._ENDPOINT settings."
    )
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email"
OIDC_CREATE_USER = False
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10  # seconds to wait for the provider
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc:callback"

# Two-factor sign-in (django-otp; docs/security.md): after the password, a code from an
# authenticator app (TOTP) or one of ten single-use recovery codes. Anyone may turn it on;
# with TWO_FACTOR_REQUIRED, HR admins and superusers must, before anything else.
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=True)
OTP_TOTP_ISSUER = "HRMS Lite"  # the account's name in the authenticator app
# Each wrong code doubles the wait before the next try (1, 2, 4 ... seconds: factor x
# 2^(n-1)); after AXES_FAILURE_LIMIT wrong codes in a row the user is signed out.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# The admin's device pages never show a secret key or a recovery code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Audit trail (django-auditlog): who changed what, with old and new values.
AUDITLOG_INCLUDE_ALL_MODELS = False
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Load balancers probe health over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    # Cookies only over HTTPS (SECURE_COOKIES=false only for plain HTTP on this machine).
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    if BEHIND_TLS_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Logs: one JSON object per line in production (LOG_FORMAT=json, the default with DEBUG
# off), plain text in development. Every record made while serving a request carries
# that request's id (see core/observability.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "core.observability.RequestContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "timestamp": False,
        },
        # A request's line: "... hrms.request [<request id>] GET /employees/ 200 12.3 ms user=1".
        "text": {
            "()": "core.observability.TextFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Our request log replaces Django's own lines for each request and error.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # runserver's own line for each request repeats ours; it speaks only of errors (a
        # request that never reached the app, such as HTTPS sent to this plain-HTTP server).
        "django.server": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "axes": {"level": "WARNING"},
    },
}

# /metrics (Prometheus): open to these addresses, or to anyone sending the token as
# "Authorization: Bearer <token>". Neither set: closed.
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
PROMETHEUS_EXPORT_MIGRATIONS = False

# The JSON API: requests per minute for each token (or signed-in user).
API_RATE_LIMIT = env.str("API_RATE_LIMIT", default="600/m")
# django-ninja's own reading of X-Forwarded-For is not used: client_ip() is.
NINJA_NUM_PROXIES = 0

# The roster shows at most ROSTER_PER_PAGE people a page (by name); a larger one, such as
# every department of a big company, is split into pages, each its own form saving its own
# rows. A roster POST carries two fields a person (the status chosen, the status seen):
# one of up to ROSTER_MAX_ROWS people arrives whole, so a page always does, and so does a
# whole department posted at once by a script.
ROSTER_PER_PAGE = env.int("ROSTER_PER_PAGE", default=1_000)
ROSTER_MAX_ROWS = max(env.int("ROSTER_MAX_ROWS", default=10_000), ROSTER_PER_PAGE)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2 * ROSTER_MAX_ROWS + 100

# Imports: how much of a file one import reads (core/spreadsheets.py, docs/security.md).
# A file over any limit is refused with a message naming it. Imports run as background
# jobs (a worker reads the file, not the web request), so a file may be large.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=40 * 1024 * 1024)
IMPORT_MAX_UNPACKED_BYTES = env.int("IMPORT_MAX_UNPACKED_BYTES", default=200 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=200_000)
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=50)
IMPORT_MAX_CELLS = env.int("IMPORT_MAX_CELLS", default=2_000_000)
IMPORT_MAX_SECONDS = env.float("IMPORT_MAX_SECONDS", default=120.0)
# The largest upload the web server takes into memory before spooling it to disk.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Background jobs (docs/background-jobs.md): django-tasks with its database backend, so
# the queue is a table of the app's own database (SQLite or PostgreSQL) and needs no
# other service. `manage.py db_worker` runs jobs; `manage.py run_scheduler` enqueues the
# periodic ones (SCHEDULED_TASKS, cron syntax, in TIME_ZONE).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
JOB_RESULT_DAYS = env.int("JOB_RESULT_DAYS", default=7)  # how long result files are kept
JOB_STALL_SECONDS = env.int("JOB_STALL_SECONDS", default=300)  # silent this long: lost
JOB_MAX_ATTEMPTS = env.int("JOB_MAX_ATTEMPTS", default=2)  # tries before a lost job fails
# Exports of up to this many rows download at once; larger ones run as jobs.
EXPORT_DIRECT_MAX_ROWS = env.int("EXPORT_DIRECT_MAX_ROWS", default=5_000)
SCHEDULED_TASKS = {
    "jobs.tasks.recover_stalled_jobs": "* * * * *",
    "jobs.tasks.clear_expired_files": "7 * * * *",
    "jobs.tasks.prune_task_results": "37 3 * * *",
    "employees.tasks.close_accounts_of_leavers": "1 0 * * *",
    "timeclock.tasks.derive_days": "*/15 * * * *",
    "leave.tasks.carry_over": "5 0 1 1 *",
    "timeclock.tasks.remind_to_clock_out": "0 * * * *",
    "approvals.tasks.remind_approvers": "0 8 * * *",
}

# Loading a backup (loaddata) must not write new history for what it restores.
AUDITLOG_DISABLE_ON_RAW_SAVE = True

# The directory's page size.
EMPLOYEES_PER_PAGE = 25

# Days of the week nobody is expected at work (0 = Monday … 6 = Sunday).
WEEKDAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKLY_OFF_DAYS = sorted(
    WEEKDAY_NAMES.index(name.strip().lower()[:3])
    for name in env.list("WEEKLY_OFF_DAYS", default=["sat", "sun"])
    if name.strip()
)
