"""The value classes are frozen dataclasses whose ==, hash and repr mean what generated ones would."""

import dataclasses

import pytest

from geotie import model
from geotie.dates import parse_edtf
from geotie.model import Citation, Event, Origin

VALUE_CLASSES = [model.Origin, model.DateSpan, model.Citation, model.Source, model.Role, model.Actor,
                 model.Event, model.Meta, model.Problem]  # fmt: skip


def event(**changes) -> Event:
    fields = {
        "id": "e", "date": parse_edtf("2024-09"), "title": "T", "actors": ("a", "b"),
        "citations": (Citation("s", "q"),), "origin": Origin("x.toml", 3),
    }  # fmt: skip
    return Event(**{**fields, **changes})


@pytest.mark.parametrize("cls", VALUE_CLASSES)
def test_value_classes_are_frozen_dataclasses(cls):
    assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen
    assert cls.__eq__ is model._eq and cls.__hash__ is model._hash


def test_equality_and_hash_leave_out_the_origin():
    assert event() == event(origin=Origin("y.toml", 9))
    assert hash(event()) == hash(event(origin=Origin("y.toml", 9)))
    assert event() != event(title="U") and event() != event(actors=("a",))
    assert event().__eq__("e") is NotImplemented
    assert len({event(), event(origin=Origin("z", 1)), event(id="f")}) == 2


def test_repr_and_immutability():
    assert repr(Origin("x.toml", 3)) == "Origin(file='x.toml', line=3)"
    assert repr(event()).startswith("Event(id='e', date=DateSpan(text='2024-09', ")
    with pytest.raises(dataclasses.FrozenInstanceError):
        event().title = "U"
