"""The data that crosses between the grader and a student's worker process.

Grader → worker: trusted plain data (the arguments of a call, what a callback returned), pickled; a
callable that a check passes in travels only when it is a visible check's and keeps no state, else the
worker gets a stand-in that calls back (session.py).
Worker → grader: JSON only, never pickle. ``encode`` runs in the worker; ``decode`` runs in the grader
and trusts nothing: every value is rebuilt from an allow-list of types (numbers, strings, lists,
tuples, dicts, NumPy arrays of numbers, SymPy expressions and matrices), within limits on size and
depth, so that a hostile process can only ever send back a plain value. The one exception is a
handle (``{"$handle": n}``): while a check's callable runs on objects of the submission's own (a
dual number, say), the worker sends a number for each, and the grader's stand-in for it forwards
every operation back to the worker; ``decode`` accepts handles only where the caller asks for them.
"""

from __future__ import annotations

import base64
import json
import math
import re

import mpmath
import numpy as np
import sympy as sp
from sympy.functions.elementary.piecewise import ExprCondPair

MAX_DEPTH = 40
MAX_NODES = 200_000
MAX_STRING = 100_000
MAX_ARRAY_BYTES = 64 * 1024 * 1024
MAX_DIGITS = 400
MAX_EXPONENT = 10_000
DTYPES = {
    np.dtype(name).str: np.dtype(name)
    for name in ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                 "float16", "float32", "float64", "complex64", "complex128"]
}
EXTENDED = {np.dtype(np.longdouble): np.dtype("float64"), np.dtype(np.clongdouble): np.dtype("complex128")}
SYMBOL_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,40}$")
NUMBER_TEXT = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")

FUNCTIONS = {
    cls.__name__: cls
    for cls in [
        sp.Add, sp.Mul, sp.Pow, sp.exp, sp.log, sp.sin, sp.cos, sp.tan, sp.cot, sp.sec, sp.csc,
        sp.asin, sp.acos, sp.atan, sp.sinh, sp.cosh, sp.tanh, sp.asinh, sp.acosh, sp.atanh,
        sp.Abs, sp.sign, sp.Heaviside, sp.Max, sp.Min, sp.floor, sp.ceiling, sp.erf, sp.atan2,
        # a piecewise answer: its pieces, and the conditions that choose them
        sp.Piecewise, sp.StrictLessThan, sp.LessThan, sp.StrictGreaterThan, sp.GreaterThan, sp.Equality,
        sp.Unequality, sp.And, sp.Or, sp.Not,
    ]
}
PAIR = "ExprCondPair"  # a piece of a Piecewise: (expression, condition), built without evaluate=
CONSTANTS = {
    "pi": sp.pi, "E": sp.E, "I": sp.I, "oo": sp.oo, "-oo": -sp.oo, "zoo": sp.zoo, "nan": sp.nan,
    "EulerGamma": sp.EulerGamma, "GoldenRatio": sp.GoldenRatio, "true": sp.true, "false": sp.false,
}
CONSTANT_NAMES = {id(v): k for k, v in CONSTANTS.items()}


class Unsendable(Exception):
    """A value that cannot be sent back as plain data (an object, a function, a generator...)."""


class WireError(Exception):
    """A message from a worker that is not well-formed plain data."""


# ------------------------------------------------------------------------------ encode (worker side)


def _encode_expr(expr) -> list:
    if isinstance(expr, sp.Symbol):
        return ["Symbol", expr.name]
    if isinstance(expr, sp.Integer):
        return ["Integer", str(int(expr))]
    if isinstance(expr, sp.Rational):
        return ["Rational", str(expr.p), str(expr.q)]
    if isinstance(expr, sp.Float):
        precision = int(expr._prec)
        if precision == 53 and math.isfinite(float(expr)):  # a double: repr gives back the very same number
            text = repr(float(expr))
        else:
            text = mpmath.libmp.to_str(expr._mpf_, mpmath.libmp.prec_to_dps(precision) + 3)
        return ["Float", text, precision]
    if id(expr) in CONSTANT_NAMES:
        return ["Const", CONSTANT_NAMES[id(expr)]]
    name = type(expr).__name__
    if name in FUNCTIONS or name == PAIR:
        return [name, *[_encode_expr(arg) for arg in expr.args]]
    raise Unsendable(f"a SymPy {name}, which the grader does not accept")


def encode(value, depth: int = 0, handle=None):
    """A JSON-ready form of a plain value; raises Unsendable for anything else, or, given ``handle``
    (a function that keeps an object and returns its number), sends that number in its place."""
    if handle is None:
        return _encode(value, depth, None)
    try:
        return _encode(value, depth, handle)
    except Unsendable:
        if depth > MAX_DEPTH:
            raise
        return {"$handle": handle(value)}


def _encode(value, depth: int, handle):
    if depth > MAX_DEPTH:
        raise Unsendable("a value nested too deeply")
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2**63 else {"$int": str(value)}
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$float": repr(float(value))}  # np.float64 too
    if isinstance(value, complex):
        return {"$complex": [_encode(value.real, depth + 1, None), _encode(value.imag, depth + 1, None)]}
    if isinstance(value, np.ndarray):
        if value.dtype in EXTENDED:  # long double: as the nearest doubles, which every check compares with
            value = value.astype(EXTENDED[value.dtype])
        if value.dtype.str not in DTYPES and np.dtype(value.dtype.str.replace(">", "<")).str not in DTYPES:
            raise Unsendable(f"a NumPy array of dtype {value.dtype}; only numbers and booleans can be sent")
        array = np.asarray(value, dtype=value.dtype.newbyteorder("<"))
        return {"$array": [array.dtype.str, list(array.shape), base64.b64encode(array.tobytes()).decode()]}
    if isinstance(value, np.generic):
        return {"$scalar": encode(np.asarray(value), depth + 1, handle)}
    if isinstance(value, tuple):
        return {"$tuple": [encode(v, depth + 1, handle) for v in value]}
    if isinstance(value, list):
        return [encode(v, depth + 1, handle) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise Unsendable("a dict whose keys are not all strings")
        return {"$dict": [[k, encode(v, depth + 1, handle)] for k, v in value.items()]}
    if isinstance(value, sp.MatrixBase):
        return {"$matrix": [value.rows, value.cols, [_encode_expr(sp.sympify(e)) for e in value]]}
    if isinstance(value, sp.Basic):
        return {"$sympy": _encode_expr(value)}
    raise Unsendable(f"a {type(value).__name__}")


def dumps(message) -> bytes:
    return json.dumps(message, allow_nan=False, separators=(",", ":")).encode()


# ------------------------------------------------------------------------------ decode (grader side)


class _Budget:
    def __init__(self) -> None:
        self.nodes = 0

    def spend(self) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise WireError("the value is too large")


def _integer(text) -> int:
    if not isinstance(text, str) or not re.fullmatch(rf"-?\d{{1,{MAX_DIGITS}}}", text):
        raise WireError("a malformed integer")
    return int(text)


def _decode_expr(node, budget: _Budget, depth: int):
    budget.spend()
    if depth > MAX_DEPTH * 4 or not isinstance(node, list) or not node or not isinstance(node[0], str):
        raise WireError("a malformed SymPy expression")
    head, args = node[0], node[1:]
    if head == "Symbol":
        if len(args) != 1 or not isinstance(args[0], str) or not SYMBOL_NAME.match(args[0]):
            raise WireError("a malformed symbol name")
        return sp.Symbol(args[0])
    if head == "Integer" and len(args) == 1:
        return sp.Integer(_integer(args[0]))
    if head == "Rational" and len(args) == 2:
        q = _integer(args[1])
        if q == 0:
            raise WireError("a rational with denominator zero")
        return sp.Rational(_integer(args[0]), q)
    if head == "Float" and len(args) == 2:
        text, precision = args
        if not isinstance(text, str) or not NUMBER_TEXT.match(text) or len(text) > MAX_DIGITS:
            raise WireError("a malformed float")
        if not isinstance(precision, int) or not 1 <= precision <= 2000:
            raise WireError("a malformed float precision")
        return sp.Float(text, precision=precision)
    if head == "Const" and len(args) == 1 and args[0] in CONSTANTS:
        return CONSTANTS[args[0]]
    if head == PAIR and len(args) == 2:
        piece, condition = (_decode_expr(a, budget, depth + 1) for a in args)
        if not isinstance(condition, (sp.logic.boolalg.Boolean, sp.core.relational.Relational)):
            raise WireError("a piece of a Piecewise whose condition is not a condition")
        return ExprCondPair(piece, condition)
    if head in FUNCTIONS:
        if not args or len(args) > 10_000:
            raise WireError(f"{head} with a wrong number of arguments")
        parts = [_decode_expr(a, budget, depth + 1) for a in args]
        if head == "Pow" and (len(parts) != 2 or (parts[1].is_Number and abs(parts[1]) > MAX_EXPONENT)):
            raise WireError("a power with an exponent out of range")
        try:
            return FUNCTIONS[head](*parts, evaluate=False)
        except (TypeError, ValueError) as exc:
            raise WireError(f"a malformed {head}: {exc}") from None
    raise WireError(f"an expression node {head!r} that is not accepted")


def _decode_array(spec, budget: _Budget) -> np.ndarray:
    if not (isinstance(spec, list) and len(spec) == 3):
        raise WireError("a malformed array")
    dtype_text, shape, data = spec
    if dtype_text not in DTYPES:
        raise WireError("an array of an unaccepted dtype")
    if not (isinstance(shape, list) and len(shape) <= 32 and all(isinstance(s, int) and s >= 0 for s in shape)):
        raise WireError("an array with a malformed shape")
    if not isinstance(data, str) or len(data) > MAX_ARRAY_BYTES * 4 // 3 + 8:
        raise WireError("an array that is too large")
    dtype = DTYPES[dtype_text]
    raw = base64.b64decode(data, validate=True)
    if len(raw) != math.prod(shape) * dtype.itemsize:
        raise WireError("an array whose data does not match its shape")
    budget.spend()
    return np.frombuffer(raw, dtype=dtype).reshape(shape).astype(dtype.newbyteorder("="), copy=True)


def _decode(value, budget: _Budget, depth: int, handles=None):
    budget.spend()
    if depth > MAX_DEPTH:
        raise WireError("a value nested too deeply")
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        if len(value) > MAX_STRING:
            raise WireError("a string that is too long")
        return value
    if isinstance(value, list):
        return [_decode(v, budget, depth + 1, handles) for v in value]
    if not isinstance(value, dict) or len(value) != 1:
        raise WireError("a malformed value")
    (tag, body), = value.items()
    if tag == "$int":
        return _integer(body)
    if tag == "$float" and body in ("inf", "-inf", "nan"):
        return float(body)
    if tag == "$complex" and isinstance(body, list) and len(body) == 2:
        real, imag = (_decode(v, budget, depth + 1, handles) for v in body)
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (real, imag)):
            raise WireError("a malformed complex number")
        return complex(real, imag)
    if tag == "$array":
        return _decode_array(body, budget)
    if tag == "$scalar" and isinstance(body, dict) and set(body) == {"$array"}:
        array = _decode_array(body["$array"], budget)
        if array.shape != ():
            raise WireError("a malformed scalar")
        return array[()]
    if tag == "$tuple" and isinstance(body, list):
        return tuple(_decode(v, budget, depth + 1, handles) for v in body)
    if tag == "$dict" and isinstance(body, list):
        out = {}
        for item in body:
            if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)):
                raise WireError("a malformed dict")
            out[item[0]] = _decode(item[1], budget, depth + 1, handles)
        return out
    if tag == "$matrix" and isinstance(body, list) and len(body) == 3:
        rows, cols, entries = body
        if not (isinstance(rows, int) and isinstance(cols, int) and 0 <= rows <= 1000 and 0 <= cols <= 1000):
            raise WireError("a malformed matrix")
        if not isinstance(entries, list) or len(entries) != rows * cols:
            raise WireError("a matrix whose entries do not match its shape")
        return sp.Matrix(rows, cols, [_decode_expr(e, budget, 0) for e in entries])
    if tag == "$sympy":
        return _decode_expr(body, budget, 0)
    if tag == "$handle" and handles is not None and isinstance(body, int) and not isinstance(body, bool):
        return handles(body)
    raise WireError(f"a value tagged {tag!r} that is not accepted")


def decode(value, handles=None):
    """Rebuild a plain value from its JSON form; raises WireError for anything else. Given ``handles``
    (a function from a handle's number to the grader's stand-in for that object), handles are accepted."""
    try:
        return _decode(value, _Budget(), 0, handles)
    except WireError:
        raise
    except RecursionError:
        raise WireError("a value nested too deeply") from None
    except (ValueError, TypeError, ArithmeticError, MemoryError) as exc:  # base64, SymPy or NumPy refusing it
        raise WireError(f"a malformed value ({type(exc).__name__})") from None


def loads(data: bytes):
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise WireError(f"a message that is not JSON: {exc}") from None
