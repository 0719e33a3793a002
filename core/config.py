"""Configuration from the environment, with safe defaults for a laptop."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

ENV_PREFIX = "FOODBANK_"


class ConfigError(ValueError):
    """A setting an administrator must fix; the message is one line."""


def default_instance_path() -> Path:
    env = os.environ.get("FOODBANK_INSTANCE_PATH")
    if env:
        return Path(env).resolve()
    return Path(__file__).resolve().parent.parent / "instance"


def secret_key(instance_path: Path) -> str:
    """FOODBANK_SECRET_KEY, or a key generated once and kept in the instance folder."""
    env = os.environ.get("FOODBANK_SECRET_KEY")
    if env:
        return env
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def database_url(instance_path: Path) -> str:
    env = os.environ.get("FOODBANK_DATABASE_URL")
    if env:
        return env
    return f"sqlite:///{instance_path / 'foodbank.sqlite3'}"


def from_environment(instance_path: Path) -> dict:
    config = {
        "DATABASE_URL": database_url(instance_path),
        "SECRET_KEY": secret_key(instance_path),
    }
    # Any other FOODBANK_* variable becomes a config key (FOODBANK_SMTP_HOST -> SMTP_HOST).
    for key, value in os.environ.items():
        if key.startswith(ENV_PREFIX) and key not in (
            "FOODBANK_DATABASE_URL", "FOODBANK_SECRET_KEY", "FOODBANK_INSTANCE_PATH",
            "FOODBANK_TEST_DATABASE_URL",
        ):
            name = key[len(ENV_PREFIX):]
            config[name] = _typed(name, value)
    return config


def _typed(name: str, value: str):
    """Environment values are text; give settings with a typed default the same type."""
    default = DEFAULTS.get(name)
    if isinstance(default, bool):
        return value.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        try:
            return int(value)
        except ValueError:
            raise ConfigError(f"{ENV_PREFIX}{name} must be a whole number, not {value!r}") from None
    return value


DEFAULTS = {
    "BABEL_DEFAULT_LOCALE": "ro",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Chisinau",
    "LANGUAGES": {"ro": "Română", "ru": "Русский", "en": "English"},
    "SESSION_COOKIE_HTTPONLY": True,
    # Set FOODBANK_SESSION_COOKIE_SECURE=1 behind HTTPS (cookies then never travel in clear).
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_SECURE": False,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    # One form field may be as large as a whole request: an import's confirm step carries the
    # previewed file back in a hidden field (Flask's own limit is 500 kB).
    "MAX_FORM_MEMORY_SIZE": 16 * 1024 * 1024,
    "WTF_CSRF_TIME_LIMIT": None,
    "PER_PAGE": 25,
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 20,
    "LOGIN_LOCK_MINUTES": 15,
    "PASSWORD_MIN_LENGTH": 8,
}
