"""EncryptedString against a real database (SQLite from the standard library)."""

import pytest
from sqlalchemy import String, create_engine, select, text
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from sc_core.privacy import (
    DecryptionError,
    EncryptedString,
    FieldCipher,
    configure_cipher,
    get_cipher,
    reset_cipher,
)

K1 = ("k1", bytes(range(32)))
K2 = ("k2", bytes(range(100, 132)))
ID_NUMBER = "110101199003071234"
MOBILE = "13812345678"


class Base(DeclarativeBase):
    pass


class Person(Base):
    __tablename__ = "person"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    id_number: Mapped[str] = mapped_column(EncryptedString(context="person.id_number"))
    id_number_idx: Mapped[str] = mapped_column(String(64), index=True)
    mobile: Mapped[str | None] = mapped_column(EncryptedString(context="person.mobile"))


@pytest.fixture
def engine():
    configure_cipher([K1])
    eng = create_engine("sqlite://")
    Base.metadata.create_all(eng)
    yield eng
    eng.dispose()
    reset_cipher()


def _add(session: Session | AsyncSession, pid: int, id_number: str, mobile: str | None) -> None:
    session.add(
        Person(
            id=pid,
            name=f"p{pid}",
            id_number=id_number,
            id_number_idx=get_cipher().blind_index(id_number, "id_number"),
            mobile=mobile,
        )
    )


def _get(session: Session, pid: int) -> Person:
    person = session.get(Person, pid)
    assert person is not None
    return person


def test_the_column_holds_no_plaintext_and_reads_back_decrypted(engine):
    with Session(engine) as s:
        _add(s, 1, ID_NUMBER, MOBILE)
        s.commit()
    with engine.connect() as conn:
        raw_id, raw_mobile = conn.execute(text("SELECT id_number, mobile FROM person")).one()
    assert raw_id.startswith("v1:k1:")
    assert raw_mobile.startswith("v1:k1:")
    for needle in (ID_NUMBER, "1990030712", MOBILE, "12345678"):
        assert needle not in raw_id
        assert needle not in raw_mobile
    with Session(engine) as s:
        person = _get(s, 1)
        assert person.id_number == ID_NUMBER
        assert person.mobile == MOBILE


def test_null_stays_null(engine):
    with Session(engine) as s:
        _add(s, 1, ID_NUMBER, None)
        s.commit()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT mobile FROM person")).scalar_one() is None
    with Session(engine) as s:
        assert _get(s, 1).mobile is None


def test_exact_search_through_the_blind_index(engine):
    with Session(engine) as s:
        _add(s, 1, ID_NUMBER, MOBILE)
        _add(s, 2, "11010119851212002X", None)
        s.commit()
    with Session(engine) as s:
        wanted = get_cipher().blind_index("11010119851212002x", "id_number")
        found = s.scalars(select(Person).where(Person.id_number_idx == wanted)).all()
        assert [p.id for p in found] == [2]
        assert found[0].id_number == "11010119851212002X"


def test_rotation_in_the_database(engine):
    with Session(engine) as s:
        _add(s, 1, ID_NUMBER, MOBILE)
        s.commit()
    configure_cipher([K2, K1])
    with Session(engine) as s:
        _add(s, 2, "11010119851212002X", None)
        s.commit()
    with engine.connect() as conn:
        kids = dict(
            (pid, token.split(":")[1])
            for pid, token in conn.execute(text("SELECT id, id_number FROM person"))
        )
    assert kids == {1: "k1", 2: "k2"}
    with Session(engine) as s:
        assert _get(s, 1).id_number == ID_NUMBER
        assert _get(s, 2).id_number == "11010119851212002X"
        # the blind index written under k1 still finds the row after rotation
        idx = get_cipher().blind_index(ID_NUMBER, "id_number")
        assert s.scalars(select(Person.id).where(Person.id_number_idx == idx)).all() == [1]


def test_a_token_moved_to_another_column_or_tampered_does_not_decrypt(engine):
    with Session(engine) as s:
        _add(s, 1, ID_NUMBER, MOBILE)
        s.commit()
    with engine.begin() as conn:
        conn.execute(text("UPDATE person SET mobile = id_number"))
    with Session(engine) as s, pytest.raises((DecryptionError, StatementError)):
        s.execute(select(Person.mobile)).all()
    with engine.begin() as conn:
        token = conn.execute(text("SELECT id_number FROM person")).scalar_one()
        forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
        conn.execute(text("UPDATE person SET id_number = :t"), {"t": forged})
    with Session(engine) as s, pytest.raises((DecryptionError, StatementError)):
        s.execute(select(Person.id_number)).all()


def test_an_explicit_cipher_overrides_the_process_cipher():
    reset_cipher()
    column = EncryptedString(cipher=FieldCipher([K2]))
    token = column.process_bind_param("x", None)
    assert token is not None
    assert token.startswith("v1:k2:")
    assert column.process_result_value(token, None) == "x"
    with pytest.raises(TypeError):
        column.process_bind_param(123, None)


async def test_encrypted_column_on_postgresql(fresh_database_url):
    configure_cipher([K1])
    engine = create_async_engine(fresh_database_url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        async with AsyncSession(engine) as s:
            _add(s, 1, ID_NUMBER, MOBILE)
            await s.commit()
        async with engine.connect() as conn:
            raw = (await conn.execute(text("SELECT id_number, mobile FROM person"))).one()
        assert all(v.startswith("v1:k1:") for v in raw)
        assert ID_NUMBER not in raw[0]
        assert MOBILE not in raw[1]
        configure_cipher([K2, K1])
        async with AsyncSession(engine) as s:
            idx = get_cipher().blind_index(ID_NUMBER, "id_number")
            person = (await s.scalars(select(Person).where(Person.id_number_idx == idx))).one()
            assert (person.id_number, person.mobile) == (ID_NUMBER, MOBILE)
    finally:
        await engine.dispose()
        reset_cipher()
