"""Target lines the office types, and whether a reported value meets them (no Flask)."""

from decimal import Decimal

import pytest

from tracker.targets.rules import (
    Comparison,
    format_quantity,
    is_met,
    parse_target,
    percent_done,
    read_number,
    split_lines,
)


@pytest.mark.parametrize(
    ("line", "comparison", "quantity", "unit"),
    [
        ("ít nhất 5 giải pháp", "gte", "5", "giải pháp"),
        ("Ít nhất 05 giải pháp, sáng kiến cấp tỉnh", "gte", "5", "giải pháp"),
        ("100 % vốn giải ngân", "gte", "100", "%"),
        ("02 cuộc đối thoại", "gte", "2", "cuộc đối thoại"),
        ("tỷ lệ ≥ 80 %", "gte", "80", "%"),
        ("tỷ lệ hồ sơ trực tuyến đạt 80,5%", "gte", "80.5", "%"),
        ("không quá 3 ngày", "lte", "3", "ngày"),
        ("tối đa 10 hồ sơ trễ hạn", "lte", "10", "hồ sơ trễ hạn"),
        ("đúng 1.000 hồ sơ", "eq", "1000", "hồ sơ"),
    ],
)
def test_a_target_line_is_read(line, comparison, quantity, unit):
    target = parse_target(line)
    assert target is not None
    assert (target.comparison.value, target.quantity, target.unit) == (
        comparison,
        Decimal(quantity),
        unit,
    )


@pytest.mark.parametrize("line", ["", "giải pháp", "5", "x" * 400, "30/6/2025"])
def test_a_line_without_a_quantity_and_unit_is_not_a_target(line):
    assert parse_target(line) is None


def test_met_and_percent():
    five = Decimal(5)
    assert is_met(Comparison.AT_LEAST, five, None) is None
    assert is_met(Comparison.AT_LEAST, five, Decimal(3)) is False
    assert is_met(Comparison.AT_LEAST, five, Decimal(6)) is True
    assert is_met(Comparison.AT_MOST, Decimal(3), Decimal(4)) is False
    assert is_met(Comparison.EXACTLY, five, Decimal(5)) is True
    assert percent_done(Comparison.AT_LEAST, five, Decimal(3)) == 60
    assert percent_done(Comparison.AT_LEAST, five, Decimal(9)) == 100
    assert percent_done(Comparison.AT_MOST, Decimal(3), Decimal(1)) == 100


def test_numbers_and_lines():
    assert read_number("80,5") == Decimal("80.5")
    assert read_number("1.000") == Decimal(1000)
    assert read_number("-1") is None
    assert read_number("abc") is None
    assert read_number("9" * 20) is None
    assert format_quantity(Decimal("80.50")) == "80,5"
    assert format_quantity(Decimal("5.00")) == "5"
    assert split_lines("- a\n\n 2) b \n• c") == ["a", "b", "c"]
