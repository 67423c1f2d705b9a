"""Exact amounts: parsing keeps every digit and the scale, formatting never goes scientific."""

from __future__ import annotations

import inspect
import subprocess
import sys
from decimal import Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from issuenote.errors import IssuenoteError
from issuenote.parse import amounts
from issuenote.parse.amounts import format_amount, format_amount_grouped, parse_amount


def same(a: Decimal, b: Decimal) -> bool:
    """Equal value and equal scale: Decimal('1250.00') is not Decimal('1250') here."""
    return a.as_tuple() == b.as_tuple()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1250", "1250"),
        ("1250.00", "1250.00"),
        ("0.00000001", "0.00000001"),
        ("1_250.5", "1250.5"),
        ("1_000_000", "1000000"),
        ("0.000_001", "0.000001"),
        ("1,250.00", "1250.00"),
        ("1,250", "1250"),
        ("12,345,678.901", "12345678.901"),
        ("+1250", "1250"),
        ("+0.5", "0.5"),
        ("0", "0"),
        ("0.00", "0.00"),
        ("000", "0"),
        ("007.50", "7.50"),
        (".5", "0.5"),
        ("5.", "5"),
        ("  1250.00\n", "1250.00"),
        ("１２５０．００", "1250.00"),  # full-width, from a CJK input method
        ("１，２５０", "1250"),
        ("123456789012345678901234567890", "123456789012345678901234567890"),  # 30 digits
        ("0." + "0" * 29 + "1", "0." + "0" * 29 + "1"),  # 30 decimals
        ("1.000000000000000000", "1.000000000000000000"),  # wei scale
    ],
)
def test_parse_accepts_and_keeps_scale(text: str, expected: str) -> None:
    result = parse_amount(text)
    assert isinstance(result, Decimal)
    assert same(result, Decimal(expected))
    assert format_amount(result) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("-5", "cannot be negative"),
        ("-0", "cannot be negative"),
        ("−5", "cannot be negative"),  # U+2212 minus sign
        ("- 5", "cannot be negative"),
        ("NaN", "not a number"),
        ("nan", "not a number"),
        ("sNaN", "not a number"),
        ("Infinity", "not a number"),
        ("-inf", "not a number"),
        ("inf", "not a number"),
        ("1e3", "exponents are not accepted"),
        ("1E-8", "exponents are not accepted"),
        ("1.5e+10", "exponents are not accepted"),
        ("1,25", "commas may only group thousands"),
        ("1,2500", "commas may only group thousands"),
        ("12,50,000", "commas may only group thousands"),  # lakh grouping: ambiguous here
        (",250", "commas may only group thousands"),
        ("1,250_000", "commas may only group thousands"),
        ("1.250,00", "commas may only group thousands"),
        ("1 250", "spaces are not accepted"),
        ("1250 USDT", "without the asset or other words"),
        ("USDT 1250", "without the asset or other words"),
        ("$1250", "without the asset or other words"),
        ("1250USDT", "without the asset or other words"),
        ("abc", "not a number"),
        (".", "not a number"),
        ("+", "not a number"),
        ("++1", "not a number"),
        ("1.2.3", "not a number"),
        ("1__0", "not a number"),
        ("_1", "not a number"),
        ("1_", "not a number"),
        ("0x10", "without the asset or other words"),
        ("١٢٣", "not a number"),  # Arabic-Indic digits: not folded by NFKC
        ("½", "without the asset or other words"),
        ("1" * 31, "more than 30 significant digits"),
        ("1" * 20 + "." + "1" * 11, "more than 30 significant digits"),
        ("0." + "0" * 30 + "1", "more than 30 digits after the decimal point"),
        ("1" * 81, "too long (81 characters)"),
        ("9" * 100_000, "too long (100000 characters)"),
        ("12\x0034", "control or invisible characters"),
        ("12\u200b34", "control or invisible characters"),
    ],
)
def test_parse_refuses_with_the_input_named(text: str, reason: str) -> None:
    with pytest.raises(IssuenoteError) as caught:
        parse_amount(text)
    message = str(caught.value)
    assert message.startswith("bad amount '")
    assert reason in message
    assert len(message) < 300 and "\x00" not in message


def test_parse_wrong_type() -> None:
    with pytest.raises(TypeError):
        parse_amount(1250)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        parse_amount(1250.0)  # type: ignore[arg-type]


def test_parse_is_exact_whatever_the_decimal_context() -> None:
    with localcontext() as ctx:
        ctx.prec = 3
        assert format_amount(parse_amount("1234567.891")) == "1234567.891"


@pytest.mark.parametrize(
    ("value", "plain", "grouped"),
    [
        (Decimal("1250.00"), "1250.00", "1,250.00"),
        (Decimal("1E-8"), "0.00000001", "0.00000001"),
        (Decimal("1.25E+3"), "1250", "1,250"),
        (Decimal("1E+7"), "10000000", "10,000,000"),
        (Decimal("0"), "0", "0"),
        (Decimal("0E-8"), "0.00000000", "0.00000000"),
        (Decimal("-0"), "0", "0"),
        (Decimal("-0.00"), "0.00", "0.00"),
        (Decimal("-1250.5"), "-1250.5", "-1,250.5"),  # formatting is general; parsing refuses
        (Decimal("123456789012345678901234567890"), "123456789012345678901234567890", None),
        (1250, "1250", "1,250"),
    ],
)
def test_format(value: Decimal, plain: str, grouped: str | None) -> None:
    assert format_amount(value) == plain
    if grouped is not None:
        assert format_amount_grouped(value) == grouped


@pytest.mark.parametrize("bad", [1.5, 0.1, True, "1250", None])
def test_format_refuses_floats_and_non_numbers(bad: object) -> None:
    with pytest.raises(TypeError):
        format_amount(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        format_amount_grouped(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")])
def test_format_refuses_non_finite(bad: Decimal) -> None:
    with pytest.raises(ValueError, match="finite"):
        format_amount(bad)


# Amounts with up to 30 significant digits and up to 30 decimals, as a user could type them.
amount_values = st.builds(
    lambda coefficient, exponent: Decimal(f"{coefficient}E{exponent}"),
    st.integers(min_value=0, max_value=10**30 - 1),
    st.integers(min_value=-30, max_value=0),
).filter(lambda d: len(d.as_tuple().digits) <= 30)


@given(amount_values)
def test_plain_round_trip_keeps_value_and_scale(value: Decimal) -> None:
    text = format_amount(value)
    assert "e" not in text.lower()
    assert same(parse_amount(text), value)


@given(amount_values)
def test_grouped_round_trip_keeps_value_and_scale(value: Decimal) -> None:
    text = format_amount_grouped(value)
    assert same(parse_amount(text), value)
    assert format_amount(parse_amount(text)) == format_amount(value)


@given(
    st.integers(min_value=0, max_value=10**18),
    st.integers(min_value=1, max_value=10),
)
def test_positive_exponents_print_plain(coefficient: int, exponent: int) -> None:
    value = Decimal(f"{coefficient}E+{exponent}")
    text = format_amount(value)
    assert "E" not in text and "e" not in text
    assert parse_amount(text) == value


@given(st.text(max_size=100))
@settings(max_examples=500)
def test_any_text_gives_an_exact_amount_or_a_clean_error(text: str) -> None:
    try:
        result = parse_amount(text)
    except IssuenoteError as error:
        assert str(error).startswith("bad amount '")
    else:
        assert isinstance(result, Decimal) and result.is_finite() and result >= 0
        assert not result.is_signed()


@given(st.from_regex(r"\A\+?[0-9]{1,15}(\.[0-9]{1,15})?\Z"))
def test_plain_numbers_parse_exactly(text: str) -> None:
    assert parse_amount(text) == Decimal(text)
    assert format_amount(parse_amount(text)) == format(Decimal(text), "f")


def test_no_float_anywhere() -> None:
    source = inspect.getsource(amounts)
    assert "float(" not in source


def test_import_stays_light() -> None:
    code = (
        "import sys, issuenote.parse.amounts;"
        "heavy = {'typer', 'rich', 'sqlite3', 'sqlite_utils', 'keyring', 'click', 'cryptography'};"
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
