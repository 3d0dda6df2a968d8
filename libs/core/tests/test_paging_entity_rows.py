"""A page of rows holding two ORM entities (``select(Record, Person)``) gets its cursor from
the entity the sort key belongs to: ``row._mapping[column]`` has no such key there, and the
lookup was a 500 on every full page of such a list (gov-affairs' disability register,
welfare, training ... since they page through ``fetch_page(rows=True)``)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from sc_core import paging


class Base(DeclarativeBase):
    pass


class Person(Base):
    __tablename__ = "people"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


class Record(Base):
    __tablename__ = "records"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    rank: Mapped[int]


def test_the_cursor_of_a_row_of_entities_is_its_sorted_entitys_key() -> None:
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    query = (
        select(Record, Person)
        .join(Person, Person.id == Record.person_id)
        .order_by(Record.rank.desc(), Record.id)
    )
    keys = paging.sort_keys(query)
    assert keys is not None
    with Session(engine) as session:
        session.add_all([Person(id=1, name="赵红梅"), Record(id=7, person_id=1, rank=3)])
        session.commit()
        row = session.execute(query).one()
        values = paging.key_values(row, keys, rows=True)
    assert values == [3, 7]
    assert paging.decode_cursor(paging.encode_cursor(values) or "", keys) == [3, 7]
