"""WSGI entry for gunicorn: ``gunicorn 'core.wsgi:app'``.

A database that cannot be reached stops the start with one line, not a traceback.
"""
from __future__ import annotations

import sys

from core.app import create_app
from core.config import ConfigError
from core.db.session import DatabaseUnavailable
from core.plugin_manager import PluginError

try:
    app = create_app()
except (DatabaseUnavailable, PluginError, ConfigError) as exc:  # tested in a subprocess
    print(f"Error: {exc}", file=sys.stderr)
    sys.exit(1)
