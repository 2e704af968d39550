from headwater import asset


@asset(name="orders")
def other_orders() -> int:
    return 2
