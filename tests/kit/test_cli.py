"""The daykit command imports only the module of the command it runs, and still lists every command."""

from __future__ import annotations

import argparse
import subprocess
import sys

from daykit import cli


def _declared() -> dict[str, tuple[str, str]]:
    """module -> (command, help) as each module's own add_command declares them."""
    found = {}
    for module in cli.COMMANDS:
        commands = argparse.ArgumentParser().add_subparsers()
        __import__(module, fromlist=["add_command"]).add_command(commands)
        (name, sub), = commands.choices.items()
        help_text = next(a.help for a in commands._choices_actions if a.dest == name)
        found[module] = (name, help_text)
    return found


def test_the_static_table_says_what_each_module_declares():
    assert {m: cli.SUMMARIES[m] for m in cli.COMMANDS} == _declared()


def _imported_after(*args: str) -> set[str]:
    code = ("import sys\nfrom daykit import cli\ntry:\n    cli.main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "print(' '.join(sorted(sys.modules)), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)
    return set(done.stderr.split())


def test_help_lists_every_command_and_imports_none_of_them():
    done = subprocess.run([sys.executable, "-m", "daykit", "--help"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    for name, _ in cli.SUMMARIES.values():
        assert f"    {name}" in done.stdout
    loaded = _imported_after("--help")
    assert not loaded & set(cli.COMMANDS)
    assert not loaded & {"numpy", "sympy", "nbformat", "nbgrader", "matplotlib"}


def test_a_command_imports_its_own_module_only():
    loaded = _imported_after("hint", "--help")
    assert "daykit.student.hints" in loaded
    assert not loaded & (set(cli.COMMANDS) - {"daykit.student.hints"})
