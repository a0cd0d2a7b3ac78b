"""A notebook's code cells run as IPython runs them, with a stand-in for the kernel's shell.

Each cell goes through IPython's own input transformer (``TransformerManager().transform_cell``), the
one a kernel uses: ``%magic`` lines, ``%%cell magics``, ``!shell`` escapes and ``obj?`` help become calls
of ``get_ipython()``, and everything else (a continuation line that starts with ``!=``, a ``%`` inside
a string) stays as it is. The transformed cell runs in the notebook's namespace with :class:`Shell`
standing in for the kernel:

- harmless magics behave as in a kernel and cost nothing: ``%%time``/``%time`` run their code (and
  give back the value of a last expression), ``%timeit``/``%%timeit`` run their statement once, in a
  function's scope as IPython does, and with ``-o`` return IPython's ``TimeitResult``; ``%%capture``
  runs its cell and stores what it printed; ``%prun`` runs its statement; ``%matplotlib``,
  ``%precision``, ``%config``, ``%load_ext``, ``%autoreload``, ``obj?``/``obj??`` help, ``%%html`` and
  the other display-only magics do nothing; ``display`` is a builtin that shows nothing;
- shell escapes (``!ls``, ``files = !ls``, ``%sx``, ``%system``, ``%%bash``, ``%%script``) and magics that
  reach outside the notebook (``%pip``, ``%run``, ``%cd``, ``%%writefile``, ``%env``, ...) are not run:
  they return nothing (None, or an empty list where IPython returns command output) and each leaves
  a note ("shell command not run: !ls") that the caller reports;
- a magic that IPython does not have raises IPython's own UsageError, as in a kernel.

The grader runs this inside the worker, on the student's code; a student's own ``daykit check`` and
``pytest --target notebook.ipynb`` run it in their process (``loading.load_target``). Both use the same
transformation, so every tool agrees on what a notebook defines.
"""

from __future__ import annotations

import ast
import builtins
import functools
import itertools
import re
import sys
import time

MAX_NOTES = 20
MAX_NOTE_CHARS = 200

# Run as in a kernel (their code runs once, at no extra cost).
RUN_LINE = frozenset({"time", "timeit", "prun"})
RUN_CELL = frozenset({"time", "timeit", "capture", "prun"})
# Change only what a kernel shows or how it behaves interactively: nothing to do here.
QUIET_LINE = frozenset({
    "matplotlib", "precision", "config", "load_ext", "unload_ext", "reload_ext", "autoreload", "aimport",
    "xmode", "pdb", "colors", "pinfo", "pinfo2", "pdoc", "pdef", "psource", "psearch", "pprint", "page",
    "who", "whos", "lsmagic", "magic", "quickref", "automagic", "autocall", "autoawait", "doctest_mode",
    "tb", "debug", "gui", "autosave", "connect_info", "history", "hist", "logstate", "code_wrap",
})
QUIET_CELL = frozenset({"html", "HTML", "javascript", "js", "latex", "markdown", "svg", "SVG", "code_wrap"})
# Shell commands: IPython gives back their output as a list of lines.
SHELL_OUTPUT_LINE = frozenset({"sx", "system", "sc"})
SHELL_CELL = frozenset({"bash", "sh", "script", "sx", "system", "!", "perl", "ruby", "python", "python2",
                        "python3", "pypy"})
# Magics that ipykernel and IPython's default extensions and aliases add to IPython's own classes.
KERNEL_LINE = frozenset({
    "edit", "ed", "clear", "less", "more", "man", "connect_info", "qtconsole", "autosave", "subshell",
    "autoreload", "aimport", "store", "hist", "rep", "mkdir", "rmdir", "mv", "rm", "cp", "cat", "ls", "ll",
    "lf", "lk", "ldir", "lx",
})
KERNEL_CELL = frozenset({"SVG", "HTML", "file"}) | SHELL_CELL


@functools.cache
def _manager():
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager()


@functools.cache
def known_magics() -> tuple[frozenset[str], frozenset[str]]:
    """The line and cell magics a Jupyter kernel has: IPython's own, ipykernel's, and their aliases."""
    from IPython.core import magics

    line, cell = set(KERNEL_LINE), set(KERNEL_CELL)
    for name in dir(magics):
        table = getattr(getattr(magics, name), "magics", None)
        if isinstance(table, dict):
            line |= set(table.get("line", ()))
            cell |= set(table.get("cell", ()))
    return frozenset(line), frozenset(cell)


def preload() -> None:
    """Import what running a notebook's cells needs (a fork server calls this, so workers need not)."""
    _manager()
    known_magics()
    from IPython.core.error import UsageError  # noqa: F401
    from IPython.core.magics.execution import TimeitResult, TimeitTemplateFiller  # noqa: F401
    from IPython.utils.capture import capture_output  # noqa: F401
    from IPython.utils.text import SList  # noqa: F401


def transform(source: str) -> str:
    """``source`` as IPython would run it, its lines where they were in the cell.

    IPython drops a cell's leading blank lines; they are put back so that an error names the line of
    the cell it happened on. A transformer that fails leaves the cell as it is (compiling it then
    names the real syntax error).
    """
    source, manager = str(source), _manager()
    try:
        code = manager.transform_cell(source)
    except Exception:  # noqa: BLE001 - IPython's transformer on text it was never meant to see
        return source
    return "\n" * _leading_blank_lines(source) + code


def _leading_blank_lines(source: str) -> int:
    return len(list(itertools.takewhile(lambda line: not line.strip(), source.splitlines())))


def display(*objs, include=None, exclude=None, metadata=None, transient=None, display_id=None, raw=False,
            clear=False, **kwargs) -> None:
    """A kernel's ``display``: here there is no one to show the objects to, so it does nothing."""
    return None


def _split_options(line: str, with_value: str) -> tuple[dict[str, str], str]:
    """IPython's ``-x`` options at the start of a magic's line, and the rest of the line as written."""
    options, rest = {}, line.lstrip()
    while rest.startswith("-") and not re.match(r"-[\d.]", rest):
        token, _, after = rest.partition(" ")
        if token.startswith("--"):
            options[token[2:]] = ""
            rest = after.lstrip()
            continue
        letters, rest = token[1:], after.lstrip()
        for index, letter in enumerate(letters):
            if letter in with_value:
                value = letters[index + 1:]
                if not value:
                    value, _, rest = rest.partition(" ")
                    rest = rest.lstrip()
                options[letter] = value
                break
            options[letter] = ""
    return options, rest


class Shell:
    """The part of IPython's shell that a transformed cell calls, for one notebook's namespace."""

    def __init__(self, namespace: dict) -> None:
        self.user_ns = namespace
        self.notes: list[str] = []
        self._label = "<cell>"

    @property
    def user_global_ns(self) -> dict:
        return self.user_ns

    def install(self, into_builtins: bool = False) -> None:
        """Make what a kernel gives a notebook resolvable from the namespace's code: ``get_ipython`` (also
        as ``IPython.get_ipython``), ``In`` and ``Out``, and ``display`` and ``__IPYTHON__`` in the
        process's builtins (a worker) or in the namespace's own copy of them."""
        self.user_ns["get_ipython"] = self.get_ipython
        self.user_ns.setdefault("In", [""])
        self.user_ns.setdefault("Out", {})
        if into_builtins:
            builtins.display = display
            builtins.__IPYTHON__ = True
            self.user_ns["__builtins__"] = builtins
        else:
            self.user_ns["__builtins__"] = {**vars(builtins), "display": display, "__IPYTHON__": True}
        import IPython
        import IPython.core.getipython

        IPython.get_ipython = IPython.core.getipython.get_ipython = self.get_ipython

    # What matplotlib asks of a kernel's shell when pyplot is imported under IPython: nothing to do here.
    class _Events:
        def register(self, event: str, function) -> None:
            pass

        def unregister(self, event: str, function) -> None:
            pass

    events = _Events()

    def enable_gui(self, gui=None) -> None:
        pass

    def get_ipython(self) -> Shell:
        return self

    def note(self, text: str) -> None:
        text = text if len(text) <= MAX_NOTE_CHARS else text[: MAX_NOTE_CHARS - 3] + "..."
        if text not in self.notes and len(self.notes) < MAX_NOTES:
            self.notes.append(text)

    # ---------------------------------------------------------------------------------- running code

    def run(self, source: str, label: str, first_line: int = 1, history: bool = True) -> None:
        """Run one cell: transformed as IPython would, compiled under ``label`` with the cell's own line
        numbers (``first_line`` is the line the cell starts on), in the namespace. Raises what it raises.
        A cell of the notebook (not one a magic runs) is added to ``In``, as a kernel adds it."""
        if history and isinstance(self.user_ns.get("In"), list):
            self.user_ns["In"].append(source)
        saved, self._label = self._label, label
        try:
            code = compile("\n" * (first_line - 1) + transform(source), label, "exec")
            exec(code, self.user_ns)
        finally:
            self._label = saved

    def _parse(self, code: str, first_line: int) -> ast.Module:
        """A magic's code, transformed, with the line numbers it has in the running cell."""
        return ast.parse("\n" * (first_line - 1) + transform(code), self._label, "exec")

    def transform_cell(self, raw_cell: str) -> str:
        return transform(raw_cell)

    def ev(self, expr: str):
        return eval(expr, self.user_ns)

    def ex(self, cmd: str) -> None:
        exec(cmd, self.user_ns)

    def run_cell(self, raw_cell: str, store_history: bool = False, silent: bool = False, shell_futures: bool = True,
                 *, first_line: int = 1):
        """As IPython's: an error in the cell is reported (here, as a note), not raised."""
        try:
            self.run(raw_cell, self._label, first_line, history=False)
        except Exception as exc:  # noqa: BLE001 - a kernel shows it and carries on
            self.note(f"an error in a cell run by a magic: {type(exc).__name__}: {_text(exc)}")

    # ------------------------------------------------------------------------------ shell escapes

    def system(self, cmd: str) -> None:
        self.note(f"shell command not run: !{cmd}")
        return None

    def getoutput(self, cmd: str, split: bool = True, depth: int = 0):
        from IPython.utils.text import SList

        self.note(f"shell command not run: !{cmd}")
        return SList() if split else ""

    # ---------------------------------------------------------------------------------------- magics

    def magic(self, arg_s: str):
        name, _, line = str(arg_s).lstrip("%").partition(" ")
        return self.run_line_magic(name, line, _stack_depth=2)

    def find_magic(self, name: str, kind: str = "line"):
        line, cell = known_magics()
        return True if name in (line if kind == "line" else cell) else None

    def run_line_magic(self, magic_name: str, line: str, _stack_depth: int = 1):
        from IPython.core.error import UsageError

        name = str(magic_name)
        if name in RUN_LINE:
            frame = sys._getframe(_stack_depth)
            local_ns = frame.f_locals if frame.f_locals is not self.user_ns else None
            return getattr(self, f"_{name}")(line, None, local_ns, self._line_of(frame))
        if name in QUIET_LINE:
            return None
        if name not in known_magics()[0]:
            raise UsageError(f"Line magic function `%{name}` not found.")
        if name in SHELL_OUTPUT_LINE:
            self.note(f"shell command not run: %{name} {line}".rstrip())
            from IPython.utils.text import SList

            return SList()
        self.note(f"magic not run: %{name} {line}".rstrip())
        return None

    def run_cell_magic(self, magic_name: str, line: str, cell: str):
        from IPython.core.error import UsageError

        name = str(magic_name)
        if name in RUN_CELL:
            return getattr(self, f"_{name}")(line, cell, None, self._line_of(sys._getframe(1)))
        if name in QUIET_CELL:
            return None
        if name not in known_magics()[1]:
            raise UsageError(f"Cell magic `%%{name}` not found.")
        what = "shell command" if name in SHELL_CELL else "magic"
        self.note(f"{what} not run: %%{name} {line}".rstrip())
        return None

    def _line_of(self, frame) -> int:
        """The line of the running cell that called a magic (1 when the call came from elsewhere)."""
        return frame.f_lineno if frame.f_code.co_filename == self._label else 1

    def _time(self, line: str, cell: str | None, local_ns: dict | None, at: int):
        """IPython's %time and %%time: the code runs once; the value of a last expression comes back."""
        from IPython.core.error import UsageError

        options, line = _split_options(line, "")
        if line.strip() and cell:
            raise UsageError("Can't use statement directly after '%%time'!")
        tree = self._parse(cell, at + 1) if cell else self._parse(line, at)
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = ast.Expression(tree.body.pop().value)
        try:
            exec(compile(tree, self._label, "exec"), self.user_ns, local_ns)
            return eval(compile(last, self._label, "eval"), self.user_ns, local_ns) if last else None
        except Exception:
            if "no-raise-error" in options:
                return None
            raise

    def _timeit(self, line: str, cell: str | None, local_ns: dict | None, at: int):
        """IPython's %timeit and %%timeit, run once: the statement runs in a function of its own (its
        assignments stay there, as in IPython); ``-o`` returns IPython's TimeitResult, ``-v`` stores it."""
        from IPython.core.magics.execution import TimeitResult, TimeitTemplateFiller

        options, statement = _split_options(line, "nrpv")
        if cell is None:
            setup, stmt = ast.parse("pass"), self._parse(statement, at)
        else:
            setup, stmt = self._parse(statement, at), self._parse(cell, at + 1)
        template = ast.parse("def inner(_it, _timer):\n    setup\n    _t0 = _timer()\n    for _i in _it:\n"
                             "        stmt\n    _t1 = _timer()\n    return _t1 - _t0\n")
        tree = ast.fix_missing_locations(TimeitTemplateFiller(setup, stmt).visit(template))
        started = time.perf_counter()
        code = compile(tree, self._label, "exec")
        compile_time = time.perf_counter() - started
        scope, glob = {}, self.user_ns
        if local_ns and cell is None:
            glob = {**self.user_ns, **local_ns}
        exec(code, glob, scope)
        took = scope["inner"](itertools.repeat(None, 1), time.perf_counter)
        try:
            precision = int(options.get("p", 3))
        except ValueError:
            precision = 3
        result = TimeitResult(1, 1, took, took, [took], compile_time, precision)
        if options.get("v"):
            self.user_ns[options["v"]] = result
        return result if "o" in options else None

    def _capture(self, line: str, cell: str, local_ns: dict | None, at: int):
        """IPython's %%capture: the cell runs (an error in it is shown in the capture, not raised) and
        what it printed is kept in the variable named on the line."""
        from IPython.utils.capture import capture_output

        words = line.split()  # argparse's rules: options and the name in any order
        options = {w.lstrip("-") for w in words if w.startswith("-")}
        name = next((w for w in words if not w.startswith("-")), "")
        with capture_output("no-stdout" not in options, "no-stderr" not in options, False) as captured:
            self.run_cell(cell, first_line=at + 1)
        if cell.rstrip().endswith(";"):
            self.user_ns.pop(name, None)
        elif name:
            self.user_ns[name] = captured
        return None

    def _prun(self, line: str, cell: str | None, local_ns: dict | None, at: int):
        """IPython's %prun and %%prun, without the profiler: the statement runs in the namespace."""
        options, statement = _split_options(line, "DlsT")
        tree = self._parse(cell, at + 1) if cell else self._parse(statement, at)
        exec(compile(tree, self._label, "exec"), self.user_ns, local_ns)
        return None


def _text(exc: BaseException) -> str:
    try:
        return str(exc)
    except Exception:  # noqa: BLE001 - a hostile __str__
        return "<unprintable message>"
