"""Field encryption: round trips, binding to the cell, tampering, key check values."""

from __future__ import annotations

import base64
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from issuenote.errors import IssuenoteError
from issuenote.safety import fieldcrypt
from issuenote.safety.fieldcrypt import (
    DecryptError,
    decrypt_field,
    encrypt_field,
    is_encrypted,
    key_check_value,
    new_key,
    verify_key,
)

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
CELL = {
    "table": "cases",
    "column": "account_ref",
    "record_uuid": "5b0c7f3e-1f0a-4c35-9d7e-2f1d6c1a9e11",
}


def seal(text: str, key: bytes = KEY, **cell: str) -> str:
    return encrypt_field(key, text, **{**CELL, **cell})


def unseal(token: str, key: bytes = KEY, **cell: str) -> str:
    return decrypt_field(key, token, **{**CELL, **cell})


def flip(token: str, byte_index: int) -> str:
    """Return the token with one bit of its decoded body flipped."""
    body = bytearray(fieldcrypt._b64decode(token.removeprefix(fieldcrypt.TOKEN_PREFIX)))
    body[byte_index] ^= 0x01
    return fieldcrypt.TOKEN_PREFIX + fieldcrypt._b64encode(bytes(body))


# --- round trips ----


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.characters(exclude_categories=())))
def test_any_text_round_trips_including_nul_and_lone_surrogates(text: str) -> None:
    token = seal(text)
    assert unseal(token) == text
    assert is_encrypted(token)


@settings(max_examples=50, deadline=None)
@given(
    text=st.text(max_size=50),
    table=st.text(min_size=1, max_size=20).filter(lambda name: "|" not in name),
    column=st.text(min_size=1, max_size=20).filter(lambda name: "|" not in name),
    record_uuid=st.text(min_size=1, max_size=40),
)
def test_round_trip_with_any_cell_names(
    text: str, table: str, column: str, record_uuid: str
) -> None:
    token = encrypt_field(KEY, text, table=table, column=column, record_uuid=record_uuid)
    assert decrypt_field(KEY, token, table=table, column=column, record_uuid=record_uuid) == text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\x00",
        "UID 4829-1103\x00tail",
        "x" * 100_000,
        "提币三天未到账 출금 지연 🧾" * 5_000,
        "\x00" * 100_000,
        "\udcff\udc80 from a non-UTF-8 argv",
        "\r\n\t\u2028\u2029\ufeff\u200b",
    ],
    ids=["empty", "nul", "nul-inside", "100k-ascii", "100k-cjk", "100k-nul", "surrogates", "odd"],
)
def test_edge_texts_round_trip(text: str) -> None:
    token = seal(text)
    assert token.startswith("enc1:")
    assert token.isascii()
    assert unseal(token) == text


def test_same_text_encrypts_differently_each_time() -> None:
    tokens = {seal("same account reference") for _ in range(50)}
    assert len(tokens) == 50


def test_token_is_url_safe_text_without_padding() -> None:
    token = seal("registered email a@example.com")
    body = token.removeprefix("enc1:")
    assert set(body) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    # 12-byte nonce + plaintext + 16-byte tag
    assert len(fieldcrypt._b64decode(body)) == 12 + len("registered email a@example.com") + 16


def test_plaintext_does_not_appear_in_the_token() -> None:
    secret = "phone +82 10 1234 5678"
    token = seal(secret)
    assert secret not in token
    assert base64.urlsafe_b64encode(secret.encode()).decode().rstrip("=") not in token


def test_bytearray_key_is_accepted() -> None:
    assert unseal(seal("x", key=bytes(KEY)), key=bytearray(KEY)) == "x"


# --- binding to the cell ----


@pytest.mark.parametrize(
    "moved",
    [
        {"table": "entries"},
        {"column": "text"},
        {"record_uuid": "0f3a7c2e-0000-4000-8000-000000000000"},
        {"record_uuid": CELL["record_uuid"].upper()},
        {"record_uuid": CELL["record_uuid"] + " "},
    ],
    ids=["other-table", "other-column", "other-record", "uuid-case", "uuid-space"],
)
def test_value_moved_to_another_cell_fails(moved: dict[str, str]) -> None:
    token = seal("UID 4829-1103")
    with pytest.raises(DecryptError, match="moved from another field or altered"):
        unseal(token, **moved)


def test_cell_names_cannot_collide_through_the_separator() -> None:
    with pytest.raises(ValueError, match="without '\\|'"):
        encrypt_field(KEY, "x", table="cases|account_ref", column="x", record_uuid="u")
    with pytest.raises(ValueError, match="without '\\|'"):
        encrypt_field(KEY, "x", table="cases", column="a|b", record_uuid="u")
    # A '|' in the record id is harmless: it comes last in the associated data.
    token = encrypt_field(KEY, "x", table="cases", column="c", record_uuid="a|b")
    assert decrypt_field(KEY, token, table="cases", column="c", record_uuid="a|b") == "x"


@pytest.mark.parametrize(
    "cell",
    [
        {"table": ""},
        {"column": ""},
        {"record_uuid": ""},
        {"table": None},
        {"record_uuid": 7},
    ],
)
def test_missing_cell_names_are_a_programming_error(cell: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        encrypt_field(KEY, "x", **{**CELL, **cell})  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        decrypt_field(KEY, seal("x"), **{**CELL, **cell})  # type: ignore[arg-type]


# --- tampering and wrong keys ----


def test_wrong_key_fails_loudly() -> None:
    token = seal("UID 4829-1103")
    with pytest.raises(DecryptError, match="the data key is wrong") as caught:
        unseal(token, key=OTHER_KEY)
    assert isinstance(caught.value, IssuenoteError)
    assert CELL["record_uuid"] in str(caught.value)
    assert "cases.account_ref" in str(caught.value)


@pytest.mark.parametrize(
    "where", ["nonce-first", "nonce-last", "ciphertext", "tag-first", "tag-last"]
)
def test_any_flipped_bit_fails(where: str) -> None:
    token = seal("withdrawal 1,250 USDT")
    size = len(fieldcrypt._b64decode(token.removeprefix("enc1:")))
    index = {
        "nonce-first": 0,
        "nonce-last": 11,
        "ciphertext": 15,
        "tag-first": size - 16,
        "tag-last": size - 1,
    }
    with pytest.raises(DecryptError):
        unseal(flip(token, index[where]))


def test_truncated_or_extended_token_fails() -> None:
    token = seal("withdrawal 1,250 USDT")
    with pytest.raises(DecryptError):
        unseal(token[:-4])
    with pytest.raises(DecryptError):
        unseal(token + "AAAA")


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("", "not an encrypted value"),
        ("plain text", "not an encrypted value"),
        ("ENC1:AAAA", "not an encrypted value"),
        ("enc1:", "too short"),
        ("enc1:AAAA", "too short"),
        ("enc1:" + "A" * 37 + "!", "not base64"),
        ("enc1:" + "A" * 37 + "=", "not base64"),
        ("enc1:" + "A" * 37 + "+", "not base64"),
        ("enc1:" + "A" * 41, "not base64"),
        ("enc1: " + "A" * 40, "not base64"),
        ("enc2:" + "A" * 60, "newer issuenote"),
    ],
)
def test_malformed_tokens_say_what_is_wrong(token: str, message: str) -> None:
    with pytest.raises(DecryptError, match=message):
        unseal(token)


@pytest.mark.parametrize("token", [None, b"enc1:AAAA", 12])
def test_non_text_token_is_refused(token: object) -> None:
    with pytest.raises(DecryptError, match="not text"):
        unseal(token)  # type: ignore[arg-type]


@pytest.mark.parametrize("key", [b"", b"short", bytes(31), bytes(33), "k" * 32, None])
def test_bad_key_is_a_programming_error(key: object) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        encrypt_field(key, "x", **CELL)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="32 bytes"):
        decrypt_field(key, seal("x"), **CELL)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="32 bytes"):
        key_check_value(key)  # type: ignore[arg-type]


def test_non_text_plaintext_is_refused() -> None:
    with pytest.raises(TypeError):
        encrypt_field(KEY, b"bytes", **CELL)  # type: ignore[arg-type]


# --- is_encrypted ----


@pytest.mark.parametrize(
    "value",
    [
        "",
        "enc1:",
        "enc1:AAAA",
        "enc1 :" + "A" * 40,
        "plain note",
        "ENC1:" + "A" * 40,
        "enc0:AAAA",
        "enc1:" + "A" * 40 + "!",
        None,
        5,
        b"enc1:" + b"A" * 40,
    ],
)
def test_is_encrypted_rejects_non_tokens(value: object) -> None:
    assert not is_encrypted(value)


def test_is_encrypted_accepts_tokens_of_this_and_later_versions() -> None:
    assert is_encrypted(seal(""))
    assert is_encrypted(seal("x" * 1000))
    assert is_encrypted("enc2:" + "A" * 10)


# --- key check value and new keys ----


def test_key_check_value_is_stable_and_verifies() -> None:
    kcv = key_check_value(KEY)
    assert kcv == key_check_value(KEY)
    assert kcv.startswith("kcv1:")
    assert verify_key(KEY, kcv)
    assert not verify_key(OTHER_KEY, kcv)
    assert key_check_value(OTHER_KEY) != kcv


def test_key_check_value_does_not_reveal_the_key() -> None:
    kcv = key_check_value(KEY)
    encoded = base64.urlsafe_b64encode(KEY).decode().rstrip("=")
    assert encoded not in kcv
    assert KEY.hex() not in kcv
    assert encoded[:12] not in kcv


@pytest.mark.parametrize(
    "kcv", ["", "kcv2:AAAA", "AAAA", "kcv1:", "kcv1:!!!!", "kcv1:AAAA", "kcv1:" + "A" * 44]
)
def test_damaged_key_check_value_is_not_taken_for_a_wrong_key(kcv: str) -> None:
    with pytest.raises(DecryptError, match="key check value"):
        verify_key(KEY, kcv)


def test_new_keys_are_32_random_bytes() -> None:
    keys = {new_key() for _ in range(100)}
    assert len(keys) == 100
    assert all(isinstance(key, bytes) and len(key) == 32 for key in keys)


def test_new_key_works_end_to_end() -> None:
    key = new_key()
    kcv = key_check_value(key)
    assert verify_key(key, kcv)
    assert unseal(seal("note", key=key), key=key) == "note"


# --- purity ----


def test_import_is_light() -> None:
    """cryptography costs ~25 ms: it must not be imported until a value is sealed."""
    code = (
        "import sys, issuenote.safety.fieldcrypt as f; "
        "print(sorted(m for m in ('cryptography', 'keyring', 'typer', 'rich', 'sqlite3', "
        "'sqlite_utils') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
