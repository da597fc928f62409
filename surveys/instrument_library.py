"""The survey instruments the app ships, as plain data.

A seeding function creates database rows from these, keyed by the stable ``key`` of each scale,
instrument, construct and item, so it can be run again without duplicating anything. Keys must
never change once a survey has been administered: the baseline and six-month reports of the
trust survey match answers by item key. Change the wording of an item only together with its
instrument's ``version``.

The item texts were written for this programme. They draw on ideas from research on
professional community and relational trust in schools (trust among colleagues, collective
responsibility, reflective dialogue, deprivatised practice, a shared focus on student learning,
collective efficacy) but do not reproduce the items of any published instrument.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "AGREEMENT",
    "CONFIDENCE",
    "CONFIDENCE_SURVEY",
    "FREQUENCY",
    "INSTRUMENTS",
    "PEER_FEEDBACK",
    "SCALES",
    "SESSION_FEEDBACK",
    "STUDENT_3",
    "STUDENT_VOICE_3_5",
    "STUDENT_VOICE_6_12",
    "TRUST_AND_LEARNING_CULTURE",
    "Construct",
    "Instrument",
    "InstrumentKind",
    "OpenTextItem",
    "ResponseScale",
    "ScalePoint",
    "ScaledItem",
    "get_instrument",
    "get_scale",
]


class InstrumentKind(StrEnum):
    """What an instrument is for; the app words invitations and reports by it."""

    TRUST_CULTURE = "TRUST_CULTURE"
    CONFIDENCE = "CONFIDENCE"
    PEER_FEEDBACK = "PEER_FEEDBACK"
    SESSION_FEEDBACK = "SESSION_FEEDBACK"
    STUDENT_VOICE = "STUDENT_VOICE"


@dataclass(frozen=True)
class ScalePoint:
    """One labelled point of a response scale; ``value`` is what is stored and averaged."""

    value: int
    label: str


@dataclass(frozen=True)
class ResponseScale:
    """An ordered set of labelled points, lowest first."""

    key: str
    title: str
    points: tuple[ScalePoint, ...]

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(point.value for point in self.points)

    @property
    def low(self) -> int:
        return self.points[0].value

    @property
    def high(self) -> int:
        return self.points[-1].value


@dataclass(frozen=True)
class ScaledItem:
    """A statement answered on a response scale.

    ``reverse_scored`` items are worded so that agreeing means *less* of the construct; reports
    reverse them before averaging (``surveys.statistics.reverse_score``).
    """

    key: str
    prompt: str
    scale_key: str
    reverse_scored: bool = False


@dataclass(frozen=True)
class OpenTextItem:
    """A question answered in the respondent's own words; optional to answer."""

    key: str
    prompt: str


@dataclass(frozen=True)
class Construct:
    """A group of scaled items that together measure one idea; reported as the mean of its
    items per respondent, as well as item by item."""

    key: str
    title: str
    description: str
    items: tuple[ScaledItem, ...]


@dataclass(frozen=True)
class Instrument:
    """A survey as shipped: its constructs in display order, then its open-text questions."""

    key: str
    title: str
    description: str
    kind: InstrumentKind
    constructs: tuple[Construct, ...]
    open_text_items: tuple[OpenTextItem, ...] = ()
    version: int = 1

    @property
    def scaled_items(self) -> tuple[ScaledItem, ...]:
        return tuple(item for construct in self.constructs for item in construct.items)

    @property
    def question_count(self) -> int:
        return len(self.scaled_items) + len(self.open_text_items)


# --- response scales ----------------------------------------------------------------------------

AGREEMENT = ResponseScale(
    key="agreement_5",
    title="Agreement",
    points=(
        ScalePoint(1, "Strongly disagree"),
        ScalePoint(2, "Disagree"),
        ScalePoint(3, "Neither agree nor disagree"),
        ScalePoint(4, "Agree"),
        ScalePoint(5, "Strongly agree"),
    ),
)

FREQUENCY = ResponseScale(
    key="frequency_5",
    title="Frequency",
    points=(
        ScalePoint(1, "Never"),
        ScalePoint(2, "Rarely"),
        ScalePoint(3, "Sometimes"),
        ScalePoint(4, "Often"),
        ScalePoint(5, "Always"),
    ),
)

CONFIDENCE = ResponseScale(
    key="confidence_4",
    title="Confidence",
    points=(
        ScalePoint(1, "Not yet confident"),
        ScalePoint(2, "Somewhat confident"),
        ScalePoint(3, "Confident"),
        ScalePoint(4, "Very confident"),
    ),
)

# For grades 3-5: three points a young student reads at a glance.
STUDENT_3 = ResponseScale(
    key="student_3",
    title="No, sometimes, yes",
    points=(
        ScalePoint(1, "No"),
        ScalePoint(2, "Sometimes"),
        ScalePoint(3, "Yes"),
    ),
)

SCALES: tuple[ResponseScale, ...] = (AGREEMENT, FREQUENCY, CONFIDENCE, STUDENT_3)


def _agree(key: str, prompt: str, *, reverse: bool = False) -> ScaledItem:
    return ScaledItem(key=key, prompt=prompt, scale_key=AGREEMENT.key, reverse_scored=reverse)


def _often(key: str, prompt: str, *, reverse: bool = False) -> ScaledItem:
    return ScaledItem(key=key, prompt=prompt, scale_key=FREQUENCY.key, reverse_scored=reverse)


def _yes(key: str, prompt: str) -> ScaledItem:
    return ScaledItem(key=key, prompt=prompt, scale_key=STUDENT_3.key)


def _confident(key: str, prompt: str) -> ScaledItem:
    return ScaledItem(key=key, prompt=prompt, scale_key=CONFIDENCE.key)


# --- trust and learning culture -----------------------------------------------------------------

TRUST_AND_LEARNING_CULTURE = Instrument(
    key="trust_and_learning_culture",
    title="Trust and Learning Culture",
    description=(
        "How the teachers in this learning group trust one another and learn together. "
        "Everyone in the group answers at the start of the work and again six months later, "
        "so the group can see what has changed. Answers are anonymous."
    ),
    kind=InstrumentKind.TRUST_CULTURE,
    constructs=(
        Construct(
            key="teacher_trust",
            title="Trust among colleagues",
            description="Teachers feel safe, respected and able to rely on one another.",
            items=(
                _agree(
                    "tlc_trust_admit_struggle",
                    "I can tell colleagues in this group about a lesson that went badly "
                    "without worrying about how they will see me.",
                ),
                _agree(
                    "tlc_trust_keep_word",
                    "Colleagues in this group do what they say they will do for one another.",
                ),
                _agree(
                    "tlc_trust_good_intent",
                    "I believe colleagues in this group want the best for my students.",
                ),
                _agree(
                    "tlc_trust_hold_back",
                    "I keep my real views to myself in this group because I am unsure how "
                    "they will be received.",
                    reverse=True,
                ),
                _agree(
                    "tlc_trust_visit_confidential",
                    "When a colleague from this group visits my class, I trust that what they "
                    "see stays between us.",
                ),
            ),
        ),
        Construct(
            key="collective_responsibility",
            title="Collective responsibility for student learning",
            description="Teachers share responsibility for the learning of all students, "
            "not only those in their own classes.",
            items=(
                _agree(
                    "tlc_resp_students_not_mine",
                    "Teachers in this group feel responsible for students they do not teach "
                    "themselves.",
                ),
                _agree(
                    "tlc_resp_shared_problem",
                    "When students in our school struggle, teachers in this group treat it as "
                    "a problem for all of us to solve.",
                ),
                _agree(
                    "tlc_resp_up_to_students",
                    "Teachers in this group see whether students learn as mostly up to the "
                    "students and their families.",
                    reverse=True,
                ),
                _agree(
                    "tlc_resp_every_student",
                    "Teachers in this group help one another make sure every student reaches "
                    "the learning goals.",
                ),
            ),
        ),
        Construct(
            key="reflective_dialogue",
            title="Reflective dialogue",
            description="Teachers talk together in depth about teaching and what students "
            "are learning.",
            items=(
                _agree(
                    "tlc_dialogue_specific_lessons",
                    "Teachers in this group talk together about what students did and did not "
                    "learn in specific lessons.",
                ),
                _agree(
                    "tlc_dialogue_use_evidence",
                    "Our conversations draw on evidence such as student work or data collected "
                    "in class.",
                ),
                _agree(
                    "tlc_dialogue_question_assumptions",
                    "In this group we question our own assumptions about why students succeed "
                    "or struggle.",
                ),
                _agree(
                    "tlc_dialogue_only_logistics",
                    "Our conversations about teaching seldom go beyond swapping materials and "
                    "sorting out logistics.",
                    reverse=True,
                ),
            ),
        ),
        Construct(
            key="deprivatised_practice",
            title="Open classroom practice",
            description="Teachers open their classrooms to colleagues and learn from each "
            "other's practice.",
            items=(
                _often(
                    "tlc_open_colleagues_visit_me",
                    "Colleagues from this group come into my classroom to look at how my "
                    "students are learning.",
                ),
                _often(
                    "tlc_open_i_visit",
                    "I spend time in colleagues' classrooms watching how their students learn.",
                ),
                _often(
                    "tlc_open_ask_feedback",
                    "I ask colleagues to tell me what they notice about my students' learning.",
                ),
                _often(
                    "tlc_open_share_work",
                    "I share lesson plans or student work with colleagues so they can comment "
                    "on them.",
                ),
                _often(
                    "tlc_open_only_me",
                    "What happens in my classroom is seen only by me and my students.",
                    reverse=True,
                ),
            ),
        ),
        Construct(
            key="focus_on_student_learning",
            title="Collective focus on student learning",
            description="The group's work starts from, and keeps returning to, what students "
            "are learning.",
            items=(
                _agree(
                    "tlc_focus_start_from_needs",
                    "When this group makes decisions about teaching, we start from what "
                    "students need to learn.",
                ),
                _agree(
                    "tlc_focus_learning_not_coverage",
                    "Our discussions are about what students are learning rather than what "
                    "teachers have covered.",
                ),
                _agree(
                    "tlc_focus_shared_picture",
                    "Teachers in this group share a clear picture of what strong student "
                    "learning looks like.",
                ),
                _agree(
                    "tlc_focus_admin_crowds_out",
                    "When this group meets, administrative matters take up more time than "
                    "student learning.",
                    reverse=True,
                ),
            ),
        ),
        Construct(
            key="collective_efficacy",
            title="Collective efficacy",
            description="Teachers believe that together they can improve the learning of "
            "all their students.",
            items=(
                _agree(
                    "tlc_efficacy_hardest_students",
                    "Together, teachers in this group can improve the learning of even the "
                    "students who find school hardest.",
                ),
                _agree(
                    "tlc_efficacy_skills",
                    "Teachers in this group have the skills to help students who fall behind.",
                ),
                _agree(
                    "tlc_efficacy_little_we_can_do",
                    "If a student is not learning, there is little teachers in this group can "
                    "do about it.",
                    reverse=True,
                ),
                _agree(
                    "tlc_efficacy_real_difference",
                    "Working together, we make a real difference to how much our students learn.",
                ),
            ),
        ),
    ),
    open_text_items=(
        OpenTextItem(
            key="tlc_open_text_helps",
            prompt="What is one thing about how teachers in this group work together that "
            "helps students learn?",
        ),
        OpenTextItem(
            key="tlc_open_text_easier",
            prompt="What would make it easier for you to open your classroom to colleagues, "
            "or to learn from theirs?",
        ),
    ),
)


# --- confidence ---------------------------------------------------------------------------------

CONFIDENCE_SURVEY = Instrument(
    key="confidence",
    title="Confidence in Observing and Reflecting",
    description=(
        "How confident you feel in the skills of the Student Learning Reflection Cycle. "
        "The whole group answers at the end of the school year. Answers are anonymous."
    ),
    kind=InstrumentKind.CONFIDENCE,
    constructs=(
        Construct(
            key="observing_student_learning",
            title="Observing student learning",
            description="Collecting the evidence of student learning a host teacher asked for "
            "during a classroom visit.",
            items=(
                _confident(
                    "conf_observe_students_not_teacher",
                    "Keeping my attention on what students say and do, rather than on the "
                    "teacher, during a visit",
                ),
                _confident(
                    "conf_observe_only_what_asked",
                    "Collecting only the data the host teacher asked for",
                ),
                _confident(
                    "conf_observe_scripting",
                    "Scripting: taking timed notes of what students say and do",
                ),
                _confident(
                    "conf_observe_quantitative",
                    "Recording student learning with tallies, seating-chart maps or checklists",
                ),
                _confident(
                    "conf_observe_describe_not_judge",
                    "Describing what I saw without judging the teacher or the students",
                ),
            ),
        ),
        Construct(
            key="crafting_questions_and_tools",
            title="Crafting Student Learning Questions and data-collection tools",
            description="Helping a host teacher turn what they wonder about their students "
            "into a question and a tool to answer it.",
            items=(
                _confident(
                    "conf_craft_area_of_interest",
                    "Helping a colleague choose an area of interest in their students' learning",
                ),
                _confident(
                    "conf_craft_question",
                    "Helping a colleague turn that interest into a clear Student Learning Question",
                ),
                _confident(
                    "conf_craft_rubric",
                    "Using the Student Learning Rubric to judge whether a question is "
                    "meaningful and relevant",
                ),
                _confident(
                    "conf_craft_tool",
                    "Designing a data-collection tool that fits the host teacher's question",
                ),
            ),
        ),
        Construct(
            key="facilitating_peer_reflection",
            title="Facilitating peer reflection",
            description="Leading the reflection protocol so that the host teacher draws their "
            "own conclusions from the data.",
            items=(
                _confident(
                    "conf_reflect_follow_protocol",
                    "Leading a colleague through each step of the reflection protocol",
                ),
                _confident(
                    "conf_reflect_relative_to_aim",
                    "Helping a colleague see where students are relative to the aim",
                ),
                _confident(
                    "conf_reflect_questions_not_advice",
                    "Asking questions that help a colleague find their own next steps, rather "
                    "than giving advice",
                ),
                _confident(
                    "conf_reflect_keep_focus",
                    "Keeping the conversation on time and on student learning",
                ),
            ),
        ),
    ),
    open_text_items=(
        OpenTextItem(
            key="conf_open_text_practice_next",
            prompt="Which of these skills would you most like to practise more, and why?",
        ),
    ),
)


# --- peer feedback ------------------------------------------------------------------------------

PEER_FEEDBACK = Instrument(
    key="peer_feedback_slrc_impact",
    title="Peer Feedback: Impact of the Student Learning Reflection Cycle",
    description=(
        "How taking part in the Student Learning Reflection Cycle has affected the learning of "
        "the students in your classroom. Answers are anonymous."
    ),
    kind=InstrumentKind.PEER_FEEDBACK,
    constructs=(
        Construct(
            key="slrc_classroom_impact",
            title="Impact on my students' learning",
            description="Whether the cycle changed what the host teacher sees and does, and "
            "what their students learn.",
            items=(
                _agree(
                    "peer_impact_see_learning",
                    "Taking part in the cycle helped me see my students' learning more clearly.",
                ),
                _agree(
                    "peer_impact_data_surprised",
                    "The data a colleague collected in my classroom showed me something I had "
                    "not noticed.",
                ),
                _agree(
                    "peer_impact_changed_teaching",
                    "I changed something in my teaching because of a reflection conversation.",
                ),
                _agree(
                    "peer_impact_students_learn_more",
                    "My students are learning more since I started taking part in the cycle.",
                ),
                _agree(
                    "peer_impact_no_difference",
                    "The cycle has taken time without making a difference for my students.",
                    reverse=True,
                ),
            ),
        ),
        Construct(
            key="slrc_experience",
            title="Experience of the cycle",
            description="Whether visits and reflections felt supportive and worth repeating.",
            items=(
                _agree(
                    "peer_experience_supportive",
                    "Having a colleague visit my classroom felt supportive, not like an "
                    "evaluation.",
                ),
                _agree(
                    "peer_experience_question_mine",
                    "The Student Learning Question we worked on was one I really cared about.",
                ),
                _agree(
                    "peer_experience_would_repeat",
                    "I would welcome another visit and reflection in my classroom.",
                ),
            ),
        ),
    ),
    open_text_items=(
        OpenTextItem(
            key="peer_open_text_change",
            prompt="Describe a change in your students' learning that you connect to the cycle.",
        ),
        OpenTextItem(
            key="peer_open_text_improve",
            prompt="What would make the cycle more useful for your classroom?",
        ),
    ),
)


# --- session feedback ---------------------------------------------------------------------------

SESSION_FEEDBACK = Instrument(
    key="session_feedback",
    title="Session Feedback",
    description=(
        "A short survey after a professional learning session: what worked, what was hard "
        "and what you will do next. Answers are anonymous."
    ),
    kind=InstrumentKind.SESSION_FEEDBACK,
    constructs=(
        Construct(
            key="session_overall",
            title="Overall",
            description="How useful the session was for the participant's work.",
            items=(
                _agree(
                    "session_useful",
                    "I will be able to use what I learned in this session in my work.",
                ),
            ),
        ),
    ),
    open_text_items=(
        OpenTextItem(
            key="session_success",
            prompt="What part of this session worked best for you?",
        ),
        OpenTextItem(
            key="session_challenges",
            prompt="What was challenging or unclear?",
        ),
        OpenTextItem(
            key="session_next_steps",
            prompt="What is one next step you will take because of this session?",
        ),
    ),
)


# --- student voice (issue 23) -------------------------------------------------------------------
# A class's experience in the students' words, written for this programme: the same four ideas
# (being known, challenge, clarity, a voice in class) at two reading levels. Vendor instruments
# are licensed; none of their items is reproduced here.

STUDENT_VOICE_6_12 = Instrument(
    key="student_voice_6_12",
    title="Our Class (grades 6-12)",
    description=(
        "Students tell their teacher how the class works for them: being known, being "
        "challenged, understanding, and having a voice. Anonymous; the teacher sees the class "
        "as a whole."
    ),
    kind=InstrumentKind.STUDENT_VOICE,
    constructs=(
        Construct(
            key="sv_known",
            title="Being known",
            description="Students feel their teacher knows and cares about them as people.",
            items=(
                _agree("sv_known_interests", "My teacher knows what I am interested in."),
                _agree(
                    "sv_known_cares",
                    "My teacher cares how I am doing, not only how my grades are.",
                ),
                _agree("sv_known_belong", "I feel that I belong in this class."),
            ),
        ),
        Construct(
            key="sv_challenge",
            title="Challenge",
            description="Students are pushed to think and to do their best work.",
            items=(
                _agree("sv_challenge_think", "This class makes me think hard."),
                _agree(
                    "sv_challenge_best",
                    "My teacher expects my best work, even when the work is difficult.",
                ),
                _agree("sv_challenge_explain", "I am asked to explain how I got my answers."),
            ),
        ),
        Construct(
            key="sv_clarity",
            title="Clarity",
            description="Students understand what they are learning and get help when stuck.",
            items=(
                _agree(
                    "sv_clarity_new_way",
                    "When something is unclear to me, my teacher finds a new way to show it.",
                ),
                _agree("sv_clarity_goal", "I know what I am supposed to be learning here."),
                _agree(
                    "sv_clarity_checks",
                    "Before we move on, my teacher finds out whether we have understood.",
                ),
            ),
        ),
        Construct(
            key="sv_voice",
            title="Voice",
            description="Students' ideas count, and it is safe to speak up.",
            items=(
                _agree("sv_voice_ideas", "My teacher asks for our ideas about how the class runs."),
                _agree("sv_voice_safe", "I feel safe giving an answer that might be wrong."),
                _agree("sv_voice_listen", "Students in this class listen to one another."),
            ),
        ),
    ),
    open_text_items=(
        OpenTextItem(
            key="sv_helps", prompt="What is one thing that helps you learn in this class?"
        ),
        OpenTextItem(
            key="sv_better", prompt="What is one thing that would make this class better for you?"
        ),
    ),
)

STUDENT_VOICE_3_5 = Instrument(
    key="student_voice_3_5",
    title="Our Class (grades 3-5)",
    description=(
        "Short sentences with three answers (no, sometimes, yes) for younger students, on the "
        "same four ideas as the grades 6-12 survey. Anonymous; the teacher sees the class as a "
        "whole."
    ),
    kind=InstrumentKind.STUDENT_VOICE,
    constructs=(
        Construct(
            key="sv3_known",
            title="Being known",
            description="Students feel their teacher knows and cares about them.",
            items=(
                _yes("sv3_known_likes", "My teacher knows what I like."),
                _yes("sv3_known_glad", "My teacher is glad to see me."),
            ),
        ),
        Construct(
            key="sv3_challenge",
            title="Challenge",
            description="Students are asked to try hard things.",
            items=(
                _yes("sv3_challenge_try", "My teacher wants me to try hard things."),
                _yes("sv3_challenge_think", "I have to think a lot in this class."),
            ),
        ),
        Construct(
            key="sv3_clarity",
            title="Clarity",
            description="Students know what they are learning and get help.",
            items=(
                _yes("sv3_clarity_help", "When I am stuck, my teacher helps me."),
                _yes("sv3_clarity_know", "I know what we are learning."),
            ),
        ),
        Construct(
            key="sv3_voice",
            title="Voice",
            description="Students can share ideas and make mistakes safely.",
            items=(
                _yes("sv3_voice_share", "I can share my ideas in this class."),
                _yes("sv3_voice_mistakes", "It is OK to make mistakes in this class."),
            ),
        ),
    ),
    open_text_items=(
        OpenTextItem(key="sv3_helps", prompt="What helps you learn in this class?"),
        OpenTextItem(key="sv3_better", prompt="What would make this class better?"),
    ),
)


INSTRUMENTS: tuple[Instrument, ...] = (
    TRUST_AND_LEARNING_CULTURE,
    CONFIDENCE_SURVEY,
    PEER_FEEDBACK,
    SESSION_FEEDBACK,
    STUDENT_VOICE_6_12,
    STUDENT_VOICE_3_5,
)


def get_scale(key: str) -> ResponseScale:
    """The shipped response scale with this key; KeyError if there is none."""
    for scale in SCALES:
        if scale.key == key:
            return scale
    raise KeyError(key)


def get_instrument(key: str) -> Instrument:
    """The shipped instrument with this key; KeyError if there is none."""
    for instrument in INSTRUMENTS:
        if instrument.key == key:
            return instrument
    raise KeyError(key)
