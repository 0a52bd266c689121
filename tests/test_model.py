"""The value classes are frozen, with ==, hash and repr meaning what a frozen dataclass's would."""

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
def test_value_classes_have_the_shared_methods(cls):
    assert cls.__eq__ is model._eq and cls.__hash__ is model._hash and cls.__setattr__ is model._setattr


@pytest.mark.parametrize("cls", VALUE_CLASSES)
def test_value_classes_behave_as_the_same_frozen_dataclass(cls):
    """The same annotations and defaults made into a frozen dataclass take the same arguments
    and give an equal-looking instance: positional, keyword and default fields."""
    twin = dataclasses.make_dataclass(
        cls.__name__,
        [(n, object, dataclasses.field(**_spec(cls, n))) for n in cls.__fields__],
        frozen=True,
    )
    required = [n for n in cls.__fields__ if n not in cls.__field_defaults__]
    args = [f"v{i}" for i in range(len(required))]
    ours, theirs = cls(*args), twin(*args)
    assert repr(ours) == repr(theirs)
    assert ours == cls(**dict(zip(required, args, strict=True)))
    assert cls.__fields__ == tuple(f.name for f in dataclasses.fields(twin))
    with pytest.raises(TypeError):
        cls(*range(len(cls.__fields__) + 1))  # one too many


def _spec(cls, name):
    if name not in cls.__field_defaults__:
        return {}
    given = cls.__field_defaults__[name]
    return {"default_factory": given.factory} if isinstance(given, model._Field) else {"default": given}


def test_fields_declared_with_field():
    @model.value
    class Thing:
        a: int
        b: list = model.field(default_factory=list, compare=False)
        c: str = model.field(default="c", compare=False)

    one, two = Thing(1), Thing(1, c="other")
    assert one.b == [] and one.b is not Thing(1).b and one.c == "c"
    assert one == two and hash(one) == hash(two)
    assert model.replace(one, a=2) == Thing(2) and model.replace(one, a=2).c == "c"
    with pytest.raises(TypeError, match="no field 'z'"):
        model.replace(one, z=1)
    with pytest.raises(TypeError, match="without a default"):

        @model.value
        class Wrong:
            a: int = 1
            b: int

    with pytest.raises(TypeError, match="without a default"):

        @model.value
        class AlsoWrong:
            a: int = 1
            b: int = model.field(compare=False)


def test_store_compares_by_identity():
    store = model.Store((), (), {}, {}, (), {}, {})
    assert store.names == {} and store.names is not model.Store((), (), {}, {}, (), {}, {}).names
    assert store != model.Store((), (), {}, {}, (), {}, {}) and hash(store) == hash(store)


def test_equality_and_hash_leave_out_the_origin():
    assert event() == event(origin=Origin("y.toml", 9))
    assert hash(event()) == hash(event(origin=Origin("y.toml", 9)))
    assert event() != event(title="U") and event() != event(actors=("a",))
    assert event().__eq__("e") is NotImplemented
    assert len({event(), event(origin=Origin("z", 1)), event(id="f")}) == 2


def test_repr_and_immutability():
    assert repr(Origin("x.toml", 3)) == "Origin(file='x.toml', line=3)"
    assert repr(event()).startswith("Event(id='e', date=DateSpan(text='2024-09', ")
    with pytest.raises(model.FrozenError):
        event().title = "U"
    with pytest.raises(AttributeError):
        del event().title
