"""Foodbank ERP core: the platform every plugin stands on.

``create_app`` builds the Flask application; ``hookimpl`` marks a plugin's hook implementations.
"""
from __future__ import annotations

import pluggy

hookimpl = pluggy.HookimplMarker("foodbank")

__version__ = "0.1.0"


def create_app(config: dict | None = None):
    """Build the application (imported lazily so ``import core`` stays cheap)."""
    from core.app import create_app as _create_app

    return _create_app(config)


__all__ = ["create_app", "hookimpl", "__version__"]
