"""The lesson's figures, drawn at build time: each display cell of a day (a cell marked
``active="ipynb"``, such as ``plot_step_error();``) runs in the namespace of the day's reference
module with Matplotlib's Agg backend, and every figure it leaves open becomes a PNG.

Only pictures leave this module: a display cell's output, never the code that made it.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import sys
from dataclasses import dataclass

from daykit.authoring.model import Day
from daykit.course import CourseError

DPI = 110


@dataclass(frozen=True)
class Output:
    """What one display cell showed: PNG images (with a caption each) and printed text."""

    images: tuple[tuple[bytes, str], ...]
    text: str = ""


def _module(day: Day):
    """The day's reference solution imported as a fresh module (its script-only demo does not run)."""
    path = day.solution_path
    name = f"daykit_site_{day.slug}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    root = str(path.resolve().parents[1])
    added = root not in sys.path
    if added:
        sys.path.insert(0, root)
    sys.modules[name] = module  # as an import would: dataclasses and pickle look their module up there
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        message = f"{path} does not import ({type(exc).__name__}: {exc}); fix it before building the site."
        raise CourseError(message) from None
    finally:
        sys.modules.pop(name, None)
        if added:
            sys.path.remove(root)
    return module


def _caption(figure, fallback: str) -> str:
    titles = [figure._suptitle.get_text()] if getattr(figure, "_suptitle", None) else []
    titles += [ax.get_title() for ax in figure.axes if ax.get_title()]
    return "; ".join(titles) or fallback


def draw(day: Day) -> dict[int, Output]:
    """Run each display cell of ``day``; returns {cell index: what it showed}."""
    display = [(i, c) for i, c in enumerate(day.cells) if c.kind == "code" and c.in_notebook and not c.in_script]
    if not display:
        return {}
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    module = _module(day)
    outputs = {}
    for index, cell in display:
        plt.close("all")
        printed = io.StringIO()
        try:
            code = compile(cell.source, f"{day.solution_path} (cell {index})", "exec")
            with contextlib.redirect_stdout(printed):
                exec(code, vars(module))  # the instructor's own lesson code, as the notebook runs it
        except Exception as exc:
            raise CourseError(f"{day.solution_path}, cell {index}: the display cell failed with "
                              f"{type(exc).__name__}: {exc}") from None
        images = []
        for number in plt.get_fignums():
            figure = plt.figure(number)
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
            images.append((buffer.getvalue(), _caption(figure, f"A figure of {day.title}")))
        plt.close("all")
        outputs[index] = Output(tuple(images), printed.getvalue())
    return outputs
