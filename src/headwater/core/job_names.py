"""Reserved job names that the host side recognises without importing definitions."""

from __future__ import annotations

#: The implicit job over every asset of a repository.
IMPLICIT_ASSET_JOB_NAME = "__ASSET_JOB"
#: Prefix of the jobs made for schedules and sensors that target an asset selection.
ANONYMOUS_ASSET_JOB_PREFIX = "__anonymous_asset_job"
