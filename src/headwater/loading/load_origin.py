"""Loading a location's definitions from its origin, in the current process."""

from __future__ import annotations

from headwater.core.origins import (
    AutoloadDefsOrigin,
    GrpcServerOrigin,
    LocationOrigin,
    PythonFileOrigin,
    PythonModuleOrigin,
    PythonPackageOrigin,
)
from headwater.errors import LoadError
from headwater.loading.discovery import LoadedDefinitions, definitions_loaded, find_definitions
from headwater.loading.gc_pause import collector_paused
from headwater.loading.python_import import load_python_file, load_python_module


def load_origin(origin: LocationOrigin) -> LoadedDefinitions:
    """Import the origin's code here and find its definitions.

    Exceptions raised by the user's module propagate unchanged (the caller reports them
    with the user's traceback); discovery problems raise ``LoadError``. The garbage
    collector is paused meanwhile (see :mod:`headwater.loading.gc_pause`).
    """
    with collector_paused(freeze_survivors=False):
        return _load(origin)


def _load(origin: LocationOrigin) -> LoadedDefinitions:
    if isinstance(origin, AutoloadDefsOrigin):
        from headwater.definitions.components.defs_folder import load_defs

        package = load_python_module(origin.module_name, origin.working_directory)
        return definitions_loaded(load_defs(package), None)
    if isinstance(origin, PythonFileOrigin):
        module = load_python_file(origin.python_file, origin.working_directory)
    elif isinstance(origin, (PythonModuleOrigin, PythonPackageOrigin)):
        name = origin.module_name if isinstance(origin, PythonModuleOrigin) else origin.package_name
        module = load_python_module(name, origin.working_directory)
    elif isinstance(origin, GrpcServerOrigin):
        raise LoadError(
            f"Location '{origin.location_name}' is served by a gRPC server at "
            f"{origin.describe()}; it cannot be imported here."
        )
    else:
        raise LoadError(f"Unknown origin {origin!r}.")
    return find_definitions(module, origin.attribute)
