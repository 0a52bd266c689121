"""From an article's text to candidate events: one per prose sentence that carries a date and
names someone, or that has no date but names two of the store's actors (or one, in the wording
of a plan, a report or a standing state), dated by the publication; each with its verbatim
quote, date, actors, a status guess and the store events that already cite it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import DateSpan, Store
from ..text import loose
from .actors import Named, Names, named_in
from .mojibake import repair
from .sentences import Sentence, sentences
from .status import Guess, guess_status
from .when import Context, Dating, Span, by_publication, date_sentence, is_future

TITLE_LENGTH = 100


@dataclass
class Candidate:
    sentence: Sentence
    dating: Dating
    named: Named
    status: Guess
    title: str
    repaired: str = ""  # the sentence with its mojibake repaired, when it had any
    cited_by: list[str] = field(default_factory=list)  # store events whose quotes hold this sentence or part of it

    @property
    def quote(self) -> str:
        return self.sentence.text


#: Words that open a sentence without saying what happened: left out of a drafted title.
_OPENERS = re.compile(
    r"^(?:thus|meanwhile|moreover|additionally|in addition|however|also|furthermore|significantly|specifically|"
    r"in response|in contrast|in comparison|on the other hand|at the same time|beyond that|besides|still),\s*",
    re.IGNORECASE,
)


def title_from(text: str) -> str:
    """A first title: the sentence without an opening "Thus," or "Meanwhile,", cut at a word
    under TITLE_LENGTH characters."""
    text = " ".join(text.split()).rstrip(".")
    shorter = _OPENERS.sub("", text)
    if shorter:
        text = shorter[0].upper() + shorter[1:]
    if len(text) <= TITLE_LENGTH:
        return text
    return text[: TITLE_LENGTH - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def citing(store: Store, source: str) -> list[tuple[str, str]]:
    """(event id, quote made `loose`) for every citation of `source` in the store."""
    return [(e.id, loose(c.quote)) for e in store.events for c in e.citations if c.source == source and c.quote.strip()]


OVERLAP = 40  # characters: a quote starting in a sentence (or a sentence in a quote) shares at least these


def cited_by(text: str, quotes: list[tuple[str, str]]) -> list[str]:
    """The events one of whose quotes overlaps `text`: holds it, is held by it, or starts in it
    and runs on into the next sentence (white space and quote marks aside)."""
    mine = loose(text)
    return list(dict.fromkeys(eid for eid, q in quotes if q and (q[:OVERLAP] in mine or mine[:OVERLAP] in q)))


def draft(text: str, store: Store, source: str, published: DateSpan) -> list[Candidate]:
    """The candidate events of the article `text`, cited to `source`, published `published`."""
    names = Names(store)
    quotes = citing(store, source)
    context = Context()
    out: list[Candidate] = []
    for s in sentences(text):
        fixed = repair(s.text)
        guess = guess_status(fixed)
        future = guess.status == "planned" or is_future(fixed)
        dating = date_sentence(fixed, published, context, future) if s.prose else None
        if dating is not None:
            span = dating.span
            one_year = span.start.year if span.start and span.end and span.start.year == span.end.year else None
            context = Context(Span(span.start, span.end, span.precision), dating.date_text, one_year)
        if not s.prose:
            continue
        who = named_in(fixed, names)
        if dating is None:
            if len(who.actors) < 2 and not (who.actors and guess.cue):
                continue  # undated: kept when it names two actors, or one with wording of a plan, report or state
            dating = by_publication(published, guess.status == "planned")
        elif not who.actors and not who.unknown:
            continue
        out.append(
            Candidate(
                sentence=s,
                dating=dating,
                named=who,
                status=guess,
                title=title_from(fixed),
                repaired=fixed if fixed != s.text else "",
                cited_by=cited_by(s.text, quotes),
            )
        )
    return out
