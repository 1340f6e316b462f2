"""Make the fuzz helpers importable: ``strategies`` and ``fuzz_harness``.

The suite runs with ``--import-mode=importlib``, so ``tests/`` and
``tests/fuzz/`` are not on ``sys.path`` by themselves.
"""

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
for _path in (_HERE, _HERE.parent):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))
