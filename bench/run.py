"""Benchmark: what the whole stack costs over a bare render, and what plugins cost at start-up.

    .venv/bin/python bench/run.py            # about 30-60 s
    .venv/bin/python bench/run.py --quick    # about 10 s, rougher numbers
    .venv/bin/python bench/run.py --profile  # always profile the dashboard; heaviest imports

Every figure is a median of many timed runs after a warm-up, and every result is printed as a
ratio to a baseline measured in the same run, because these machines are noisy: compare
ratios between commits, never absolute milliseconds between machines.

1. Dashboard: ``GET /`` with an administrator logged in, through ``create_app`` on a temporary
   SQLite database migrated with core and the four in-tree plugins, all enabled and seeded
   (login, session, user loader, permissions, menu and widget hooks, Babel, CSRF token...)
   against the SAME templates rendered by a bare Flask app: same template folders and the same
   URL map (stub views), but no database, no login, no plugin manager; the menu and widgets are
   captured once from the real app and passed in as plain data. Goal (issue): full <= 2x bare.
   When the ratio is above 2x the dashboard request is profiled and the top costs are printed.
2. Start-up: ``create_app()`` with every plugin enabled vs. with none (in-process, imports
   warm), and the cold start of ``foodbank plugins list`` in a subprocess vs. a bare
   ``python -c pass`` (and vs. the same command with no plugin enabled).
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PLUGINS = ["inventory", "donors", "canteen", "compliance"]
GOAL = 2.0
SECRET = "bench-secret"


@dataclass(frozen=True)
class Sizes:
    warmup: int
    requests: int        # per variant, dashboard
    rounds: int          # interleaved rounds the requests are split into
    factory: int         # create_app() calls per variant
    cold: int            # subprocess starts per variant
    cold_warmup: bool    # one untimed start of each variant first
    profile_requests: int


FULL = Sizes(warmup=50, requests=600, rounds=6, factory=24, cold=3, cold_warmup=False,
             profile_requests=200)
QUICK = Sizes(warmup=10, requests=150, rounds=3, factory=8, cold=1, cold_warmup=False,
              profile_requests=100)


# --------------------------------------------------------------------------- helpers


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def spread(samples: list[float]) -> str:
    """Interquartile range, to show how noisy a median is."""
    if len(samples) < 4:
        return "n/a"
    q1, _, q3 = statistics.quantiles(samples, n=4)
    return f"IQR {q1 * 1000:.2f}-{q3 * 1000:.2f} ms"


def timed(fn, count: int) -> list[float]:
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def interleaved(variants: dict, total: int, rounds: int) -> dict[str, list[float]]:
    """Time each variant ``total`` times, alternating in ``rounds`` blocks (drift hits all)."""
    samples: dict[str, list[float]] = {name: [] for name in variants}
    per_round = max(1, total // rounds)
    for _ in range(rounds):
        for name, fn in variants.items():
            samples[name].extend(timed(fn, per_round))
    return samples


def section(title: str) -> None:
    print(f"\n== {title}")


# --------------------------------------------------------------------------- databases


def make_databases(workdir: Path) -> tuple[str, str]:
    """Two migrated SQLite databases: every in-tree plugin enabled and seeded, and none."""
    from sqlalchemy import create_engine

    from core.migrate import upgrade
    from tests.conftest import prepare_database

    all_path, none_path = workdir / "all.sqlite3", workdir / "none.sqlite3"
    engine = create_engine(f"sqlite:///{all_path}")
    upgrade(engine, ["core", *PLUGINS])
    engine.dispose()
    shutil.copyfile(all_path, none_path)
    all_url, none_url = f"sqlite:///{all_path}", f"sqlite:///{none_path}"
    prepare_database(all_url, PLUGINS)
    prepare_database(none_url, [])
    return all_url, none_url


def app_config(url: str, workdir: Path) -> dict:
    return {"DATABASE_URL": url, "SECRET_KEY": SECRET, "INSTANCE_PATH": str(workdir / "instance")}


# --------------------------------------------------------------------------- 1. dashboard


def full_stack(url: str, workdir: Path):
    """The real app, an administrator logged in through the login form (CSRF on)."""
    from core.app import create_app
    from tests.conftest import PASSWORD, create_user

    app = create_app(app_config(url, workdir))
    enabled = app.extensions["foodbank.enabled"]
    assert enabled == PLUGINS or sorted(enabled) == sorted(PLUGINS), enabled
    create_user(app, "admin", ("administrator",))
    client = app.test_client()
    token = _csrf(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": "admin", "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302, f"login failed: {response.status_code}"

    def request():
        response = client.get("/")
        if response.status_code != 200:
            raise AssertionError(f"dashboard answered {response.status_code}")
        return response

    request()  # consume the welcome flash
    return app, client, request


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or \
        re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    if not match:
        raise AssertionError("no CSRF token on the login page")
    return match.group(1)


def snapshot_shell(app):
    """What the dashboard shows an administrator, as plain data for the bare app."""
    from flask_login import login_user
    from sqlalchemy import select

    from core.auth.models import User
    from core.db import db
    from core.web.ui import collect, navigation

    with app.test_request_context("/"):
        user = db.session.scalar(select(User).where(User.username == "admin"))
        login_user(user)
        nav = [(group, [SimpleNamespace(label=i.label, url=i.url, endpoint=i.endpoint)
                        for i in items]) for group, items in navigation(user)]
        widgets = collect("dashboard_widgets", user=user)
        stub_user = SimpleNamespace(
            is_authenticated=True, is_portal=False, id=user.id, username=user.username,
            display_name=user.display_name, partner=None, partner_id=None,
            roles=[SimpleNamespace(name=r.name, code=r.code) for r in user.roles],
            role_names=user.role_names,
            last_login_at=user.last_login_at, locale=user.locale,
        )
    return stub_user, nav, widgets


def bare_app(full_app, stub_user, nav, widgets):
    """A minimal Flask app rendering ``core/web/dashboard.html``: no DB, login or plugins."""
    from flask import Flask, render_template
    from flask_babel import Babel
    from jinja2 import ChoiceLoader

    from core import i18n
    from core.app import field_attrs, this_url

    app = Flask("bare", static_folder=full_app.static_folder)
    app.config.update(SECRET_KEY=SECRET, LANGUAGES=full_app.config["LANGUAGES"],
                      BABEL_DEFAULT_LOCALE="ro", BABEL_DEFAULT_TIMEZONE="Europe/Chisinau",
                      BABEL_TRANSLATION_DIRECTORIES=full_app.config[
                          "BABEL_TRANSLATION_DIRECTORIES"])
    loaders = [full_app.jinja_loader] + [bp.jinja_loader for bp in full_app.blueprints.values()
                                         if bp.jinja_loader is not None]
    app.jinja_loader = ChoiceLoader(loaders)
    Babel(app, locale_selector=lambda: "ro")
    for name, fn in (("date", i18n.format_date_ddmmyyyy), ("datetime", i18n.format_datetime_local),
                     ("money", i18n.format_money), ("kg", i18n.format_kg)):
        app.add_template_filter(fn, name)
    app.add_template_global(this_url)
    app.add_template_global(field_attrs)
    app.add_template_global(lambda code, user=None: True, "can")
    app.add_template_global(lambda: "bare-csrf-token", "csrf_token")

    @app.context_processor
    def _shell():
        return {"current_user": stub_user, "navigation": lambda: nav,
                "languages": app.config["LANGUAGES"], "current_locale": lambda: "ro"}

    def stub(**_kwargs):
        return ""

    # The same URL map, so that url_for() in the layout and widgets resolves identically.
    for rule in full_app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        app.add_url_rule(rule.rule, endpoint=rule.endpoint, view_func=stub,
                         methods=rule.methods)
    app.view_functions["web.dashboard"] = lambda: render_template(
        "core/web/dashboard.html", widgets=widgets)
    client = app.test_client()

    def request():
        response = client.get("/")
        if response.status_code != 200:
            raise AssertionError(f"bare dashboard answered {response.status_code}")
        return response

    return app, request


def _normalise(html: str) -> str:
    html = re.sub(r'(csrf_token" value=|csrf-token" content=)"[^"]*"', r'\1""', html)
    return re.sub(r"\s+", " ", html).strip()


def bench_dashboard(all_url: str, workdir: Path, sizes: Sizes, force_profile: bool,
                    top: int) -> float:
    section("1. Dashboard: full stack vs. bare render of the same template")
    full_app, _client, full_request = full_stack(all_url, workdir)
    stub_user, nav, widgets = snapshot_shell(full_app)
    _bare, bare_request = bare_app(full_app, stub_user, nav, widgets)

    full_html = _normalise(full_request().get_data(as_text=True))
    bare_html = _normalise(bare_request().get_data(as_text=True))
    same = full_html == bare_html
    print(f"plugins enabled: {', '.join(full_app.extensions['foodbank.enabled'])}; "
          f"widgets: {len(widgets)}; menu groups: {len(nav)}")
    print(f"same HTML from both (CSRF tokens aside): {'yes' if same else 'NO'} "
          f"({len(full_html)} vs {len(bare_html)} characters)")
    if not same:
        _show_difference(full_html, bare_html)

    timed(full_request, sizes.warmup)
    timed(bare_request, sizes.warmup)
    samples = interleaved({"full": full_request, "bare": bare_request},
                          sizes.requests, sizes.rounds)
    full_ms, bare_ms = median_ms(samples["full"]), median_ms(samples["bare"])
    ratio = full_ms / bare_ms
    print(f"full stack  : {full_ms:7.2f} ms/request (median of {len(samples['full'])}; "
          f"{spread(samples['full'])})")
    print(f"bare render : {bare_ms:7.2f} ms/request (median of {len(samples['bare'])}; "
          f"{spread(samples['bare'])})")
    verdict = "within" if ratio <= GOAL else "ABOVE"
    print(f"ratio full/bare: {ratio:.2f}x  ({verdict} the {GOAL:.0f}x goal)")

    if ratio > GOAL or force_profile:
        profile(full_request, sizes.profile_requests, top)
    full_app.extensions["foodbank.db"].dispose()
    return ratio


def _show_difference(full_html: str, bare_html: str) -> None:
    for i, (a, b) in enumerate(zip(full_html, bare_html, strict=False)):
        if a != b:
            print(f"  first difference at {i}:\n    full: …{full_html[max(0, i - 80):i + 80]}…"
                  f"\n    bare: …{bare_html[max(0, i - 80):i + 80]}…")
            return
    print("  one is a prefix of the other")


def profile(request, count: int, top: int) -> None:
    """cProfile ``count`` requests; print the top costs (own time, then project code)."""
    print(f"\n-- profile of {count} full-stack dashboard requests (cProfile)")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        request()
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt  # type: ignore[attr-defined]
    print(f"profiled total: {total / count * 1000:.2f} ms/request (profiler overhead included)")
    rows = []
    for (filename, line, func), (_cc, calls, tottime, cumtime, _callers) in stats.stats.items():
        rows.append((filename, line, func, calls, tottime, cumtime))

    def where(filename: str, line: int) -> str:
        path = Path(filename)
        try:
            return f"{path.resolve().relative_to(ROOT)}:{line}"
        except ValueError:
            parts = path.parts
            if "site-packages" in parts:
                return "/".join(parts[parts.index("site-packages") + 1:]) + f":{line}"
            return f"{filename}:{line}"

    print(f"\ntop {top} by own time (all code):")
    print(f"  {'ms/req':>7} {'calls/req':>9}  function")
    for filename, line, func, calls, tottime, _cum in sorted(rows, key=lambda r: -r[4])[:top]:
        print(f"  {tottime / count * 1000:7.3f} {calls / count:9.1f}  {func}  "
              f"{where(filename, line)}")

    project = [r for r in rows if str(r[0]).startswith(str(ROOT)) and "/.venv/" not in r[0]]
    print(f"\ntop {top} project functions by cumulative time (core/, plugins/):")
    print(f"  {'ms/req':>7} {'share':>6} {'calls/req':>9}  function")
    for filename, line, func, calls, _tt, cumtime in sorted(project, key=lambda r: -r[5])[:top]:
        print(f"  {cumtime / count * 1000:7.3f} {cumtime / total:6.1%} {calls / count:9.1f}  "
              f"{func}  {where(filename, line)}")

    dbapi = [r for r in rows if r[2] == "do_execute" and "sqlalchemy" in r[0]]
    if dbapi:
        print(f"\nDBAPI statements per request (BEGIN included): "
              f"{sum(r[3] for r in dbapi) / count:.1f}")


# --------------------------------------------------------------------------- 2. start-up


def bench_factory(all_url: str, none_url: str, workdir: Path, sizes: Sizes) -> float:
    section("2a. create_app(): every plugin enabled vs. none (in-process, imports warm)")
    from core.app import create_app

    def build(url):
        def _build():
            app = create_app(app_config(url, workdir))
            app.extensions["foodbank.db"].dispose()
        return _build

    variants = {"all": build(all_url), "none": build(none_url)}
    for fn in variants.values():
        timed(fn, 3)
    samples = interleaved(variants, sizes.factory, min(sizes.rounds, sizes.factory))
    all_ms, none_ms = median_ms(samples["all"]), median_ms(samples["none"])
    ratio = all_ms / none_ms
    print(f"all 4 plugins: {all_ms:7.2f} ms (median of {len(samples['all'])}; "
          f"{spread(samples['all'])})")
    print(f"no plugin    : {none_ms:7.2f} ms (median of {len(samples['none'])}; "
          f"{spread(samples['none'])})")
    print(f"ratio all/none: {ratio:.2f}x")
    return ratio


def bench_cold_start(all_url: str, none_url: str, workdir: Path, sizes: Sizes,
                     import_profile: bool) -> tuple:
    section("2b. Cold start: `foodbank plugins list` in a fresh process")
    foodbank = Path(sys.executable).with_name("foodbank")
    command = [str(foodbank)] if foodbank.exists() else [sys.executable, "-c",
                                                         "from core.cli import main; main()"]
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("FOODBANK_")}
    base_env.update(FOODBANK_SECRET_KEY=SECRET, FOODBANK_INSTANCE_PATH=str(workdir / "instance"),
                    PYTHONDONTWRITEBYTECODE="0")

    def run(argv, url=None):
        env = dict(base_env)
        if url:
            env["FOODBANK_DATABASE_URL"] = url

        def _run():
            done = subprocess.run(argv, env=env, cwd=workdir, capture_output=True, text=True)
            if done.returncode != 0:
                raise AssertionError(f"{' '.join(argv)} failed: {done.stderr.strip()[-500:]}")
        return _run

    variants = {
        "python": run([sys.executable, "-c", "pass"]),
        "all": run([*command, "plugins", "list"], all_url),
        "none": run([*command, "plugins", "list"], none_url),
    }
    if sizes.cold_warmup:
        for fn in variants.values():
            fn()  # warm the OS file cache and the bytecode caches once
    samples = interleaved(variants, sizes.cold, sizes.cold)
    py_ms, all_ms, none_ms = (median_ms(samples[k]) for k in ("python", "all", "none"))
    print(f"python -c pass              : {py_ms:8.1f} ms (median of {len(samples['python'])})")
    print(f"plugins list, 4 plugins on  : {all_ms:8.1f} ms (median of {len(samples['all'])}; "
          f"{spread(samples['all'])})")
    print(f"plugins list, no plugin on  : {none_ms:8.1f} ms (median of {len(samples['none'])})")
    print(f"ratio plugins-list/python: {all_ms / py_ms:.1f}x; all/none: {all_ms / none_ms:.2f}x")
    if import_profile:
        heaviest_imports(base_env, all_url, workdir)
    return all_ms / py_ms, all_ms / none_ms


def heaviest_imports(env: dict, url: str, workdir: Path, top: int = 10) -> None:
    """``python -X importtime`` of the same command: the packages that cost most to import."""
    argv = [sys.executable, "-X", "importtime", "-c", "from core.cli import main; main()",
            "plugins", "list"]
    done = subprocess.run(argv, env={**env, "FOODBANK_DATABASE_URL": url}, cwd=workdir,
                          capture_output=True, text=True)
    cumulative: dict[str, int] = {}
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\s*)(\S+)", line)
        if match:
            micros, name = int(match.group(1)), match.group(3)
            cumulative[name] = max(cumulative.get(name, 0), micros)
    roots = {name: us for name, us in cumulative.items()
             if "." not in name or name.startswith(("core.", "plugins."))}
    print("\n-- heaviest imports of `foodbank plugins list` (-X importtime, cumulative, "
          "nested imports counted in their parents too):")
    for name, micros in sorted(roots.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {micros / 1000:8.1f} ms  {name}")


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer iterations (~10 s)")
    parser.add_argument("--profile", action="store_true",
                        help="profile the dashboard request even when within the goal, and "
                             "list the heaviest imports of the cold start")
    parser.add_argument("--top", type=int, default=15, help="rows in each profile table")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="foodbank-bench-") as tmp:
        workdir = Path(tmp)
        all_url, none_url = make_databases(workdir)
        print(f"Foodbank ERP benchmark ({'quick' if args.quick else 'full'} run; "
              f"Python {sys.version.split()[0]}; SQLite in {workdir})")
        dashboard = bench_dashboard(all_url, workdir, sizes, args.profile, args.top)
        factory = bench_factory(all_url, none_url, workdir, sizes)
        cold_vs_python, cold_all_none = bench_cold_start(all_url, none_url, workdir, sizes,
                                                         args.profile)

    section("Summary (ratios; compare these between commits)")
    print(f"dashboard full/bare          : {dashboard:.2f}x (goal <= {GOAL:.0f}x)")
    print(f"create_app all/none plugins  : {factory:.2f}x")
    print(f"cold `plugins list` / python : {cold_vs_python:.1f}x "
          f"(all/none plugins: {cold_all_none:.2f}x)")
    print(f"total time: {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
