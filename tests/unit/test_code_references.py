"""Source code references and run references in metadata: recorded by
with_source_code_references, linked to git, stored, and served as plain JSON."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

import headwater as dg
from headwater.snapshot.metadata import from_snap, to_snap
from headwater.snapshot.metadata_json import to_json_friendly

HERE = Path(__file__).resolve()


@dg.asset
def documented() -> int:
    return 1


@dg.multi_asset(specs=[dg.AssetSpec("left"), dg.AssetSpec("right")])
def pair() -> None:
    return None


def _references(assets_def: dg.AssetsDefinition, key: str) -> list[object]:
    value = assets_def.specs_by_key[dg.AssetKey(key)].metadata["dagster/code_references"]
    assert isinstance(value, dg.CodeReferencesMetadataValue)
    return list(value.code_references)


def test_with_source_code_references_points_at_the_decorated_function() -> None:
    spec = dg.AssetSpec("external")
    with_refs = dg.with_source_code_references([documented, pair, spec])
    assert with_refs[2] is spec
    line = inspect.getsourcelines(documented.node_def.compute_fn)[1]
    assert _references(with_refs[0], "documented") == [
        dg.LocalFileCodeReference(file_path=str(HERE), line_number=line)]
    assert _references(with_refs[1], "left") == _references(with_refs[1], "right")
    assert "dagster/code_references" not in documented.specs_by_key[
        dg.AssetKey("documented")].metadata  # the original is unchanged
    again = dg.with_source_code_references(with_refs[:1])[0]
    assert len(_references(again, "documented")) == 2  # added to what was there


def test_link_code_references_to_git() -> None:
    local = dg.with_source_code_references([documented])
    mapping = dg.AnchorBasedFilePathMapping(local_file_anchor=HERE.parent,
                                            file_anchor_path_in_repository="tests/unit")
    line = inspect.getsourcelines(documented.node_def.compute_fn)[1]
    github = dg.link_code_references_to_git(local, git_url="https://github.com/acme/data",
                                            git_branch="main", file_path_mapping=mapping)
    assert _references(github[0], "documented") == [dg.UrlCodeReference(
        url=f"https://github.com/acme/data/tree/main/tests/unit/{HERE.name}#L{line}")]
    gitlab = dg.link_code_references_to_git(local, git_url="https://gitlab.com/acme/data",
                                            git_branch="dev", file_path_mapping=mapping)
    assert _references(gitlab[0], "documented")[0].url.startswith(  # type: ignore[attr-defined]
        "https://gitlab.com/acme/data/-/tree/dev/tests/unit/")
    with pytest.raises(dg.DagsterInvalidDefinitionError, match="platform"):
        dg.link_code_references_to_git(local, git_url="https://git.example.org/x",
                                       git_branch="main", file_path_mapping=mapping)


def test_references_round_trip_and_read_as_json() -> None:
    value = dg.CodeReferencesMetadataValue(code_references=[
        dg.LocalFileCodeReference(file_path="/src/a.py", line_number=3, label="def"),
        dg.UrlCodeReference(url="https://github.com/x/y")])
    assert from_snap(to_snap(value)) == value
    assert to_json_friendly(to_snap(value)) == {"kind": "code_references", "value": [
        {"file_path": "/src/a.py", "line_number": 3, "label": "def"},
        {"url": "https://github.com/x/y"}]}
    run = dg.MetadataValue.dagster_run("abc-123")
    assert isinstance(run, dg.DagsterRunMetadataValue) and run.value == "abc-123"
    assert from_snap(to_snap(run)) == run
    assert to_json_friendly(to_snap(run)) == {"kind": "dagster_run", "value": "abc-123"}
    with pytest.raises(dg.DagsterInvalidDefinitionError, match="run id"):
        dg.MetadataValue.dagster_run("")


def test_run_metadata_is_stored_with_a_materialization() -> None:
    @dg.asset
    def upstream_run(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        return dg.MaterializeResult(metadata={"made_by": dg.MetadataValue.dagster_run(
            context.run_id)})

    with dg.instance_for_test() as instance:
        result = dg.materialize([upstream_run], instance=instance)
        entry = instance.get_latest_materialization_event(dg.AssetKey("upstream_run"))
        assert entry is not None and entry.asset_materialization is not None
        assert entry.asset_materialization.metadata["made_by"] == dg.DagsterRunMetadataValue(
            result.run_id)
