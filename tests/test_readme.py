"""The README's examples work: its shell commands and its Python blocks."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

README = (Path(__file__).parents[1] / "README.md").read_text("utf-8")
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", README, flags=re.DOTALL)
SH = [body for lang, body in BLOCKS if lang == "sh"]
PY = [body for lang, body in BLOCKS if lang == "python"]


def _commands() -> list[str]:
    lines = []
    for body in SH:
        for line in body.splitlines():
            cmd = line.split("  #")[0].strip()
            if cmd.startswith(".venv/bin/python -m lupusscore"):
                lines.append(cmd)
    return lines


def test_readme_has_the_two_commands() -> None:
    """The quick start shows exactly `make demo` and `make test`."""
    quick = SH[0]
    assert [ln.split()[0:2] for ln in quick.strip().splitlines()] == [
        ["make", "demo"],
        ["make", "test"],
    ]


def test_readme_shell_commands_and_python_blocks_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every `python -m lupusscore` command and Python block of the README runs."""
    commands = _commands()
    assert len(commands) >= 5
    python = shlex.quote(sys.executable)
    for cmd in commands:
        shell = cmd.replace(".venv/bin/python", python, 1)
        done = subprocess.run(
            ["bash", "-c", shell],
            cwd=tmp_path,
            check=False,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, (cmd, done.stderr)
    assert (tmp_path / "table.csv").read_text("utf-8").startswith("trial,synthetic")
    monkeypatch.chdir(tmp_path)
    for body in PY:
        exec(compile(body, "README.md", "exec"), {})  # our own README
