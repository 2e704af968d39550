"""``headwater scaffold project NAME`` and ``headwater scaffold defs KIND PATH``."""

from __future__ import annotations

import keyword
import re
from pathlib import Path

import click

from headwater.cli.scaffold_templates import (
    DEFINITIONS,
    DEFS_TEMPLATES,
    EXAMPLE_ASSETS,
    PYPROJECT,
    README,
    TEST_DEFS,
)

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


@click.group("scaffold")
def scaffold_group() -> None:
    """Create a project, or add modules to a project's defs folder (as dg does)."""


@scaffold_group.command("project")
@click.argument("path", type=click.Path(file_okay=False))
def scaffold_project(path: str) -> None:
    """Create a project at PATH (named after its last part) that loads its defs folder.

    It has a pyproject.toml with [tool.dg], src/PACKAGE/definitions.py, a defs package with
    an example asset, and a test. Run `headwater dev` inside it.
    """
    folder = Path(path).resolve()
    name = folder.name
    if not _NAME.match(name):
        raise click.BadParameter(f"{name!r}: a project name starts with a letter and has only "
                                 "letters, digits, '_' and '-'.", param_hint="PATH")
    package = name.replace("-", "_").lower()
    if keyword.iskeyword(package):
        raise click.BadParameter(f"{name!r} is a Python keyword; choose another name.",
                                 param_hint="PATH")
    if folder.exists() and any(folder.iterdir()):
        raise click.UsageError(f"{folder} already exists and is not empty; choose a new path.")
    files = {
        "pyproject.toml": PYPROJECT.format(package=package),
        "README.md": README.format(name=name, package=package),
        f"src/{package}/__init__.py": "",
        f"src/{package}/definitions.py": DEFINITIONS,
        f"src/{package}/defs/__init__.py": "",
        f"src/{package}/defs/assets.py": EXAMPLE_ASSETS,
        "tests/__init__.py": "",
        "tests/test_defs.py": TEST_DEFS.format(package=package),
    }
    for relative, text in files.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    click.echo(f"Created project {name} at {folder}. Next:\n  cd {path}\n  headwater dev")


@scaffold_group.command("defs")
@click.argument("kind", metavar="asset|schedule|sensor|resources")
@click.argument("path")
def scaffold_defs(kind: str, path: str) -> None:
    """Add a module to the defs folder of the project around this folder.

    PATH is relative to the defs folder (e.g. `ingest/orders.py`); the definition is named
    after the file. KIND may also be written `dagster.asset`, `headwater.asset`, ...
    """
    from headwater.definitions.components.project_config import find_dg_project
    from headwater.errors import HeadwaterError

    short = kind.split(".", 1)[1] if kind.startswith(("dagster.", "headwater.")) else kind
    if short not in DEFS_TEMPLATES:
        raise click.BadParameter(f"{kind!r}; use one of {', '.join(DEFS_TEMPLATES)}.",
                                 param_hint="KIND")
    try:
        project = find_dg_project(Path.cwd())
    except HeadwaterError as exc:
        raise click.UsageError(str(exc)) from exc
    defs_folder = project.import_root.joinpath(*project.defs_module.split("."))
    if not defs_folder.is_dir():
        raise click.UsageError(f"The defs folder {defs_folder} of {project.config_file} does "
                               "not exist; create it with an __init__.py.")
    relative = Path(path if path.endswith(".py") else f"{path}.py")
    if relative.is_absolute() or ".." in relative.parts:
        raise click.BadParameter("give a path inside the defs folder, e.g. ingest/orders.py.",
                                 param_hint="PATH")
    target = defs_folder / relative
    name = target.stem
    if not name.isidentifier() or keyword.iskeyword(name):
        raise click.BadParameter(f"{relative}: the file name must be a Python identifier "
                                 "(it names the module and the definition).", param_hint="PATH")
    if target.exists():
        raise click.UsageError(f"{target} already exists.")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(DEFS_TEMPLATES[short].format(name=name), encoding="utf-8")
    click.echo(f"Created {target}.")
