"""Alembic, one environment, one labelled branch per plugin (``core``, ``inventory``...).

Every installed plugin's migrations folder is on the version path, so a database that once had
a plugin enabled still resolves its revisions; only core and the enabled plugins are upgraded.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from core.db.session import DatabaseUnavailable
from core.plugin_manager import PluginInfo, core_info, describe_unreachable, discover

VERSION_TABLE = "core_alembic_version"
ENV_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(infos: dict[str, PluginInfo] | None = None) -> Config:
    infos = discover() if infos is None else infos
    cfg = Config()
    cfg.set_main_option("script_location", str(ENV_DIR))
    locations = [core_info().migrations_dir] + [
        info.migrations_dir for info in infos.values() if info.migrations_dir
    ]
    cfg.set_main_option("version_locations", " ".join(str(p) for p in locations if p))
    cfg.set_main_option("path_separator", "space")
    cfg.set_main_option("version_table", VERSION_TABLE)
    return cfg


@dataclass
class BranchStatus:
    branch: str
    head: str | None
    current: str | None
    pending: list[str]

    @property
    def up_to_date(self) -> bool:
        return not self.pending


def _script(cfg: Config) -> ScriptDirectory:
    return ScriptDirectory.from_config(cfg)


def current_heads(engine: Engine) -> set[str]:
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
            return set(ctx.get_current_heads())
    except OperationalError as exc:
        raise DatabaseUnavailable(describe_unreachable(engine, exc)) from exc


def branch_status(engine: Engine, branches: list[str],
                  infos: dict[str, PluginInfo] | None = None) -> list[BranchStatus]:
    """For each branch (``core`` and plugin names), which revisions are not applied yet."""
    cfg = alembic_config(infos)
    script = _script(cfg)
    applied: set[str] = set()
    for head in current_heads(engine):
        applied.update(rev.revision for rev in script.iterate_revisions(head, "base"))
    result = []
    for branch in branches:
        try:
            revisions = list(script.iterate_revisions(f"{branch}@head", "base"))
        except Exception:  # branch without migrations
            result.append(BranchStatus(branch, None, None, []))
            continue
        # Alembic propagates a branch label to every revision of the branch.
        own = [r for r in revisions if branch in (r.branch_labels or ())]
        pending = [r.revision for r in reversed(own) if r.revision not in applied]
        current = next((r.revision for r in own if r.revision in applied), None)
        result.append(BranchStatus(branch, own[0].revision if own else None, current, pending))
    return result


def pending_branches(engine: Engine, branches: list[str],
                     infos: dict[str, PluginInfo] | None = None) -> list[str]:
    return [s.branch for s in branch_status(engine, branches, infos) if not s.up_to_date]


def upgrade(engine: Engine, branches: list[str],
            infos: dict[str, PluginInfo] | None = None) -> list[str]:
    """Upgrade each branch to its head (idempotent); returns the branches that changed."""
    cfg = alembic_config(infos)
    changed = []
    for status in branch_status(engine, branches, infos):
        if status.head is None or status.up_to_date:
            continue
        try:
            with engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, f"{status.branch}@head")
        except OperationalError as exc:
            if "unable to open" in str(exc) or "connect" in str(exc).lower():
                raise DatabaseUnavailable(describe_unreachable(engine, exc)) from exc
            raise
        changed.append(status.branch)
    return changed


def downgrade_to_base(engine: Engine, branch: str,
                      infos: dict[str, PluginInfo] | None = None) -> bool:
    """Undo every migration of ``branch`` (drops its tables). Returns whether any was applied."""
    status = branch_status(engine, [branch], infos)[0]
    if status.current is None:
        return False
    cfg = alembic_config(infos)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, f"{branch}@base")
    return True
