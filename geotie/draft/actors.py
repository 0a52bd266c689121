"""Who a sentence names: the store's actors by name, alias, demonym or id (accents and case
aside; a plural -s counts; a person's surname when no other person has it), and the proper
names the store does not know, as suggestions. Ids are never made up here."""

from __future__ import annotations

import re
from typing import NamedTuple

from ..claims import surname, unique_surnames
from ..model import Store
from ..text import fold

_WORD = re.compile(r"[^\W_]+")
_CONNECTORS = frozenset({"of", "the", "and", "for", "al", "bin", "de", "del", "van", "von", "ul"})
#: Capitalised words that are not names of their own: titles, months, days, sentence openers.
_NOT_NAMES_TEXT = """
president prime minister ministers deputy foreign defence defense secretary general major ambassador field
marshal editor news pm premier emperor sultan chief army additional state head mr mrs ms dr sir king queen
prince senior officer officials industry official spokesperson spokesman vice chairman chair director governor
senator january february march april may june july august september october november december monday tuesday
wednesday thursday friday saturday sunday the a an this that these those it its in on at by for with from to of
and but or so yet as after before during since until while when where which who what why how however moreover
meanwhile additionally also both all some many most more thus then there here he she they we i his her their our
one two three just only late early mid next last according read share show back top scroll related copyright
image source
"""
_NOT_NAMES = frozenset(_NOT_NAMES_TEXT.split())


class Names:
    """The store's names as sequences of folded words -> the actor ids they name."""

    def __init__(self, store: Store) -> None:
        self.table: dict[tuple[str, ...], set[str]] = {}
        self.acronyms: set[tuple[str, ...]] = set()  # "US", "UK": only as written, in capitals
        for actor in store.actors.values():
            for name in (actor.id, *actor.names):
                key = tuple(fold(name).split())
                if key:
                    self.table.setdefault(key, set()).add(actor.id)
                    if name.isupper() and len(name) <= 5 and name != actor.id:
                        self.acronyms.add(key)
        unique = unique_surnames(store.actors.values())
        for ident, last in unique.items():
            self.table.setdefault((last,), {ident})
        shared: dict[str, set[str]] = {}  # a surname several people have: ambiguous, and listed as such
        for actor in store.actors.values():
            name = surname(actor)
            if name and actor.id not in unique:
                shared.setdefault(name, set()).add(actor.id)
        for name, ids in shared.items():
            self.table.setdefault((name,), ids)
        self.longest = max((len(k) for k in self.table), default=1)


class Named(NamedTuple):
    actors: list[str]  # ids, in the order first named
    unknown: list[str]  # proper names the store does not know, as written
    ambiguous: list[tuple[str, tuple[str, ...]]]  # a name that fits several actors, and their ids


def _lookup(names: Names, words: list[tuple[str, str]], i: int, n: int) -> set[str] | None:
    key = tuple(f for _, f in words[i : i + n])
    for candidate in (key, (*key[:-1], key[-1][:-1]) if key[-1].endswith("s") else None):
        if candidate and candidate in names.table:
            if candidate in names.acronyms and not all(w.upper() == w for w, _ in words[i : i + n]):
                continue
            return names.table[candidate]
    return None


def named_in(text: str, names: Names) -> Named:
    """The actors `text` names and the proper names it holds that the store does not know."""
    words = [(m.group(), fold(m.group())) for m in _WORD.finditer(text)]
    covered = [False] * len(words)
    actors: list[str] = []
    ambiguous: list[tuple[str, tuple[str, ...]]] = []
    i = 0
    while i < len(words):
        for n in range(min(names.longest, len(words) - i), 0, -1):
            ids = _lookup(names, words, i, n)
            if ids:
                as_written = " ".join(w for w, _ in words[i : i + n])
                if len(ids) == 1:
                    actors += [x for x in ids if x not in actors]
                elif all(as_written != a for a, _ in ambiguous):
                    ambiguous.append((as_written, tuple(sorted(ids))))
                for k in range(i, i + n):
                    covered[k] = True
                i += n
                break
        else:
            i += 1
    return Named(actors, _unknown(words, covered), ambiguous)


def _capitalised(word: str) -> bool:
    return word[0].isupper() and fold(word) not in _NOT_NAMES


def _joins(words: list[tuple[str, str]], covered: list[bool], i: int) -> bool:
    return not covered[i] and _capitalised(words[i][0])


def _unknown(words: list[tuple[str, str]], covered: list[bool]) -> list[str]:
    out: list[str] = []
    run: list[str] = []
    first = [0]  # where the run starts

    def flush(at: int) -> None:
        while run and run[-1].lower() in _CONNECTORS:
            run.pop()
        single_opener = len(run) == 1 and first[0] == 0  # one capitalised word opening the sentence
        if run and not single_opener:
            name = " ".join(run)
            if name not in out:
                out.append(name)
        run.clear()

    for i, (word, _) in enumerate(words):
        if covered[i] or not word[0].isalpha():
            flush(i)
        elif _capitalised(word):
            if not run:
                first[0] = i
            run.append(word)
        elif (
            run
            and word.lower() in _CONNECTORS
            and i + 1 < len(words)
            and not covered[i + 1]
            and _capitalised(words[i + 1][0])
        ):
            run.append(word)
        else:
            flush(i)
    flush(len(words))
    return out
