"""The Wilson score interval used to compare agencies' on-time rates."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.deadlines.wilson import wilson_interval


def test_no_observations_means_any_rate():
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_known_values():
    low, high = wilson_interval(5, 10)
    assert low == pytest.approx(0.2366, abs=1e-4) and high == pytest.approx(0.7634, abs=1e-4)
    # All or nothing: the bound at the edge is exact, the other is z²/(n+z²) away.
    z2 = 1.96**2
    assert wilson_interval(0, 10) == (0.0, pytest.approx(z2 / (10 + z2)))
    assert wilson_interval(10, 10) == (pytest.approx(10 / (10 + z2)), 1.0)
    # The Government Office's 2017 count: 14,068 of 16,051 done tasks on time.
    low, high = wilson_interval(14068, 16051)
    assert low < 14068 / 16051 < high and high - low < 0.011


def test_small_agency_does_not_outrank_a_large_one_on_its_lower_bound():
    assert wilson_interval(3, 3)[0] < wilson_interval(95, 100)[0]


def test_z_zero_is_the_point_estimate():
    assert wilson_interval(3, 4, z=0) == (0.75, 0.75)


@pytest.mark.parametrize(("successes", "n", "z"), [(-1, 3, 1.96), (4, 3, 1.96), (1, 3, -1.0)])
def test_invalid_input(successes, n, z):
    with pytest.raises(ValueError):
        wilson_interval(successes, n, z)


@given(
    n=st.integers(min_value=1, max_value=100_000),
    data=st.data(),
    z=st.floats(min_value=0, max_value=4),
)
def test_interval_contains_the_rate_and_stays_in_unit_range(n, data, z):
    successes = data.draw(st.integers(min_value=0, max_value=n))
    low, high = wilson_interval(successes, n, z)
    p = successes / n
    assert 0.0 <= low <= high <= 1.0
    assert low <= p + 1e-12 and p - 1e-12 <= high
    assert not math.isnan(low) and not math.isnan(high)
    if successes < n:
        assert wilson_interval(successes + 1, n, z)[0] >= low - 1e-12
