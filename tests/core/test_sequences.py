"""Gap-free document numbers: consecutive, per year, given back on rollback, safe under
concurrency (several processes)."""
from __future__ import annotations

import multiprocessing
import random
import time
from datetime import UTC, date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.sequences import SequenceCounter, SequenceDefinition, UnknownSequence, allocate

CODE = "test.donation"


@pytest.fixture
def sequence_app(app):
    """The app with one sequence declared (prefix DON, 6 digits), as a plugin's hook would."""
    from core.db import db

    with app.app_context():
        db.session.add(SequenceDefinition(code=CODE, prefix="DON", padding=6, label="Donations"))
        db.session.commit()
    return app


def test_numbers_are_consecutive_and_formatted(sequence_app):
    from core.db import db

    with sequence_app.app_context():
        taken = [allocate(db.session, CODE, on=date(2026, 3, 14)) for _ in range(3)]
        db.session.commit()
    assert taken == [
        ("DON-2026-000001", 2026, 1),
        ("DON-2026-000002", 2026, 2),
        ("DON-2026-000003", 2026, 3),
    ]


def test_a_new_year_starts_again_at_one_and_the_old_year_continues(sequence_app):
    from core.db import db

    with sequence_app.app_context():
        s = db.session
        assert allocate(s, CODE, on=date(2026, 12, 31))[0] == "DON-2026-000001"
        assert allocate(s, CODE, on=date(2026, 12, 31))[0] == "DON-2026-000002"
        assert allocate(s, CODE, on=date(2027, 1, 1))[0] == "DON-2027-000001"
        # A late document dated in the old year takes the old year's next number.
        assert allocate(s, CODE, on=date(2026, 12, 30))[0] == "DON-2026-000003"
        assert allocate(s, CODE, on=date(2027, 1, 2))[0] == "DON-2027-000002"
        s.commit()
        counters = {c.year: c.last_value for c in s.scalars(select(SequenceCounter))}
    assert counters == {2026: 3, 2027: 2}


def test_a_rolled_back_transaction_gives_its_number_back(sequence_app):
    from core.db import db

    with sequence_app.app_context():
        s = db.session
        assert allocate(s, CODE, on=date(2026, 5, 1))[0] == "DON-2026-000001"
        s.commit()
        assert allocate(s, CODE, on=date(2026, 5, 1))[0] == "DON-2026-000002"
        s.rollback()  # e.g. the document failed to render: nothing was issued
        assert allocate(s, CODE, on=date(2026, 5, 1))[0] == "DON-2026-000002"
        s.commit()
        db.reset_session()
        assert db.session.get(SequenceCounter, (CODE, 2026)).last_value == 2


def test_a_rolled_back_first_number_of_a_year_leaves_no_counter_behind(sequence_app):
    from core.db import db

    with sequence_app.app_context():
        s = db.session
        assert allocate(s, CODE, on=date(2030, 1, 1))[0] == "DON-2030-000001"
        s.rollback()
        assert s.get(SequenceCounter, (CODE, 2030)) is None
        assert allocate(s, CODE, on=date(2030, 1, 1))[0] == "DON-2030-000001"


def test_the_default_year_is_the_food_banks_not_the_servers(sequence_app, monkeypatch):
    """At 22:30 UTC on 31 December it is already 1 January in Chișinău."""
    from datetime import datetime

    from core import sequences
    from core.db import db

    class NewYearsEveUTC(datetime):
        @classmethod
        def now(cls, tz=None):
            moment = datetime(2026, 12, 31, 22, 30, tzinfo=UTC)
            return moment.astimezone(tz) if tz else moment.replace(tzinfo=None)

    monkeypatch.setattr(sequences, "datetime", NewYearsEveUTC)
    with sequence_app.app_context():
        assert sequences.local_today() == date(2027, 1, 1)
        assert allocate(db.session, CODE)[0] == "DON-2027-000001"


def test_sequences_are_independent(sequence_app):
    from core.db import db

    with sequence_app.app_context():
        s = db.session
        s.add(SequenceDefinition(code="test.handover", prefix="APP", padding=5))
        s.flush()
        assert allocate(s, CODE, on=date(2026, 1, 5))[0] == "DON-2026-000001"
        assert allocate(s, "test.handover", on=date(2026, 1, 5))[0] == "APP-2026-00001"
        assert allocate(s, CODE, on=date(2026, 1, 5))[0] == "DON-2026-000002"


def test_an_undeclared_sequence_is_refused_without_creating_anything(sequence_app):
    from core.db import db

    with sequence_app.app_context():
        s = db.session
        with pytest.raises(UnknownSequence, match="no.such"):
            allocate(s, "no.such", on=date(2026, 1, 1))
        assert s.scalars(select(SequenceCounter)).all() == []


# --------------------------------------------------------------------------- many processes

PROCESSES = 4
PER_PROCESS = 15
DAY = date(2026, 6, 1)


def _allocate_in_child(url: str, code: str, count: int, seed: int, start, results) -> None:
    """One clerk's process: ``count`` committed numbers, with an abandoned one now and then.

    Each number is taken in its own transaction, which is held open a little (as while a PDF
    renders), so the processes really contend for the counter.
    """
    from core.db.session import make_engine

    rng = random.Random(seed)
    engine = make_engine(url)
    taken: list[tuple[int, str]] = []
    start.wait(timeout=60)
    try:
        while len(taken) < count:
            with Session(engine) as session:
                number, _year, value = allocate(session, code, on=DAY)
                time.sleep(rng.uniform(0, 0.004))
                if rng.random() < 0.2:
                    session.rollback()  # abandoned: the number must be given back
                    continue
                session.commit()
                taken.append((value, number))
        results.put(("ok", taken))
    except Exception as exc:  # report, so the parent fails with the child's reason
        results.put(("error", repr(exc)))
    finally:
        engine.dispose()


def test_concurrent_processes_get_distinct_consecutive_numbers(sequence_app, database_url):
    """Several processes, each with its own engine and transactions, against one database."""
    from core.db import db

    with sequence_app.app_context():
        db.reset_session()  # the parent holds no transaction while the children run
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(PROCESSES)
    results = ctx.Queue()
    children = [
        ctx.Process(target=_allocate_in_child,
                    args=(database_url, CODE, PER_PROCESS, seed, start, results))
        for seed in range(PROCESSES)
    ]
    for child in children:
        child.start()
    outcomes = [results.get(timeout=180) for _ in children]
    for child in children:
        child.join(timeout=30)
        assert child.exitcode == 0

    errors = [detail for status, detail in outcomes if status != "ok"]
    assert errors == []
    taken = [item for _status, items in outcomes for item in items]
    total = PROCESSES * PER_PROCESS
    values = sorted(value for value, _number in taken)
    assert values == list(range(1, total + 1)), "numbers must be distinct, with no gap"
    assert sorted(number for _value, number in taken) == [
        f"DON-2026-{v:06d}" for v in range(1, total + 1)]
    # Every process got a share: the test really ran them side by side.
    assert all(len(items) == PER_PROCESS for _status, items in outcomes)

    with sequence_app.app_context():
        assert db.session.get(SequenceCounter, (CODE, 2026)).last_value == total
