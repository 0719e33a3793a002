"""Every hook of the platform, in one place.

Plugins implement these with ``@core.hookimpl``; core implements them too (its menus, permissions
and dashboard come through the same hooks). Hooks are called with keyword arguments only, so a
spec can grow a new argument without breaking existing plugins. Unless a spec says
``firstresult``, every implementation is called and the results come back as a list, one entry
per implementation (``None`` answers are dropped by pluggy).

Groups: setup (what a plugin declares and seeds), web (what it adds to the interface),
cli, data (demo data) and records (contributions to other records' pages).
"""
from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("foodbank")

# --------------------------------------------------------------------------- setup


@hookspec
def permissions():
    """Declare permissions.

    Returns a list of ``core.auth.permissions.Permission`` (code, label). Codes are
    ``<plugin>.<thing>[.<action>]``; the gate refuses to check a code nobody declared.
    """


@hookspec
def roles():
    """Declare default roles as data.

    Returns a list of ``core.auth.permissions.RoleSpec`` (code, name, permission codes). Several
    plugins may contribute to the same role code (e.g. ``accountant``); the permissions are merged
    when roles are seeded. Seeding adds missing permissions to a role and never removes what an
    administrator granted.
    """


@hookspec
def sequences():
    """Declare document number sequences.

    Returns a list of ``core.sequences.SequenceSpec`` (code, prefix, padding). Numbers are
    gap-free per code and year, e.g. ``DON-2026-000123``.
    """


@hookspec
def seed_data(session):
    """Seed the plugin's own reference data after its migrations ran.

    Called whenever plugins are enabled or the database is upgraded, for every enabled plugin,
    inside one transaction (``session``; do not commit). Must be idempotent. Returns nothing.
    """


# --------------------------------------------------------------------------- web


@hookspec
def register_blueprints(app):
    """Register the plugin's Blueprint (named after the plugin, url_prefix ``/<plugin>``)
    on ``app``. Returns nothing."""


@hookspec
def menu_items(user):
    """Navigation entries for ``user``.

    Returns a list of ``core.web.ui.MenuItem`` (label, endpoint, permission, order). Items whose
    permission the user lacks are filtered out by core, so a plugin may return all of them.
    """


@hookspec
def dashboard_widgets(user):
    """Dashboard panels for ``user``.

    Returns a list of ``core.web.ui.Widget`` (title, template, context, permission, order).
    Templates are rendered inside a card on the dashboard; filtered by permission like menus.
    """


@hookspec
def partner_sections(partner, user):
    """Extra panels on a partner's detail page (e.g. a donor profile when donors is enabled).

    Returns a list of ``core.web.ui.Widget``; ``partner`` is the ``core.partners.models.Partner``.
    """


# --------------------------------------------------------------------------- cli


@hookspec
def cli_commands():
    """Click commands or groups to add under ``foodbank``.

    Returns a list of ``click.Command``; a plugin usually returns one group named after itself
    (``foodbank canteen report ...``).
    """


# --------------------------------------------------------------------------- data


@hookspec
def demo_data(session):
    """Load realistic demo data for ``foodbank demo``.

    Called in dependency order (core first) inside one transaction; must be idempotent (look up by
    natural keys before inserting). Returns a list of short lines describing what was loaded,
    e.g. ``["12 products", "3 warehouses"]``.
    """
