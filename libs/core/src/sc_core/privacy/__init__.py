"""Privacy: sensitivity grades, field encryption, masking and desensitisation."""

from sc_core.privacy.cipher import (
    DecryptionError,
    FieldCipher,
    configure_cipher,
    get_cipher,
    normalise_for_index,
    reset_cipher,
)
from sc_core.privacy.columns import EncryptedString
from sc_core.privacy.desensitise import desensitise
from sc_core.privacy.grades import DEFAULT_ROLE_GRADES, KNOWN_ROLES, Grade, grade_for
from sc_core.privacy.masking import (
    COMPOUND_SURNAMES,
    mask_address,
    mask_email,
    mask_face_id,
    mask_id_number,
    mask_mobile,
    mask_name,
    mask_plate,
    mask_text,
    mask_value,
)
from sc_core.privacy.reveal import (
    LISTED_MASKED_KINDS,
    Revealed,
    RevealRequest,
    mask_listed,
    reveal_detail,
    revealable,
)
from sc_core.privacy.sensitive import DEFAULT_KIND_GRADES, Sensitive, mask_model, sensitive_fields

__all__ = [
    "COMPOUND_SURNAMES",
    "DEFAULT_KIND_GRADES",
    "DEFAULT_ROLE_GRADES",
    "KNOWN_ROLES",
    "LISTED_MASKED_KINDS",
    "DecryptionError",
    "EncryptedString",
    "FieldCipher",
    "Grade",
    "RevealRequest",
    "Revealed",
    "Sensitive",
    "configure_cipher",
    "desensitise",
    "get_cipher",
    "grade_for",
    "mask_address",
    "mask_email",
    "mask_face_id",
    "mask_id_number",
    "mask_listed",
    "mask_mobile",
    "mask_model",
    "mask_name",
    "mask_plate",
    "mask_text",
    "mask_value",
    "normalise_for_index",
    "reset_cipher",
    "reveal_detail",
    "revealable",
    "sensitive_fields",
]
