"""Root conftest: doctests (library docstrings and README.md) start at mpmath's default precision."""
import mpmath
import pytest


@pytest.fixture(autouse=True)
def _reset_mpmath_for_doctests():
    mpmath.mp.dps = 15
    yield
    mpmath.mp.dps = 15
