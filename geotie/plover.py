"""The PLOVER event vocabulary: event types, their modes, the general contexts, and the
quad categories (no I/O).

From the PLOVER manual, "DRAFT Version: 2.0" (PLOVER_MANUAL.tex of github.com/openeventdata/PLOVER,
commit 5e0c24f, February 2024): chapter "Event Categories" (the 16 types, each with its modes
table and quad category), table "General contexts", and chapter "Data Fields" (the JSON field
names `geotie timeline -f plover` writes). The repository README's older table of 18 types
(DEMAND, DISAPPROVE, ...) is not the manual's: the manual is followed.
"""

from __future__ import annotations

#: The codebook written in each record's cite_info (PLOVER's `codebook` field).
CODEBOOK = "plover-2.0"

#: The quad categories, numbered as PLOVER's `quad_code` field (1 to 4, the CAMEO/ICEWS order).
QUADS = ("verbal cooperation", "material cooperation", "verbal conflict", "material conflict")

#: Each event type: its quad category (1-4) and PLOVER's definition, shortened.
TYPES: dict[str, tuple[int, str]] = {
    "AGREE": (1, "agree to, offer, promise or otherwise commit to cooperate, incl. promises to sign or ratify"),
    "CONSULT": (1, "consultations and meetings: visiting, hosting, meeting elsewhere, by phone"),
    "SUPPORT": (1, "diplomatic, non-material cooperation; express support; sign, ratify or finalize an agreement"),
    "CONCEDE": (1, "verbal concessions without immediate material consequences"),
    "COOPERATE": (2, "mutual material cooperation or exchange: economic, military (joint exercises), judicial"),
    "AID": (2, "material aid whose benefits accrue mainly to the recipient: money, arms, personnel, relief"),
    "RETREAT": (2, "material concessions: withdraw, release, disarm, ceasefire, allow access, resign"),
    "REQUEST": (3, "requests, demands and orders"),
    "ACCUSE": (3, "disapprove, accuse, allege, sue, investigate"),
    "REJECT": (3, "rejections and refusals"),
    "THREATEN": (3, "threats, coercive or forceful warnings"),
    "PROTEST": (4, "civilian demonstrations and other collective protest"),
    "SANCTION": (4, "reductions in existing, routine or cooperative relations"),
    "MOBILIZE": (4, "military or police moves short of the use of force"),
    "COERCE": (4, "repression, restrictions on rights, coercive power short of violence"),
    "ASSAULT": (4, "deliberate actions that can cause substantial physical harm"),
}

_ASK = ("assist", "change", "yield", "meet")  # REQUEST and REJECT share these modes

#: Each type's modes (the manual's modes tables); a type missing here has none.
MODES: dict[str, tuple[str, ...]] = {
    "CONSULT": ("visit", "third-party", "multilateral", "phone"),
    "RETREAT": ("withdraw", "release", "disarm", "ceasefire", "access", "resign"),
    "REQUEST": _ASK,
    "ACCUSE": ("disapprove", "investigate", "allege"),
    "REJECT": _ASK,
    "THREATEN": ("restrict", "arrest", "relations", "expel", "territory", "violence"),
    "PROTEST": ("demo", "riot", "strike", "hunger", "boycott", "obstruct", "vandalize"),
    "SANCTION": ("convict", "expel", "withdraw", "discontinue"),
    "MOBILIZE": ("troops", "weapons", "police", "militia"),
    "COERCE": (
        "seize", "restrict", "censor", "curfew", "martial-law", "arrest", "deport", "withhold", "misinformation",
        "cyber",
    ),
    "ASSAULT": (
        "abduct", "beat", "torture", "sexual", "targeted", "destroy", "primitive", "firearms", "explosives",
        "suicide-attack", "aerial", "drone", "heavy-weapons", "crowd-control", "unconventional",
    ),
}  # fmt: skip

#: The general contexts, usable with any type (the manual's table "General contexts").
CONTEXTS = (
    "military", "intelligence", "executive", "legislative", "election", "political_institutions", "pro_democracy",
    "pro_autocracy", "economic", "legal", "reparations", "human_rights", "rights_freedoms", "repression",
    "human_security", "gender", "lgbt", "religion_ethnicity", "inequality", "diplomatic", "territory", "peacekeeping",
    "health", "asylum", "migration", "disasters", "natural_resource", "environment", "technology", "terrorism", "cbrn",
    "cyber", "misinformation", "crime", "corruption", "illegal_drugs", "trafficking",
)  # fmt: skip

_CONTEXT_SET = frozenset(CONTEXTS)

#: The fields of a PLOVER record (the manual's table "PLOVER JSON"), in its order.
FIELDS = (
    "id", "has_event", "date", "time", "enddate", "endtime", "actor", "recipient", "event", "event_loc", "event_text",
    "quad_code", "event_scale", "mode", "context", "link", "text", "text_info", "cite_info", "coder", "coded_date",
    "coded_time", "comment",
)  # fmt: skip
#: The fields a PLOVER record must have.
REQUIRED = ("id", "date", "actor", "event")
#: The fields of a citeInfo object (the manual's table "Information object for citations").
CITE_FIELDS = (
    "corpus", "citation", "url", "title", "language", "publication", "license", "copyright", "coder", "codebook",
    "version",
)  # fmt: skip
#: The fields of an entity object (table "Information object for entities").
ENTITY_FIELDS = (
    "code", "sector", "entity_text", "identifier_id", "identifier_text", "religion", "ethnicity", "office", "gender",
    "age",
)  # fmt: skip


def event_type(text: str) -> str | None:
    """The PLOVER type `text` names, any case ("agree" -> "AGREE"); None if it names none."""
    key = text.strip().upper()
    return key if key in TYPES else None


def types_named(values, flag: str = "--type") -> tuple[str, ...]:
    """Types typed by a user (any case), upper case, each once; a UsageError names an unknown
    one with the nearest spelling and the list."""
    from .errors import UsageError
    from .text import suggest

    found = []
    for value in values:
        kind = event_type(value)
        if kind is None:
            near = suggest(value.upper(), list(TYPES))
            hint = f"did you mean {near[0]}? " if near else ""
            raise UsageError(f"{flag} {value}: not a PLOVER event type; {hint}types: {', '.join(TYPES)}")
        found.append(kind)
    return tuple(dict.fromkeys(found))


def event_mode(kind: str, text: str) -> str | None:
    """The mode of type `kind` that `text` names, any case; None if the type has no such mode."""
    key = text.strip().lower()
    return key if key in MODES.get(kind, ()) else None


def context(text: str) -> str | None:
    """The general context `text` names, any case; None if it names none."""
    key = text.strip().lower()
    return key if key in _CONTEXT_SET else None


def modes_of(kind: str) -> str:
    """The modes of type `kind`, for a message: "visit, third-party, ..." or "none"."""
    return ", ".join(MODES.get(kind, ())) or "none"


def quad_code(kind: str) -> int:
    return TYPES[kind][0]
