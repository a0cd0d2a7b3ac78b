"""A worker's limits: plain data that the coordinator, the grading processes and the workers share,
in a module that imports nothing (the worker's module imports NumPy)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    task_seconds: float = 10.0
    load_seconds: float = 20.0
    memory_bytes: int = 1024**3
    output_bytes: int = 64 * 1024
    file_bytes: int = 16 * 1024**2
    processes: int = 64
