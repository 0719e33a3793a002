"""Fixtures for the inventory tests: an app with only inventory enabled, a logged-in clerk."""
from __future__ import annotations

import pytest

from tests.conftest import AuthActions


@pytest.fixture
def inv_app(make_app):
    return make_app(["inventory"])


@pytest.fixture
def inv_client(inv_app):
    return inv_app.test_client()


@pytest.fixture
def clerk(inv_app, inv_client):
    AuthActions(inv_app, inv_client).login("clerk", roles=("warehouse_clerk",))
    return inv_client


@pytest.fixture
def dairy(inv_app):
    """A category made as the system; returns its id."""
    from core.auth.gate import SYSTEM, acting_as
    from core.db import db
    from plugins.inventory import services

    with inv_app.app_context(), acting_as(SYSTEM):
        category = services.create_category(db.session, code="DAIRY", name_ro="Lactate",
                                            name_ru="Молочные", name_en="Dairy",
                                            storage_condition="chilled",
                                            max_days_past_best_before=3)
        db.session.commit()
        return category.id
