"""Enabling and disabling plugins: migrations, state and seeding, for the CLI and the web page."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from core import migrate
from core.auth import services as auth_services
from core.auth.models import Permission
from core.db.types import utcnow
from core.plugin_manager import (
    DependentsEnabled,
    PluginError,
    PluginInfo,
    PluginState,
    UnknownPlugin,
    build_plugin_manager,
    call_in_order,
    dependency_order,
    discover,
    enabled_dependents,
    enabled_names,
    plugin_name_of,
    with_dependencies,
)
from core.sequences import sync_definitions


@dataclass
class LifecycleResult:
    changed: list[str] = field(default_factory=list)
    pulled_in: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    migrated: list[str] = field(default_factory=list)


def seed(session: Session, pm) -> None:
    """Permissions, roles, sequences and each plugin's own seed data (idempotent)."""
    declared = []
    for impl in pm.hook.permissions.get_hookimpls():
        for spec in impl.function() or []:
            declared.append((plugin_name_of(impl.plugin_name), spec))
    auth_services.sync_permissions(session, declared)
    auth_services.sync_roles(session, [r for result in pm.hook.roles() for r in (result or [])])
    sync_definitions(session, [s for result in pm.hook.sequences() for s in (result or [])])
    call_in_order(pm, "seed_data", session=session)
    session.flush()


def upgrade_and_seed(engine: Engine, infos: dict[str, PluginInfo] | None = None) -> list[str]:
    """``foodbank db upgrade``: migrate core and every enabled plugin, then seed."""
    infos = discover() if infos is None else infos
    changed = migrate.upgrade(engine, ["core"], infos)
    enabled = enabled_names(engine, infos)
    changed += migrate.upgrade(engine, enabled, infos)
    _seed_enabled(engine, enabled, infos)
    return changed


def _seed_enabled(engine: Engine, enabled: list[str], infos) -> None:
    pm = build_plugin_manager(enabled, infos)
    with Session(engine) as session, session.begin():
        seed(session, pm)


def _set_state(session: Session, name: str, enabled: bool, infos) -> None:
    state = session.get(PluginState, name)
    if state is None:
        session.add(PluginState(name=name, enabled=enabled, version=infos[name].version,
                                changed_at=utcnow()))
    else:
        state.enabled, state.version, state.changed_at = enabled, infos[name].version, utcnow()


def enable(engine: Engine, names: list[str],
           infos: dict[str, PluginInfo] | None = None) -> LifecycleResult:
    """Enable ``names`` and their hard dependencies; migrate and seed them.

    Raises UnknownPlugin, MissingDependency or DependencyCycle (nothing changed then).
    """
    infos = discover() if infos is None else infos
    wanted = with_dependencies(names, infos)
    migrate.upgrade(engine, ["core"], infos)
    current = enabled_names(engine, infos)
    result = LifecycleResult()
    for name in wanted:
        if name in current:
            result.unchanged.append(name)
        else:
            result.changed.append(name)
            if name not in names:
                result.pulled_in.append(name)
    new_enabled = dependency_order(list(dict.fromkeys([*current, *wanted])), infos)
    result.migrated = migrate.upgrade(engine, wanted, infos)
    pm = build_plugin_manager(new_enabled, infos)
    with Session(engine) as session, session.begin():
        for name in result.changed:
            _set_state(session, name, True, infos)
        seed(session, pm)
    return result


def disable(engine: Engine, names: list[str],
            infos: dict[str, PluginInfo] | None = None) -> LifecycleResult:
    """Disable ``names`` (their data stays). Refuses while an enabled plugin depends on one."""
    infos = discover() if infos is None else infos
    for name in names:
        if name not in infos:
            raise UnknownPlugin(f"unknown plugin '{name}' (see: foodbank plugins list)")
    current = enabled_names(engine, infos)
    blockers = enabled_dependents(names, current, infos)
    if blockers:
        name, users = next(iter(blockers.items()))
        raise DependentsEnabled(
            f"cannot disable '{name}': enabled plugin(s) {', '.join(users)} depend on it; "
            f"disable {', '.join(users)} first"
        )
    result = LifecycleResult()
    with Session(engine) as session, session.begin():
        for name in names:
            if name in current:
                _set_state(session, name, False, infos)
                result.changed.append(name)
            else:
                result.unchanged.append(name)
    return result


def purge(engine: Engine, name: str,
          infos: dict[str, PluginInfo] | None = None) -> bool:
    """Delete a disabled plugin's tables and data (its migrations downgraded to base), its
    permissions and its state. Irreversible; the CLI asks for confirmation first.

    Returns whether the plugin had tables to drop.
    """
    infos = discover() if infos is None else infos
    if name not in infos or name == "core":
        raise UnknownPlugin(f"unknown plugin '{name}' (see: foodbank plugins list)")
    if name in enabled_names(engine, infos):
        raise PluginError(f"'{name}' is enabled; disable it before purging its data")
    dropped = migrate.downgrade_to_base(engine, name, infos)
    with Session(engine) as session, session.begin():
        state = session.get(PluginState, name)
        if state is not None:
            session.delete(state)
        for permission in session.scalars(select(Permission).where(Permission.plugin == name)):
            session.delete(permission)
    return dropped


def states(engine: Engine) -> dict[str, PluginState]:
    with Session(engine) as session:
        return {s.name: s for s in session.scalars(select(PluginState))}
