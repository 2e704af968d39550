"""A code location with an observable source asset whose data version is the first line of a file
(``$OBSERVED_FILE``), an asset computed from it (loaded by an IO manager reading that file) and
an observation job."""

import os
from pathlib import Path

from headwater import (
    ConfigurableIOManager,
    DataVersion,
    Definitions,
    asset,
    define_asset_job,
    observable_source_asset,
)


def _feed() -> Path:
    return Path(os.environ["OBSERVED_FILE"])


class FeedLoader(ConfigurableIOManager):
    """Loads the source's value: the lines of the observed file."""

    def handle_output(self, context, obj) -> None:  # noqa: ANN001 - user-code style
        raise NotImplementedError("the feed is written outside headwater")

    def load_input(self, context) -> list[str]:  # noqa: ANN001
        return _feed().read_text().splitlines()


@observable_source_asset(io_manager_key="feed_loader", group_name="feeds",
                         description="A file written by another system.")
def orders_feed() -> DataVersion:
    return DataVersion(_feed().read_text().splitlines()[0])


@asset(group_name="feeds", code_version="1")
def order_count(orders_feed: list[str]) -> int:
    return len(orders_feed)


defs = Definitions(
    assets=[orders_feed, order_count],
    jobs=[define_asset_job("observe_feeds", selection=["orders_feed"])],
    resources={"feed_loader": FeedLoader()},
)
