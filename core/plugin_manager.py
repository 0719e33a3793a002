"""Plugin discovery, manifests, dependency order, state and the pluggy manager.

Manifests are read as data (``ast.literal_eval`` of ``MANIFEST = {...}``) without importing the
plugin, so disabled or broken plugins can still be listed and checked. Plugins that are not
enabled in the database are blocked in the pluggy manager before any entry point is loaded.
"""
from __future__ import annotations

import ast
import importlib
import importlib.util
import os
import sys
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import entry_points
from pathlib import Path

import pluggy
from sqlalchemy import Boolean, Connection, Engine, String, inspect, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Mapped, mapped_column

from core import hookspecs
from core.db.base import Base
from core.db.session import DatabaseUnavailable
from core.db.types import UTCDateTime

ENTRY_POINT_GROUP = "foodbank.plugins"
CORE_DIR = Path(__file__).resolve().parent

#: Core's own hook implementations, registered like plugins (Datasette does the same).
CORE_HOOK_MODULES = (
    "core.auth.hooks",
    "core.partners.hooks",
    "core.audit.hooks",
    "core.documents.hooks",
    "core.web.hooks",
)

MANIFEST_KEYS = {"name": str, "version": str, "summary": str, "depends": list, "optional": list}


class PluginError(Exception):
    """A plugin problem explained in one line for the administrator."""


class ManifestError(PluginError):
    pass


class UnknownPlugin(PluginError):
    pass


class MissingDependency(PluginError):
    pass


class DependencyCycle(PluginError):
    pass


class DependentsEnabled(PluginError):
    pass


@dataclass(frozen=True)
class PluginInfo:
    name: str
    version: str
    summary: str
    depends: tuple[str, ...]
    optional: tuple[str, ...]
    module: str
    path: Path
    distribution: str | None = None
    hooks: tuple[str, ...] = field(default=())

    @property
    def migrations_dir(self) -> Path | None:
        folder = self.path / ("migrations/versions" if self.name == "core" else "migrations")
        return folder if folder.is_dir() else None

    @property
    def translations_dir(self) -> Path | None:
        folder = self.path / "translations"
        return folder if folder.is_dir() else None


class PluginState(Base):
    """Which plugins are enabled in this database, and since which version."""

    __audited__ = True

    __tablename__ = "core_plugin"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    version: Mapped[str] = mapped_column(String(32), nullable=False)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


# --------------------------------------------------------------------------- manifests


def read_manifest(path: Path) -> dict:
    """Parse ``MANIFEST = {...}`` from a manifest file without executing it."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (OSError, SyntaxError) as exc:
        raise ManifestError(f"cannot read manifest {path}: {exc}") from exc
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == "MANIFEST"
        ):
            try:
                data = ast.literal_eval(node.value)
            except ValueError as exc:
                raise ManifestError(f"{path}: MANIFEST must be a literal dict") from exc
            return validate_manifest(data, path)
    raise ManifestError(f"{path}: no MANIFEST = {{...}} found")


def validate_manifest(data: object, path: Path | str) -> dict:
    if not isinstance(data, dict):
        raise ManifestError(f"{path}: MANIFEST must be a dict")
    for key, kind in MANIFEST_KEYS.items():
        if key not in data:
            raise ManifestError(f"{path}: manifest key '{key}' is missing")
        if not isinstance(data[key], kind):
            raise ManifestError(f"{path}: manifest key '{key}' must be a {kind.__name__}")
    for key in ("depends", "optional"):
        if not all(isinstance(x, str) for x in data[key]):
            raise ManifestError(f"{path}: '{key}' must list plugin names")
    unknown = set(data) - set(MANIFEST_KEYS)
    if unknown:
        raise ManifestError(f"{path}: unknown manifest keys {sorted(unknown)}")
    return data


def _package_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ManifestError(f"plugin package {package} not found")
    return Path(list(spec.submodule_search_locations)[0]).resolve()


def core_info() -> PluginInfo:
    data = read_manifest(CORE_DIR / "manifest.py")
    return PluginInfo(
        name="core",
        version=data["version"],
        summary=data["summary"],
        depends=(),
        optional=(),
        module="core",
        path=CORE_DIR,
        distribution="foodbank-erp",
    )


def discover() -> dict[str, PluginInfo]:
    """Every installed plugin, by name, read from entry points and manifests (no plugin code)."""
    found: dict[str, PluginInfo] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in found:
            continue
        module = ep.value.split(":")[0]
        package = module.rsplit(".", 1)[0] if "." in module else module
        path = _package_dir(package)
        data = read_manifest(path / "manifest.py")
        if data["name"] != ep.name:
            raise ManifestError(
                f"entry point '{ep.name}' points to a manifest named '{data['name']}'"
            )
        found[ep.name] = PluginInfo(
            name=ep.name,
            version=data["version"],
            summary=data["summary"],
            depends=tuple(data["depends"]),
            optional=tuple(data["optional"]),
            module=module,
            path=path,
            distribution=ep.dist.name if ep.dist else None,
        )
    return dict(sorted(found.items()))


# --------------------------------------------------------------------------- dependencies


def with_dependencies(names: list[str], infos: dict[str, PluginInfo]) -> list[str]:
    """``names`` plus their hard dependencies, in dependency order (dependencies first)."""
    order: list[str] = []
    visiting: list[str] = []

    def visit(name: str, wanted_by: str | None) -> None:
        if name in order:
            return
        if name not in infos:
            if wanted_by:
                raise MissingDependency(
                    f"plugin '{wanted_by}' depends on '{name}', which is not installed"
                )
            raise UnknownPlugin(f"unknown plugin '{name}' (see: foodbank plugins list)")
        if name in visiting:
            cycle = " -> ".join(visiting[visiting.index(name):] + [name])
            raise DependencyCycle(f"dependency cycle: {cycle}")
        visiting.append(name)
        for dep in infos[name].depends:
            if dep != "core":
                visit(dep, name)
        visiting.pop()
        order.append(name)

    for name in names:
        visit(name, None)
    return order


def dependency_order(names: list[str], infos: dict[str, PluginInfo]) -> list[str]:
    """Sort enabled ``names`` so that every plugin comes after its dependencies."""
    return [n for n in with_dependencies(sorted(names), infos) if n in names]


def enabled_dependents(
    names: list[str], enabled: list[str], infos: dict[str, PluginInfo]
) -> dict[str, list[str]]:
    """For each of ``names``, the enabled plugins (not in ``names``) that hard-depend on it."""
    result: dict[str, list[str]] = {}
    for name in names:
        users = [
            other
            for other in enabled
            if other not in names and other in infos and name in infos[other].depends
        ]
        if users:
            result[name] = users
    return result


# --------------------------------------------------------------------------- state


def _connection(bind: Engine | Connection):
    """A connection context for an engine, or the given connection itself (inside a request,
    reuse the session's connection: on SQLite a second one would wait for its write lock)."""
    return bind.connect() if isinstance(bind, Engine) else nullcontext(bind)


def read_states(bind: Engine | Connection) -> dict[str, PluginState]:
    """Plugin states stored in the database; empty when core is not migrated yet."""
    try:
        with _connection(bind) as conn:
            if not inspect(conn).has_table(PluginState.__tablename__):
                return {}
            rows = conn.execute(select(PluginState.__table__)).mappings().all()
    except OperationalError as exc:
        raise DatabaseUnavailable(describe_unreachable(bind.engine, exc)) from exc
    return {
        row["name"]: PluginState(
            name=row["name"], enabled=row["enabled"], version=row["version"],
            changed_at=row["changed_at"],
        )
        for row in rows
    }


def enabled_names(bind: Engine | Connection,
                  infos: dict[str, PluginInfo] | None = None) -> list[str]:
    """Enabled and installed plugins whose hard dependencies are enabled too, in order."""
    infos = discover() if infos is None else infos
    states = read_states(bind)
    wanted = [n for n, s in states.items() if s.enabled and n in infos]
    usable = [n for n in wanted if all(d == "core" or d in wanted for d in infos[n].depends)]
    return dependency_order(usable, infos)


def describe_unreachable(engine: Engine, exc: Exception) -> str:
    url = engine.url.render_as_string(hide_password=True)
    reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc) else ""
    return f"cannot reach the database {url}: {reason}"


# --------------------------------------------------------------------------- pluggy


def build_plugin_manager(
    enabled: list[str], infos: dict[str, PluginInfo] | None = None
) -> pluggy.PluginManager:
    """A manager with core's hooks and the enabled plugins; the others are blocked unloaded."""
    infos = discover() if infos is None else infos
    pm = pluggy.PluginManager("foodbank")
    pm.add_hookspecs(hookspecs)
    for module_name in CORE_HOOK_MODULES:
        pm.register(importlib.import_module(module_name), name=module_name)
    for name in infos:
        if name not in enabled:
            pm.set_blocked(name)
    pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    pm.check_pending()
    if os.environ.get("FOODBANK_TRACE_HOOKS"):
        # Tracing on demand: every hook call and its results, on stderr.
        pm.trace.root.setwriter(lambda line: sys.stderr.write(line))
        pm.enable_tracing()
    pm.foodbank_order = ["core", *enabled]  # type: ignore[attr-defined]
    return pm


def plugin_name_of(impl_plugin_name: str) -> str:
    return "core" if impl_plugin_name.startswith("core.") else impl_plugin_name


def call_in_order(pm: pluggy.PluginManager, hook_name: str, **kwargs) -> list[tuple[str, object]]:
    """Call a hook's implementations in dependency order (core first), not pluggy's LIFO order.

    Returns ``(plugin name, result)`` pairs.
    """
    order = pm.foodbank_order  # type: ignore[attr-defined]
    impls = getattr(pm.hook, hook_name).get_hookimpls()
    impls = sorted(impls, key=lambda i: order.index(plugin_name_of(i.plugin_name))
                   if plugin_name_of(i.plugin_name) in order else len(order))
    results = []
    for impl in impls:
        args = {name: kwargs[name] for name in impl.argnames}
        results.append((plugin_name_of(impl.plugin_name), impl.function(**args)))
    return results


def implemented_hooks(pm: pluggy.PluginManager, plugin_name: str) -> list[str]:
    plugin = pm.get_plugin(plugin_name)
    if plugin is None:
        return []
    return sorted(caller.name for caller in pm.get_hookcallers(plugin) or [])


def hooks_in_module(module_name: str) -> list[str]:
    """Hooks a plugin module implements, for plugins that are not loaded (enabled=False)."""
    spec_names = set(hook_names())
    spec = importlib.util.find_spec(module_name)
    if spec is None or spec.origin is None:
        return []
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    names = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in spec_names:
            if any("hookimpl" in ast.unparse(d) for d in node.decorator_list):
                names.append(node.name)
    return sorted(names)


def hook_names() -> list[str]:
    """Every hook declared in core.hookspecs."""
    return sorted(n for n, f in vars(hookspecs).items() if hasattr(f, "foodbank_spec"))


def is_enabled(name: str) -> bool:
    """For optional (soft) dependencies: is plugin ``name`` enabled in the running app?"""
    from flask import current_app

    return name in current_app.extensions["foodbank.enabled"]
