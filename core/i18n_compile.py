"""Compile the gettext catalogs (.po -> .mo) of core and the in-tree plugins.

Run at install time by ``./dev``; ``python -m core.i18n_compile``.
"""
from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def compile_catalogs(root: Path = ROOT) -> int:
    count = 0
    for po_path in sorted(root.glob("*/**/translations/*/LC_MESSAGES/*.po")):
        if {".venv", "build"} & set(po_path.relative_to(root).parts[:1]):
            continue
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=po_path.parent.parent.name)
        with mo_path.open("wb") as fh:
            write_mo(fh, catalog)
        count += 1
    return count


if __name__ == "__main__":
    compile_catalogs()
