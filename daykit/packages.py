"""Packages loaded without their ``__init__``, for a process that needs a few of their modules.

A package's ``__init__`` often imports much of the package for the convenience of interactive users
(nbgrader's imports its Jupyter server extensions, nbformat's its validator); a process that needs one of
its modules pays for all of it. Imports nothing beyond the standard library.
"""

from __future__ import annotations

import importlib.util
import sys


def package_only(name: str, init_on_use: bool = False):
    """The package ``name`` in sys.modules, made from its spec without running its ``__init__``; None when
    it is imported already or not installed as a package (its own import says so where it is needed).
    With ``init_on_use``, the ``__init__`` runs in it the first time an attribute it lacks is asked for
    (``from name import X``), so that it is then the package it always is."""
    if name in sys.modules:
        return None
    spec = importlib.util.find_spec(name)
    if spec is None or spec.submodule_search_locations is None:
        return None
    package = importlib.util.module_from_spec(spec)
    if init_on_use:

        def __getattr__(attribute: str):
            del package.__getattr__
            spec.loader.exec_module(package)
            return getattr(package, attribute)

        package.__getattr__ = __getattr__
    sys.modules[name] = package
    return package
