"""Location B's ``helpers``: same module name as location A's, different content."""

from headwater import asset


@asset
def only_in_b() -> int:
    return 2
