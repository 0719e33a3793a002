"""``foodbank users ...`` and ``foodbank roles list``."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from core.auth import services
from core.auth.gate import SYSTEM, acting_as
from core.auth.models import Role, User
from core.db import db, transaction
from core.partners.models import Partner


def _find_user(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"no user named '{username}'")
    return user


@click.group("users", help="Create and manage user accounts.")
def users_cli():
    pass


@users_cli.command("create")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", "full_name", default="", help="Full name.")
@click.option("--email", default=None)
@click.option("--role", "roles", multiple=True, help="Role code; repeat for several.")
@click.option("--partner-idno", default=None, help="IDNO of the partner (portal users).")
@with_appcontext
def users_create(username, password, full_name, email, roles, partner_idno):
    """Create a user account."""
    partner_id = None
    if partner_idno:
        partner_id = db.session.scalar(select(Partner.id).where(Partner.idno == partner_idno))
        if partner_id is None:
            raise click.ClickException(f"no partner with IDNO {partner_idno}")
    try:
        with acting_as(SYSTEM), transaction() as session:
            user = services.create_user(
                session, username=username, password=password, full_name=full_name,
                email=email, roles=list(roles), partner_id=partner_id,
            )
    except services.UserError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"created user {user.username} (roles: {', '.join(roles) or 'none'})")


@users_cli.command("list")
@with_appcontext
def users_list():
    """List user accounts."""
    rows = db.session.scalars(select(User).order_by(User.username)).all()
    for user in rows:
        roles = ",".join(r.code for r in user.roles) or "-"
        state = "active" if user.active else "inactive"
        partner = f" partner={user.partner.name}" if user.partner else ""
        click.echo(f"{user.username:<20} {state:<8} {roles}{partner}")


@users_cli.command("set-password")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def users_set_password(username, password):
    """Set a user's password."""
    try:
        with acting_as(SYSTEM), transaction() as session:
            services.set_password(session, _find_user(username), password)
    except services.UserError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"password set for {username}")


@users_cli.command("deactivate")
@click.argument("username")
@with_appcontext
def users_deactivate(username):
    """Deactivate a user (the account stays for the audit log)."""
    with acting_as(SYSTEM), transaction() as session:
        services.deactivate(session, _find_user(username))
    click.echo(f"deactivated {username}")


@click.group("roles", help="Roles and their permissions.")
def roles_cli():
    pass


@roles_cli.command("list")
@with_appcontext
def roles_list():
    """List roles with their permissions."""
    for role in db.session.scalars(select(Role).order_by(Role.code)):
        portal = " (portal)" if role.portal else ""
        click.echo(f"{role.code}{portal}: {role.name}")
        for perm in role.permissions:
            click.echo(f"    {perm.code}")
