"""The shared language of the plugin: Arnstein's ladder, SCIE's jigsaw, RAG, barrier tags.

Wording follows the programme's week 5 (the ladder) and weeks 20-24 (the jigsaw and
SCIE's practitioner messages), so the form speaks the language trainees were taught.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rung:
    number: int
    name: str
    explanation: str
    group: str


LADDER = (
    Rung(
        1,
        "Manipulation",
        "People sit on boards to rubber-stamp decisions, with no real influence.",
        "Non-participation",
    ),
    Rung(
        2,
        "Therapy",
        "The aim is to change the people, not the service; their views are a problem to manage.",
        "Non-participation",
    ),
    Rung(
        3,
        "Informing",
        "People are told about decisions and options, one way, often too late to change anything.",
        "Tokenism",
    ),
    Rung(
        4,
        "Consultation",
        "Views are asked for, but there is no promise they will be acted on.",
        "Tokenism",
    ),
    Rung(
        5,
        "Placation",
        "A few hand-picked people advise, but those with power still decide.",
        "Tokenism",
    ),
    Rung(
        6,
        "Partnership",
        "Power is shared: planning and decisions are made jointly, by agreed rules.",
        "Citizen power",
    ),
    Rung(
        7,
        "Delegated power",
        "People who use services hold most seats or clear authority over the plan.",
        "Citizen power",
    ),
    Rung(
        8,
        "Citizen control",
        "People run the programme themselves, including its money and management.",
        "Citizen power",
    ),
)
RUNGS = {rung.number: rung for rung in LADDER}


@dataclass(frozen=True)
class Piece:
    key: str
    name: str
    meaning: str
    prompt: str


# SCIE whole-system jigsaw (Wright et al. 2006) with SCIE's practitioners' messages.
JIGSAW = (
    Piece(
        "culture",
        "Culture",
        "An ethos, shared by all staff and service users, showing a commitment to participation.",
        "Have you mapped the levels at which participation happens, from daily decisions to "
        "strategy, and found the participation champions and the gaps?",
    ),
    Piece(
        "practice",
        "Practice",
        "Ways of working, methods, skills and knowledge that enable people to become involved.",
        "Do service users and carers feel valued and welcomed when they take part?",
    ),
    Piece(
        "structure",
        "Structure",
        "Planning, development and resourcing of participation, visible in the organisation.",
        "Is involvement planned in advance, in accessible venues, with time to prepare, "
        "and paid for?",
    ),
    Piece(
        "review",
        "Review",
        "Monitoring and evaluation that evidence the change participation brings.",
        "Do reviews assess progress and show what changed because service users took part?",
    ),
)
PIECES = {piece.key: piece for piece in JIGSAW}

SCORES = (
    (1, "Not started", "Nothing in place yet."),
    (2, "Emerging", "Some steps taken, in places."),
    (3, "Established", "In place and working in the area of your initiative."),
    (4, "Embedded", "Part of how the organisation works, beyond your initiative."),
)
SCORE_NAMES = {number: name for number, name, _ in SCORES}

RAG = (
    ("green", "On track"),
    ("amber", "At risk"),
    ("red", "Off track"),
)
RAG_NAMES = dict(RAG)
RAG_TAG_CLASSES = {
    "green": "govuk-tag--green",
    "amber": "govuk-tag--yellow",
    "red": "govuk-tag--red",
}

# Curated from the research: structures and silo working were the main barriers;
# collective leadership and a shared language were what was still needed.
BARRIERS = (
    ("structures", "Organisational structures"),
    ("silos", "Silo working"),
    ("leadership", "Lack of leadership support"),
    ("resources", "Resources"),
    ("time", "Time"),
    ("shared-language", "No shared language of co-production"),
    ("culture", "Organisational culture"),
    ("turnover", "Staff turnover"),
    ("funding", "Funding"),
    ("accessibility", "Accessibility for service users and carers"),
    ("governance", "Complex governance across organisations"),
    ("payment", "Paying or reimbursing people"),
)
ENABLERS = (
    ("sponsor", "Senior sponsor"),
    ("champions", "Service-user champions"),
    ("training", "Training"),
    ("partnership", "Partnership working"),
    ("collective-leadership", "Collective leadership"),
    ("shared-language", "A shared language of co-production"),
    ("policy", "Policy or duty to involve people"),
    ("budget", "Budget for involvement"),
    ("peer-support", "Peer support"),
    ("feedback", "Feedback loops: you said, we did"),
)
TAG_NAMES = {"barrier": dict(BARRIERS), "enabler": dict(ENABLERS)}


def tag_name(kind: str, tag: str) -> str:
    return TAG_NAMES[kind].get(tag, tag)


# The ladder in easy-read words, for initiative partners (service users, carers and
# colleagues): one short sentence each, from where the partner stands. The rung's own
# name is shown beside it, so both sides of the initiative share one language.
LADDER_EASY_READ = {
    1: "I was there to agree. I could not change anything.",
    2: "They tried to change me, not the service.",
    3: "They told me what was decided. I could not change it.",
    4: "They asked what I think. They did not promise to act on it.",
    5: "I gave advice. Other people still decided.",
    6: "We planned and decided together, as equals.",
    7: "People like me made most of the decisions.",
    8: "People like me ran it, including the money.",
}

PARTNER_KINDS = (
    ("service user", "Someone who uses the service"),
    ("carer", "A carer"),
    ("colleague", "A colleague"),
    ("other", "Someone else"),
)
