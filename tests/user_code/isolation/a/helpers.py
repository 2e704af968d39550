"""Location A's ``helpers``: same module name as location B's, different content."""

from headwater import asset


@asset
def only_in_a() -> int:
    return 1
