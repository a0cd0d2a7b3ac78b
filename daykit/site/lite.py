"""``--lite``: a JupyterLite build beside the pages, holding each day's student notebook.

``jupyter lite build`` (jupyterlite-core) runs in a scratch folder with the release notebooks as its
contents and one federated extension, the Pyodide kernel (jupyterlite-pyodide-kernel): the other
JupyterLab extensions of this environment (nbgrader's, jupytext's) are left out, as they need a
server. Pyodide itself is not copied by default: the kernel loads it from Pyodide's public CDN when
a notebook starts. ``pyodide`` (a Pyodide release tarball or its unpacked folder) copies that
distribution into the build instead, for a classroom without internet.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from daykit.course import CourseError

KERNEL_EXTENSION = "@jupyterlite/pyodide-kernel-extension"
APPS = ("lab", "notebooks", "tree")
PYODIDE_MJS, PYODIDE_LOCK = "pyodide.mjs", "pyodide-lock.json"  # what a Pyodide distribution holds


def notebook_url(notebook: str) -> str:
    """The address of a notebook in the Notebook app of the build, relative to the build's root."""
    return f"notebooks/index.html?path={notebook}"


def kernel_extension() -> Path:
    """The Pyodide kernel's JupyterLab extension, as jupyterlite-pyodide-kernel installs it."""
    from jupyter_core.paths import jupyter_path

    for folder in jupyter_path("labextensions"):
        candidate = Path(folder) / KERNEL_EXTENSION
        if (candidate / "package.json").exists():
            return candidate
    raise CourseError("the Pyodide kernel for JupyterLite is missing: install the site tools with "
                      "pip install -e \".[site]\".")


def check_pyodide(pyodide: Path | None) -> None:
    """A Pyodide distribution is a release tarball (``pyodide-*.tar.bz2``) or the folder it unpacks to."""
    if pyodide is None:
        return
    if pyodide.is_dir():
        missing = [name for name in (PYODIDE_MJS, PYODIDE_LOCK) if not (pyodide / name).is_file()]
        if missing:
            raise CourseError(f"--pyodide {pyodide}: this folder has no {' or '.join(missing)}; give the folder "
                              "a Pyodide release tarball unpacks to (it holds pyodide.mjs), or the tarball itself.")
    elif not pyodide.is_file():
        raise CourseError(f"--pyodide {pyodide}: no such file or folder (give a Pyodide release tarball, "
                          ".tar.bz2, or the folder it unpacks to).")
    elif not pyodide.name.endswith(".tar.bz2"):
        raise CourseError(f"--pyodide {pyodide}: not a Pyodide release tarball (.tar.bz2) or folder.")


def build_lite(notebooks: dict[str, Path], out: Path, pyodide: Path | None = None) -> None:
    """Write a JupyterLite site into ``out`` with ``{name.ipynb: path}`` as its files."""
    check_pyodide(pyodide)
    with tempfile.TemporaryDirectory(prefix="daykit-lite-") as scratch:
        lite_dir = Path(scratch)
        contents = lite_dir / "contents"
        contents.mkdir()
        for name, path in notebooks.items():
            (contents / name).write_bytes(path.read_bytes())
        config = {
            "LiteBuildConfig": {
                "apps": list(APPS),
                "contents": ["contents"],
                "output_dir": str(out),
                "ignore_sys_prefix": ["federated_extensions"],
                "federated_extensions": [str(kernel_extension())],
                "no_sourcemaps": True,
            }
        }
        if pyodide is not None and pyodide.is_dir():  # the build copies lite_dir/static/pyodide as it is
            shutil.copytree(pyodide, lite_dir / "static" / "pyodide")
        elif pyodide is not None:  # a tarball: the build unpacks it
            config["PyodideAddon"] = {"pyodide_url": str(pyodide.resolve())}
        (lite_dir / "jupyter_lite_config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
        done = subprocess.run(
            [sys.executable, "-m", "jupyter", "lite", "build", "--lite-dir", str(lite_dir)],
            cwd=lite_dir, capture_output=True, text=True,
        )
        if done.returncode != 0:
            raise CourseError(f"jupyter lite build failed (exit {done.returncode}):\n{done.stdout[-3000:]}"
                              f"{done.stderr[-3000:]}")
    if not (out / "jupyter-lite.json").exists():
        raise CourseError(f"jupyter lite build wrote no {out / 'jupyter-lite.json'}.")
