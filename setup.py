"""Build hook: compile the gettext catalogs (.po -> .mo) whenever the package is built or
installed, so every installation ships its translations. Metadata lives in setup.cfg."""
from __future__ import annotations

import runpy
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithCatalogs(build_py):
    def run(self):
        # Run this source tree's compiler (not an installed ``core`` package's).
        compiler = runpy.run_path(str(ROOT / "core" / "i18n_compile.py"))
        compiler["compile_catalogs"](ROOT)
        super().run()


setup(cmdclass={"build_py": BuildWithCatalogs})
