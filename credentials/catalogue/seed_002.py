"""Seed 002's fifteen credentials, in the programme's order, in our own words.

Plain data (no Django): the `credentials` data migration turns each dict into a Credential, its
version 1 (PUBLISHED), slots, criteria, skills and prerequisites. Shapes are those of
docs/design/credentials.md 1.2; the programme's numbers (four blue dots, eight sheets...) sit in
`spec`, where staff can change them in a new version.

`rules` words used by the RECORDS slots (read by `credentials.progress`):

- `distinct_by`: "cycle" | "slq" | "visit": each counted item differs from the others in this.
- `needs`: fields an item must have filled to count (`entries` = at least one data entry).
- `question_follows_keep`: the second sheet keeps the first sheet's question exactly when the
  first sheet said it keeps it, and asks a new one otherwise.
- `min_tools`, `min_own_entries`: at least this many tools for the question / data entries
  written by the teacher on the visit.
- `host_role`, `visitor_role`: the role held in the pursuit's cohort when the visit started.
- `per_host_max`, `max_hosts`: caps on sheets per host and on distinct hosts.
- `protocol_key`: the agenda item's protocol; `attendance`: the teacher's recorded attendance;
  `facilitator: "SELF"`: the teacher facilitated that agenda item.
- surveys: `kind` (administration kind), `instrument_kind`, `audience`, `launched_by: "SELF"`,
  `min_invitees`, `min_responses` (people other than the launcher), `closed`,
  `report_available` (the report passes the minimum group size), `instrument_items` {min, max};
  SURVEY_PAIR adds `first` and `second` (the two administration kinds).
- `meeting_kind`: BLUE_GROUP (group of 5) or WHOLE_GROUP (group of 13); `led_by: "SELF"`: the
  teacher led the meeting (seed 000, any kind).
- later sources: `complete`, `needs`, `published` (PDSA: live in the improvement library),
  `min_points`, `annotated` (run chart),
  `administrations` (student voice).

`order` on a slot with two items: `{"after": 0}` means item 1 is dated after item 0;
`min_between` asks for that many records of `source` dated between the two ("more practice"
made checkable). `required_when` makes a slot required only in a state of another slot:
`{"slot": k, "keeps_question": true}` (sheet 1 of slot k kept its question) or
`{"slot": k, "chosen": option_key}` (CHOICE k was answered with that option). Keys of a CHOICE's
`options` share the credential's key space.

The seed names no review criteria for these credentials: each has MET/NOT MET criteria that
restate its evidence list, and passes when every one is MET.
"""

PROGRAMME = {
    "key": "slrc",
    "title": "Teacher Leadership to Advance Powerful Student Learning",
    "issuer": "Schools That Lead",
    "position": 1,
}

CREDENTIALS = [
    # --- My classroom ------------------------------------------------------------------------
    {
        "key": "focusing-on-student-learning",
        "position": 1,
        "tier": "MY_CLASSROOM",
        "category": "BUILDING_SKILLS",
        "series": None,
        "title": "Focusing on Student Learning",
        "summary": (
            "Host two full reflection cycles in your own class: choose something you want to "
            "understand about your students, let peers gather data on it, weigh what the data "
            "say and decide on your next move."
        ),
        "competency": "",
        "key_method": "",
        "credit_value": None,
        "credit_unit": "",
        "fee_cents": None,
        "fee_currency": "",
        "fee_when": "",
        "eligibility": "",
        "pass_rule": {"all": [{"group": "evidence", "every_criterion_at_least": "MET"}]},
        "resources": [],
        "skills": [("SLRC", "SLRC.1"), ("SLRC", "SLRC.2")],
        "prerequisites": [],
        "slots": [
            {
                "key": "cycle-sheets",
                "part": "Evidence",
                "title": "Two cycles you hosted",
                "guidance": (
                    "Pick the reflection sheets of two cycles in your class where you were the "
                    "host. Each one needs its question, the tool, the data your visitors "
                    "recorded, your considerations and your next steps, and the second visit "
                    "comes after the first. Kept your question after cycle 1? Then cycle 2 uses "
                    "it again. Happy with what cycle 1 showed? Then cycle 2 asks a new one."
                ),
                "kind": "RECORDS",
                "spec": {
                    "source": "REFLECTION_SHEET_AS_HOST",
                    "count": 2,
                    "rules": {
                        "distinct_by": "cycle",
                        "needs": ["slq", "tool", "entries", "considerations", "next_steps"],
                        "question_follows_keep": True,
                    },
                    "order": {"after": 0},
                },
                "consent_from": "NONE",
                "later_capability": None,
                "required_when": None,
                "options": [],
            },
            {
                "key": "classroom-change",
                "part": "Evidence",
                "title": "The change you tried",
                "guidance": (
                    "Only needed when cycle 2 kept the question of cycle 1: say what you did "
                    "differently in class between the two visits."
                ),
                "kind": "TEXT",
                "spec": {
                    "prompts": [
                        {
                            "key": "change",
                            "text": (
                                "What did you change in your teaching between the two cycles, "
                                "and why did you expect it to help?"
                            ),
                        }
                    ],
                    "words": {"min": 0, "max": 300},
                    "limit_scope": "SLOT",
                },
                "consent_from": "NONE",
                "later_capability": None,
                "required_when": {"slot": "cycle-sheets", "keeps_question": True},
                "options": [],
            },
        ],
        "criteria": [
            {
                "group": "evidence",
                "text": (
                    "Both cycles are whole: question, tool, data, considerations and next "
                    "steps are all present."
                ),
                "scale": "MET_NOT_MET",
                "levels": {},
                "slots": ["cycle-sheets"],
            },
            {
                "group": "evidence",
                "text": (
                    "Cycle 2 follows from cycle 1: a fresh question after a satisfying result, "
                    "or the same question with a described change in class."
                ),
                "scale": "MET_NOT_MET",
                "levels": {},
                "slots": ["cycle-sheets", "classroom-change"],
            },
        ],
    },
    {
        "key": "listening-to-student-voice",
        "position": 2,
        "tier": "MY_CLASSROOM",
        "category": "BUILDING_SKILLS",
        "series": None,
        "title": "Listening to Student Voice",
        "summary": (
            "Ask your students about their experience of your class with a survey, act on one "
            "area their answers point to, survey them again and look at what moved."
        ),
        "competency": "",
        "key_method": "",
        "credit_value": None,
        "credit_unit": "",
        "fee_cents": None,
        "fee_currency": "",
        "fee_when": "",
        "eligibility": "",
        "pass_rule": {"all": [{"group": "evidence", "every_criterion_at_least": "MET"}]},
        "resources": [],
        "skills": [("SLRC", "VOICE.1")],
        "prerequisites": [],
        "slots": [
            {
                "key": "student-survey-cycle",
                "part": "Evidence",
                "title": "Two rounds of the student survey",
                "guidance": (
                    "The classroom experience survey given to your students twice: once before "
                    "your action plan and once after it."
                ),
                "kind": "RECORDS",
                "spec": {
                    "source": "STUDENT_VOICE_CYCLE",
                    "count": 1,
                    "rules": {"administrations": 2},
                },
                "consent_from": "NONE",
                "later_capability": "STUDENT_VOICE",
                "required_when": None,
                "options": [],
            },
            {
                "key": "focus-area",
                "part": "Evidence",
                "title": "Where you chose to act",
                "guidance": "Ground your choice in what the first round of answers showed.",
                "kind": "TEXT",
                "spec": {
                    "prompts": [
                        {
                            "key": "area",
                            "text": (
                                "Which area or areas of the first results will you work on, "
                                "and which figures led you there?"
                            ),
                        }
                    ],
                    "words": {"min": 0, "max": 400},
                    "limit_scope": "SLOT",
                },
                "consent_from": "NONE",
                "later_capability": "STUDENT_VOICE",
                "required_when": None,
                "options": [],
            },
            {
                "key": "action-plan",
                "part": "Evidence",
                "title": "Your action plan",
                "guidance": (
                    "The plan runs after the first results arrive and finishes before the "
                    "second survey opens."
                ),
                "kind": "TEXT",
                "spec": {
                    "prompts": [
                        {"key": "action", "text": "What will you do in class about this area?"},
                        {
                            "key": "students",
                            "text": "Who is it for: every student, one class, a certain group?",
                        },
                        {
                            "key": "timeline",
                            "text": "When will each step happen between the two surveys?",
                        },
                    ],
                    "words": {"min": 0, "max": 400},
                    "limit_scope": "SLOT",
                },
                "consent_from": "NONE",
                "later_capability": "STUDENT_VOICE",
                "required_when": None,
                "options": [],
            },
            {
                "key": "second-reflection",
                "part": "Evidence",
                "title": "Looking back with the second results",
                "guidance": "Compare the two rounds and say what you take from the whole process.",
                "kind": "TEXT",
                "spec": {
                    "prompts": [
                        {
                            "key": "results",
                            "text": "What do the second results show next to the first?",
                        },
                        {
                            "key": "learning",
                            "text": "What changed in class, and what did you learn along the way?",
                        },
                    ],
                    "words": {"min": 0, "max": 400},
                    "limit_scope": "SLOT",
                },
                "consent_from": "NONE",
                "later_capability": "STUDENT_VOICE",
                "required_when": None,
                "options": [],
            },
        ],
        "criteria": [
            {
                "group": "evidence",
                "text": "The chosen area rests on the first round of student answers.",
                "scale": "MET_NOT_MET",
                "levels": {},
                "slots": ["student-survey-cycle", "focus-area"],
            },
            {
                "group": "evidence",
                "text": (
                    "The plan names an action, the students it serves and dates that fall "
                    "between the two surveys."
                ),
                "scale": "MET_NOT_MET",
                "levels": {},
                "slots": ["action-plan"],
            },
            {
                "group": "evidence",
                "text": "The reflection uses the second round and records what changed.",
                "scale": "MET_NOT_MET",
                "levels": {},
                "slots": ["student-survey-cycle", "second-reflection"],
            },
        ],
    },
    {
        "key": "looking-at-student-work",
        "position": 3,
        "tier": "MY_CLASSROOM",
        "category": "BUILDING_SKILLS",
        "series": None,
        "title": "Looking at Student Work",
        "summary": (
            "Bring work your students produced to colleagues who study it through a protocol, "
            "then lead the same kind of conversation about a colleague's student work. The "
            "point is new angles on the work, not advice or fixes."
        ),
        "competency": "",
        "key_method": "",
        "credit_value": None,
        "credit_unit": "",
        "fee_cents": None,
        "fee_currency": "",
        "fee_when": "",
        "eligibility": "",
        "pass_rule": {"all": [{"group": "evidence", "every_criterion_at_least": "MET"}]},
        "resources": [],
        "skills": [("SLRC", "LEAD.2"), ("SLRC", "SLRC.4")],
        "prerequisites": [],
        "slots": [
            {
                "key": "own-work-session",
                "part": "Evidence",
                "title": "A session on your students' work",
                "guidance": (
                    "A group meeting that took place (not cancelled) where an agenda item ran "
                    "the student-work protocol and you were recorded as present."
                ),
                "kind": "RECORDS",
                "spec": {
                    "source": "PROTOCOL_SESSION",
                    "count": 1,
                    "rules": {"protocol_key": "looking-at-student-work", "attendance": "PRESENT"},
                },
                "consent_from": "NONE",
                "later_capability": None,
                "required_when": None,
                "options": [],
            },
            {
                "key": "own-work-piece",
                "part": "Evidence",
                "title": "The piece of work discussed",
                "guidance": (
                    "A photo of the work your colleagues examined, with no student's name or "
                    "face visible. Other file types come with artifact uploads."
                ),
                "kind": "UPLOAD",
                "spec": {"media": "PHOTO", "count": 1},
                "consent_from": "NONE",
                "later_capability": None,
                "required_when": None,
                "options": [],
            },
            {
                "key": "own-work-reflection",
                "part": "Evidence",
                "title": "What the conversation gave you",
                "guidance": "Name the protocol, then think about the talk and what follows it.",
                "kind": "TEXT",
                "spec": {
                    "prompts": [
                        {"key": "protocol", "text": "Which protocol did the group follow?"},
                        {
                            "key": "process",
                            "text": "How did the discussion go, and what did it show you?",
                        },
                        {
                            "key": "next-steps",
                            "text": "What will you do next in your class because of it?",
                        },
                    ],
                    "words": {"min": 0, "max": 400},
                    "limit_scope": "SLOT",
                },
                "consent_from": "NONE",
                "later_capability": None,
                "required_when": None,
                "options": [],
            },
            {
                "key": "facilitated-session",
                "part": "Evidence",
                "title": "A session you facilitated",
                "guidance": (
                    "A group meeting that took place where you facilitated the agenda item "
                    "running the student-work protocol on a colleague's work."
                ),
                "kind": "RECORDS",
                "spec": {
                    "source": "PROTOCOL_SESSION",
                    "count": 1,
                    "rules": {"protocol_key": "looking-at-student-work", "facilitator": "SELF"},
                },
                "consent_from": "NONE",
                "later_capability": None,
                "required_when": None,
                "options": [],
            },
            {
                "key": "facilitated-work-piece",
                "part": "Evidence",
                "title": "The colleague's piece of work",
                "guidance": (
                    "A photo of the work discussed, free of students' names and faces. It "
                    "came from a colleague's class, so they are asked before it is included."
                ),
                "kind": "UPLOAD",
                "spec": {"media": "PHOTO", "count": 1},
                "consent_from": "NAMED_PEERS",
                "later_capability": None,
                "required_when": None,
                "options": [],
            },
            {
                "key": "facilitated-reflection",
                "part": "Evidence",
                "title": "What facilitating taught you",
                "guidance": "Say how you ran the session and what leading it was like.",
                "kind": "TEXT",
                "spec": {
                    "prompts": [
                        {
                            "key": "protocol",
                            "text": "Which protocol did you use, and with what focus question?",
                        },
                        {
                            "key": "facilitating",
                            "text": "How did the session go, and what did you learn as its lead?",
                        },
                    ],
                    "words": {"min": 0, "max": 400},
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
                "group": "evidence",
                "text": (
                    "Your own students' work was studied with a named protocol, and you say "
                    "what you will do next."
                ),
                "scale": "MET_NOT_MET",
                "levels": {},
                "slots": ["own-work-session", "own-work-piece", "own-work-reflection"],
            },
            {
                "group": "evidence",
                "text": (
                    "You led a protocol conversation on a colleague's work and reflect on the "
                    "facilitation itself."
                ),
                "scale": "MET_NOT_MET",
                "levels": {},
                "slots": [
                    "facilitated-session",
                    "facilitated-work-piece",
                    "facilitated-reflection",
                ],
            },
        ],
    },
    {
        "key": "understanding-improvement",
        "position": 4,
        "tier": "MY_CLASSROOM",
        "category": "BUILDING_SKILLS",
        "series": None,
        "title": "Understanding Improvement",
        "summary": (
            "Try out changes in your own class with Plan-Do-Study-Act cycles and check whether "
            "they help your students learn."
        ),
        "competency": "",
        "key_method": "",
        "credit_value": None,
        "credit_unit": "",
        "fee_cents": None,
        "fee_currency": "",
        "fee_when": "",
        "eligibility": "",
        "pass_rule": {"all": [{"group": "evidence", "every_criterion_at_least": "MET"}]},
        "resources": [],
        "skills": [("SLRC", "IMP.1")],
        "prerequisites": [],
        "slots": [
            {
                "key": "pdsa-tests",
                "part": "Evidence",
                "title": "Two finished tests of change",
                "guidance": (
                    "Two completed cycles from the PDSA tracker, each with its question, your "
                    "prediction, the measures and what happened. They may share a question."
                ),
                "kind": "RECORDS",
                "spec": {
                    "source": "PDSA",
                    "count": 2,
                    "rules": {
                        "complete": True,
                        "needs": ["slq", "prediction", "measures", "results"],
                    },
                },
                "consent_from": "NONE",
                "later_capability": "PDSA",
                "required_when": None,
                "options": [],
            },
        ],
        "criteria": [
            {
                "group": "evidence",
                "text": "Both tests are complete: question, prediction, measures and results.",
                "scale": "MET_NOT_MET",
                "levels": {},
                "slots": ["pdsa-tests"],
            },
        ],
    },
    {
        "key": "using-improvement-methods-to-advance-student-learning",
        "position": 5,
        "tier": "MY_CLASSROOM",
        "category": "DEMONSTRATING_IMPACT",
        "series": None,
        "title": "Using Improvement Methods to Advance Student Learning",
        "summary": (
            "Follow one change over time: chart a measure from a PDSA test with enough points "
            "to tell whether the change really works."
        ),
        "competency": "",
        "key_method": "",
        "credit_value": None,
        "credit_unit": "",
        "fee_cents": None,
        "fee_currency": "",
        "fee_when": "",
        "eligibility": "",
        "pass_rule": {"all": [{"group": "evidence", "every_criterion_at_least": "MET"}]},
        "resources": [],
        "skills": [("SLRC", "IMP.1"), ("SLRC", "IMP.2")],
        "prerequisites": [],
        "slots": [
            {
                "key": "run-chart",
                "part": "Evidence",
                "title": "An annotated run chart",
                "guidance": (
                    "A run chart for one PDSA test (from Understanding Improvement or any "
                    "other), with at least 15 points and notes marking each change you made."
                ),
                "kind": "RECORDS",
                "spec": {
                    "source": "RUN_CHART",
                    "count": 1,
                    "rules": {"min_points": 15, "annotated": True},
                },
                "consent_from": "NONE",
                "later_capability": "PDSA",
                "required_when": None,
                "options": [],
            },
        ],
        "criteria": [
            {
                "group": "evidence",
                "text": "The chart has at least 15 points and marks when changes were made.",
                "scale": "MET_NOT_MET",
                "levels": {},
                "slots": ["run-chart"],
            },
        ],
    },
    {
        "key": "sharing-improvement-strategies-to-advance-professional-knowledge",
        "position": 6,
        "tier": "MY_CLASSROOM",
        "category": "LEADING_LEARNING",
        "series": None,
        "title": "Sharing Improvement Strategies to Advance Professional Knowledge",
        "summary": (
            "Publish a PDSA test, its run chart and the materials around it on a shared site, "
            "so other teachers can learn from your results."
        ),
        "competency": "",
        "key_method": "",
        "credit_value": None,
        "credit_unit": "",
        "fee_cents": None,
        "fee_currency": "",
        "fee_when": "",
        "eligibility": "",
        "pass_rule": {"all": [{"group": "evidence", "every_criterion_at_least": "MET"}]},
        "resources": [],
        "skills": [("SLRC", "IMP.3")],
        "prerequisites": [],
        "slots": [
            {
                "key": "shared-pdsa",
                "part": "Evidence",
                "title": "The PDSA test you share",
                "guidance": (
                    "A completed test from the PDSA tracker, published to your school's or "
                    "district's improvement library."
                ),
                "kind": "RECORDS",
                "spec": {
                    "source": "PDSA",
                    "count": 1,
                    "rules": {"complete": True, "published": True},
                },
                "consent_from": "NONE",
                "later_capability": "PDSA",
                "required_when": None,
                "options": [],
            },
            {
                "key": "shared-run-chart",
                "part": "Evidence",
                "title": "Its run chart",
                "guidance": "The annotated run chart of that test.",
                "kind": "RECORDS",
                "spec": {"source": "RUN_CHART", "count": 1, "rules": {"annotated": True}},
                "consent_from": "NONE",
                "later_capability": "PDSA",
                "required_when": None,
                "options": [],
            },
            {
                "key": "related-artifacts",
                "part": "Evidence",
                "title": "Materials that go with it",
                "guidance": (
                    "Photos of what goes with it: the assignment, samples of student work, "
                    "instructions or the lessons you drew from it, with no student "
                    "identifiable. Other file types come with artifact uploads."
                ),
                "kind": "UPLOAD",
                "spec": {"media": "PHOTO", "count": 1},
                "consent_from": "NONE",
                "later_capability": None,
                "required_when": None,
                "options": [],
            },
            {
                "key": "answer-questions",
                "part": "Evidence",
                "title": "Open to questions",
                "guidance": "Readers of what you publish may write to you about it.",
                "kind": "ATTESTATION",
                "spec": {"statement": "I will answer questions from teachers who read it."},
                "consent_from": "NONE",
                "later_capability": None,
                "required_when": None,
                "options": [],
            },
        ],
        "criteria": [
            {
                "group": "evidence",
                "text": "The test, its chart and supporting materials are ready to publish.",
                "scale": "MET_NOT_MET",
                "levels": {},
                "slots": ["shared-pdsa", "shared-run-chart", "related-artifacts"],
            },
            {
                "group": "evidence",
                "text": "You have agreed to respond to other teachers' questions.",
                "scale": "MET_NOT_MET",
                "levels": {},
                "slots": ["answer-questions"],
            },
        ],
    },
    # --- Peers' classrooms -------------------------------------------------------------------
    {
        "key": "establishing-a-common-aim",
        "position": 7,
        "tier": "PEERS_CLASSROOMS",
        "category": "BUILDING_SKILLS",
        "series": None,
        "title": "Establishing a Common Aim",
        "summary": (
            "Help a colleague pin down what they most want to learn about their students: "
            "shape a meaningful Student Learning Question together, guided by the rubric, and "
            "build a tool for gathering data that serves it."
        ),
        "competency": "",
        "key_method": "",
        "credit_value": None,
        "credit_unit": "",
        "fee_cents": None,
        "fee_currency": "",
        "fee_when": "",
        "eligibility": "",
        "pass_rule": {"all": [{"group": "evidence", "every_criterion_at_least": "MET"}]},
        "resources": [],
        "skills": [("SLRC", "SLRC.1"), ("SLRC", "SLRC.2")],
        "prerequisites": [],
        "slots": [
            {
                "key": "crafted-questions",
                "part": "Evidence",
                "title": "Three questions and tools made with peers",
                "guidance": (
                    "Three different questions you helped a colleague write for their class, "
                    "each with a tool built for it. The questions belong to the hosts, so each "
                    "host is asked before theirs joins your packet."
                ),
                "kind": "RECORDS",
                "spec": {
                    "source": "SLQ_TOOL_CRAFTED_FOR_PEER",
                    "count": 3,
                    "rules": {"distinct_by": "slq", "min_tools": 1},
                },
                "consent_from": "HOST",
                "later_capability": None,
                "required_when": None,
                "options": [],
            },
        ],
        "criteria": [
            {
                "group": "evidence",
                "text": "Three distinct questions, each for a colleague's class, each with a tool.",
                "scale": "MET_NOT_MET",
                "levels": {},
                "slots": ["crafted-questions"],
            },
        ],
    },
    {
        "key": "collecting-data",
        "position": 8,
        "tier": "PEERS_CLASSROOMS",
        "category": "BUILDING_SKILLS",
        "series": None,
        "title": "Collecting Data",
        "summary": (
            "Visit colleagues' classes and record only the evidence of learning each host "
            "asked for, by scripting, tallying, mapping or another tool."
        ),
        "competency": "",
        "key_method": "",
        "credit_value": None,
        "credit_unit": "",
        "fee_cents": None,
        "fee_currency": "",
        "fee_when": "",
        "eligibility": "",
        "pass_rule": {"all": [{"group": "evidence", "every_criterion_at_least": "MET"}]},
        "resources": [],
        "skills": [("SLRC", "SLRC.3")],
        "prerequisites": [],
        "slots": [
            {
                "key": "data-sets",
                "part": "Evidence",
                "title": "Three sets of data you gathered",
                "guidance": (
                    "Three completed visits to colleagues' classes that had a question, where "
                    "you entered data on the tool yourself. Each host is asked before their "
                    "class's data joins your packet."
                ),
                "kind": "RECORDS",
                "spec": {
                    "source": "DATA_SET_COLLECTED",
                    "count": 3,
                    "rules": {"distinct_by": "visit", "min_own_entries": 1},
                },
                "consent_from": "HOST",
                "later_capability": None,
                "required_when": None,
                "options": [],
            },
        ],
        "criteria": [
            {
                "group": "evidence",
                "text": "Three visits, each with its question and data you recorded.",
                "scale": "MET_NOT_MET",
                "levels": {},
                "slots": ["data-sets"],
            },
        ],
    },
    {
        "key": "facilitating-peer-reflection",
        "position": 9,
        "tier": "PEERS_CLASSROOMS",
        "category": "BUILDING_SKILLS",
        "series": None,
        "title": "Facilitating Peer Reflection",
        "summary": (
            "Guide hosts through the reflection protocol after a visit: where their students "
            "stand against the aim, and what to try next. Two recordings show how you grew."
        ),
        "competency": "",
        "key_method": "",
        "credit_value": None,
        "credit_unit": "",
        "fee_cents": None,
        "fee_currency": "",
        "fee_when": "",
        "eligibility": "",
        "pass_rule": {"all": [{"group": "evidence", "every_criterion_at_least": "MET"}]},
        "resources": [],
        "skills": [("SLRC", "SLRC.4")],
        "prerequisites": [],
        "slots": [
            {
                "key": "facilitation-videos",
                "part": "Evidence",
                "title": "Two recordings of you facilitating",
                "guidance": (
                    "You, as the visitor, leading the reflection protocol with a host. Record "
                    "the second one later, with at least two more facilitated reflection "
                    "sheets in between. The host appears, so they are asked first."
                ),
                "kind": "UPLOAD",
                "spec": {
                    "media": "VIDEO",
                    "count": 2,
                    "order": {
                        "after": 0,
                        "min_between": {"source": "REFLECTION_SHEET_AS_FACILITATOR", "count": 2},
                    },
                },
                "consent_from": "HOST",
                "later_capability": "VIDEO",
                "required_when": None,
                "options": [],
            },
            {
                "key": "facilitation-reflection",
                "part": "Evidence",
                "title": "Looking back on your facilitation",
                "guidance": "A short answer to each question.",
                "kind": "TEXT",
                "spec": {
                    "prompts": [
                        {
                            "key": "easier",
                            "text": "Which parts of leading the protocol felt hard at first "
                            "and come more naturally now?",
                        },
                        {"key": "tricky", "text": "Which parts are still hard for you?"},
                        {
                            "key": "noticing",
                            "text": "Watching both recordings, what do you notice about the "
                            "process, and about yourself as the one leading it?",
                        },
                    ],
                    "words": {"min": 50, "max": 250},
                    "limit_scope": "PROMPT",
                },
                "consent_from": "NONE",
                "later_capability": None,
                "required_when": None,
                "options": [],
            },
        ],
        "criteria": [
            {
                "group": "evidence",
                "text": "Two recordings of you leading the protocol, the second after practice.",
                "scale": "MET_NOT_MET",
                "levels": {},
                "slots": ["facilitation-videos"],
            },
            {
                "group": "evidence",
                "text": "The reflection answers all three questions.",
                "scale": "MET_NOT_MET",
                "levels": {},
                "slots": ["facilitation-reflection"],
            },
        ],
    },
    {
        "key": "soliciting-feedback-from-peers",
        "position": 10,
        "tier": "PEERS_CLASSROOMS",
        "category": "DEMONSTRATING_IMPACT",
        "series": None,
        "title": "Soliciting Feedback from Peers",
        "summary": (
            "Ask colleagues, anonymously, how the reflection cycle has changed learning in "
            "their classes."
        ),
        "competency": "",
        "key_method": "",
        "credit_value": None,
        "credit_unit": "",
        "fee_cents": None,
        "fee_currency": "",
        "fee_when": "",
        "eligibility": "",
        "pass_rule": {"all": [{"group": "evidence", "every_criterion_at_least": "MET"}]},
        "resources": [],
        "skills": [("SLRC", "SLRC.5")],
        "prerequisites": [],
        "slots": [
            {
                "key": "peer-survey",
                "part": "Evidence",
                "title": "Your peer feedback survey",
                "guidance": (
                    "A peer feedback survey you sent to at least four colleagues, now closed, "
                    "with at least four answers besides your own. Nobody's answers can be "
                    "traced to them; only the report goes in."
                ),
                "kind": "RECORDS",
                "spec": {
                    "source": "SURVEY_ADMINISTRATION",
                    "count": 1,
                    "rules": {
                        "kind": "PEER_FEEDBACK",
                        "launched_by": "SELF",
                        "min_invitees": 4,
                        "min_responses": 4,
                        "closed": True,
                    },
                },
                "consent_from": "NONE",
                "later_capability": None,
                "required_when": None,
                "options": [],
            },
        ],
        "criteria": [
            {
                "group": "evidence",
                "text": "At least four colleagues were surveyed, anonymously, and answered.",
                "scale": "MET_NOT_MET",
                "levels": {},
                "slots": ["peer-survey"],
            },
        ],
    },
    # --- My school -----------------------------------------------------------------------------
    {
        "key": "building-will",
        "position": 11,
        "tier": "MY_SCHOOL",
        "category": "BUILDING_SKILLS",
        "series": None,
        "title": "Building Will",
        "summary": (
            "Spread the reflection cycle through your school with twelve colleagues: you visit "
            "four blue dots, and they in turn visit eight yellow dots."
        ),
        "competency": "",
        "key_method": "",
        "credit_value": None,
        "credit_unit": "",
        "fee_cents": None,
        "fee_currency": "",
        "fee_when": "",
        "eligibility": "",
        "pass_rule": {"all": [{"group": "evidence", "every_criterion_at_least": "MET"}]},
        "resources": [],
        "skills": [("SLRC", "SLRC.5")],
        "prerequisites": [],
        "slots": [
            {
                "key": "blue-dot-visits",
                "part": "Evidence",
                "title": "Your visits to four blue dots",
                "guidance": (
                    "Completed visits you made to four different colleagues who were blue dots "
                    "at the time. Each is asked whether their name may appear; anyone who "
                    "says no is shown by role only."
                ),
                "kind": "RECORDS",
                "spec": {
                    "source": "VISIT_AS_VISITOR_TO_ROLE",
                    "count": 4,
                    "rules": {"host_role": "BLUE"},
                },
                "consent_from": "NAMED_PEERS",
                "later_capability": None,
                "required_when": None,
                "options": [],
            },
            {
                "key": "yellow-dot-visits",
                "part": "Evidence",
                "title": "Blue dots' visits to eight yellow dots",
                "guidance": (
                    "Completed visits by blue dots to eight different colleagues who were "
                    "yellow dots at the time. Names appear only with each person's agreement."
                ),
                "kind": "RECORDS",
                "spec": {
                    "source": "VISIT_BY_ROLE_TO_ROLE",
                    "count": 8,
                    "rules": {"visitor_role": "BLUE", "host_role": "YELLOW"},
                },
                "consent_from": "NAMED_PEERS",
                "later_capability": None,
                "required_when": None,
                "options": [],
            },
        ],
        "criteria": [
            {
                "group": "evidence",
                "text": "Dated visits with four blue dots are listed.",
                "scale": "MET_NOT_MET",
                "levels": {},
                "slots": ["blue-dot-visits"],
            },
            {
                "group": "evidence",
                "text": "Dated visits by blue dots to eight yellow dots are listed.",
                "scale": "MET_NOT_MET",
                "levels": {},
                "slots": ["yellow-dot-visits"],
            },
        ],
    },
    {
        "key": "measuring-impact-on-student-learning",
        "position": 12,
        "tier": "MY_SCHOOL",
        "category": "DEMONSTRATING_IMPACT",
        "series": None,
        "title": "Measuring Impact on Student Learning",
        "summary": (
            "Show what happened to learning in your blue dots' classes across two cycles with "
            "each of them."
        ),
        "competency": "",
        "key_method": "",
        "credit_value": None,
        "credit_unit": "",
        "fee_cents": None,
        "fee_currency": "",
        "fee_when": "",
        "eligibility": "",
        "pass_rule": {"all": [{"group": "evidence", "every_criterion_at_least": "MET"}]},
        "resources": [],
        "skills": [("SLRC", "SLRC.3"), ("SLRC", "SLRC.4")],
        "prerequisites": [],
        "slots": [
            {
                "key": "facilitated-sheets",
                "part": "Evidence",
                "title": "Eight reflection sheets you facilitated",
                "guidance": (
                    "Two cycles with each of four blue dots, every sheet with its question and "
                    "a data summary. Each host is asked before their sheet is included."
                ),
                "kind": "RECORDS",
                "spec": {
                    "source": "REFLECTION_SHEET_AS_FACILITATOR",
                    "count": 8,
                    "rules": {"host_role": "BLUE", "per_host_max": 2, "max_hosts": 4},
                },
                "consent_from": "HOST",
                "later_capability": None,
                "required_when": None,
                "options": [],
            },
            {
                "key": "learning-gains",
                "part": "Evidence",
                "title": "What the data show",
                "guidance": "Point to the figures on the sheets that back your reading.",
                "kind": "TEXT",
                "spec": {
                    "prompts": [
                        {
                            "key": "gains",
                            "text": "How do the data on these sheets show students learning more?",
                        }
                    ],
                    "words": {"min": 0, "max": 400},
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
                "group": "evidence",
                "text": "Eight sheets: two cycles with each of four blue dots, hosts agreeing.",
                "scale": "MET_NOT_MET",
                "levels": {},
                "slots": ["facilitated-sheets"],
            },
            {
                "group": "evidence",
                "text": "The sheets' data show learning going up.",
                "scale": "MET_NOT_MET",
                "levels": {},
                "slots": ["facilitated-sheets", "learning-gains"],
            },
        ],
    },
    {
        "key": "considering-impact-on-culture",
        "position": 13,
        "tier": "MY_SCHOOL",
        "category": "DEMONSTRATING_IMPACT",
        "series": None,
        "title": "Considering Impact on Culture",
        "summary": (
            "Gauge trust and learning in your group with research-based survey items at the "
            "start and six months on, and note what stands out."
        ),
        "competency": "",
        "key_method": "",
        "credit_value": None,
        "credit_unit": "",
        "fee_cents": None,
        "fee_currency": "",
        "fee_when": "",
        "eligibility": "",
        "pass_rule": {"all": [{"group": "evidence", "every_criterion_at_least": "MET"}]},
        "resources": [],
        "skills": [("SLRC", "SLRC.6")],
        "prerequisites": [],
        "slots": [
            {
                "key": "culture-surveys",
                "part": "Evidence",
                "title": "The baseline and six-month surveys",
                "guidance": (
                    "The trust and culture survey you gave your whole group at the start and "
                    "its six-month follow-up, both closed with enough answers for a report."
                ),
                "kind": "RECORDS",
                "spec": {
                    "source": "SURVEY_PAIR",
                    "count": 1,
                    "rules": {
                        "instrument_kind": "TRUST_CULTURE",
                        "first": "BASELINE",
                        "second": "SIX_MONTH",
                        "audience": "COHORT_PEERS",
                        "launched_by": "SELF",
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
                "key": "culture-trends",
                "part": "Evidence",
                "title": "Trends and themes",
                "guidance": "Starts from the notes you wrote on the survey reports.",
                "kind": "TEXT",
                "spec": {
                    "prompts": [
                        {
                            "key": "trends",
                            "text": "Between the two surveys, which shifts and themes matter "
                            "most to your group?",
                        }
                    ],
                    "words": {"min": 0, "max": 500},
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
                "group": "evidence",
                "text": "The whole group was surveyed at the start and again six months later.",
                "scale": "MET_NOT_MET",
                "levels": {},
                "slots": ["culture-surveys"],
            },
            {
                "group": "evidence",
                "text": "Significant trends and themes are named.",
                "scale": "MET_NOT_MET",
                "levels": {},
                "slots": ["culture-trends"],
            },
        ],
    },
    {
        "key": "building-skills-in-others",
        "position": 14,
        "tier": "MY_SCHOOL",
        "category": "LEADING_LEARNING",
        "series": None,
        "title": "Building Skills in Others",
        "summary": (
            "Teach colleagues how the reflection cycle works and run the meetings of your "
            "group of five and your group of thirteen."
        ),
        "competency": "",
        "key_method": "",
        "credit_value": None,
        "credit_unit": "",
        "fee_cents": None,
        "fee_currency": "",
        "fee_when": "",
        "eligibility": "",
        "pass_rule": {"all": [{"group": "evidence", "every_criterion_at_least": "MET"}]},
        "resources": [],
        "skills": [("SLRC", "LEAD.2"), ("SLRC", "SLRC.4")],
        "prerequisites": [],
        "slots": [
            {
                "key": "blue-group-agendas",
                "part": "Evidence",
                "title": "Agendas of the group of five",
                "guidance": "Meetings of you and your blue dots that took place, with an agenda.",
                "kind": "RECORDS",
                "spec": {
                    "source": "MEETING_AGENDA",
                    "count": 1,
                    "rules": {"meeting_kind": "BLUE_GROUP"},
                },
                "consent_from": "NONE",
                "later_capability": None,
                "required_when": None,
                "options": [],
            },
            {
                "key": "whole-group-agendas",
                "part": "Evidence",
                "title": "Agendas of the group of thirteen",
                "guidance": "Meetings of the whole group that took place, with an agenda.",
                "kind": "RECORDS",
                "spec": {
                    "source": "MEETING_AGENDA",
                    "count": 1,
                    "rules": {"meeting_kind": "WHOLE_GROUP"},
                },
                "consent_from": "NONE",
                "later_capability": None,
                "required_when": None,
                "options": [],
            },
            {
                "key": "confidence-survey",
                "part": "Evidence",
                "title": "The end-of-year confidence survey",
                "guidance": (
                    "The survey of the whole group on their confidence in observing learning "
                    "and in facilitating reflection, closed with a report."
                ),
                "kind": "RECORDS",
                "spec": {
                    "source": "SURVEY_ADMINISTRATION",
                    "count": 1,
                    "rules": {
                        "kind": "END_OF_YEAR",
                        "instrument_kind": "CONFIDENCE",
                        "audience": "COHORT_PEERS",
                        "closed": True,
                        "report_available": True,
                    },
                },
                "consent_from": "NONE",
                "later_capability": None,
                "required_when": None,
                "options": [],
            },
        ],
        "criteria": [
            {
                "group": "evidence",
                "text": "Agendas of both groups' meetings are included.",
                "scale": "MET_NOT_MET",
                "levels": {},
                "slots": ["blue-group-agendas", "whole-group-agendas"],
            },
            {
                "group": "evidence",
                "text": "The group's confidence was surveyed at the end of the year.",
                "scale": "MET_NOT_MET",
                "levels": {},
                "slots": ["confidence-survey"],
            },
        ],
    },
    {
        "key": "sharing-learning",
        "position": 15,
        "tier": "MY_SCHOOL",
        "category": "LEADING_LEARNING",
        "series": None,
        "title": "Sharing Learning",
        "summary": (
            "Tell people outside your group what it learned: at a conference, a district or "
            "board meeting, or wherever it helps others understand."
        ),
        "competency": "",
        "key_method": "",
        "credit_value": None,
        "credit_unit": "",
        "fee_cents": None,
        "fee_currency": "",
        "fee_when": "",
        "eligibility": "",
        "pass_rule": {"all": [{"group": "evidence", "every_criterion_at_least": "MET"}]},
        "resources": [],
        "skills": [("SLRC", "LEAD.3")],
        "prerequisites": [],
        "slots": [
            {
                "key": "presentation-artifacts",
                "part": "Evidence",
                "title": "Traces of your presentation",
                "guidance": (
                    "For instance the session description, photos or the meeting's agenda. "
                    "Photos and links can be added now; other files come with artifact uploads."
                ),
                "kind": "CHOICE",
                "spec": {"choose": 1, "label": "How you share them"},
                "consent_from": "NONE",
                "later_capability": None,
                "required_when": None,
                "options": [
                    {
                        "key": "presentation-photos",
                        "part": "Evidence",
                        "title": "Photos",
                        "guidance": "No student's face or name may be visible.",
                        "kind": "UPLOAD",
                        "spec": {"media": "PHOTO", "count": 1},
                        "consent_from": "NONE",
                        "later_capability": None,
                        "required_when": None,
                        "options": [],
                    },
                    {
                        "key": "presentation-links",
                        "part": "Evidence",
                        "title": "Links",
                        "guidance": "A page where the session or its agenda is published.",
                        "kind": "UPLOAD",
                        "spec": {"media": "LINK", "count": 1},
                        "consent_from": "NONE",
                        "later_capability": None,
                        "required_when": None,
                        "options": [],
                    },
                    {
                        "key": "presentation-files",
                        "part": "Evidence",
                        "title": "Files",
                        "guidance": "Slides, a handout or a printed programme.",
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
                "key": "synopsis",
                "part": "Evidence",
                "title": "Synopsis",
                "guidance": "Where, to whom and what you presented.",
                "kind": "TEXT",
                "spec": {
                    "prompts": [
                        {
                            "key": "synopsis",
                            "text": "Summarise the presentation: audience, setting, message.",
                        }
                    ],
                    "words": {"min": 100, "max": 500},
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
                "group": "evidence",
                "text": "Artifacts show the presentation took place for an outside audience.",
                "scale": "MET_NOT_MET",
                "levels": {},
                "slots": [
                    "presentation-artifacts",
                    "presentation-photos",
                    "presentation-links",
                    "presentation-files",
                ],
            },
            {
                "group": "evidence",
                "text": "The synopsis says what was presented, where and to whom.",
                "scale": "MET_NOT_MET",
                "levels": {},
                "slots": ["synopsis"],
            },
        ],
    },
]
