"""Metadata values that point elsewhere: a run (``DagsterRunMetadataValue``) and the source code
of an asset (``CodeReferencesMetadataValue`` holding ``LocalFileCodeReference`` /
``UrlCodeReference``), plus the path mappings that turn local files into repository paths."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Union

from headwater.core.frozen import FrozenRecord
from headwater.definitions.metadata.values import MetadataValue
from headwater.errors import InvalidDefinitionError

#: The metadata key holding an asset's code references (Dagster's).
CODE_REFERENCES_KEY = "dagster/code_references"

_set = object.__setattr__


class DagsterRunMetadataValue(MetadataValue, FrozenRecord):
    """A reference to a run, shown as a link to it; ``value`` is the run id."""

    __slots__ = ("run_id",)
    kind: ClassVar[str] = "dagster_run"
    run_id: str

    def __init__(self, run_id: str) -> None:
        if not isinstance(run_id, str) or not run_id:
            raise InvalidDefinitionError(
                f"MetadataValue.dagster_run takes a run id (a string); got {run_id!r}.")
        _set(self, "run_id", run_id)

    @property
    def value(self) -> str:
        """The run's id."""
        return self.run_id


@dataclass(frozen=True, kw_only=True)
class LocalFileCodeReference:
    """A place in a local source file: its absolute path and, optionally, a line."""

    file_path: str
    line_number: int | None = None
    label: str | None = None


@dataclass(frozen=True, kw_only=True)
class UrlCodeReference:
    """Source code at a URL (a file in a hosted repository, say)."""

    url: str
    label: str | None = None


CodeReference = Union[LocalFileCodeReference, UrlCodeReference]


class CodeReferencesMetadataValue(MetadataValue, FrozenRecord):
    """Where an asset's code lives; ``value`` is this object (``code_references`` the list)."""

    __slots__ = ("code_references",)
    kind: ClassVar[str] = "code_references"
    code_references: tuple[CodeReference, ...]

    def __init__(self, *, code_references: Sequence[CodeReference]) -> None:
        for reference in code_references:
            if not isinstance(reference, (LocalFileCodeReference, UrlCodeReference)):
                raise InvalidDefinitionError(
                    "CodeReferencesMetadataValue takes LocalFileCodeReference and "
                    f"UrlCodeReference objects; got {type(reference).__name__}.")
        _set(self, "code_references", tuple(code_references))

    @property
    def value(self) -> CodeReferencesMetadataValue:
        """This value itself."""
        return self


class FilePathMapping(ABC):
    """Turns a local file's path into its path in a source control repository."""

    @abstractmethod
    def convert_to_source_control_path(self, local_path: Path) -> str:
        """The path of ``local_path`` relative to the repository's root."""


@dataclass(frozen=True)
class AnchorBasedFilePathMapping(FilePathMapping):
    """Maps paths relative to one anchor: a local file or folder and where it is in the
    repository (``local_file_anchor=Path(__file__)``, ``file_anchor_path_in_repository=
    "src/my_project/definitions.py"``)."""

    local_file_anchor: Path
    file_anchor_path_in_repository: str

    def convert_to_source_control_path(self, local_path: Path) -> str:
        """``local_path`` placed relative to the anchor's place in the repository."""
        relative = os.path.relpath(local_path, self.local_file_anchor)
        return os.path.normpath(os.path.join(self.file_anchor_path_in_repository, relative))
