"""The credentials of seeds 000, 003 and 004, in the same shapes as `seed_002` (whose docstring
lists the `rules` words), each with the key of its programme. Our own words throughout.

Seed 001 adds no credential: what it asks for (skills as data, formative feedback) lives in
`skills.py` and the models.
"""

from collections.abc import Iterator

from credentials.catalogue import seed_002

PROGRAMMES = [
    {
        "key": "usbe",
        "title": "Utah teacher leadership micro-credentials",
        "issuer": "Utah State Board of Education",
        "position": 2,
    },
    {
        "key": "co-ascd",
        "title": "Colorado ASCD teacher leadership micro-credentials",
        "issuer": "Colorado ASCD",
        "position": 3,
    },
    {
        # Seed 004 does not say who issues it; we leave the issuer empty rather than guess.
        "key": "advocacy-for-student-success",
        "title": "Professional learning for advocacy",
        "issuer": "",
        "position": 4,
    },
]

SERIES = [
    {
        # Foundational: its three credentials are not in the seeds, so it starts empty and the
        # advocate series stays closed until staff add them and a teacher earns them.
        "programme": "co-ascd",
        "key": "teacher-as-learner-and-leader",
        "title": "Teacher as Learner and Leader",
        "requires_series": None,
    },
    {
        "programme": "co-ascd",
        "key": "teacher-as-advocate",
        "title": "Teacher as Advocate",
        "requires_series": "teacher-as-learner-and-leader",
    },
]

# Seed 003 lists no review criteria; ours ask only that each step is done (PASS/FAIL), and the
# summary says so.
_OUR_CRITERIA = " The review criteria are our reading: the issuer publishes none."
_AFTER_FOUNDATION = (
    "Opens once you have earned the three foundational credentials of the Teacher as Learner "
    "and Leader series."
)


def _advocacy_slots(*, research_prompts, plan_title, plan_guidance):
    """Seed 003's three credentials share one arc: find and research a problem, plan, act and
    evaluate, reflect. Only the research questions and the plan differ."""
    return [
        {
            "key": "problem-and-research",
            "part": "Evidence",
            "title": "The problem and your research",
            "guidance": "Leave out anything that would identify a student.",
            "kind": "TEXT",
            "spec": {
                "prompts": research_prompts,
                "words": {"min": 0, "max": 600},
                "limit_scope": "SLOT",
            },
            "consent_from": "NONE",
            "later_capability": None,
            "required_when": None,
            "options": [],
        },
        {
            "key": "plan",
            "part": "Evidence",
            "title": plan_title,
            "guidance": plan_guidance,
            "kind": "UPLOAD",
            "spec": {"media": "FILE", "count": 1},
            "consent_from": "NONE",
            "later_capability": "ARTIFACT",
            "required_when": None,
            "options": [],
        },
        {
            "key": "implementation",
            "part": "Evidence",
            "title": "Carrying it out",
            "guidance": "What you did and how you judged the result.",
            "kind": "TEXT",
            "spec": {
                "prompts": [
                    {"key": "actions", "text": "What did you do, with whom, and when?"},
                    {"key": "evaluation", "text": "What came of it, and how do you know?"},
                ],
                "words": {"min": 0, "max": 500},
                "limit_scope": "SLOT",
            },
            "consent_from": "NONE",
            "later_capability": None,
            "required_when": None,
            "options": [],
        },
        {
            "key": "reflection",
            "part": "Evidence",
            "title": "Reflection and next steps",
            "guidance": "Think about the effort as a whole.",
            "kind": "TEXT",
            "spec": {
                "prompts": [
                    {"key": "learning", "text": "What did the experience teach you?"},
                    {"key": "next", "text": "How will you keep pressing for change from here?"},
                ],
                "words": {"min": 0, "max": 500},
                "limit_scope": "SLOT",
            },
            "consent_from": "NONE",
            "later_capability": None,
            "required_when": None,
            "options": [],
        },
    ]


def _advocacy_criteria():
    """One PASS/FAIL criterion per step (fresh lists, so no two credentials share them)."""
    return [
        {
            "group": "evidence",
            "text": "The problem is stated clearly, with research on solutions and obstacles.",
            "scale": "PASS_FAIL",
            "levels": {},
            "slots": ["problem-and-research"],
        },
        {
            "group": "evidence",
            "text": "The plan sets goals and names who must be reached and how.",
            "scale": "PASS_FAIL",
            "levels": {},
            "slots": ["plan"],
        },
        {
            "group": "evidence",
            "text": "The plan was put into action and its outcome weighed.",
            "scale": "PASS_FAIL",
            "levels": {},
            "slots": ["implementation"],
        },
        {
            "group": "evidence",
            "text": "The reflection draws lessons and sets out further steps.",
            "scale": "PASS_FAIL",
            "levels": {},
            "slots": ["reflection"],
        },
    ]


def _level_row(text, slots, proficient, basic, developing, group):
    return {
        "group": group,
        "text": text,
        "scale": "PROFICIENT_BASIC_DEVELOPING",
        "levels": {"PROFICIENT": proficient, "BASIC": basic, "DEVELOPING": developing},
        "slots": slots,
    }


CREDENTIALS = [
    # --- Seed 000 ----------------------------------------------------------------------------
    {
        "programme": "usbe",
        "key": "leading-beyond-your-classroom",
        "position": 1,
        "tier": None,
        "category": None,
        "series": None,
        "title": "Leading Beyond Your Classroom",
        "summary": (
            "For teachers who still teach a class and also lead other educators in a "
            "recognised role, such as running professional learning or formal mentoring. "
            "Submit one piece of evidence of that leadership and a short reflection, written "
            "or recorded."
        ),
        "competency": "",
        "key_method": "",
        "credit_value": "0.25",
        "credit_unit": "USBE credits",
        # Shown to the teacher; the issuer charges it, never this app.
        "fee_cents": 2000,
        "fee_currency": "USD",
        "fee_when": "AT_SUBMISSION",
        "eligibility": (
            "You teach a class now and lead colleagues in a recognised role, for example as a "
            "professional learning presenter or a formal mentor. Extra duties, chairing a "
            "committee and informal mentoring do not count."
        ),
        "pass_rule": {
            "all": [
                {"group": "evidence", "every_criterion_at_least": "MET"},
                {"group": "reflection", "every_criterion_at_least": "MET"},
            ]
        },
        # The seed names the books but not their authors.
        "resources": [
            {"title": "Adventures in Teacher Leadership", "author": ""},
            {"title": "Every Teacher a Leader", "author": ""},
            {"title": "The Cage-Busting Teacher", "author": ""},
        ],
        "skills": [("SLRC", "LEAD.1"), ("SLRC", "LEAD.2")],
        "prerequisites": [],
        "slots": [
            {
                "key": "leader-role",
                "part": "Eligibility",
                "title": "Your leadership role",
                "guidance": "Confirm that you fit the eligibility above.",
                "kind": "ATTESTATION",
                "spec": {
                    "statement": "I teach a class and lead other teachers in a recognised role."
                },
                "consent_from": "NONE",
                "later_capability": None,
                "required_when": None,
                "options": [],
            },
            {
                "key": "evidence",
                "part": "Evidence",
                "title": "One piece of evidence",
                "guidance": (
                    "Choose one. A unit plan can be a file or three agendas of meetings you "
                    "led in this app."
                ),
                "kind": "CHOICE",
                "spec": {"choose": 1, "label": "Which evidence you submit"},
                "consent_from": "NONE",
                "later_capability": None,
                "required_when": None,
                "options": [
                    {
                        "key": "session-video",
                        "part": "Evidence",
                        "title": "Video of a session you led",
                        "guidance": (
                            "You running professional learning for teachers in your district, "
                            "teaching adults well and consistently."
                        ),
                        "kind": "UPLOAD",
                        "spec": {"media": "VIDEO", "count": 1},
                        "consent_from": "NONE",
                        "later_capability": "VIDEO",
                        "required_when": None,
                        "options": [],
                    },
                    {
                        "key": "unit-plan-file",
                        "part": "Evidence",
                        "title": "Unit plan",
                        "guidance": (
                            "Plans for three or more small-group sessions, on teaching a "
                            "subject or on mentoring topics (say, a monthly group for "
                            "first-year teachers)."
                        ),
                        "kind": "UPLOAD",
                        "spec": {"media": "FILE", "count": 1},
                        "consent_from": "NONE",
                        "later_capability": "ARTIFACT",
                        "required_when": None,
                        "options": [],
                    },
                    {
                        "key": "unit-plan-agendas",
                        "part": "Evidence",
                        "title": "Unit plan from your agendas",
                        "guidance": "Three agendas of meetings you led, instead of a file.",
                        "kind": "RECORDS",
                        "spec": {
                            "source": "MEETING_AGENDA",
                            "count": 3,
                            "rules": {"led_by": "SELF"},
                        },
                        "consent_from": "NONE",
                        "later_capability": None,
                        "required_when": None,
                        "options": [],
                    },
                    {
                        "key": "testimonial",
                        "part": "Evidence",
                        "title": "Testimonial",
                        "guidance": (
                            "A participant or mentee's account of how your sessions helped "
                            "their practice, confidence or professionalism."
                        ),
                        "kind": "UPLOAD",
                        "spec": {"media": "FILE", "count": 1},
                        "consent_from": "NONE",
                        "later_capability": "ARTIFACT",
                        "required_when": None,
                        "options": [],
                    },
                    {
                        "key": "candidate-choice",
                        "part": "Evidence",
                        "title": "Evidence of your choosing",
                        "guidance": "Anything else that shows you leading beyond your class.",
                        "kind": "UPLOAD",
                        "spec": {"media": "FILE", "count": 1},
                        "consent_from": "NONE",
                        "later_capability": "ARTIFACT",
                        "required_when": None,
                        "options": [],
                    },
                ],
            },
            {
                "key": "candidate-choice-note",
                "part": "Evidence",
                "title": "About the evidence you chose",
                "guidance": "Needed only with evidence of your choosing.",
                "kind": "TEXT",
                "spec": {
                    "prompts": [
                        {
                            "key": "explanation",
                            "text": "What is it, and how does it show you leading educators?",
                        }
                    ],
                    "words": {"min": 0, "max": 300},
                    "limit_scope": "SLOT",
                },
                "consent_from": "NONE",
                "later_capability": None,
                "required_when": {"slot": "evidence", "chosen": "candidate-choice"},
                "options": [],
            },
            {
                "key": "reflection",
                "part": "Reflective analysis",
                "title": "Reflective analysis",
                "guidance": "Write your answers or record yourself answering them.",
                "kind": "CHOICE",
                "spec": {"choose": 1, "label": "Written or recorded"},
                "consent_from": "NONE",
                "later_capability": None,
                "required_when": None,
                "options": [
                    {
                        "key": "written-reflection",
                        "part": "Reflective analysis",
                        "title": "Written reflection",
                        "guidance": "Up to 300 words for each question.",
                        "kind": "TEXT",
                        "spec": {
                            "prompts": [
                                {
                                    "key": "adult-learning",
                                    "text": "How has leading educators changed what you know "
                                    "about teaching adults and about sound practice? Give one "
                                    "example of practice you model in a session.",
                                },
                                {
                                    "key": "participants",
                                    "text": "What have participants gained, and what does a "
                                    "session led by a practising teacher give them that one "
                                    "led by an outside specialist would not?",
                                },
                                {
                                    "key": "next-sessions",
                                    "text": "Drawing on what participants told you, what will "
                                    "you change next time in structure, pace, content or "
                                    "engagement?",
                                },
                            ],
                            "words": {"min": 0, "max": 300},
                            "limit_scope": "PROMPT",
                        },
                        "consent_from": "NONE",
                        "later_capability": None,
                        "required_when": None,
                        "options": [],
                    },
                    {
                        "key": "video-reflection",
                        "part": "Reflective analysis",
                        "title": "Recorded reflection",
                        "guidance": "You answering the same three questions on video.",
                        "kind": "UPLOAD",
                        "spec": {"media": "VIDEO", "count": 1},
                        "consent_from": "NONE",
                        "later_capability": "VIDEO",
                        "required_when": None,
                        "options": [],
                    },
                ],
            },
        ],
        "criteria": [
            {
                "group": "evidence",
                "text": (
                    "Shows you know how adults learn, can structure a session and keep adult "
                    "learners engaged."
                ),
                "scale": "MET_NOT_MET",
                "levels": {},
                "slots": [
                    "evidence",
                    "session-video",
                    "unit-plan-file",
                    "unit-plan-agendas",
                    "testimonial",
                    "candidate-choice",
                    "candidate-choice-note",
                ],
            },
            {
                "group": "evidence",
                "text": "Shows you modelling good practice and helping colleagues grow theirs.",
                "scale": "MET_NOT_MET",
                "levels": {},
                "slots": [
                    "evidence",
                    "session-video",
                    "unit-plan-file",
                    "unit-plan-agendas",
                    "testimonial",
                    "candidate-choice",
                    "candidate-choice-note",
                ],
            },
            {
                "group": "evidence",
                "text": (
                    "Shows you attending to participants' needs, using good practice every "
                    "time and giving them feedback."
                ),
                "scale": "MET_NOT_MET",
                "levels": {},
                "slots": [
                    "evidence",
                    "session-video",
                    "unit-plan-file",
                    "unit-plan-agendas",
                    "testimonial",
                    "candidate-choice",
                    "candidate-choice-note",
                ],
            },
            {
                "group": "reflection",
                "text": "Shows an understanding of adult learning and names practice you model.",
                "scale": "MET_NOT_MET",
                "levels": {},
                "slots": ["reflection", "written-reflection", "video-reflection"],
            },
            {
                "group": "reflection",
                "text": (
                    "Shows the sessions reached their aims and gained from being led by someone "
                    "still teaching."
                ),
                "scale": "MET_NOT_MET",
                "levels": {},
                "slots": ["reflection", "written-reflection", "video-reflection"],
            },
            {
                "group": "reflection",
                "text": "Shows participants' feedback shaping your future sessions.",
                "scale": "MET_NOT_MET",
                "levels": {},
                "slots": ["reflection", "written-reflection", "video-reflection"],
            },
        ],
    },
    # --- Seed 003: the Teacher as Advocate series --------------------------------------------
    {
        "programme": "co-ascd",
        "key": "advocating-for-students-in-the-classroom",
        "position": 1,
        "tier": None,
        "category": None,
        "series": "teacher-as-advocate",
        "title": "Advocating for Students in the Classroom",
        "summary": (
            "Pick a problem that holds back students in your class, find out who has the power "
            "to remove the barrier or supply what is missing, and take the case to them with a "
            "communication plan." + _OUR_CRITERIA
        ),
        "competency": "",
        "key_method": "",
        "credit_value": None,
        "credit_unit": "",
        "fee_cents": None,
        "fee_currency": "",
        "fee_when": "",
        "eligibility": _AFTER_FOUNDATION,
        "pass_rule": {"all": [{"group": "evidence", "every_criterion_at_least": "PASS"}]},
        "resources": [],
        "skills": [("SLRC", "LEAD.3")],
        "prerequisites": [{"series": "co-ascd/teacher-as-learner-and-leader"}],
        "slots": _advocacy_slots(
            research_prompts=[
                {"key": "problem", "text": "What problem or need affects students in your class?"},
                {
                    "key": "research",
                    "text": "Which solutions did you find, what stands in their way, and who "
                    "could act on them?",
                },
            ],
            plan_title="Communication plan",
            plan_guidance="Your goals for raising the issue and how you will reach those who "
            "can act on it.",
        ),
        "criteria": _advocacy_criteria(),
    },
    {
        "programme": "co-ascd",
        "key": "advocating-for-self-and-colleagues",
        "position": 2,
        "tier": None,
        "category": None,
        "series": "teacher-as-advocate",
        "title": "Advocating for Self and Colleagues",
        "summary": (
            "Measure your school against Learning Forward's Standards for Professional "
            "Learning, choose one part of professional learning to improve, and press the "
            "people who decide for the time, preparation and support colleagues need to learn "
            "together." + _OUR_CRITERIA
        ),
        "competency": "",
        "key_method": "",
        "credit_value": None,
        "credit_unit": "",
        "fee_cents": None,
        "fee_currency": "",
        "fee_when": "",
        "eligibility": _AFTER_FOUNDATION,
        "pass_rule": {"all": [{"group": "evidence", "every_criterion_at_least": "PASS"}]},
        "resources": [],
        "skills": [("SLRC", "LEAD.3")],
        "prerequisites": [{"series": "co-ascd/teacher-as-learner-and-leader"}],
        "slots": _advocacy_slots(
            research_prompts=[
                {
                    "key": "standards",
                    "text": "Where does your school stand against the standards, and which "
                    "part of professional learning will you work on?",
                },
                {
                    "key": "policymakers",
                    "text": "Whom do you need to persuade, and what resources will you gather "
                    "or create?",
                },
            ],
            plan_title="Advocacy plan",
            plan_guidance="How you will win the improvement you chose.",
        ),
        "criteria": _advocacy_criteria(),
    },
    {
        "programme": "co-ascd",
        "key": "advocating-for-student-learning",
        "position": 3,
        "tier": None,
        "category": None,
        "series": "teacher-as-advocate",
        "title": "Advocating for Student Learning",
        "summary": (
            "Study district or state policy on curriculum or instruction, choose one policy "
            "you want changed, and build a strategy and resources to push for it alongside "
            "colleagues." + _OUR_CRITERIA
        ),
        "competency": "",
        "key_method": "",
        "credit_value": None,
        "credit_unit": "",
        "fee_cents": None,
        "fee_currency": "",
        "fee_when": "",
        "eligibility": _AFTER_FOUNDATION,
        "pass_rule": {"all": [{"group": "evidence", "every_criterion_at_least": "PASS"}]},
        "resources": [],
        "skills": [("SLRC", "LEAD.3")],
        "prerequisites": [{"series": "co-ascd/teacher-as-learner-and-leader"}],
        "slots": _advocacy_slots(
            research_prompts=[
                {
                    "key": "policy",
                    "text": "Which policy did you choose, and how does it shape teaching and "
                    "learning?",
                },
                {
                    "key": "change",
                    "text": "What change do you seek, and what evidence supports it?",
                },
            ],
            plan_title="Advocacy strategy",
            plan_guidance="Your strategy and the resources you will use to carry it out.",
        ),
        "criteria": _advocacy_criteria(),
    },
    # --- Seed 004 ----------------------------------------------------------------------------
    {
        "programme": "advocacy-for-student-success",
        "key": "creating-professional-learning-for-advocacy",
        "position": 1,
        "tier": None,
        "category": None,
        "series": None,
        "title": (
            "Creating Professional Learning to Support Educators Advocating for Student Success"
        ),
        "summary": (
            "Research your system's priorities and gaps, then design, run and evaluate four to "
            "five hours of professional learning that equips colleagues to speak up for "
            "students."
        ),
        "competency": (
            "Designs a set of professional learning sessions that prepare colleagues to bring "
            "local or state decision makers into efforts for students' success."
        ),
        "key_method": (
            "Draws on adult learning theory, proven practice and a fitting delivery model to "
            "plan sessions that show educators how to involve stakeholders in advocacy."
        ),
        "credit_value": None,
        "credit_unit": "",
        "fee_cents": None,
        "fee_currency": "",
        "fee_when": "",
        "eligibility": "",
        # Parts 1 and 3 pass or fail; every Part 2 row must reach PROFICIENT. "part2" covers the
        # groups part2.artifact1 to part2.artifact4.
        "pass_rule": {
            "all": [
                {"group": "part1", "at_least": "PASS"},
                {"group": "part2", "every_criterion_at_least": "PROFICIENT"},
                {"group": "part3", "at_least": "PASS"},
            ]
        },
        "resources": [],
        "skills": [("InTASC", "10"), ("SLRC", "LEAD.1")],
        "prerequisites": [],
        "slots": [
            {
                "key": "overview",
                "part": "Part 1",
                "title": "Your context",
                "guidance": (
                    "Background for the assessor, 200 to 300 words in all. Leave out anything "
                    "that would identify you."
                ),
                "kind": "TEXT",
                "spec": {
                    "prompts": [
                        {
                            "key": "motivation",
                            "text": "What makes you want to prepare fellow educators to speak "
                            "up for students?",
                        },
                        {
                            "key": "own-students",
                            "text": "Why do you feel you must speak up publicly for your own "
                            "students?",
                        },
                        {
                            "key": "background",
                            "text": "How do your own background and experience shape your "
                            "relationship with students and school, or your advocacy?",
                        },
                        {
                            "key": "hoped-outcome",
                            "text": "What do you hope will change once colleagues are ready "
                            "to advocate?",
                        },
                    ],
                    "words": {"min": 200, "max": 300},
                    "limit_scope": "SLOT",
                },
                "consent_from": "NONE",
                "later_capability": None,
                "required_when": None,
                "options": [],
            },
            {
                "key": "research-sources",
                "part": "Part 2",
                "title": "Artifact 1: sources",
                "guidance": (
                    "Five or more sources, with links where possible, on your local or state "
                    "system's priorities and inequities over at least ten years."
                ),
                "kind": "LIST",
                "spec": {"item": {"title": True, "url": True}, "count": {"min": 5}},
                "consent_from": "NONE",
                "later_capability": None,
                "required_when": None,
                "options": [],
            },
            {
                "key": "research-questions",
                "part": "Part 2",
                "title": "Artifact 1: what the research shows",
                "guidance": "400 to 800 words over all six questions.",
                "kind": "TEXT",
                "spec": {
                    "prompts": [
                        {
                            "key": "aligned",
                            "text": "Which priorities, policies and practices support "
                            "students' success?",
                        },
                        {"key": "disparities", "text": "Which inequities did you find?"},
                        {
                            "key": "history",
                            "text": "How have your system's priorities shifted over time, for "
                            "better or worse, and why?",
                        },
                        {
                            "key": "bias",
                            "text": "Which practices reinforced or resisted biases, open or "
                            "hidden, that harm marginalised communities?",
                        },
                        {
                            "key": "alignment",
                            "text": "Where can your work line up with what local or state "
                            "organisations already prioritise?",
                        },
                        {"key": "focus", "text": "Which need or needs will you concentrate on?"},
                    ],
                    "words": {"min": 400, "max": 800},
                    "limit_scope": "SLOT",
                },
                "consent_from": "NONE",
                "later_capability": None,
                "required_when": None,
                "options": [],
            },
            {
                "key": "learning-outline",
                "part": "Part 2",
                "title": "Artifact 2: outline of the learning",
                "guidance": (
                    "Four to five hours in all. Say who it is for, how you will advertise it "
                    "and draw people in, and how adult learning theory and cultural competence "
                    "shape it. For every session give its title, outcomes tied to advocacy for "
                    "students, kind of activity or delivery, topics, resources and materials "
                    "such as handouts or flyers."
                ),
                "kind": "UPLOAD",
                "spec": {"media": "FILE", "count": 1},
                "consent_from": "NONE",
                "later_capability": "ARTIFACT",
                "required_when": None,
                "options": [],
            },
            {
                "key": "learning-materials",
                "part": "Part 2",
                "title": "Artifact 3: materials for delivery",
                "guidance": (
                    "What you will deliver with: syllabus, slides, agendas, a schedule or a "
                    "handbook, in blocks of one or two hours or as a single event; one "
                    "document with live links or a website is fine."
                ),
                "kind": "CHOICE",
                "spec": {"choose": 1, "label": "As a file or as a link"},
                "consent_from": "NONE",
                "later_capability": None,
                "required_when": None,
                "options": [
                    {
                        "key": "learning-materials-link",
                        "part": "Part 2",
                        "title": "Link",
                        "guidance": "A page or shared folder the assessor can open.",
                        "kind": "UPLOAD",
                        "spec": {"media": "LINK", "count": 1},
                        "consent_from": "NONE",
                        "later_capability": None,
                        "required_when": None,
                        "options": [],
                    },
                    {
                        "key": "learning-materials-file",
                        "part": "Part 2",
                        "title": "File",
                        "guidance": "One document holding the materials.",
                        "kind": "UPLOAD",
                        "spec": {"media": "FILE", "count": 1},
                        "consent_from": "NONE",
                        "later_capability": "ARTIFACT",
                        "required_when": None,
                        "options": [],
                    },
                ],
            },
            {
                "key": "feedback-survey",
                "part": "Part 2",
                "title": "Artifact 4: participants' feedback",
                "guidance": (
                    "A short survey (three to five questions) given to participants after the "
                    "learning. The programme asks for three filled-in forms; we submit the "
                    "survey's summary report instead, so that no participant's answers can be "
                    "singled out. The report exists once enough people have answered."
                ),
                "kind": "RECORDS",
                "spec": {
                    "source": "SURVEY_ADMINISTRATION",
                    "count": 1,
                    "rules": {
                        "kind": "SESSION_FEEDBACK",
                        "launched_by": "SELF",
                        "instrument_items": {"min": 3, "max": 5},
                        "closed": True,
                        "report_available": True,
                    },
                },
                "consent_from": "NONE",
                "later_capability": None,
                "required_when": None,
                "options": [],
            },
            {
                "key": "final-reflection",
                "part": "Part 3",
                "title": "Reflection",
                "guidance": (
                    "300 to 500 words in all, drawing on your feedback survey. Leave out "
                    "anything that would identify you."
                ),
                "kind": "TEXT",
                "spec": {
                    "prompts": [
                        {
                            "key": "outcomes",
                            "text": "Did you reach the outcomes you set? Why or why not?",
                        },
                        {
                            "key": "impact",
                            "text": "How could your sessions change advocacy for students in "
                            "your district or state?",
                        },
                        {"key": "surprises", "text": "What happened that you did not expect?"},
                        {
                            "key": "challenges",
                            "text": "What got in your way, and how did you deal with it?",
                        },
                        {"key": "success", "text": "What went best?"},
                        {
                            "key": "continuing",
                            "text": "How will you go on leading advocacy for students?",
                        },
                    ],
                    "words": {"min": 300, "max": 500},
                    "limit_scope": "SLOT",
                },
                "consent_from": "NONE",
                "later_capability": None,
                "required_when": None,
                "options": [],
            },
        ],
        "criteria": [
            {
                "group": "part1",
                "text": (
                    "The answers explain, reasonably and accurately, why you want colleagues "
                    "to advocate for particular student needs."
                ),
                "scale": "PASS_FAIL",
                "levels": {},
                "slots": ["overview"],
            },
            _level_row(
                "Sources",
                ["research-sources"],
                "Five or more credible sources, linked where a link exists.",
                "Under five credible sources, possibly without links.",
                "Fewer than three sources.",
                group="part2.artifact1",
            ),
            _level_row(
                "Depth of the research",
                ["research-sources", "research-questions"],
                "Covers the history, inequities included, as well as today's situation.",
                "Covers today's situation only.",
                "Says little, or the sources are of doubtful credibility.",
                group="part2.artifact1",
            ),
            _level_row(
                "Answers to the questions",
                ["research-questions"],
                "Every question is answered fully and with care.",
                "Some answers are partial or thin.",
                "Most answers are partial or thin.",
                group="part2.artifact1",
            ),
            _level_row(
                "Completeness and length",
                ["learning-outline"],
                "Everything asked for is there, with substance for four to five hours.",
                "Most of it is there; it may not fill four to five hours.",
                "Most of it is missing; it fills less than two hours.",
                group="part2.artifact2",
            ),
            _level_row(
                "Audience and promotion",
                ["learning-outline"],
                "A clearly named audience and a plan for inviting and drawing people in.",
                "The audience or the promotion plan is vague.",
                "Neither the audience nor the promotion is addressed.",
                group="part2.artifact2",
            ),
            _level_row(
                "Adult learning and cultural competence",
                ["learning-outline"],
                "Sound practice shapes the plan, adult learning theory and cultural "
                "competence included.",
                "Some sound practice shows, but adult learning or cultural competence is absent.",
                "Neither adult learning theory nor cultural competence shaped the plan.",
                group="part2.artifact2",
            ),
            _level_row(
                "Sessions",
                ["learning-outline"],
                "A clear delivery model, outcomes tied to the need found, and every detail for "
                "each session.",
                "The delivery model or the link to the need is loose; some details are missing.",
                "No delivery model or no outcomes; most details are missing.",
                group="part2.artifact2",
            ),
            _level_row(
                "Readiness",
                ["learning-materials", "learning-materials-link", "learning-materials-file"],
                "The materials show learning that is fully built and ready to run.",
                "They show the event was set up and what it covered, and explain how it went.",
                "They only show that the event was set up.",
                group="part2.artifact3",
            ),
            _level_row(
                "Purpose and equity",
                ["learning-materials", "learning-materials-link", "learning-materials-file"],
                "Fits the needs and outcomes found, raises awareness of an issue for student "
                "success, and models equitable practice and challenging inequality.",
                "Fits the needs found but does little for equity.",
                "Is not tied to the needs found.",
                group="part2.artifact3",
            ),
            _level_row(
                "Questions asked",
                ["feedback-survey"],
                "Three or more questions that reveal successes, difficulties and next steps.",
                "Fewer questions, or ones that say little about successes and next steps.",
                "One question, or none that yields useful information.",
                group="part2.artifact4",
            ),
            _level_row(
                "Ease of use",
                ["feedback-survey"],
                "Well organised and easy to answer.",
                "Hard to follow or to answer.",
                "Not usable.",
                group="part2.artifact4",
            ),
            _level_row(
                "Participants' engagement",
                ["feedback-survey"],
                "The report, from enough answers to be shown, shows participants engaged.",
                "The report is shown but says little about engagement.",
                "No report: too few answers to show one.",
                group="part2.artifact4",
            ),
            {
                "group": "part3",
                "text": (
                    "Concrete examples from your work show a good effect on your practice and "
                    "on students, and you name specific steps for using what you learned."
                ),
                "scale": "PASS_FAIL",
                "levels": {},
                "slots": ["final-reflection"],
            },
        ],
    },
]


def all_credentials() -> Iterator[tuple[str, dict]]:
    """Every credential with its programme key: seed 002 first in the seed's order, then the
    others in the order above."""
    for credential in seed_002.CREDENTIALS:
        yield seed_002.PROGRAMME["key"], credential
    for credential in CREDENTIALS:
        yield credential["programme"], credential
