"""``ConfigurableLegacyIOManagerAdapter``: a ``@io_manager`` definition as a configurable class."""

from __future__ import annotations

from headwater.definitions.config.configurable import ConfigurableIOManagerFactory
from headwater.definitions.config.io_managers import IOManager, IOManagerDefinition
from headwater.definitions.config.pythonic import config_to_dict
from headwater.definitions.config.resources import InitResourceContext
from headwater.errors import InvalidDefinitionError, user_code_boundary

__all__ = ["ConfigurableLegacyIOManagerAdapter"]


class ConfigurableLegacyIOManagerAdapter(ConfigurableIOManagerFactory):
    """Wrap an existing ``@io_manager`` so that it is configured by typed fields.

    Subclass it, declare the wrapped manager's config as fields and return the definition
    from the ``wrapped_io_manager`` property; the definition's function receives the fields'
    values as ``context.resource_config``.
    """

    @property
    def wrapped_io_manager(self) -> IOManagerDefinition:
        """The ``@io_manager`` definition to build."""
        raise NotImplementedError(
            f"{type(self).__name__} must define the wrapped_io_manager property, returning the "
            "@io_manager definition it adapts."
        )

    def create_io_manager(self, context: InitResourceContext) -> IOManager:
        """Build the wrapped manager with this instance's field values as its config."""
        wrapped = self.wrapped_io_manager
        if not isinstance(wrapped, IOManagerDefinition):
            raise InvalidDefinitionError(
                f"{type(self).__name__}.wrapped_io_manager returned {wrapped!r}; return an "
                "@io_manager definition."
            )
        inner = InitResourceContext(
            resource_config=config_to_dict(self),
            resources=context.resources,
            log=context.log,
            instance=context.instance,
            run_id=context.run_id,
            resource_def=wrapped,
        )
        with user_code_boundary(f"IO manager {wrapped!r}"):
            manager = wrapped(inner)
        if not hasattr(manager, "load_input"):
            raise InvalidDefinitionError(
                f"The IO manager function of {type(self).__name__} returned {manager!r}, "
                "which has no load_input/handle_output; return an IOManager."
            )
        return manager  # type: ignore[no-any-return]
