"""How property tests draw: the same examples on every run in the gate, fresh ones when exploring.

The gate (every `python -m pytest`, `.ci/run`) loads the "gate" profile: Hypothesis
derives each test's examples from the test itself (derandomize) and keeps no database,
so a commit gets the same verdict on every run and every machine. `scripts/explore`
sets BADGEGEN_EXPLORE=N to load "explore": fresh randomness and N times the examples.
What it finds is pinned with @example beside the property and fixed (CONTRIBUTING.md).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

GATE, EXPLORE = "gate", "explore"
# Examples are drawn in a temporary folder or with fixtures made once per test: neither
# carries anything from one example to the next that matters to the property.
_HEALTH = (HealthCheck.function_scoped_fixture, HealthCheck.too_slow)
settings.register_profile(
    GATE, derandomize=True, database=None, deadline=None, suppress_health_check=_HEALTH
)
settings.register_profile(
    EXPLORE, derandomize=False, database=None, deadline=None, suppress_health_check=_HEALTH,
    print_blob=True,
)  # fmt: skip


def exploring() -> int:
    """How many times the gate's examples to draw: 1 in the gate, BADGEGEN_EXPLORE's number
    when exploring."""
    text = os.environ.get("BADGEGEN_EXPLORE", "")
    return int(text) if text.isdigit() and int(text) > 0 else 1


settings.load_profile(EXPLORE if exploring() > 1 else GATE)


def examples(count: int) -> settings:
    """A property's settings: count examples in the gate, more when exploring.

    Args:
        count: how many examples the gate draws, the same ones every run.
    """
    return settings(max_examples=count * exploring())
