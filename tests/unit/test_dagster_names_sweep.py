"""Familiar names added for projects moving from Dagster: config from YAML files, map_asset_specs,
Dagster's error names raised in the same situations, warning categories, metadata value
classes, AssetCheckEvaluation's defaults, build_run_status_sensor_context's arguments."""

from __future__ import annotations

import warnings
from datetime import timedelta
from pathlib import Path

import pytest

import headwater as dg


def test_config_from_files_merges_in_order(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text(
        "ops:\n  load:\n    config:\n      path: a.csv\n      retries: 1\n      cols: [x]\n")
    (tmp_path / "prod.yaml").write_text(
        "ops:\n  load:\n    config:\n      path: b.csv\n      cols: [y]\nresources: {}\n")
    merged = dg.config_from_files([str(tmp_path / "base.yaml"), str(tmp_path / "prod.yaml")])
    assert merged == {"ops": {"load": {"config": {"path": "b.csv", "retries": 1,
                                                   "cols": ["y"]}}}, "resources": {}}
    assert dg.config_from_files([str(tmp_path / "b*.yaml")]) == {
        "ops": {"load": {"config": {"path": "a.csv", "retries": 1, "cols": ["x"]}}}}


def test_config_from_files_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(dg.DagsterInvariantViolationError, match="matched no file"):
        dg.config_from_files([str(tmp_path / "missing.yaml")])
    (tmp_path / "bad.yaml").write_text("ops: [\n")
    with pytest.raises(dg.DagsterInvariantViolationError, match="bad.yaml"):
        dg.config_from_files([str(tmp_path / "bad.yaml")])
    (tmp_path / "list.yaml").write_text("- 1\n")
    with pytest.raises(dg.DagsterInvariantViolationError, match="not a mapping"):
        dg.config_from_files([str(tmp_path / "list.yaml")])
    with pytest.raises(dg.DagsterInvalidInvocationError, match="must be a list"):
        dg.config_from_files(str(tmp_path / "bad.yaml"))  # type: ignore[arg-type]


def test_config_from_yaml_strings_and_package_resources() -> None:
    assert dg.config_from_yaml_strings(["a: 1", "b: {c: 2}", "b: {d: 3}"]) == {
        "a": 1, "b": {"c": 2, "d": 3}}
    with pytest.raises(dg.DagsterInvariantViolationError, match="YAML string 1"):
        dg.config_from_yaml_strings(["a: ["])
    with pytest.raises(dg.DagsterInvariantViolationError, match="no_such_file.yaml"):
        dg.config_from_pkg_resources([("headwater", "no_such_file.yaml")])


def test_config_from_files_feeds_a_run(tmp_path: Path) -> None:
    (tmp_path / "run.yaml").write_text("ops:\n  shout:\n    config:\n      word: hi\n")

    @dg.op(config_schema={"word": str})
    def shout(context: dg.OpExecutionContext) -> str:
        return context.op_config["word"].upper()

    @dg.job
    def speak() -> None:
        shout()

    result = speak.execute_in_process(run_config=dg.config_from_files(
        [str(tmp_path / "run.yaml")]))
    assert result.output_for_node("shout") == "HI"


def test_map_asset_specs_over_specs_and_definitions() -> None:
    @dg.multi_asset(specs=[dg.AssetSpec("a"), dg.AssetSpec("b")])
    def both() -> None:
        pass

    mapped = dg.map_asset_specs(lambda spec: spec.replace_attributes(group_name="team"),
                                [dg.AssetSpec("external"), both])
    spec, assets = mapped
    assert isinstance(spec, dg.AssetSpec) and spec.group_name == "team"
    assert isinstance(assets, dg.AssetsDefinition)
    assert {s.group_name for s in assets.specs} == {"team"}
    assert "team" not in {s.group_name for s in both.specs}  # the original is unchanged
    defs = dg.Definitions(assets=mapped)
    assert {spec.group_name for spec in defs.resolve_assets_def("a").specs} == {"team"}
    with pytest.raises(dg.DagsterInvalidDefinitionError, match="must keep every key"):
        dg.map_asset_specs(lambda spec: spec.replace_attributes(key="renamed"), [both])


def test_a_raising_type_check_is_a_dagster_type_check_error() -> None:
    def broken(_context: object, _value: object) -> bool:
        raise ValueError("checker bug")

    Broken = dg.DagsterType(type_check_fn=broken, name="Broken")

    @dg.op(out=dg.Out(Broken))
    def produce() -> int:
        return 1

    @dg.job
    def typed() -> None:
        produce()

    # As in Dagster, raise_on_error raises the user's own exception; the framework error that
    # wrapped it says it came from a type check.
    with pytest.raises(ValueError, match="checker bug") as raised:
        typed.execute_in_process()
    chain: list[BaseException] = []
    error = raised.value.__context__
    while error is not None and error not in chain:
        chain.append(error)
        error = error.__context__ or error.__cause__
    assert any(isinstance(e, dg.DagsterTypeCheckError) for e in chain), chain
    assert issubclass(dg.DagsterTypeCheckError, dg.DagsterUserCodeExecutionError)


def test_a_raising_config_mapping_is_a_config_mapping_function_error() -> None:
    @dg.op(config_schema={"n": int})
    def count(context: dg.OpExecutionContext) -> int:
        return context.op_config["n"]

    def mapping(config: dict[str, object]) -> dict[str, object]:
        raise KeyError("oops")

    @dg.graph(config=dg.ConfigMapping(config_fn=mapping, config_schema={"x": int}))
    def counted() -> None:
        count()

    @dg.job
    def outer() -> None:
        counted()

    with pytest.raises(dg.DagsterConfigMappingFunctionError, match="config mapping"):
        outer.execute_in_process(run_config={"ops": {"counted": {"config": {"x": 1}}}})


def test_other_error_names_and_warning_categories() -> None:
    assert issubclass(dg.DagsterExecutionStepNotFoundError, dg.DagsterError)
    assert issubclass(dg.DagsterUnmetExecutorRequirementsError, dg.DagsterError)
    assert issubclass(dg.DagsterSubprocessError, dg.DagsterError)
    assert issubclass(dg.SupersessionWarning, FutureWarning)
    assert issubclass(dg.ConfigArgumentWarning, SyntaxWarning)
    with warnings.catch_warnings():
        warnings.filterwarnings("error")
        warnings.filterwarnings("ignore", category=dg.BetaWarning)
        warnings.filterwarnings("ignore", category=dg.PreviewWarning)
        warnings.warn("beta", dg.BetaWarning, stacklevel=1)
        warnings.warn("preview", dg.PreviewWarning, stacklevel=1)


def test_metadata_value_classes_are_the_constructors_results() -> None:
    assert isinstance(dg.MetadataValue.text("x"), dg.TextMetadataValue)
    assert isinstance(dg.MetadataValue.int(3), dg.IntMetadataValue)
    assert isinstance(dg.MetadataValue.float(0.5), dg.FloatMetadataValue)
    assert isinstance(dg.MetadataValue.bool(True), dg.BoolMetadataValue)
    assert isinstance(dg.MetadataValue.md("# t"), dg.MarkdownMetadataValue)
    assert isinstance(dg.MetadataValue.url("http://x"), dg.UrlMetadataValue)
    assert isinstance(dg.MetadataValue.path("/tmp"), dg.PathMetadataValue)
    assert isinstance(dg.MetadataValue.json({"a": 1}), dg.JsonMetadataValue)
    assert isinstance(dg.MetadataValue.null(), dg.NullMetadataValue)
    assert isinstance(dg.MetadataValue.timestamp(1.0), dg.TimestampMetadataValue)
    assert isinstance(dg.MetadataValue.asset(dg.AssetKey("a")), dg.DagsterAssetMetadataValue)
    assert dg.TextMetadataValue("y").value == "y"


def test_asset_check_evaluation_has_dagster_defaults() -> None:
    evaluation = dg.AssetCheckEvaluation(asset_key=dg.AssetKey("a"), check_name="c",
                                         passed=True)
    assert (evaluation.severity, evaluation.metadata, evaluation.description) == (
        "ERROR", {}, None)
    assert evaluation.severity == dg.AssetCheckSeverity.ERROR
    assert evaluation.asset_check_key == dg.AssetCheckKey(dg.AssetKey("a"), "c")
    warned = dg.AssetCheckEvaluation(asset_key="a", check_name="c", passed=False,
                                     severity=dg.AssetCheckSeverity.WARN)
    assert warned.severity == "WARN" and warned.asset_key == dg.AssetKey("a")


def test_build_run_status_sensor_context_takes_dagster_arguments() -> None:
    seen: list[tuple[str, str]] = []

    @dg.run_failure_sensor
    def alert(context: dg.RunFailureSensorContext) -> None:
        seen.append((context.dagster_run.run_id, context.failure_event.message))

    with dg.instance_for_test() as instance:
        @dg.op
        def fails() -> None:
            raise RuntimeError("boom")

        @dg.job
        def breaks() -> None:
            fails()

        result = breaks.execute_in_process(instance=instance, raise_on_error=False)
        run = instance.get_run_by_id(result.run_id)
        failure = instance.all_logs(result.run_id,
                                    of_type=dg.DagsterEventType.RUN_FAILURE)[0].dagster_event
        context = dg.build_run_status_sensor_context(
            sensor_name="alert", dagster_event=failure, dagster_instance=instance,
            dagster_run=run)
        alert(context)
    assert seen and seen[0][0] == result.run_id and seen[0][1]
    with pytest.raises(dg.DagsterInvalidInvocationError, match="dagster_run"):
        dg.build_run_status_sensor_context(sensor_name="alert")


def test_max_runtime_tag_name() -> None:
    assert dg.MAX_RUNTIME_SECONDS_TAG == "dagster/max_runtime"


class Threshold(dg.ConfigurableResource):
    minimum: int


def test_build_asset_check_context_for_calling_a_check_directly() -> None:
    @dg.asset_check(asset="orders")
    def enough(context: dg.AssetCheckExecutionContext,
               threshold: Threshold) -> dg.AssetCheckResult:
        return dg.AssetCheckResult(passed=threshold.minimum <= 3)

    context = dg.build_asset_check_context(resources={"threshold": Threshold(minimum=2)})
    assert isinstance(context, dg.AssetCheckExecutionContext)
    assert enough(context).passed


def test_apply_freshness_policy_over_specs() -> None:
    policy = dg.FreshnessPolicy.time_window(fail_window=timedelta(hours=2))
    other = dg.FreshnessPolicy.time_window(fail_window=timedelta(hours=9))
    fresh = dg.apply_freshness_policy(dg.AssetSpec("a"), policy)
    assert fresh.freshness_policy == policy
    kept = dg.apply_freshness_policy(fresh, other, overwrite_existing=False)
    assert kept.freshness_policy == policy
    assert dg.apply_freshness_policy(fresh, other).freshness_policy == other
    assert list(dg.TableConstraints(other=["id > 0"]).other) == ["id > 0"]


def test_expectation_results_are_recorded_as_events() -> None:
    @dg.op
    def validate(context: dg.OpExecutionContext):  # type: ignore[no-untyped-def]
        context.log_event(dg.ExpectationResult(success=True, label="non_empty",
                                               metadata={"rows": 3}))
        yield dg.ExpectationResult(success=False, label="no_nulls", description="2 nulls")
        yield dg.Output(1)

    @dg.job
    def checked() -> None:
        validate()

    result = checked.execute_in_process()
    assert result.success
    found = [e for e in result.all_events
             if e.event_type.value == "STEP_EXPECTATION_RESULT"]
    by_label = {e.data.label: e for e in found}  # type: ignore[union-attr]
    assert {label: e.data.success for label, e in by_label.items()} == {  # type: ignore[union-attr]
        "non_empty": True, "no_nulls": False}
    assert by_label["non_empty"].data.metadata["rows"].value == 3  # type: ignore[union-attr]
    assert "failed" in by_label["no_nulls"].message
    with pytest.raises(dg.DagsterInvalidDefinitionError, match="True or False"):
        dg.ExpectationResult(success="yes")  # type: ignore[arg-type]
