"""The plugin contract: manifests, hooks, table prefixes, migration branches, import boundaries,
declared permissions. These fail when a plugin (or core) breaks the rules of ARCHITECTURE.md."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from core import hookspecs
from core.migrate import VERSION_TABLE, alembic_config
from core.plugin_manager import (
    CORE_HOOK_MODULES,
    build_plugin_manager,
    discover,
    hook_names,
    read_manifest,
    with_dependencies,
)

ROOT = Path(__file__).resolve().parents[2]
IN_TREE = ["inventory", "donors", "canteen", "compliance"]
HELLO = ROOT / "tests" / "fixtures" / "foodbank-hello" / "foodbank_hello"


def python_files(*folders: Path):
    for folder in folders:
        yield from (p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


# --------------------------------------------------------------------------- manifests


def test_every_in_tree_plugin_has_a_valid_manifest_and_entry_point():
    infos = discover()
    assert set(IN_TREE) <= set(infos)
    for name in IN_TREE:
        manifest = read_manifest(ROOT / "plugins" / name / "manifest.py")
        assert manifest["name"] == name
        assert infos[name].module == f"plugins.{name}.plugin"
        for dep in manifest["depends"] + manifest["optional"]:
            assert dep in infos, f"{name} names unknown plugin {dep}"
    assert infos["compliance"].depends == ("donors",)
    for name in ("inventory", "donors", "canteen"):
        assert infos[name].depends == ()


def test_manifests_are_read_without_importing_plugin_code():
    import sys

    for name in IN_TREE:
        sys.modules.pop(f"plugins.{name}.plugin", None)
        sys.modules.pop(f"plugins.{name}", None)
    discover()
    assert not any(f"plugins.{n}" in sys.modules for n in IN_TREE)


def test_dependency_closure_is_ordered():
    assert with_dependencies(["compliance"], discover()) == ["donors", "compliance"]


# --------------------------------------------------------------------------- hooks


def test_every_hook_is_documented():
    for name in hook_names():
        doc = getattr(hookspecs, name).__doc__ or ""
        assert len(doc.strip()) > 30, f"hook {name} needs a docstring stating its contract"


def _implemented_hooks(files) -> set[str]:
    names = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and any(
                    "hookimpl" in ast.unparse(d) for d in node.decorator_list):
                names.add(node.name)
    return names


def test_every_hook_is_implemented_and_called():
    implemented = _implemented_hooks(python_files(ROOT / "core", ROOT / "plugins", HELLO))
    source = "\n".join(p.read_text() for p in python_files(ROOT / "core"))
    for name in hook_names():
        assert name in implemented, f"no implementation of hook {name} (core, plugins, tests)"
        called = re.search(rf"hook\.{name}\(|hook\.{name}\.get_hookimpls|"
                           rf"call_in_order\([^)]*\"{name}\"|collect\(\"{name}\"", source)
        assert called, f"core never calls hook {name}"


def test_core_registers_its_own_hooks_like_a_plugin():
    pm = build_plugin_manager([])
    for module in CORE_HOOK_MODULES:
        assert pm.get_plugin(module) is not None
    assert pm.hook.menu_items.get_hookimpls()


def test_a_misspelled_hookimpl_fails_at_start_up():
    import pluggy

    from core import hookimpl

    class Broken:
        @hookimpl
        def menu_itmes(self, user):  # typo on purpose
            return []

    pm = build_plugin_manager([])
    pm.register(Broken())
    with pytest.raises(pluggy.PluginValidationError):
        pm.check_pending()


# --------------------------------------------------------------------------- data


def test_every_table_is_prefixed_by_its_owner(database_url):
    engine = create_engine(database_url)
    names = set(inspect(engine).get_table_names()) - {VERSION_TABLE}
    engine.dispose()
    owners = ["core", *discover()]
    for table in names:
        assert any(table.startswith(f"{owner}_") for owner in owners), table


def test_plugin_migrations_create_only_their_own_tables():
    for name in IN_TREE:
        for path in (ROOT / "plugins" / name / "migrations").glob("*.py"):
            for table in re.findall(r"create_table\(\s*['\"](\w+)['\"]", path.read_text()):
                assert table.startswith(f"{name}_"), f"{path.name} creates {table}"


def test_one_head_per_migration_branch():
    script = ScriptDirectory.from_config(alembic_config())
    revisions = list(script.walk_revisions())
    for branch in ["core", *IN_TREE]:
        own = [r for r in revisions if branch in r.branch_labels]
        parents = {d for r in own for d in r._versioned_down_revisions}
        heads = [r.revision for r in own if r.revision not in parents]
        assert len(heads) == 1, f"branch {branch} has heads {heads}"


# --------------------------------------------------------------------------- boundaries


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{a.name}" for a in node.names)


def test_no_cross_plugin_import_outside_a_declared_dependency_api():
    infos = discover()
    for name in IN_TREE:
        allowed = set(infos[name].depends) | set(infos[name].optional)
        for path in python_files(ROOT / "plugins" / name):
            for module in _imports(path):
                parts = module.split(".")
                if parts[0] != "plugins" or len(parts) < 2 or parts[1] == name:
                    continue
                other = parts[1]
                assert other in allowed, f"{path}: imports {module}, not a declared dependency"
                assert len(parts) >= 3 and parts[2] == "api", \
                    f"{path}: imports {module}; use plugins.{other}.api only"


def test_core_does_not_import_plugins():
    for path in python_files(ROOT / "core"):
        for module in _imports(path):
            assert not module.startswith("plugins."), f"{path} imports {module}"


# --------------------------------------------------------------------------- permissions


CHECK = re.compile(
    r"""(?:require|ensure|has_permission|can)\(\s*['"]([a-z_]+\.[a-z_.]+)['"]"""
    r"""|MenuItem\([^)]*?,\s*['"][\w.]+['"],\s*['"]([a-z_]+\.[a-z_.]+)['"]""",
    re.S,
)


def test_every_checked_permission_is_declared():
    pm = build_plugin_manager(IN_TREE)
    declared = {p.code for result in pm.hook.permissions() for p in (result or [])}
    files = list(python_files(ROOT / "core", ROOT / "plugins"))
    files += list((ROOT / "templates").rglob("*.html")) + list(ROOT.glob("*/*/templates/**/*.html"))
    files += list((ROOT / "core" / "templates").rglob("*.html"))
    checked = set()
    for path in files:
        for match in CHECK.finditer(path.read_text()):
            checked.add(match.group(1) or match.group(2))
    assert checked, "the scan found no permission checks at all"
    assert checked - declared == set()


@pytest.mark.parametrize("plugins", [[name] for name in IN_TREE] + [IN_TREE],
                         ids=[*IN_TREE, "all"])
def test_every_plugin_runs_alone_and_together(make_app, plugins):
    from tests.conftest import AuthActions

    app = make_app(plugins)
    expected = set(with_dependencies(plugins, discover()))
    assert set(app.extensions["foodbank.enabled"]) == expected
    client = app.test_client()
    AuthActions(app, client).login("admin")
    assert client.get("/").status_code == 200
    assert client.get("/healthz").get_json()["status"] == "ok"
    codes = app.extensions["foodbank.permissions"]
    assert {f"{name}.view" for name in expected} <= codes


def test_models_and_migrations_agree(database_url):
    """What the models declare is what the migrations create (no drift), for core and every
    in-tree plugin; a model change without its migration fails here."""
    import importlib.util

    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    import core.models  # noqa: F401
    from core.db.base import Base

    for name in IN_TREE:
        if importlib.util.find_spec(f"plugins.{name}.models"):
            importlib.import_module(f"plugins.{name}.models")
    engine = create_engine(database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "version_table": VERSION_TABLE})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    owned = ("core_", *(f"{n}_" for n in IN_TREE))

    def table_of(change):
        item = change[0] if isinstance(change, list) else change
        for part in item[1:]:
            name = getattr(part, "name", None) if not isinstance(part, str) else None
            table = getattr(part, "table", None)
            if table is not None:
                return table.name
            if name:
                return name
        return ""

    relevant = [c for c in diff if table_of(c).startswith(owned)]
    assert relevant == []
