"""Validating the config a definition (op, logger, executor) receives from run config."""

from __future__ import annotations

from typing import Any

from headwater.errors import ConfigError

__all__ = ["validate_definition_config"]


def validate_definition_config(owner: object, schema: Any, given: Any, where: str,
                               path: str) -> Any:
    """``given`` validated against ``schema`` (old-style or a ``Config`` class), defaults filled.

    ``where`` names the owner in the message (``logger 'file' of job 'j'``); ``path`` is where
    the value sits in run config (``loggers.file.config``), and every problem names its path
    below it.

    Raises:
        ConfigError: ``given`` does not fit (``DagsterInvalidConfigError`` for old-style
            schemas, listing every problem), or config was given to a definition taking none.
    """
    if schema is None:
        if given not in (None, {}):
            raise ConfigError(
                f"Run config sets {path} for {where}, which takes no config. Remove it from "
                "the run config."
            )
        return None
    from headwater.definitions.config.schema_types import schema_field

    field = schema_field(owner, schema)
    if field is not None:
        from headwater.definitions.config.schema_validation import validate_field

        return validate_field(field, given, where, path=path)
    from headwater.definitions.config.pythonic import config_model_from_schema, validate_config

    model = schema if isinstance(schema, type) and hasattr(schema, "model_validate") else None
    if model is None:
        model = config_model_from_schema(schema, "definition_config")
    return validate_config(model, given, where)
