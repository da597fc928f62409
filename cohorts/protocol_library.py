"""The programme's protocols and agenda templates, as plain data.

Protocols are seeded into the database (school = null) by `protocol_library_seed`, keyed by
their stable `key`, so seeding again adds what is missing and never duplicates. A seeded
protocol is not rewritten: agendas already held with it are evidence, so a changed protocol
ships under a new key.

Agenda templates stay in code: starting an agenda from one copies its items into the meeting.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LibraryStep:
    title: str
    minutes: int
    guidance: str = ""


@dataclass(frozen=True, slots=True)
class LibraryProtocol:
    key: str
    name: str
    purpose: str
    steps: tuple[LibraryStep, ...]

    @property
    def total_minutes(self) -> int:
        return sum(step.minutes for step in self.steps)


STUDENT_LEARNING_REFLECTION = LibraryProtocol(
    key="student-learning-reflection",
    name="Student Learning Reflection protocol",
    purpose=(
        "The visiting teacher facilitates the host's reflection on the data collected for "
        "their Student Learning Question: where students are relative to the aim, what stands "
        "out, and next steps. The result is the reflection sheet."
    ),
    steps=(
        LibraryStep(
            "Host restates the Student Learning Question",
            3,
            "The host reminds the group what they wanted to learn about their students and why.",
        ),
        LibraryStep(
            "Visitor shares the data",
            7,
            "The visitor presents only what was collected on the tool, without interpretation "
            "or judgement of the teaching.",
        ),
        LibraryStep(
            "Clarifying questions",
            3,
            "Short factual questions about the data or the lesson; no suggestions yet.",
        ),
        LibraryStep(
            "What stands out?",
            5,
            "The host names patterns and surprises in the data; the visitor listens and "
            "paraphrases.",
        ),
        LibraryStep(
            "Where are students relative to the aim?",
            7,
            "Together, place the students' learning against what the host hoped to see.",
        ),
        LibraryStep(
            "Considerations",
            5,
            "What might explain what we see? The visitor poses questions rather than advice.",
        ),
        LibraryStep(
            "Next steps",
            5,
            "The host decides: keep the question and try a classroom change, or choose a new "
            "question. Write it on the reflection sheet.",
        ),
        LibraryStep(
            "Debrief the protocol",
            5,
            "How did the conversation go? What would make the next one more useful?",
        ),
    ),
)

LOOKING_AT_STUDENT_WORK = LibraryProtocol(
    key="looking-at-student-work",
    name="Looking at Student Work protocol",
    purpose=(
        "A presenting teacher shares a piece of student work; peers take a stance of inquiry "
        "to describe it and consider what the student is working on. The point is not to "
        "give advice but to gain perspectives and new insights about students' work."
    ),
    steps=(
        LibraryStep(
            "Presenting teacher shares the work and a focusing question",
            5,
            "Give only the context needed to read the work; remove the student's name.",
        ),
        LibraryStep("Clarifying questions", 5, "Brief factual questions with brief answers."),
        LibraryStep(
            "Describe the work",
            10,
            "What do you see? Only descriptions, no judgements or interpretations yet.",
        ),
        LibraryStep(
            "Interpret: what is the student working on?",
            10,
            "What does the student seem to understand, and to be trying to do?",
        ),
        LibraryStep(
            "Presenting teacher responds",
            5,
            "What did you hear that was new or surprising? The group listens.",
        ),
        LibraryStep(
            "Implications for teaching",
            7,
            "What might the presenting teacher try next? What does this raise for all of us?",
        ),
        LibraryStep(
            "Debrief the process",
            3,
            "How did the protocol help us look closely? How was the facilitation?",
        ),
    ),
)

SETTING_NORMS = LibraryProtocol(
    key="setting-norms",
    name="Setting group norms",
    purpose=(
        "The group agrees how it will work together, so visits and reflections feel safe: "
        "the visit is not an evaluation and nothing collected goes to administrators."
    ),
    steps=(
        LibraryStep(
            "Individual reflection",
            3,
            "Each person writes what they need from this group to do their best learning.",
        ),
        LibraryStep("Pair share", 5, "Share in pairs and find common themes."),
        LibraryStep(
            "Propose norms",
            10,
            "Pairs propose norms; the facilitator records them in the group's words.",
        ),
        LibraryStep(
            "Check for consensus",
            5,
            "Can everyone live with these norms? Adjust wording until they can.",
        ),
        LibraryStep(
            "Keeping the norms",
            2,
            "Decide how the group will revisit the norms and notice when they slip.",
        ),
    ),
)

PROTOCOLS: tuple[LibraryProtocol, ...] = (
    STUDENT_LEARNING_REFLECTION,
    LOOKING_AT_STUDENT_WORK,
    SETTING_NORMS,
)


def get_library_protocol(key: str) -> LibraryProtocol | None:
    return next((protocol for protocol in PROTOCOLS if protocol.key == key), None)


# --- Agenda templates ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TemplateItem:
    title: str
    minutes: int
    protocol_key: str = ""
    materials: str = ""


@dataclass(frozen=True, slots=True)
class AgendaTemplate:
    key: str
    name: str
    kind: str  # a MeetingKind value
    description: str
    items: tuple[TemplateItem, ...]

    @property
    def total_minutes(self) -> int:
        return sum(item.minutes for item in self.items)


AGENDA_TEMPLATES: tuple[AgendaTemplate, ...] = (
    AgendaTemplate(
        key="group-of-5-launch",
        name="Group of 5: launching the cycle",
        kind="BLUE_GROUP",
        description="First meeting of the leader and the four blue dots.",
        items=(
            TemplateItem("Welcome and check-in", 5),
            TemplateItem("Setting norms", 25, protocol_key="setting-norms"),
            TemplateItem(
                "The Student Learning Reflection Cycle, step by step",
                15,
                materials="One-page overview of the cycle",
            ),
            TemplateItem(
                "Practice: crafting a Student Learning Question",
                15,
                materials="Student Learning Rubric",
            ),
            TemplateItem("Scheduling the leader's visits to the blue dots", 5),
            TemplateItem("Closing reflection", 5),
        ),
    ),
    AgendaTemplate(
        key="group-of-5-reflection-practice",
        name="Group of 5: practising the reflection protocol",
        kind="BLUE_GROUP",
        description="After the first visits: practise facilitating before visiting yellow dots.",
        items=(
            TemplateItem("Check-in and norms review", 5),
            TemplateItem(
                "Student Learning Reflection protocol (fishbowl practice)",
                40,
                protocol_key="student-learning-reflection",
                materials="Data collected at a recent visit; reflection sheet",
            ),
            TemplateItem("Debrief: facilitating the protocol", 10),
            TemplateItem("Planning blue-dot visits to yellow dots", 10),
            TemplateItem("Closing reflection", 5),
        ),
    ),
    AgendaTemplate(
        key="group-of-13-launch",
        name="Group of 13: launching the learning group",
        kind="WHOLE_GROUP",
        description="First meeting of the whole group: leader, blue dots and yellow dots.",
        items=(
            TemplateItem("Welcome and why we visit each other's classrooms", 10),
            TemplateItem("Setting norms", 25, protocol_key="setting-norms"),
            TemplateItem("Blue dots and yellow dots: who visits whom", 10),
            TemplateItem(
                "Practice: crafting a Student Learning Question",
                15,
                materials="Student Learning Rubric",
            ),
            TemplateItem("Baseline trust and learning culture survey", 10),
            TemplateItem("Calendar for the first round of visits", 5),
        ),
    ),
    AgendaTemplate(
        key="group-of-13-looking-at-student-work",
        name="Group of 13: looking at student work",
        kind="WHOLE_GROUP",
        description="A mid-year meeting of the whole group around a piece of student work.",
        items=(
            TemplateItem("Check-in and norms review", 5),
            TemplateItem(
                "Looking at Student Work protocol",
                45,
                protocol_key="looking-at-student-work",
                materials="Copies of one piece of student work, names removed",
            ),
            TemplateItem("What we are learning from our visits", 15),
            TemplateItem("Scheduling the next round of visits", 10),
            TemplateItem("Closing reflection", 5),
        ),
    ),
)


def get_agenda_template(key: str) -> AgendaTemplate | None:
    return next((template for template in AGENDA_TEMPLATES if template.key == key), None)


def protocol_library_seed(protocol_model=None, step_model=None) -> int:
    """Create the library protocols that are missing. Returns how many were created.

    Takes the model classes so a data migration could pass its historical models.
    """
    if protocol_model is None or step_model is None:
        from .models import Protocol, ProtocolStep

        protocol_model, step_model = Protocol, ProtocolStep
    existing = set(protocol_model.objects.filter(school__isnull=True).values_list("key", flat=True))
    created = 0
    for library in PROTOCOLS:
        if library.key in existing:
            continue
        protocol = protocol_model.objects.create(
            school=None, key=library.key, name=library.name, purpose=library.purpose
        )
        step_model.objects.bulk_create(
            step_model(
                protocol=protocol,
                position=position,
                title=step.title,
                minutes=step.minutes,
                guidance=step.guidance,
            )
            for position, step in enumerate(library.steps, start=1)
        )
        created += 1
    return created
