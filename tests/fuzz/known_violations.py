"""Entry points that break the contract on the code the harness was written for.

One entry per entry point: ``(exception or warning type, minimal reproducer)``.
The reproducer is the call hypothesis shrank to; ``<Visit example>`` and the
like stand for a valid object taken from the bundled example data. The pytest
slice (``test_fuzz_targets.py``) marks these entry points ``xfail``
(non-strict); ``make fuzz`` still fails on them. Delete an entry once its fix
is merged (``make fuzz`` lists entries that no longer fail).
"""

from __future__ import annotations

from collections.abc import Mapping

KNOWN_VIOLATIONS: Mapping[str, tuple[str, str]] = {}

#: Unit strings whose parse hangs today (tried only in a subprocess).
KNOWN_HANGS: frozenset[str] = frozenset()
