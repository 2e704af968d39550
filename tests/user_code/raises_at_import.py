"""A location whose module raises while it is imported."""

from headwater import Definitions


def read_settings() -> dict[str, str]:
    raise ValueError("settings.toml has no [orders] section")


settings = read_settings()
defs = Definitions()
