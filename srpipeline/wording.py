"""Words for counts in what a person reads: one or many."""


def counted(count: int, one: str, many: str) -> str:
    """``1 order has`` / ``3 orders have``: ``one`` and ``many`` hold the noun (and the verb)."""
    return f"{count} {one if count == 1 else many}"
