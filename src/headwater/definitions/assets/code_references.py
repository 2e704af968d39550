"""Source code references on assets: ``with_source_code_references`` records where each asset's
function is defined (metadata ``dagster/code_references``), ``link_code_references_to_git``
turns those local references into links to the file in a hosted git repository."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

from headwater.definitions.assets.assets_definition import AssetsDefinition
from headwater.definitions.assets.specs import AssetSpec
from headwater.definitions.metadata.references import (
    CODE_REFERENCES_KEY,
    CodeReference,
    CodeReferencesMetadataValue,
    FilePathMapping,
    LocalFileCodeReference,
    UrlCodeReference,
)
from headwater.errors import InvalidDefinitionError


def _function_of(assets_def: AssetsDefinition) -> Callable[..., Any] | None:
    node = assets_def.node_def
    function = getattr(node, "compute_fn", None)
    return inspect.unwrap(function) if callable(function) else None


def _local_reference(function: Callable[..., Any]) -> LocalFileCodeReference | None:
    try:
        path = inspect.getsourcefile(function)
        line = inspect.getsourcelines(function)[1]
    except (OSError, TypeError):
        return None
    if path is None:
        return None
    return LocalFileCodeReference(file_path=str(Path(path).resolve()), line_number=line)


def _existing(spec: AssetSpec) -> list[CodeReference]:
    current = spec.metadata.get(CODE_REFERENCES_KEY)
    return list(current.code_references) if isinstance(current, CodeReferencesMetadataValue) else []


def _with_references(spec: AssetSpec, references: list[CodeReference]) -> AssetSpec:
    metadata = {**spec.metadata,
                CODE_REFERENCES_KEY: CodeReferencesMetadataValue(code_references=references)}
    return spec.replace_attributes(metadata=metadata)


def with_source_code_references(assets_defs: Sequence[Any]) -> list[Any]:
    """Copies of the assets definitions with a reference to the file and line of the
    function computing them added to their ``dagster/code_references`` metadata; asset specs
    and source assets (no function) are returned unchanged."""
    result: list[Any] = []
    for item in assets_defs:
        function = _function_of(item) if isinstance(item, AssetsDefinition) else None
        reference = _local_reference(function) if function is not None else None
        if reference is None:
            result.append(item)
            continue
        result.append(item.map_asset_specs(
            lambda spec, ref=reference: _with_references(spec, [*_existing(spec), ref])))
    return result


def _platform_of(git_url: str, platform: str | None) -> str:
    if platform is not None:
        if platform not in ("github", "gitlab"):
            raise InvalidDefinitionError(
                f"link_code_references_to_git: platform must be 'github' or 'gitlab', not "
                f"{platform!r}.")
        return platform
    if "github.com" in git_url:
        return "github"
    if "gitlab.com" in git_url:
        return "gitlab"
    raise InvalidDefinitionError(
        f"link_code_references_to_git cannot tell the hosting platform of {git_url!r}; pass "
        "platform='github' or platform='gitlab'.")


def _to_url(reference: CodeReference, git_url: str, branch: str, platform: str,
            mapping: FilePathMapping) -> CodeReference:
    if not isinstance(reference, LocalFileCodeReference):
        return reference
    path = mapping.convert_to_source_control_path(Path(reference.file_path))
    tree = "tree" if platform == "github" else "-/tree"
    url = f"{git_url.rstrip('/')}/{tree}/{branch}/{path}"
    if reference.line_number is not None:
        url += f"#L{reference.line_number}"
    return UrlCodeReference(url=url, label=reference.label)


def link_code_references_to_git(
    assets_defs: Sequence[Any],
    git_url: str,
    git_branch: str,
    file_path_mapping: FilePathMapping,
    platform: Literal["github", "gitlab"] | None = None,
) -> list[Any]:
    """Copies of the assets definitions whose local code references point to the file in a
    GitHub or GitLab repository instead (``{git_url}/tree/{branch}/{path}#L{line}``)."""
    host = _platform_of(git_url, platform)
    result: list[Any] = []
    for item in assets_defs:
        if not isinstance(item, AssetsDefinition):
            result.append(item)
            continue

        def linked(spec: AssetSpec) -> AssetSpec:
            existing = _existing(spec)
            if not existing:
                return spec
            return _with_references(spec, [_to_url(ref, git_url, git_branch, host,
                                                   file_path_mapping) for ref in existing])

        result.append(item.map_asset_specs(linked))
    return result
