"""Known-wrong and alternative-correct implementations of a day's tasks, for testing its checks.

``variants/day_NN.py`` defines each variant as a function named like the task, decorated with
``@wrong(task, why)`` or ``@right(task, why)``; a variant replaces the reference function of its task
in an otherwise correct solution. Every wrong variant must fail a check; every right one must pass all.
"""

from __future__ import annotations

import inspect
import textwrap
import types
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from daykit.checking.loading import load_module


@dataclass(frozen=True)
class Variant:
    task: str
    correct: bool
    why: str
    function: Callable

    @property
    def label(self) -> str:
        return f"{self.task}: {'right' if self.correct else 'wrong'}: {self.why}"

    @property
    def slug(self) -> str:
        words = "".join(ch if ch.isalnum() else "_" for ch in self.why.lower()).split("_")
        return f"{'right' if self.correct else 'wrong'}_{self.task}_{'_'.join(w for w in words if w)[:40]}"

    def bound(self, namespace: dict) -> Callable:
        """The variant as it would run inside a solution: names it does not define itself (other
        tasks, helpers) resolve in ``namespace`` first, then in the variants file."""
        function = self.function
        scope = {**function.__globals__, **namespace, "__name__": function.__globals__["__name__"]}
        bound = types.FunctionType(function.__code__, scope, function.__name__, function.__defaults__,
                                   function.__closure__)
        bound.__kwdefaults__ = function.__kwdefaults__
        return bound

    def source(self) -> str:
        """The function's code without its decorator, as it would stand in a submission."""
        lines = textwrap.dedent(inspect.getsource(self.function)).splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("def "))
        return "\n".join(lines[start:]) + "\n"


_REGISTRY: dict[str, list[Variant]] = {}


def _register(task: str, correct: bool, why: str) -> Callable[[Callable], Callable]:
    def decorate(function: Callable) -> Callable:
        if function.__name__ != task:
            raise ValueError(f"a variant of {task} must be named {task}, not {function.__name__}")
        _REGISTRY.setdefault(function.__module__, []).append(Variant(task, correct, why, function))
        return function

    return decorate


def wrong(task: str, why: str) -> Callable[[Callable], Callable]:
    """Mark a known-wrong variant of ``task``; ``why`` says what is wrong with it."""
    return _register(task, False, why)


def right(task: str, why: str) -> Callable[[Callable], Callable]:
    """Mark an alternative-correct variant of ``task``; ``why`` says how it differs."""
    return _register(task, True, why)


def load_variants(path: Path) -> list[Variant]:
    """Every variant a variants file defines, in the order it defines them."""
    module = load_module(path, f"daykit_variants_{path.stem}")
    return list(_REGISTRY.pop(module.__name__, []))
