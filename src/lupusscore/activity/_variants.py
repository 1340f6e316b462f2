"""Named SLEDAI variants: which descriptors count, and how.

A variant is data: the descriptors it scores, which of them count only when new
or recurrent, its default look-back window, its arthritis joint-count threshold,
and whether Farr-assay percent binding above 25% counts as increased DNA
binding (the cut-off itself is
:data:`lupusscore.serology.FARR_PERCENT_BINDING_SLEDAI`). The scoring engine
in :mod:`lupusscore.activity._sledai` applies any of them; the weights are the
same in every variant (Gladman 2002).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from lupusscore._display import Displayable
from lupusscore.descriptors import (
    GLADMAN_2002,
    SLEDAI_2K_DESCRIPTOR_NAMES,
    SLEDAI_2K_DESCRIPTORS,
)
from lupusscore.errors import DefinitionError

__all__ = [
    "ARTHRITIS_MIN_JOINTS_ORIGINAL",
    "ARTHRITIS_MIN_JOINTS_SLEDAI_2K",
    "SEROLOGY_DESCRIPTORS",
    "SLEDAI_VARIANTS",
    "WINDOW_DAYS_30",
    "WINDOW_DAYS_STANDARD",
    "SledaiVariant",
    "sledai_variant",
]

#: Look-back window of the original SLEDAI and of SLEDAI-2K as published: the
#: visit day and the preceding 10 days (Bombardier 1992; Gladman 2002).
WINDOW_DAYS_STANDARD: Final = 10
#: Validated 30-day window (Touma, Urowitz, Gladman, Lupus 2010;19:49-51).
WINDOW_DAYS_30: Final = 30

#: SLEDAI-2K data-collection sheet wording: arthritis in ">= 2 joints"
#: (VERIFICATION.md section 5, [V2] for the 2K reproductions; the primary
#: Gladman 2002 table was not retrieved).
ARTHRITIS_MIN_JOINTS_SLEDAI_2K: Final = 2
#: Original SLEDAI form wording: arthritis in "more than 2 joints", i.e. >= 3
#: (Bombardier 1992 as reproduced; REFERENCE.md section 1.3, [V2]). Also used
#: for SELENA-SLEDAI per the reference's design note.
ARTHRITIS_MIN_JOINTS_ORIGINAL: Final = 3

#: The two serological descriptors that clinical SLEDAI leaves out (REFERENCE.md
#: section 1.4; van Vollenhoven 2021).
SEROLOGY_DESCRIPTORS: Final[frozenset[str]] = frozenset(
    {"low_complement", "increased_dna_binding"}
)

_ALL: Final = frozenset(SLEDAI_2K_DESCRIPTOR_NAMES)
#: Original SLEDAI: rash, alopecia, mucosal ulcers and proteinuria count only
#: when new or recurrent (Gladman 2002 abstract, [V]).
_ORIGINAL_NEW_ONLY: Final = frozenset(
    {"rash", "alopecia", "mucosal_ulcers", "proteinuria"}
)
#: SELENA-SLEDAI: proteinuria counts only when new or recently increased by
#: > 0.5 g/24 h; rash, alopecia and mucosal ulcers count when new or ongoing
#: (REFERENCE.md section 1.2 rows 13 and 15-17, [V]/[V2]).
_SELENA_NEW_ONLY: Final = frozenset({"proteinuria"})


@dataclass(frozen=True, slots=True)
class SledaiVariant(Displayable):
    """One named SLEDAI variant.

    Attributes
    ----------
    id : str
        Identifier used by the API (``"sledai-2k"``).
    label : str
        Human-readable name.
    scored : frozenset of str
        Descriptors that contribute to the score.
    new_or_recurrent_only : frozenset of str
        Descriptors that count only when new or recurrent (not when persistent).
    window_days : int
        Default look-back window in days.
    arthritis_min_joints : int
        Default minimum number of inflamed joints for arthritis.
    farr_binding : bool
        True when Farr-assay binding > 25% also counts as increased DNA binding
        (original SLEDAI and SELENA-SLEDAI; REFERENCE.md section 1.2 row 21);
        False when only the laboratory's range is used.
    source : str
        Citation.
    """

    id: str
    label: str
    scored: frozenset[str]
    new_or_recurrent_only: frozenset[str]
    window_days: int
    arthritis_min_joints: int
    farr_binding: bool
    source: str

    @property
    def max_score(self) -> int:
        """Highest possible score (105 for SLEDAI-2K, 101 for clinical SLEDAI)."""
        return _max_score(self.scored)

    @property
    def is_sledai_2k(self) -> bool:
        """True for the SLEDAI-2K family (2K, 2K 30-day, clinical SLEDAI-2K)."""
        return self.id in _SLEDAI_2K_FAMILY


@functools.lru_cache(maxsize=64)
def _max_score(scored: frozenset[str]) -> int:
    """Sum of the weights of *scored* (cached: the weights are constant)."""
    return sum(d.weight for d in SLEDAI_2K_DESCRIPTORS if d.name in scored)


SLEDAI_2K: Final = SledaiVariant(
    id="sledai-2k",
    label="SLEDAI-2K",
    scored=_ALL,
    new_or_recurrent_only=frozenset(),
    window_days=WINDOW_DAYS_STANDARD,
    arthritis_min_joints=ARTHRITIS_MIN_JOINTS_SLEDAI_2K,
    farr_binding=False,
    source=GLADMAN_2002,
)
SLEDAI_2K_30D: Final = SledaiVariant(
    id="sledai-2k-30d",
    label="SLEDAI-2K, 30-day window",
    scored=_ALL,
    new_or_recurrent_only=frozenset(),
    window_days=WINDOW_DAYS_30,
    arthritis_min_joints=ARTHRITIS_MIN_JOINTS_SLEDAI_2K,
    farr_binding=False,
    source="Touma Z, Urowitz MB, Gladman DD. SLEDAI-2K for a 30-day window. "
    "Lupus 2010;19:49-51",
)
CLINICAL_SLEDAI_2K: Final = SledaiVariant(
    id="clinical-sledai-2k",
    label="Clinical SLEDAI-2K (without low complement and increased DNA binding)",
    scored=_ALL - SEROLOGY_DESCRIPTORS,
    new_or_recurrent_only=frozenset(),
    window_days=WINDOW_DAYS_STANDARD,
    arthritis_min_joints=ARTHRITIS_MIN_JOINTS_SLEDAI_2K,
    farr_binding=False,
    source=GLADMAN_2002 + "; serology removed as in van Vollenhoven RF et al. "
    "2021 DORIS definition of remission in SLE. Lupus Sci Med 2021;8:e000538",
)
SLEDAI_ORIGINAL: Final = SledaiVariant(
    id="sledai",
    label="SLEDAI (original)",
    scored=_ALL,
    new_or_recurrent_only=_ORIGINAL_NEW_ONLY,
    window_days=WINDOW_DAYS_STANDARD,
    arthritis_min_joints=ARTHRITIS_MIN_JOINTS_ORIGINAL,
    farr_binding=True,
    source="Bombardier C, Gladman DD, Urowitz MB, et al. Derivation of the "
    "SLEDAI. Arthritis Rheum 1992;35:630-40",
)
SELENA_SLEDAI: Final = SledaiVariant(
    id="selena-sledai",
    label="SELENA-SLEDAI",
    scored=_ALL,
    new_or_recurrent_only=_SELENA_NEW_ONLY,
    window_days=WINDOW_DAYS_STANDARD,
    arthritis_min_joints=ARTHRITIS_MIN_JOINTS_ORIGINAL,
    farr_binding=True,
    source="Petri M, Kim MY, Kalunian KC, et al. Combined oral contraceptives "
    "in women with SLE (SELENA). N Engl J Med 2005;353:2550-8 (the SELENA-SLEDAI "
    "source cited by Furie 2009)",
)

_SLEDAI_2K_FAMILY: Final = frozenset(
    {SLEDAI_2K.id, SLEDAI_2K_30D.id, CLINICAL_SLEDAI_2K.id}
)

#: Every shipped variant by id.
SLEDAI_VARIANTS: Final[Mapping[str, SledaiVariant]] = MappingProxyType(
    {
        v.id: v
        for v in (
            SLEDAI_2K,
            SLEDAI_2K_30D,
            CLINICAL_SLEDAI_2K,
            SLEDAI_ORIGINAL,
            SELENA_SLEDAI,
        )
    }
)


def sledai_variant(variant: str | SledaiVariant) -> SledaiVariant:
    """Return the variant called *variant* (or *variant* itself).

    Parameters
    ----------
    variant : str or SledaiVariant
        One of ``"sledai-2k"``, ``"sledai-2k-30d"``, ``"clinical-sledai-2k"``,
        ``"sledai"`` (original, Bombardier 1992) or ``"selena-sledai"``.

    Returns
    -------
    SledaiVariant
        The variant definition.

    Raises
    ------
    DefinitionError
        If the name is not a known variant.

    Examples
    --------
    >>> sledai_variant("clinical-sledai-2k").max_score
    101
    """
    if isinstance(variant, SledaiVariant):
        return variant
    try:
        return SLEDAI_VARIANTS[variant]
    except (KeyError, TypeError):
        msg = f"variant: got {variant!r}; expected one of " + ", ".join(
            repr(k) for k in SLEDAI_VARIANTS
        )
        raise DefinitionError(msg, field="variant", value=variant) from None
