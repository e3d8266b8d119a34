"""Test configuration: precision reset (as in mpmath's own suite) and hypothesis profiles."""
import os

import mpmath
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=30, deadline=None)
settings.register_profile(
    "ci", max_examples=60, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True)
def reset_mpmath_precision():
    """Every test starts at mpmath's default precision and must leave it there."""
    mpmath.mp.dps = 15
    yield
    assert mpmath.mp.dps == 15, "a library call leaked a global mpmath precision change"
    mpmath.mp.dps = 15
