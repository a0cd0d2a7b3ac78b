"""Known mistakes re-implemented by hand, in code unlike the variant's: ``HAND_WRITTEN[day][(task, why)]``
is a function's source making the mistake the variant ``why`` of ``task`` describes."""

HAND_WRITTEN: dict[str, dict[tuple[str, str], str]] = {}
