"""A small made-up day, day_98 (doubling and squaring), for the kit's tests of the student's tools."""

STUB = '''# %% [markdown]
# # Day 98 — Doubling and squaring

# %% task="double" points=2
def double(x):
    """Twice x.

    Example:
        >>> double(3.0)
        6.0
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% task="square" points=1
def square(x):
    """x times x.

    Example:
        >>> square(4.0)
        16.0
    """
    # YOUR CODE HERE
    raise NotImplementedError()
'''

TODO = "    # YOUR CODE HERE\n    raise NotImplementedError()"
