"""Resources: definitions, ConfigurableResource, EnvVar fields, and run-time initialisation."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import PrivateAttr

from headwater.definitions.config.configurable import (
    ConfigurableResource,
    ConfigurableResourceFactory,
    PartialResource,
)
from headwater.definitions.config.env_var import EnvVar
from headwater.definitions.config.io_managers import InMemoryIOManager, IOManager
from headwater.definitions.config.pythonic import Config, ImmutableFieldError, RunConfig
from headwater.definitions.config.resources import (
    InitResourceContext,
    MissingResourceError,
    ResourceDefinition,
    ResourceParam,
    Resources,
    build_init_resource_context,
    is_resource_annotation,
    resource,
)
from headwater.errors import (
    ConfigError,
    CycleError,
    EnvVarError,
    HeadwaterError,
    InvalidDefinitionError,
    UnknownResourceError,
    UserCodeError,
)
from headwater.execution.resources import initialize_resources

SRC = Path(__file__).resolve().parents[2] / "src"


class Recorder(ConfigurableResource):
    """Records its lifecycle in a shared list."""

    name: str
    events: Any = None  # Any keeps the caller's list itself; a list field would be copied

    def _record(self, event: str) -> None:
        if self.events is not None:
            self.events.append(event)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        self._record(f"setup {self.name}")

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        self._record(f"teardown {self.name}")


class Database(ConfigurableResource):
    url: str
    port: int = 5432


class Service(ConfigurableResource):
    database: Database
    label: str = "svc"


# --- ConfigurableResource ------------------------------------------------------------------


def test_env_var_field_resolves_at_run_time_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HW_DB_URL", "postgres://db")
    monkeypatch.setenv("HW_DB_PORT", "6543")
    declared = Database(url=EnvVar("HW_DB_URL"), port=EnvVar.int("HW_DB_PORT"))
    assert declared.url == "HW_DB_URL"
    with initialize_resources({"db": declared}) as resources:
        db = resources.db
        assert isinstance(db, Database)
        assert (db.url, db.port) == ("postgres://db", 6543)
    assert declared.url == "HW_DB_URL"  # the definition is never changed


def test_unset_env_var_names_resource_field_and_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HW_NOT_SET", raising=False)
    with pytest.raises(EnvVarError) as info:
        with initialize_resources({"db": Database(url=EnvVar("HW_NOT_SET"))}):
            pass
    message = str(info.value)
    assert "'HW_NOT_SET' is not set" in message
    assert "resource 'db' field 'url'" in message


def test_env_var_that_fails_validation_names_the_resource(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HW_DB_PORT", "not-a-port")

    class PortFromStr(ConfigurableResource):
        port: int = EnvVar("HW_DB_PORT")  # type: ignore[assignment]

    with pytest.raises(ConfigError, match="resource 'p'") as info:
        with initialize_resources({"p": PortFromStr()}):
            pass
    assert "port: got the value of $HW_DB_PORT (str), expected an integer" in str(info.value)
    assert "not-a-port" not in str(info.value)  # env values may be secrets


def test_nested_resource_shared_with_top_level_key() -> None:
    db = Database(url="x")
    with initialize_resources({"svc": Service(database=db), "db": db}) as resources:
        assert resources.svc.database is resources.db
        assert isinstance(resources.svc.database, Database)


def test_nested_resource_without_key_is_initialised_first_and_torn_down_last() -> None:
    events: list[str] = []

    class Outer(Recorder):
        inner: Recorder

    outer = Outer(name="outer", events=events, inner=Recorder(name="inner", events=events))
    with initialize_resources({"outer": outer}) as resources:
        assert list(resources) == ["outer"]
        assert resources.outer.inner.name == "inner"
        events.append("body")
    assert events == ["setup inner", "setup outer", "body", "teardown outer", "teardown inner"]


def test_teardown_runs_in_reverse_order_when_the_body_fails() -> None:
    events: list[str] = []
    defs = {k: Recorder(name=k, events=events) for k in ("a", "b", "c")}
    with pytest.raises(RuntimeError, match="step failed"):
        with initialize_resources(defs):
            raise RuntimeError("step failed")
    assert events == ["setup a", "setup b", "setup c", "teardown c", "teardown b", "teardown a"]


def test_failed_setup_tears_down_what_was_set_up() -> None:
    events: list[str] = []

    class Broken(Recorder):
        def setup_for_execution(self, context: InitResourceContext) -> None:
            raise ValueError("no connection")

    defs = {"a": Recorder(name="a", events=events), "b": Broken(name="b", events=events)}
    with pytest.raises(UserCodeError, match="resource 'b'") as info:
        with initialize_resources(defs):
            events.append("body")
    assert isinstance(info.value.original, ValueError)
    assert events == ["setup a", "teardown a"]


def test_teardown_error_is_logged_and_does_not_mask_body_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    events: list[str] = []

    class BadTeardown(Recorder):
        def teardown_after_execution(self, context: InitResourceContext) -> None:
            raise OSError("close failed")

    defs = {"a": Recorder(name="a", events=events), "b": BadTeardown(name="b", events=events)}
    with caplog.at_level(logging.ERROR, logger="headwater.resources"):
        with pytest.raises(KeyError, match="body"):
            with initialize_resources(defs):
                raise KeyError("body")
    assert events == ["setup a", "setup b", "teardown a"]
    assert "Teardown of resource 'b' failed" in caplog.text
    assert "close failed" in caplog.text


def test_teardown_error_after_success_is_only_logged(caplog: pytest.LogCaptureFixture) -> None:
    @resource
    def flaky(_: InitResourceContext) -> Iterator[int]:
        yield 1
        raise OSError("teardown boom")

    with caplog.at_level(logging.ERROR, logger="headwater.resources"):
        with initialize_resources({"flaky": flaky}) as resources:
            assert resources.flaky == 1
    assert "teardown boom" in caplog.text


def test_yield_for_execution_override_and_resource_context() -> None:
    seen: list[Any] = []

    class Managed(ConfigurableResource):
        @contextmanager
        def yield_for_execution(self, context: InitResourceContext) -> Iterator[Any]:
            seen.append(("enter", self.get_resource_context() is context, context.run_id))
            yield "managed-value"
            seen.append("exit")

    with initialize_resources({"m": Managed()}, run_id="run-1") as resources:
        assert resources.m == "managed-value"
    assert seen == [("enter", True, "run-1"), "exit"]


def test_get_resource_context_outside_a_run_is_an_error() -> None:
    with pytest.raises(HeadwaterError, match="only available on the copy a run initialises"):
        Database(url="x").get_resource_context()


def test_create_resource_provides_another_value_and_resource_param() -> None:
    class Client:
        def __init__(self, url: str) -> None:
            self.url = url

    class ClientResource(ConfigurableResourceFactory):
        url: str

        def create_resource(self, context: InitResourceContext) -> Client:
            return Client(self.url)

    with initialize_resources({"client": ClientResource(url="u")}) as resources:
        assert isinstance(resources.client, Client)
        assert resources.client.url == "u"
    assert is_resource_annotation(ResourceParam[Client])
    assert not is_resource_annotation(Client)


def test_resources_are_immutable_but_private_state_is_allowed() -> None:
    class Stateful(ConfigurableResource):
        url: str

        def setup_for_execution(self, context: InitResourceContext) -> None:
            self._connection = f"connected to {self.url}"

    db = Stateful(url="x")
    with pytest.raises(ImmutableFieldError, match="Stateful is immutable: cannot set field 'url'"):
        db.url = "y"
    with initialize_resources({"db": db}) as resources:
        assert resources.db._connection == "connected to x"


def test_configurable_resource_is_a_resource_definition() -> None:
    class Documented(ConfigurableResource):
        """Talks to the warehouse."""

        description: str = "a field named like a definition attribute"

    res = Documented()
    assert isinstance(res, ResourceDefinition)
    assert res.description == "a field named like a definition attribute"
    plain = Database(url="x")
    assert plain.required_resource_keys == frozenset()
    assert plain.description is None
    assert set(plain.config_schema.model_fields) == {"url", "port"}
    assert set(Service.config_model().model_fields) == {"label"}
    assert is_resource_annotation(Database)


def test_from_resource_context() -> None:
    db = Database.from_resource_context(build_init_resource_context(config={"url": "z"}))
    assert (db.url, db.port) == ("z", 5432)


# --- configure_at_launch -------------------------------------------------------------------


def test_configure_at_launch_takes_config_from_run_config() -> None:
    partial = Database.configure_at_launch(port=1)
    assert isinstance(partial, PartialResource)
    run_config = {"db": {"config": {"url": "launch://db"}}}
    with initialize_resources({"db": partial}, resource_run_config=run_config) as resources:
        assert (resources.db.url, resources.db.port) == ("launch://db", 1)


def test_configure_at_launch_run_config_from_run_config_object() -> None:
    run_config = RunConfig(resources={"db": Database(url="obj://db", port=2)}).to_config_dict()
    with initialize_resources(
        {"db": Database.configure_at_launch()}, resource_run_config=run_config["resources"]
    ) as resources:
        assert (resources.db.url, resources.db.port) == ("obj://db", 2)


def test_configure_at_launch_missing_config_names_resource_and_field() -> None:
    with pytest.raises(ConfigError) as info:
        with initialize_resources({"db": Database.configure_at_launch()}):
            pass
    assert "Invalid config for resource 'db'" in str(info.value)
    assert "url: required field is missing" in str(info.value)


def test_configure_at_launch_rejects_unknown_fields() -> None:
    with pytest.raises(InvalidDefinitionError, match="unknown field"):
        Database.configure_at_launch(host="x")


def test_partial_resource_as_nested_dependency() -> None:
    partial = Database.configure_at_launch()
    svc = Service(database=partial)  # type: ignore[arg-type]
    run_config = {"db": {"config": {"url": "nested://db"}}}
    with initialize_resources(
        {"svc": svc, "db": partial}, resource_run_config=run_config
    ) as resources:
        assert resources.svc.database.url == "nested://db"


def test_run_config_overrides_configured_values() -> None:
    with initialize_resources(
        {"db": Database(url="code")}, resource_run_config={"db": {"config": {"port": 1}}}
    ) as resources:
        assert (resources.db.url, resources.db.port) == ("code", 1)


# --- function resources --------------------------------------------------------------------


def test_generator_resource_teardown_runs_even_on_failure() -> None:
    events: list[str] = []

    @resource
    def connection(context: InitResourceContext) -> Iterator[str]:
        """A connection."""
        events.append("open")
        yield "conn"
        events.append("close")

    assert connection.description == "A connection."
    with pytest.raises(RuntimeError):
        with initialize_resources({"conn": connection}) as resources:
            assert resources.conn == "conn"
            raise RuntimeError("boom")
    assert events == ["open", "close"]


def test_resource_with_config_schema_and_dependencies() -> None:
    @resource(config_schema={"prefix": str, "times": (int, 2)}, required_resource_keys={"base"})
    def greeter(context: InitResourceContext) -> str:
        config = context.resource_config
        return f"{config['prefix'] * config['times']}{context.resources.base}"

    defs: dict[str, object] = {"g": greeter, "base": ResourceDefinition.hardcoded_resource(7)}
    with initialize_resources(
        defs, required_keys={"g"}, resource_run_config={"g": {"config": {"prefix": "ab"}}}
    ) as resources:
        assert resources.g == "abab7"
        assert "base" in resources


def test_resource_config_error_names_the_resource() -> None:
    @resource(config_schema={"limit": int})
    def limited(context: InitResourceContext) -> int:
        return int(context.resource_config["limit"])

    with pytest.raises(ConfigError, match="Error in config for resource 'lim'") as info:
        with initialize_resources(
            {"lim": limited}, resource_run_config={"lim": {"config": {"limit": "many"}}}
        ):
            pass
    assert "at path resources.lim.config.limit: expected Int, got 'many' (str)" in str(info.value)


def test_zero_argument_resource_and_direct_call() -> None:
    @resource(description="fixed")
    def fixed() -> int:
        return 3

    assert fixed() == 3
    assert fixed.description == "fixed"
    with initialize_resources({"f": fixed}) as resources:
        assert resources["f"] == 3


def test_resource_function_with_two_parameters_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError, match="takes at most one"):

        @resource
        def bad(a: Any, b: Any) -> None: ...


def test_hardcoded_none_and_mock_resources() -> None:
    defs = {
        "h": ResourceDefinition.hardcoded_resource({"a": 1}),
        "n": ResourceDefinition.none_resource(),
        "m": ResourceDefinition.mock_resource(),
    }
    with initialize_resources(defs) as resources:
        assert resources.h == {"a": 1}
        assert resources.n is None
        assert isinstance(resources.m, mock.MagicMock)


def test_generator_that_never_yields_is_an_error() -> None:
    @resource
    def empty(_: InitResourceContext) -> Iterator[int]:
        yield from ()

    with pytest.raises(HeadwaterError, match="returned without yielding"):
        with initialize_resources({"e": empty}):
            pass


def test_resource_class_instead_of_instance_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError, match="is the class Database, not an instance"):
        with initialize_resources({"db": Database}):
            pass


def test_declared_private_attribute_and_unknown_attribute() -> None:
    class WithPrivate(ConfigurableResource):
        _client: Any = PrivateAttr(default=None)

        def setup_for_execution(self, context: InitResourceContext) -> None:
            self._client = "client"

    with initialize_resources({"r": WithPrivate()}) as resources:
        assert resources.r._client == "client"
        with pytest.raises(AttributeError):
            _ = resources.r.nothing_here


def test_plain_objects_and_io_managers_are_used_as_is() -> None:
    manager = InMemoryIOManager()
    value = object()
    with initialize_resources({"io_manager": manager, "thing": value}) as resources:
        assert resources.io_manager is manager
        assert resources.thing is value


# --- planning: required keys, missing keys, cycles, run config shape ---------------------------


def test_only_required_keys_and_their_dependencies_are_initialised() -> None:
    events: list[str] = []
    a = Recorder(name="a", events=events)

    class Holder(Recorder):
        dep: Recorder

    defs = {"a": a, "b": Holder(name="b", events=events, dep=a), "c": Recorder(name="c")}
    with initialize_resources(defs, required_keys={"b"}) as resources:
        assert sorted(resources) == ["a", "b"]
    assert events == ["setup a", "setup b", "teardown b", "teardown a"]


def test_missing_required_key_lists_available_keys() -> None:
    with pytest.raises(UnknownResourceError) as info:
        with initialize_resources({"a": 1, "b": 2}, required_keys={"warehouse"}):
            pass
    assert "'warehouse'" in str(info.value)
    assert "Provided resources: 'a', 'b'" in str(info.value)


def test_missing_dependency_names_the_resource_that_needs_it() -> None:
    needs = ResourceDefinition(lambda c: c.resources.creds, required_resource_keys={"creds"})
    with pytest.raises(UnknownResourceError, match="Resource 'client' requires resource 'creds'"):
        with initialize_resources({"client": needs}):
            pass


def test_dependency_cycle_is_reported_with_its_path() -> None:
    defs = {
        "a": ResourceDefinition(lambda c: 1, required_resource_keys={"b"}),
        "b": ResourceDefinition(lambda c: 2, required_resource_keys={"c"}),
        "c": ResourceDefinition(lambda c: 3, required_resource_keys={"a"}),
    }
    with pytest.raises(CycleError, match="a -> b -> c -> a"):
        with initialize_resources(defs):
            pass


def test_run_config_for_an_unknown_resource_is_an_error() -> None:
    with pytest.raises(ConfigError, match="resource 'nope', which is not defined"):
        with initialize_resources({"a": 1}, resource_run_config={"nope": {"config": {}}}):
            pass
    with pytest.raises(ConfigError, match=r"shape \{'config'"):
        with initialize_resources({"a": 1}, resource_run_config={"a": {"url": "x"}}):
            pass


@given(st.lists(st.sampled_from("abcdef"), unique=True, min_size=1))
def test_chain_of_dependencies_initialises_in_order(keys: list[str]) -> None:
    order: list[str] = []
    defs: dict[str, object] = {}
    for index, key in enumerate(keys):
        deps = {keys[index - 1]} if index else set()
        defs[key] = ResourceDefinition(
            lambda c, key=key: order.append(key), required_resource_keys=deps
        )
    with initialize_resources(defs, required_keys={keys[-1]}) as resources:
        assert set(resources) == set(keys)
    assert order == keys


# --- Resources and annotations -------------------------------------------------------------


def test_resources_attribute_and_mapping_access() -> None:
    resources = Resources({"db": 1, "cache": 2})
    assert resources.db == 1
    assert resources["cache"] == 2
    assert "db" in resources and "x" not in resources
    assert len(resources) == 2
    assert resources._asdict() == {"db": 1, "cache": 2}
    assert not hasattr(resources, "warehouse")
    with pytest.raises(MissingResourceError) as info:
        _ = resources.warehouse
    assert isinstance(info.value, UnknownResourceError)
    assert "Resource 'warehouse' is not available here (available: 'cache', 'db')" in str(
        info.value
    )
    with pytest.raises(KeyError):
        _ = resources["warehouse"]
    with pytest.raises(HeadwaterError, match="read-only"):
        resources.db = 3


def test_is_resource_annotation() -> None:
    class MyManager(IOManager):
        def handle_output(self, context: Any, obj: Any) -> None: ...

        def load_input(self, context: Any) -> Any: ...

    assert is_resource_annotation(ResourceParam[str])
    assert is_resource_annotation(Database)
    assert is_resource_annotation(ResourceDefinition)
    assert is_resource_annotation(MyManager)
    assert not is_resource_annotation(str)
    assert not is_resource_annotation(Annotated[str, "something else"])
    assert not is_resource_annotation(Config)
    assert not is_resource_annotation("Database")


def test_build_init_resource_context() -> None:
    context = build_init_resource_context(config={"a": 1}, resources={"dep": 2}, run_id="r")
    assert context.resource_config == {"a": 1}
    assert context.resources.dep == 2
    assert context.run_id == "r"
    assert context.instance is None
    assert isinstance(context.log, logging.Logger)


# --- import weight -------------------------------------------------------------------------


def test_non_pydantic_modules_do_not_import_pydantic() -> None:
    code = textwrap.dedent(
        """
        import json, sys
        import headwater.definitions.config.resources
        import headwater.definitions.config.io_managers
        import headwater.definitions.config.env_var
        import headwater.execution.resources
        print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] == "pydantic")))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
    )
    assert json.loads(result.stdout) == []
