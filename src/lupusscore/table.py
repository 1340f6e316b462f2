"""Temporary stand-in for lupusscore.Table (replaced by the table branch)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt


class Table:
    """Columns of numpy arrays."""

    def __init__(
        self,
        columns: Mapping[str, Any],
        *,
        labels: Mapping[str, str] | None = None,
        name: str | None = None,
    ) -> None:
        self._columns = {k: np.asarray(v) for k, v in columns.items()}
        self.labels = dict(labels or {})
        self.name = name

    def __getitem__(self, key: str) -> npt.NDArray[Any]:
        return self._columns[key]

    @property
    def columns(self) -> tuple[str, ...]:
        """Column names."""
        return tuple(self._columns)

    def __len__(self) -> int:
        return len(next(iter(self._columns.values()))) if self._columns else 0

    def to_dicts(self) -> list[dict[str, Any]]:
        """Rows as dicts."""
        return [
            {
                k: getattr(v[i], "item", lambda x=v[i]: x)()
                for k, v in self._columns.items()
            }
            for i in range(len(self))
        ]
