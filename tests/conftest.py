from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache

from config.celery import app as celery_app
from routing import selectors as routing_selectors
from tests.factories import UserFactory
from tests.seed import reseed_if_flushed


@pytest.fixture(autouse=True)
def _test_settings(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Rate limits and throttles count in the cache: each test starts with an empty one.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


@pytest.fixture(autouse=True)
def _eager_celery() -> Iterator[None]:
    """Unit tests run tasks in-process; tests/integration uses a real worker instead."""
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous


@pytest.fixture(autouse=True)
def _fresh_routing_cache() -> Iterator[None]:
    # Compiled rules are cached per process; each test starts from what its database holds.
    routing_selectors.clear_cache()
    yield
    routing_selectors.clear_cache()


@pytest.fixture(autouse=True)
def _seeded_when_transactional(request: pytest.FixtureRequest) -> None:
    """Transactional tests (browser, worker) start from what `migrate` seeds: Django empties
    every table after each of them (see tests/seed.py)."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        reseed_if_flushed()


@pytest.fixture
def va(db) -> AbstractBaseUser:  # type: ignore[no-untyped-def]
    return UserFactory(username="va", first_name="Maya", roles=["virtual_assistant"])


@pytest.fixture
def coordinator(db) -> AbstractBaseUser:  # type: ignore[no-untyped-def]
    return UserFactory(username="coordinator", roles=["care_coordinator"])


@pytest.fixture
def billing_user(db) -> AbstractBaseUser:  # type: ignore[no-untyped-def]
    return UserFactory(username="billing", roles=["billing"])


@pytest.fixture
def nurse(db) -> AbstractBaseUser:  # type: ignore[no-untyped-def]
    return UserFactory(username="nurse", first_name="Sam", roles=["clinical"])


@pytest.fixture
def manager(db) -> AbstractBaseUser:  # type: ignore[no-untyped-def]
    return UserFactory(username="manager", roles=["office_manager"], is_staff=True)
