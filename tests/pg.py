"""A real, throwaway PostGIS server for the tests (pytest plugin, loaded from conftest.py).

``pg_cluster`` (session): initdb + pg_ctl start on a free 127.0.0.1 port, stopped at the end.
``pg_url`` (per test): a fresh schema in that cluster, so every test starts empty;
``pg_new_url``: a factory for more of them.
Without PostgreSQL/PostGIS the tests are skipped, except in CI (CI=true) where they fail.
"""
from __future__ import annotations

import os
import uuid

import pytest

from geo.store.pg_cluster import ClusterUnavailable, TempCluster


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def pg_cluster():
    cluster = TempCluster(dbname="geo_test")
    try:
        cluster.start()
    except ClusterUnavailable as exc:
        message = f"PostGIS tests need a local PostgreSQL with PostGIS: {exc}"
        if _in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_new_url(pg_cluster):
    """Factory: each call gives the URL of a new empty schema (search_path: it, then public for PostGIS)."""
    import psycopg

    made = []

    def new_url() -> str:
        schema = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(pg_cluster.url, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        made.append(schema)
        return f"{pg_cluster.url}?options=-csearch_path%3D{schema},public"

    yield new_url
    with psycopg.connect(pg_cluster.url, autocommit=True) as conn:
        for schema in made:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def pg_url(pg_new_url):
    """URL of an empty schema of its own, so every test starts empty."""
    return pg_new_url()
