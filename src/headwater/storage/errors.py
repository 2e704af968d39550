"""Errors of the instance and its storage.

The tree (all under :class:`headwater.errors.HeadwaterError`)::

    InstanceConfigError          headwater.yaml is malformed or names an unset variable
    StorageError                 the instance storage cannot be used as asked
    ├── StorageConnectionError       the database server cannot be reached
    ├── NotAHeadwaterDatabaseError   a file that is not a database, or another program's one
    ├── SchemaOutdatedError          the schema is older than the code: run a migration
    ├── SchemaTooNewError            the schema was written by a newer headwater
    └── RunAlreadyExistsError        ``add_run`` with a run id that is already stored
"""

from __future__ import annotations

from headwater.errors import HeadwaterError


class InstanceConfigError(HeadwaterError):
    """``headwater.yaml`` is malformed; the message names the file, line and key."""


class StorageError(HeadwaterError):
    """The instance storage cannot be used as asked."""


class StorageConnectionError(StorageError):
    """The storage database cannot be reached; the message names host and port."""


class NotAHeadwaterDatabaseError(StorageError):
    """The SQLite file is corrupt, not a database, or holds another program's tables."""


class SchemaOutdatedError(StorageError):
    """The database schema is older than this headwater; ``headwater instance migrate``."""


class SchemaTooNewError(StorageError):
    """The database schema was written by a newer headwater than this one."""


class RunAlreadyExistsError(StorageError):
    """A run with this id is already stored."""
