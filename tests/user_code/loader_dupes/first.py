from headwater import asset


@asset
def orders() -> int:
    return 1
