"""Alembic's environment script: Alembic runs this file to apply headwater's migrations.

headwater runs its migrations programmatically (``headwater instance migrate``, or
:func:`headwater.storage.migrations.upgrade`) and hands Alembic an open connection; there is
no ``alembic.ini`` to write.
"""

from __future__ import annotations

from alembic import context

from headwater.storage.migrations import run_environment

if hasattr(context, "config"):  # run by Alembic (a plain import does nothing)
    run_environment()
