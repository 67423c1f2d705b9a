"""Encrypt and decrypt what identifies the user, loading the data key once, on first need.

The account reference and `--private` texts are stored as `enc1:` tokens
bound to their table, column and record (see fieldcrypt). The key comes from
issuenote.safety.keys, which is imported only here and only when such a value is
written or read: most commands never pay for it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from issuenote.errors import IssuenoteError

MetaGet = Callable[[str], str | None]
MetaSet = Callable[[str, str], None]


class Vault:
    def __init__(self, home: Path, meta_get: MetaGet, meta_set: MetaSet) -> None:
        self.home = home
        self._meta_get = meta_get
        self._meta_set = meta_set
        self._key: bytes | None = None
        self.warnings: list[str] = []

    def _key_for(self, *, create: bool) -> bytes | None:
        if self._key is not None:
            return self._key
        from issuenote.safety.fieldcrypt import key_check_value
        from issuenote.safety.keys import load_key

        notebook_id = self._meta_get("uuid")
        if notebook_id is None:
            raise IssuenoteError("this notebook has no id; run `issuenote doctor`")
        kcv = self._meta_get("kcv")
        info = load_key(self.home, notebook_id, kcv=kcv, create=create)
        if info is None:
            return None
        if kcv is None:
            # Written in the caller's transaction, with the first encrypted value.
            self._meta_set("kcv", key_check_value(info.key))
        if info.warning:
            self.warnings.append(info.warning)
        self._key = info.key
        return info.key

    def encrypt(self, value: str, *, table: str, column: str, record_uuid: str) -> str:
        """Call inside a write transaction: the first call may record the key check value."""
        from issuenote.safety.fieldcrypt import encrypt_field

        key = self._key_for(create=True)
        assert key is not None  # create=True either returns a key or raises
        return encrypt_field(key, value, table=table, column=column, record_uuid=record_uuid)

    def decrypt(self, token: str, *, table: str, column: str, record_uuid: str) -> str:
        """The plain value; IssuenoteError (missing or wrong key, moved value) otherwise."""
        from issuenote.safety.fieldcrypt import decrypt_field

        key = self._key_for(create=False)
        if key is None:
            raise IssuenoteError("no key for this notebook's encrypted fields")
        return decrypt_field(key, token, table=table, column=column, record_uuid=record_uuid)

    def encrypt_file(self, data: bytes, *, record_uuid: str) -> bytes:
        """Seal a private attachment; call inside a write transaction, like encrypt."""
        from issuenote.safety.fieldcrypt import encrypt_file_bytes

        key = self._key_for(create=True)
        assert key is not None
        return encrypt_file_bytes(key, data, record_uuid=record_uuid)

    def decrypt_file(self, sealed: bytes, *, record_uuid: str) -> bytes:
        from issuenote.safety.fieldcrypt import decrypt_file_bytes

        key = self._key_for(create=False)
        if key is None:
            raise IssuenoteError("no key for this notebook's private attachments")
        return decrypt_file_bytes(key, sealed, record_uuid=record_uuid)
