"""Submissions written the way a careless or a hostile student would write them, for the tests of the
grader's promises (test_parity, test_leaks).

Each attack is Python appended to a day's reference solution: it wraps every task function of the day
(``TASKS``), as a student's last cell could, so that one submission per day and attack exercises every
check of the day. Nothing here knows how the grader works: the attacks use only what any Python code
can do with its arguments, its results and its process.
"""

from pathlib import Path

from daykit.authoring.model import load_day
from daykit.course import Course

COURSE = Course.here()

WRAP = """

def _wrap_every_task(make):
    for _name in TASKS:
        globals()[_name] = make(globals()[_name])
"""

# Changes every array, list and dict argument in place after computing the (right) answer.
MUTATE = WRAP + """
import numpy as _np


def _spoil(value):
    if isinstance(value, _np.ndarray) and value.flags.writeable and value.dtype.kind in "iuf":
        value[...] = value * 2 + 1
    elif isinstance(value, list):
        value.append(0.5)
    elif isinstance(value, dict):
        for item in list(value.values()):
            _spoil(item)
        value["spoiled"] = 1.0


def _mutating(function):
    def task(*args, **kwargs):
        result = function(*args, **kwargs)
        for value in (*args, *kwargs.values()):
            _spoil(value)
        return result
    return task


_wrap_every_task(_mutating)
"""

# Raises with its arguments in the message (what a student debugging with print-in-exceptions writes).
ECHO = WRAP + """

def _echoing(function):
    def task(*args, **kwargs):
        raise ValueError(f"called with {args!r} and {kwargs!r}")
    return task


_wrap_every_task(_echoing)
"""

# The right answer in the wrong types: lists for arrays, strings for numbers, lists for tuples.
WRONG_TYPES = WRAP + """
import numpy as _np


def _loosely(value):
    if isinstance(value, _np.ndarray):
        return value.tolist()
    if isinstance(value, (float, _np.floating)):
        return str(float(value))
    if isinstance(value, tuple):
        return [_loosely(v) for v in value]
    if isinstance(value, dict):
        return {k: _loosely(v) for k, v in value.items()}
    return value


def _loose(function):
    def task(*args, **kwargs):
        return _loosely(function(*args, **kwargs))
    return task


_wrap_every_task(_loose)
"""

# The right answer, with every array a subclass of ndarray and every float a subclass of float.
SUBCLASS = WRAP + """
import numpy as _np


class Tagged(_np.ndarray):
    pass


class TaggedFloat(float):
    pass


def _tagged(value):
    if isinstance(value, _np.ndarray):
        return value.view(Tagged)
    if isinstance(value, float):
        return TaggedFloat(value)
    if isinstance(value, tuple):
        return tuple(_tagged(v) for v in value)
    if isinstance(value, list):
        return [_tagged(v) for v in value]
    if isinstance(value, dict):
        return {k: _tagged(v) for k, v in value.items()}
    return value


def _tag(function):
    def task(*args, **kwargs):
        return _tagged(function(*args, **kwargs))
    return task


_wrap_every_task(_tag)
"""

# Wrong answers (zeros) that claim to equal anything: == is always True, a difference is always zero.
LIARS = WRAP + """
import numpy as _np
import sympy as _sp


class LyingArray(_np.ndarray):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __sub__(self, other):
        return _np.zeros(self.shape).view(LyingArray)

    __rsub__ = __sub__

    def __abs__(self):
        return _np.zeros(self.shape).view(LyingArray)

    def astype(self, *args, **kwargs):
        return self

    __hash__ = None


class LyingFloat(float):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __sub__(self, other):
        return LyingFloat(0.0)

    __rsub__ = __sub__

    def __abs__(self):
        return LyingFloat(0.0)

    __hash__ = float.__hash__


class LyingSymbol(_sp.Symbol):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __sub__(self, other):
        return _sp.S.Zero

    __rsub__ = __sub__
    __hash__ = _sp.Symbol.__hash__


def _lie(value):
    if isinstance(value, _np.ndarray):
        return _np.zeros(value.shape).view(LyingArray)
    if isinstance(value, (bool, _np.bool_)):
        return value
    if isinstance(value, (int, float, _np.integer, _np.floating)):
        return LyingFloat(0.0)
    if isinstance(value, _sp.MatrixBase):
        return _sp.zeros(*value.shape)
    if isinstance(value, _sp.Basic):
        return LyingSymbol("x")
    if isinstance(value, tuple):
        return tuple(_lie(v) for v in value)
    if isinstance(value, list):
        return [_lie(v) for v in value]
    if isinstance(value, dict):
        return {k: _lie(v) for k, v in value.items()}
    return value


def _lying(function):
    def task(*args, **kwargs):
        return _lie(function(*args, **kwargs))
    return task


_wrap_every_task(_lying)
"""

# An object of its own that claims to equal everything, in place of every answer.
ANYTHING = WRAP + """

class Anything:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__

    def __repr__(self):
        return "Anything()"


def _anything(function):
    def task(*args, **kwargs):
        function(*args, **kwargs)
        return Anything()
    return task


_wrap_every_task(_anything)
"""

ATTACKS = {
    "mutate": MUTATE,
    "echo": ECHO,
    "wrong_types": WRONG_TYPES,
    "subclass": SUBCLASS,
    "liars": LIARS,
    "anything": ANYTHING,
}


def attacked(day: str, attack: str) -> str:
    """The day's reference solution with ``attack`` (a name in ATTACKS, or code) applied to every task."""
    tasks = [t.name for t in load_day(COURSE, day).tasks]
    reference = COURSE.solution(day).read_text(encoding="utf-8")
    return f"{reference}\n\n# %%\nTASKS = {tasks!r}\n{ATTACKS.get(attack, attack)}"


def write_attacks(folder: Path, day: str, attacks=ATTACKS) -> dict[str, Path]:
    """One submission file per attack, ``folder/<day>/<attack>.py``."""
    paths = {}
    for attack in attacks:
        path = folder / day / f"{attack}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(attacked(day, attack), encoding="utf-8")
        paths[attack] = path
    return paths
