"""``defs.yaml``: one or more component documents (separated by ``---``) in a defs folder.

Each document is ``type`` (``dagster.<Name>`` or ``headwater.<Name>``, one of
:data:`~headwater.definitions.components.core_components.COMPONENT_TYPES`), optional
``attributes`` and optional ``post_processing: {assets: [{target, operation, attributes}]}``.
String values may hold ``{{ env.NAME }}``, ``{{ env('NAME') }}``,
``{{ env('NAME', 'default') }}`` and ``{{ project_root }}``. Any other component type is an
error naming the file and the type.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from headwater.definitions.components.core_components import (
    COMPONENT_TYPES,
    component_from_attributes,
)
from headwater.definitions.components.defs_folder import ComponentLoadContext, Contribution
from headwater.definitions.components.post_processing import apply_post_processing
from headwater.errors import HeadwaterError, LoadError

_DOCUMENT_KEYS = ("type", "attributes", "post_processing", "requirements", "template_vars_module")
_PREFIXES = ("dagster.", "headwater.", "dagster.components.")
_TEMPLATE = re.compile(r"\{\{\s*(.*?)\s*\}\}")
_ENV_ATTR = re.compile(r"env\.([A-Za-z_][A-Za-z0-9_]*)")
_ENV_CALL = re.compile(
    r"""env\(\s*(['"])([^'"]+)\1\s*(?:,\s*(['"])([^'"]*)\3\s*)?\)""")


class ComponentFileError(LoadError):
    """A ``defs.yaml`` is malformed, names an unsupported type, or its component failed."""


def component_file_contributions(
    path: Path, context: ComponentLoadContext, stop_at_definitions: bool = True
) -> Iterator[Contribution]:
    """The definitions of every component document in the file ``path``."""
    for index, document in enumerate(_documents(path)):
        where = f"{path}" + (f" (document {index + 1})" if index else "")
        yield Contribution(path, _build(document, where, path, context))


def _documents(path: Path) -> list[Mapping[str, Any]]:
    import yaml

    try:
        documents = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8"))
                     if d is not None]
    except yaml.YAMLError as exc:
        raise ComponentFileError(f"{path}: invalid YAML: {exc}") from None
    except OSError as exc:
        raise ComponentFileError(f"{path}: cannot be read: {exc.strerror or exc}.") from None
    for document in documents:
        if not isinstance(document, Mapping):
            raise ComponentFileError(f"{path}: each document must be a mapping with a type, "
                                     f"got {type(document).__name__}.")
    return documents


def _build(document: Mapping[str, Any], where: str, path: Path,
           context: ComponentLoadContext) -> Any:
    unknown = sorted(str(key) for key in document if key not in _DOCUMENT_KEYS)
    if unknown:
        raise ComponentFileError(f"{where}: unknown key(s) {', '.join(unknown)}; a component "
                                 "has type, attributes, post_processing and requirements.")
    kind = document.get("type")
    if not isinstance(kind, str):
        raise ComponentFileError(f"{where}: needs type, e.g. type: dagster.DefsFolderComponent.")
    name = next((kind[len(p):] for p in _PREFIXES if kind.startswith(p)), None)
    if name not in COMPONENT_TYPES:
        raise ComponentFileError(
            f"{where}: component type '{kind}' is not supported by headwater. Supported "
            f"types: {', '.join('dagster.' + t for t in COMPONENT_TYPES)}. Replace it with "
            "Python definitions in a module of the defs folder.")
    if document.get("template_vars_module"):
        raise ComponentFileError(f"{where}: template_vars_module is not supported; use "
                                 "{{ env.NAME }} or Python definitions.")
    scope = {"project_root": str(context.project_root)}
    attributes = render(document.get("attributes") or {}, where, scope)
    post_processing = render(document.get("post_processing") or {}, where, scope)
    if not isinstance(attributes, Mapping):
        raise ComponentFileError(f"{where}: attributes must be a mapping.")
    folder_context = context.at(path.parent)
    try:
        component = component_from_attributes(name, attributes, folder_context, where)
        defs = component.build_defs(folder_context)
        return apply_post_processing(defs, post_processing, where)
    except (HeadwaterError, ImportError) as exc:
        if isinstance(exc, LoadError):
            raise
        raise ComponentFileError(f"{where} ({kind}): {exc}") from exc


def render(value: Any, where: str, scope: Mapping[str, str]) -> Any:
    """``value`` with every ``{{ ... }}`` in its strings replaced (recursively)."""
    if isinstance(value, str):
        return _render_string(value, where, scope)
    if isinstance(value, Mapping):
        return {key: render(item, where, scope) for key, item in value.items()}
    if isinstance(value, list):
        return [render(item, where, scope) for item in value]
    return value


def _render_string(text: str, where: str, scope: Mapping[str, str]) -> Any:
    whole = _TEMPLATE.fullmatch(text.strip())
    if whole is not None:
        return _evaluate(whole.group(1), where, scope)
    return _TEMPLATE.sub(lambda m: str(_evaluate(m.group(1), where, scope)), text)


def _evaluate(expression: str, where: str, scope: Mapping[str, str]) -> Any:
    if expression in scope:
        return scope[expression]
    attr = _ENV_ATTR.fullmatch(expression)
    if attr is not None:
        return os.environ.get(attr.group(1))
    call = _ENV_CALL.fullmatch(expression)
    if call is not None:
        name, default = call.group(2), call.group(4)
        if name in os.environ:
            return os.environ[name]
        if default is not None:
            return default
        raise ComponentFileError(
            f"{where}: environment variable {name} is not set and no default value was "
            f"provided. Set it, or give a default: {{{{ env('{name}', 'default') }}}}.")
    raise ComponentFileError(
        f"{where}: cannot evaluate template '{{{{ {expression} }}}}'. headwater supports "
        "{{ env.NAME }}, {{ env('NAME') }}, {{ env('NAME', 'default') }} and "
        "{{ project_root }}.")
