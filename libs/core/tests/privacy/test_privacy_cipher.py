import base64
import hashlib
import re

import pytest

from sc_core.privacy import (
    DecryptionError,
    FieldCipher,
    configure_cipher,
    get_cipher,
    reset_cipher,
)
from sc_core.settings import ServiceSettings

K1 = ("k1", bytes(range(32)))
K2 = ("k2", bytes(range(100, 132)))


def _flip(token: str, index: int) -> str:
    chars = list(token)
    chars[index] = "A" if chars[index] != "A" else "B"
    return "".join(chars)


def test_round_trip_and_token_shape():
    cipher = FieldCipher([K1])
    token = cipher.encrypt("110101199003071234 张三")
    assert re.fullmatch(r"v1:k1:[A-Za-z0-9_-]+", token)
    assert "110101199003071234" not in token
    assert cipher.decrypt(token) == "110101199003071234 张三"


def test_every_encryption_uses_a_fresh_96_bit_nonce():
    cipher = FieldCipher([K1])
    a, b = cipher.encrypt("13812345678"), cipher.encrypt("13812345678")
    assert a != b
    blob_a = base64.urlsafe_b64decode(a.split(":")[2] + "==")
    blob_b = base64.urlsafe_b64decode(b.split(":")[2] + "==")
    assert blob_a[:12] != blob_b[:12]
    # nonce (12) + plaintext (11) + GCM tag (16)
    assert len(blob_a) == 12 + 11 + 16


def test_tampered_tokens_fail():
    cipher = FieldCipher([K1, K2])
    token = cipher.encrypt("secret")
    with pytest.raises(DecryptionError):
        cipher.decrypt(_flip(token, len(token) - 3))  # ciphertext / tag
    with pytest.raises(DecryptionError):
        cipher.decrypt(_flip(token, 8))  # nonce
    with pytest.raises(DecryptionError):
        cipher.decrypt(token.replace("v1:k1:", "v1:k2:"))  # another key of the ring
    with pytest.raises(DecryptionError):
        cipher.decrypt(token.replace("v1:k1:", "v1:zz:"))  # unknown key
    for junk in ("plain text", "v1:k1", "v2:k1:AAAA", "v1:k1:!!!!", "v1:k1:AAAA"):
        with pytest.raises(DecryptionError):
            cipher.decrypt(junk)


def test_associated_data_binds_the_token_to_its_context():
    cipher = FieldCipher([K1])
    token = cipher.encrypt("110101199003071234", aad="person.id_number")
    assert cipher.decrypt(token, aad="person.id_number") == "110101199003071234"
    with pytest.raises(DecryptionError):
        cipher.decrypt(token, aad="person.mobile")
    with pytest.raises(DecryptionError):
        cipher.decrypt(token)


def test_rotation_keeps_old_tokens_readable_and_encrypts_under_the_new_key():
    old = FieldCipher([K1])
    token_k1 = old.encrypt("13812345678")

    rotated = FieldCipher([K2, K1])
    assert rotated.decrypt(token_k1) == "13812345678"
    assert rotated.needs_rotation(token_k1)
    token_k2 = rotated.encrypt("13812345678")
    assert token_k2.startswith("v1:k2:")
    assert not rotated.needs_rotation(token_k2)

    rewritten = rotated.reencrypt(token_k1)
    assert rewritten.startswith("v1:k2:")
    assert rotated.decrypt(rewritten) == "13812345678"
    assert rotated.reencrypt(token_k2) == token_k2

    only_new = FieldCipher([K2])
    with pytest.raises(DecryptionError):
        only_new.decrypt(token_k1)
    assert only_new.decrypt(rewritten) == "13812345678"


def test_blind_index_is_stable_across_rotation_and_normalises():
    before = FieldCipher([K1])
    after = FieldCipher([K2, K1])
    value = "110101199003071234"
    assert before.blind_index(value, "id_number") == after.blind_index(value, "id_number")
    assert re.fullmatch(r"[0-9a-f]{64}", after.blind_index(value, "id_number"))
    # not a bare hash, and keyed: another oldest key gives another index
    assert after.blind_index(value) != hashlib.sha256(value.encode()).hexdigest()
    assert FieldCipher([K2]).blind_index(value, "id_number") != before.blind_index(
        value, "id_number"
    )
    # normalisation per kind
    assert before.blind_index("+86 138-1234-5678", "mobile") == before.blind_index(
        "13812345678", "mobile"
    )
    assert before.blind_index("11010119900307123x", "id_number") == before.blind_index(
        "11010119900307123X", "id_number"
    )
    # kinds are separate domains
    assert before.blind_index("13812345678", "mobile") != before.blind_index("13812345678")


def test_explicit_index_key_wins_over_the_ring():
    a = FieldCipher([K1], index_key=b"i" * 32)
    b = FieldCipher([K2, K1], index_key=b"i" * 32)
    assert a.blind_index("x") == b.blind_index("x")
    assert a.blind_index("x") != FieldCipher([K1]).blind_index("x")


@pytest.mark.parametrize(
    "ring",
    [[], [("k1", b"short")], [K1, ("k1", bytes(32))], [("bad:kid", bytes(32))]],
)
def test_bad_keyrings_are_refused(ring):
    with pytest.raises(ValueError):  # noqa: PT011 - message varies by case
        FieldCipher(ring)


def test_configure_from_settings_and_get_cipher():
    reset_cipher()
    with pytest.raises(RuntimeError):
        get_cipher()
    k1 = base64.b64encode(K1[1]).decode()
    k2 = base64.b64encode(K2[1]).decode()
    settings = ServiceSettings(field_encryption_keys=f"k2:{k2},k1:{k1}")
    cipher = configure_cipher(settings)
    assert get_cipher() is cipher
    assert cipher.primary_kid == "k2"
    assert cipher.kids == ("k2", "k1")
    assert cipher.index_key_source == "oldest:k1"
    assert cipher.decrypt(FieldCipher([K1]).encrypt("x")) == "x"
    configure_cipher([K1])
    assert get_cipher().primary_kid == "k1"
    reset_cipher()


def test_configure_reads_a_dedicated_index_key_setting_when_present():
    class WithIndexKey(ServiceSettings):
        field_index_key: str = base64.b64encode(b"i" * 32).decode()

    cipher = configure_cipher(WithIndexKey())
    try:
        assert cipher.index_key_source == "explicit"
        assert cipher.blind_index("x") == FieldCipher([K1], index_key=b"i" * 32).blind_index("x")
    finally:
        reset_cipher()
