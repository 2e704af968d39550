"""headwater.storage: the instance and its SQL storage (SQLite or PostgreSQL).

Import from the modules: :mod:`headwater.storage.instance` (``Instance``),
:mod:`headwater.storage.sql_storage` (``SqlStorage``), :mod:`headwater.storage.config`.
"""
