"""Downloads are safe to open in a spreadsheet."""

import datetime

import pytest

from core import exports


class TestNeutralise:
    @pytest.mark.parametrize("value", ["=1+1", "+44 20", "-2", "@SUM(A1)", "\tx", "\rx"])
    def test_formula_starts_are_made_text(self, value):
        assert exports.neutralise(value) == "'" + value

    @pytest.mark.parametrize("value", ["Jane", "", 5, None, datetime.date(2025, 3, 1)])
    def test_other_values_pass(self, value):
        assert exports.neutralise(value) == value
