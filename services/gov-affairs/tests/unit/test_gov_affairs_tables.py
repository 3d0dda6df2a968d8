"""The tables keep personal data encrypted: every column that can hold a name, an ID number,
a phone, a form's answers or a passer's key is an EncryptedString."""

from __future__ import annotations

from gov_affairs.db.models import metadata
from sc_core.privacy import EncryptedString

SENSITIVE = {
    ("applications", "data"),
    ("certificates", "content"),
    ("welfare_people", "name"),
    ("welfare_people", "id_number"),
    ("welfare_people", "phone"),
    ("welfare_people", "disability"),
    ("assistive_devices", "reason"),
    ("sightings", "key"),
    ("application_files", "content"),
}


def test_sensitive_columns_are_encrypted_and_found_by_blind_index() -> None:
    for table, column in SENSITIVE:
        assert isinstance(metadata.tables[table].c[column].type, EncryptedString), (table, column)
    assert "id_number_idx" in metadata.tables["welfare_people"].c
    assert "subject_idx" in metadata.tables["applications"].c
    assert "key_idx" in metadata.tables["sightings"].c


def test_no_other_column_is_named_like_personal_data() -> None:
    personal = ("name", "id_number", "phone", "mobile", "face", "card_no", "bank")
    for table in metadata.sorted_tables:
        for column in table.c:
            if any(column.name == p or column.name.startswith(p + "_") for p in personal):
                assert column.name.endswith("_idx") or isinstance(column.type, EncryptedString), (
                    table.name,
                    column.name,
                )
