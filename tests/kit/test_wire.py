"""The worker → grader wire format: every plain value survives the trip, and nothing a hostile worker
sends can become anything but a plain value or a WireError.

The property tests are derandomised: every run draws the same examples, so a run's time is known.
"""

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from daykit.grading.wire import Unsendable, WireError, decode, dumps, encode, loads

PLAIN = (type(None), bool, int, float, complex, str, list, tuple, dict, np.ndarray, np.generic, sp.Basic,
         sp.MatrixBase)


def trip(value):
    return decode(loads(dumps(encode(value))))


def same(a, b) -> bool:
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape and np.array_equal(
            a, b, equal_nan=a.dtype.kind in "fc")
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


arrays = hnp.arrays(
    dtype=st.sampled_from([np.float64, np.float32, np.int64, np.int32, np.uint8, np.bool_, np.complex128]),
    shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=4),
)
leaves = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | arrays
values = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=4) | st.lists(inner, max_size=4).map(tuple)
    | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@given(values)
@settings(max_examples=300, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
def test_every_plain_value_survives_the_trip(value):
    assert same(value, trip(value))


x, y = sp.symbols("x y")
expressions = st.recursive(
    st.sampled_from([x, y, sp.Integer(3), sp.Rational(-2, 7), sp.Float(0.125), sp.pi, sp.E]),
    lambda inner: st.tuples(inner, inner).map(lambda p: p[0] + p[1])
    | st.tuples(inner, inner).map(lambda p: p[0] * p[1])
    | st.tuples(inner, st.integers(-4, 4)).map(lambda p: p[0] ** p[1])
    | inner.map(sp.sin) | inner.map(sp.exp) | inner.map(sp.log),
    max_leaves=6,
)


@given(expressions)
@settings(max_examples=200, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
def test_every_sympy_expression_comes_back_with_the_same_structure(expr):
    assert trip(expr) == expr


def test_matrices_scalars_and_symbols_with_assumptions():
    matrix = sp.Matrix([[x, 1], [sp.Rational(1, 2), sp.exp(-y)]])
    assert trip(matrix) == matrix
    assert trip(np.float32(2.5)) == np.float32(2.5) and trip(np.float32(2.5)).dtype == np.float32
    assert trip(sp.Symbol("x", positive=True)) == x  # matched by name, assumptions dropped


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["$int", "$float", "$complex", "$array", "$scalar", "$tuple", "$dict", "$matrix", "$sympy",
                         "other"]) | st.text(max_size=6), inner, max_size=2),
    max_leaves=25,
)


@given(json_values)
@settings(max_examples=600, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
def test_anything_a_worker_sends_is_a_plain_value_or_a_wire_error(message):
    try:
        value = decode(message)
    except WireError:
        return
    assert isinstance(value, PLAIN)


@pytest.mark.parametrize(
    "message",
    [
        {"$sympy": ["Pow", ["Integer", "10"], ["Integer", "1000000000"]]},  # a number too large to build
        {"$sympy": ["Symbol", "x); __import__('os').system('true'"]},  # a name that is code
        {"$sympy": ["Function", ["Symbol", "x"]]},  # a class that is not on the list
        {"$sympy": ["Integer", "9" * 5000]},
        {"$array": ["|O", [1], "AAAAAAAAAAA="]},  # an object array
        {"$array": ["<f8", [1000, 1000], "AAAAAAAAAAA="]},  # a shape the data does not fill
        {"$array": ["<f8", [1], "not base64!"]},
        {"$matrix": [2, 2, [["Integer", "1"]]]},
        {"$tuple": "not a list"},
        {"$dict": [[1, 2]]},
        {"unknown": 1},
        {"$int": "12abc"},
        "x" * 200_000,
    ],
    ids=["huge power", "code as a name", "unlisted class", "huge integer", "object array", "short data",
         "bad base64", "short matrix", "tuple not a list", "dict key not a string", "unknown tag", "bad int",
         "long string"],
)
def test_hostile_messages_are_refused(message):
    with pytest.raises(WireError):
        decode(message)


def test_deep_nesting_is_refused_not_a_crash():
    message = []
    for _ in range(5000):
        message = [message]
    with pytest.raises(WireError):
        decode(message)


@pytest.mark.parametrize("value", [object(), lambda: 1, (i for i in range(3)), {1: "a"}, np.array([object()]),
                                   sp.Function("f")(x)])
def test_what_is_not_plain_data_cannot_be_sent(value):
    with pytest.raises(Unsendable):
        encode(value)


def test_a_piecewise_answer_and_a_long_double_array_cross_as_they_are_judged_in_process():
    x = sp.Symbol("x")
    piecewise = sp.Piecewise((x * (3 * x - 4), x < 0), (0, sp.And(x >= 0, sp.Ne(x, 2))), (1, True))
    assert decode(loads(dumps(encode(piecewise)))) == piecewise
    extended = np.array([1.5, 2.25], dtype=np.longdouble)
    back = decode(loads(dumps(encode(extended))))
    assert back.dtype == np.float64 and back.tolist() == [1.5, 2.25]
    not_a_condition = ["Piecewise", ["ExprCondPair", ["Symbol", "x"], ["Integer", "3"]]]
    for forged in (not_a_condition, ["StrictLessThan", ["Symbol", "x"]]):
        with pytest.raises(WireError):
            decode({"$sympy": forged})


def test_an_array_reaches_the_worker_as_numpys_own_pickling_gives_it():
    """The grader sends arrays of numbers by their bytes (session.array_reduction), others as NumPy pickles
    them; either way the worker gets what NumPy's pickling gives: the same values, dtype, shape, layout."""
    import io
    import pickle

    from daykit.grading import session, worker

    arrays = [np.arange(6.0).reshape(2, 3), np.asfortranarray(np.arange(6.0).reshape(2, 3)), np.array(3.0),
              np.zeros((0, 3)), np.array([1, 2], dtype=">i4"), np.array([True]), np.array([1 + 2j]),
              np.arange(10)[::2], np.array(["a"]), np.array([1, None], dtype=object),
              np.arange(24.0).reshape(2, 3, 4).transpose(2, 0, 1), np.float64(2.0)]
    for array in arrays:
        got = worker._Unpickler(io.BytesIO(session.dumps(("reply", {"value": array})))).load()[1]["value"]
        expected = pickle.loads(pickle.dumps(array, protocol=pickle.HIGHEST_PROTOCOL))
        assert type(got) is type(expected) and got.dtype == expected.dtype and got.shape == expected.shape
        assert np.array_equal(np.asarray(got), np.asarray(expected))
        if isinstance(got, np.ndarray):
            assert got.flags.writeable
            assert (got.flags.c_contiguous, got.flags.f_contiguous) == (expected.flags.c_contiguous,
                                                                        expected.flags.f_contiguous)


def test_a_sympy_float_beyond_the_range_of_a_double_comes_back():
    big = sp.exp(sp.Float(4096.0))  # a 53-bit SymPy Float of about 7.4e1778, which no Python float holds
    assert trip(big) == big and trip(-big) == -big
