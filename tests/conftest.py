"""Shared pytest configuration: deterministic hypothesis profiles.

The default profile is derandomized, so every run (CI included) tries the same
examples. ``HYPOTHESIS_PROFILE=explore`` switches to random search with more
examples for local bug hunting.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=100,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "explore",
    derandomize=False,
    deadline=None,
    max_examples=1000,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
