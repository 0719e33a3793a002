"""The plugin table shown by ``foodbank plugins list`` and the Plugins page."""
from __future__ import annotations

from sqlalchemy import Connection, Engine

from core.plugin_manager import discover, enabled_names, hooks_in_module, read_states


def plugin_rows(bind: Engine | Connection) -> list[dict]:
    infos = discover()
    enabled = set(enabled_names(bind, infos))
    states = read_states(bind)
    rows = []
    for name, info in infos.items():
        state = states.get(name)
        rows.append({
            "name": name,
            "version": info.version,
            "summary": info.summary,
            "enabled": name in enabled,
            "depends": list(info.depends),
            "optional": list(info.optional),
            "hooks": hooks_in_module(info.module),
            "distribution": info.distribution,
            "changed_at": state.changed_at.isoformat() if state else None,
            "required_by": sorted(o for o, i in infos.items() if name in i.depends),
        })
    return rows
