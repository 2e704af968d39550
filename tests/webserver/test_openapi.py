"""The OpenAPI document describes every route, and fuzzing it never gets a server error."""

from __future__ import annotations

import re
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.routing import Route
from starlette.testclient import TestClient

from headwater.webserver.app import api_routes, create_app

from .conftest import Served


def test_every_api_route_is_documented(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    documented = {(path, method.upper()) for path, item in paths.items() for method in item}
    for route in api_routes():
        assert isinstance(route, Route)
        path = re.sub(r"\{(\w+):path\}", r"{\1}", route.path)
        if path == "/openapi.json":
            continue
        for method in route.methods or ():
            if method != "HEAD":
                assert (path, method) in documented, (path, method)


@pytest.mark.slow
def test_fuzzed_requests_never_get_a_server_error(served: Served) -> None:
    app = create_app(served.workspace, served.instance)
    # /api/events streams until the server stops: not something to fuzz in-process.
    schema = schemathesis.openapi.from_asgi("/openapi.json", app).exclude(path="/api/events")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=30, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def fuzz(case: Any) -> None:
            case.call_and_validate(checks=[not_a_server_error, response_schema_conformance,
                                           status_code_conformance])

        fuzz()
