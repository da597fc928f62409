"""The arguments each root field is called with in the authorization matrix.

Each entry gives the variables of one representative call about the world's objects (the
cohort, the visit, the survey...). A field missing here is called without arguments (and the
matrix fails if it needs some). Selections are built from the schema (`selections`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from . import corpus
from .world import DEVICE_TOKEN, HOST_EMAIL, World

Variables = Callable[[World], dict]


def _day(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _in_days(days: int) -> str:
    return (timezone.now() + timedelta(days=days)).isoformat()


def _input(build: Callable[[World], dict]) -> Variables:
    return lambda w: {"input": build(w)}


QUERIES: dict[str, list[Variables]] = {
    "networkMap": [lambda w: {"scope": {"cohortId": w.gid("Cohort", "cohort")}}],
    "stuckCohorts": [lambda w: {"districtId": w.gid("District", "district_a")}],
    "networkMapImage": [lambda w: {"cohortId": w.gid("Cohort", "cohort")}],
    "networkMapDownload": [lambda w: {"scope": {"cohortId": w.gid("Cohort", "cohort")}}],
    "surveyAdministrations": [lambda w: {"cohortId": w.gid("Cohort", "cohort")}],
    "mySurveys": [lambda w: {"includeAnswered": True}],
    # The open survey (answers, no figures yet) and the closed baseline (a report note).
    "surveyReport": [
        lambda w: {"administrationId": w.gid("SurveyAdministration", "survey")},
        lambda w: {"administrationId": w.gid("SurveyAdministration", "baseline")},
    ],
    "surveyComparison": [
        lambda w: {
            "baselineId": w.gid("SurveyAdministration", "baseline"),
            "followUpId": w.gid("SurveyAdministration", "follow_up"),
        }
    ],
    "surveyReceiptCounted": [
        lambda w: {
            "administrationId": w.gid("SurveyAdministration", "survey"),
            "receiptCode": w.values["receipt"],
        }
    ],
    "visitSummaries": [lambda w: {"cohortId": w.gid("Cohort", "cohort")}],
    "myStudentLearningQuestions": [lambda w: {"includeRetired": True}],
    # Filtered by the SLQ (its host and visitor), and unfiltered: staff see the private tool
    # but not the question, and a filter by a question you may not see lists nothing.
    "tools": [lambda w: {"slqId": w.gid("StudentLearningQuestion", "slq")}, lambda w: {}],
    "bellSchedule": [lambda w: {"schoolId": w.gid("School", "school_a1")}],
    "suggestedVisitSlots": [
        lambda w: {
            "hostId": w.gid("Person", "user_host"),
            "from": _day(1),
            "to": _day(7),
            "minutes": 45,
        }
    ],
    "reflectionSheets": [lambda w: {"cohortId": w.gid("Cohort", "cohort")}],
    "cohort": [lambda w: {"id": w.gid("Cohort", "cohort")}],
    "meetings": [lambda w: {"cohortId": w.gid("Cohort", "cohort")}],
    "meeting": [lambda w: {"id": w.gid("Meeting", "held")}],
    "protocols": [lambda w: {"schoolId": w.gid("School", "school_a1")}],
    "node": [lambda w: {"id": w.gid("Visit", "done")}],
    # The host by name, then by the start of her address (a secret of school A1's).
    "credential": [lambda w: {"id": w.gid("Credential", "credential_version")}],
    "pursuit": [lambda w: {"id": w.gid("Pursuit", "pursuit")}],
    "pdsa": [lambda w: {"id": w.gid("Pdsa", "pdsa")}],
    # improvement library: the visitor's entry shared with school A1; then one scope only.
    "libraryEntry": [lambda w: {"id": w.gid("LibraryEntry", "library_entry")}],
    "improvementLibrary": [lambda w: {}, lambda w: {"scope": "SCHOOL"}],
    # The district, then one of its schools (the pursuits are the visitor's, at school A1).
    "credentialCounts": [
        lambda w: {"districtId": w.gid("District", "district_a")},
        lambda w: {
            "districtId": w.gid("District", "district_a"),
            "schoolId": w.gid("School", "school_a1"),
        },
    ],
    # The district, then the school of the visitor's PDSA cycle.
    "improvementCounts": [
        lambda w: {"districtId": w.gid("District", "district_a")},
        lambda w: {
            "districtId": w.gid("District", "district_a"),
            "schoolId": w.gid("School", "school_a1"),
        },
    ],
    "people": [lambda w: {"search": "hana"}, lambda w: {"search": HOST_EMAIL[:6]}],
}


def _when(days: int, hour: str = "10:00") -> dict:
    return {"date": _day(days), "startTime": hour, "minutes": 45}


MUTATIONS: dict[str, list[Variables]] = {
    # improvement library: the visitor's cycle at ACT (not shared yet), their live entry
    # shared with school A1 and the host's question on it.
    "pdsaPublish": [
        _input(
            lambda w: {
                "pdsaId": w.gid("Pdsa", "library_ready_pdsa"),
                "scope": "SCHOOL",
                "commitToAnswer": True,
            }
        )
    ],
    "pdsaUnpublish": [_input(lambda w: {"libraryEntryId": w.gid("LibraryEntry", "library_entry")})],
    "libraryQuestionAsk": [
        _input(
            lambda w: {
                "libraryEntryId": w.gid("LibraryEntry", "library_entry"),
                "text": "How long did the think time take?",
            }
        )
    ],
    "libraryQuestionAnswer": [
        _input(
            lambda w: {
                "libraryQuestionId": w.gid("LibraryQuestion", "library_question"),
                "text": "About two minutes a lesson.",
            }
        )
    ],
    # improvement: the visitor's cycle (at DO) and measures.
    "pdsaCreate": [
        _input(
            lambda w: {
                "slqId": w.gid("StudentLearningQuestion", "pdsa_slq"),
                "changeIdea": "Cold calling with wait time",
                "predictions": "Fewer blank answers",
            }
        )
    ],
    "pdsaUpdate": [_input(lambda w: {"pdsaId": w.gid("Pdsa", "pdsa"), "doNotes": "Went well"})],
    "pdsaAdvance": [_input(lambda w: {"pdsaId": w.gid("Pdsa", "pdsa"), "stage": "STUDY"})],
    "measureCreate": [_input(lambda w: {"name": "Exit tickets correct", "unit": "students"})],
    "pdsaMeasureLink": [
        _input(
            lambda w: {
                "pdsaId": w.gid("Pdsa", "pdsa"),
                "measureId": w.gid("Measure", "unlinked_measure"),
            }
        )
    ],
    "dataPointsRecord": [
        _input(
            lambda w: {
                "measureId": w.gid("Measure", "pdsa_measure"),
                "points": [{"clientId": str(uuid.uuid4()), "on": _day(-1), "value": 5}],
            }
        )
    ],
    "annotationAdd": [
        _input(
            lambda w: {
                "measureId": w.gid("Measure", "pdsa_measure"),
                "on": _day(-1),
                "text": "Assembly",
            }
        )
    ],
    "pursuitStart": [_input(lambda w: {"credentialId": w.gid("Credential", "open_credential")})],
    "pursuitWithdraw": [_input(lambda w: {"pursuitId": w.gid("Pursuit", "pursuit")})],
    "evidenceItemAdd": [
        _input(
            lambda w: {
                "pursuitId": w.gid("Pursuit", "pursuit"),
                "requirementKey": "work",
                "recordId": w.gid("Photo", "photo"),
            }
        )
    ],
    "evidenceItemRemove": [
        _input(lambda w: {"evidenceItemId": w.gid("EvidenceItem", "evidence_item")})
    ],
    "evidenceItemConfirm": [
        _input(lambda w: {"evidenceItemId": w.gid("EvidenceItem", "evidence_item")})
    ],
    "evidenceTextSave": [
        _input(
            lambda w: {
                "pursuitId": w.gid("Pursuit", "pursuit"),
                "requirementKey": "why",
                "promptKey": "why",
                "text": "Because it helps.",
            }
        )
    ],
    "evidenceChoiceSelect": [
        _input(
            lambda w: {
                "pursuitId": w.gid("Pursuit", "pursuit"),
                "requirementKey": "how",
                "optionKey": "how-words",
            }
        )
    ],
    "evidenceListSave": [
        _input(
            lambda w: {
                "pursuitId": w.gid("Pursuit", "pursuit"),
                "requirementKey": "sources",
                "entries": [{"title": "A book", "url": "https://example.org/book"}],
            }
        )
    ],
    "evidenceAttest": [
        _input(lambda w: {"pursuitId": w.gid("Pursuit", "pursuit"), "requirementKey": "promise"})
    ],
    "consentGrant": [_input(lambda w: {"consentId": w.gid("ConsentRequest", "consent")})],
    "consentDecline": [_input(lambda w: {"consentId": w.gid("ConsentRequest", "consent")})],
    "consentRevoke": [_input(lambda w: {"consentId": w.gid("ConsentRequest", "consent_granted")})],
    "packetSubmit": [
        _input(lambda w: {"pursuitId": w.gid("Pursuit", "ready_pursuit"), "expectedRevision": 1})
    ],
    "deviceRegister": [_input(lambda w: {"token": "matrix-new-token", "platform": "ANDROID"})],
    "deviceUnregister": [_input(lambda w: {"token": DEVICE_TOKEN})],
    "notificationMarkRead": [
        _input(lambda w: {"notificationId": w.gid("Notification", "notification")})
    ],
    "notificationPreferencesUpdate": [_input(lambda w: {"quietHoursEnabled": False})],
    "surveyInstrumentCreate": [
        _input(
            lambda w: {
                "title": "Matrix survey",
                "constructs": [
                    {
                        "title": "Trust",
                        "items": [{"prompt": "I trust my peers.", "scaleKey": "agreement_5"}],
                    }
                ],
            }
        )
    ],
    "surveyAdministrationLaunch": [
        _input(
            lambda w: {
                "instrumentId": w.gid("SurveyInstrument", "instrument"),
                "kind": "OTHER",
                "cohortId": w.gid("Cohort", "cohort"),
                "closesAt": _in_days(7),
            }
        )
    ],
    "classSurveyLaunch": [
        _input(
            lambda w: {
                "instrumentId": w.gid("SurveyInstrument", "voice_instrument"),
                "label": "Period 3 Biology",
                "classSize": 25,
                "closesAt": _in_days(7),
            }
        )
    ],
    "surveyAdministrationUpdate": [
        _input(
            lambda w: {
                "administrationId": w.gid("SurveyAdministration", "survey"),
                "title": "Renamed survey",
            }
        )
    ],
    "surveyAdministrationCancel": [
        _input(lambda w: {"administrationId": w.gid("SurveyAdministration", "unanswered")})
    ],
    "surveyAdministrationClose": [
        _input(lambda w: {"administrationId": w.gid("SurveyAdministration", "survey")})
    ],
    "surveyAdministrationExtend": [
        _input(lambda w: {"administrationId": w.gid("SurveyAdministration", "survey"), "days": 3})
    ],
    "surveyResponseSubmit": [
        _input(
            lambda w: {
                "administrationId": w.gid("SurveyAdministration", "survey"),
                "answers": [{"itemId": w.gid("SurveyItem", "item_q1"), "value": 3}],
            }
        )
    ],
    "surveyReportNoteCreate": [
        _input(
            lambda w: {
                "administrationId": w.gid("SurveyAdministration", "baseline"),
                "text": "A theme we see.",
            }
        )
    ],
    "surveyReportNoteUpdate": [
        _input(lambda w: {"noteId": w.gid("SurveyReportNote", "note"), "text": "Revised."})
    ],
    "surveyReportNoteDelete": [_input(lambda w: {"noteId": w.gid("SurveyReportNote", "note")})],
    "studentLearningQuestionCreate": [
        _input(lambda w: {"areaOfFocus": "Talk", "question": "Who speaks in pairs?"})
    ],
    "studentLearningQuestionUpdate": [
        _input(
            lambda w: {
                "slqId": w.gid("StudentLearningQuestion", "slq"),
                "question": "Which students ask questions in pairs?",
            }
        )
    ],
    "toolCreate": [
        _input(
            lambda w: {
                "name": "Matrix tool",
                "definition": {"scripting": {"prompts": ["What do students say?"]}},
            }
        )
    ],
    "toolUpdate": [_input(lambda w: {"toolId": w.gid("Tool", "tool"), "name": "Renamed tool"})],
    "toolCopy": [_input(lambda w: {"toolId": w.gid("Tool", "tool")})],
    "timetableSet": [
        _input(
            lambda w: {
                "periods": [
                    {
                        "weekday": "MONDAY",
                        "kind": "TEACHING",
                        "startTime": "09:00",
                        "endTime": "10:00",
                    }
                ]
            }
        )
    ],
    "bellScheduleSet": [
        _input(
            lambda w: {
                "schoolId": w.gid("School", "school_a1"),
                "periods": [{"name": "Period 1", "startTime": "08:00", "endTime": "08:45"}],
            }
        )
    ],
    "visitPropose": [
        _input(
            lambda w: {
                "hostId": w.gid("Person", "user_host"),
                "when": _when(9),
                "cycleNumber": 3,
            }
        )
    ],
    "visitAccept": [_input(lambda w: {"visitId": w.gid("Visit", "proposed")})],
    "visitDecline": [_input(lambda w: {"visitId": w.gid("Visit", "proposed"), "reason": "Exam"})],
    "visitReschedule": [
        _input(
            lambda w: {
                "visitId": w.gid("Visit", "proposed"),
                "when": _when(10, "11:00"),
                "reason": "Assembly",
            }
        )
    ],
    "visitCancel": [_input(lambda w: {"visitId": w.gid("Visit", "proposed"), "reason": "Ill"})],
    "visitComplete": [_input(lambda w: {"visitId": w.gid("Visit", "accepted")})],
    "visitPlanUpdate": [
        _input(lambda w: {"visitId": w.gid("Visit", "proposed"), "notes": "Back table."})
    ],
    "observationDataSubmit": [
        _input(
            lambda w: {
                "visitId": w.gid("Visit", "accepted"),
                "entries": [
                    {
                        "clientId": str(uuid.uuid4()),
                        "recordedAt": (timezone.now() - timedelta(minutes=80)).isoformat(),
                        "scripting": {"at": 600, "text": "A student asks why."},
                    }
                ],
            }
        )
    ],
    "reflectionSheetWrite": [
        _input(
            lambda w: {
                "visitId": w.gid("Visit", "done"),
                "considerations": "Revised considerations.",
                "nextSteps": "Revised next steps.",
                "keepsSlq": True,
            }
        )
    ],
    "reflectionSheetShare": [
        _input(lambda w: {"reflectionSheetId": w.gid("ReflectionSheet", "sheet"), "shared": True})
    ],
    "photoUpload": [
        _input(lambda w: {"file": None, "visitId": w.gid("Visit", "done"), "caption": "Work"})
    ],
    "photoDelete": [_input(lambda w: {"photoId": w.gid("Photo", "photo")})],
    "cohortCreate": [
        _input(
            lambda w: {
                "schoolId": w.gid("School", "school_a1"),
                "name": "Birch group",
                "schoolYear": "2026-2027",
            }
        )
    ],
    "cohortUpdate": [_input(lambda w: {"cohortId": w.gid("Cohort", "cohort"), "name": "Elm"})],
    "cohortArchive": [_input(lambda w: {"cohortId": w.gid("Cohort", "cohort")})],
    "cohortLeaderSet": [
        _input(
            lambda w: {
                "cohortId": w.gid("Cohort", "cohort"),
                "personId": w.gid("Person", "other_leader"),
            }
        )
    ],
    "membershipAdd": [
        _input(
            lambda w: {
                "cohortId": w.gid("Cohort", "cohort"),
                "personId": w.gid("Person", "newcomer"),
                "role": "YELLOW",
            }
        )
    ],
    "membershipRoleChange": [
        _input(lambda w: {"membershipId": w.gid("Membership", "m_member"), "role": "BLUE"})
    ],
    "membershipReplace": [
        _input(
            lambda w: {
                "membershipId": w.gid("Membership", "m_member"),
                "personId": w.gid("Person", "newcomer"),
            }
        )
    ],
    "membershipEnd": [_input(lambda w: {"membershipId": w.gid("Membership", "m_member")})],
    "cohortPeerInvite": [
        _input(
            lambda w: {
                "cohortId": w.gid("Cohort", "cohort"),
                "email": "new-peer@example.org",
                "role": "YELLOW",
            }
        )
    ],
    "cohortMembersAdd": [
        _input(
            lambda w: {
                "cohortId": w.gid("Cohort", "cohort"),
                "people": [
                    {"personId": w.gid("Person", "newcomer"), "role": "YELLOW"},
                    {"email": "bulk-new-peer@example.org", "role": "YELLOW"},
                ],
            }
        )
    ],
    "yellowDotAssign": [
        _input(
            lambda w: {
                "yellowMembershipId": w.gid("Membership", "m_member"),
                "blueMembershipId": w.gid("Membership", "m_blue_2"),
            }
        )
    ],
    "yellowDotUnassign": [
        _input(lambda w: {"yellowMembershipId": w.gid("Membership", "m_member")})
    ],
    "meetingCreate": [
        _input(
            lambda w: {
                "cohortId": w.gid("Cohort", "cohort"),
                "kind": "WHOLE_GROUP",
                "when": {"date": _day(14), "startTime": "15:30", "minutes": 60},
            }
        )
    ],
    "meetingUpdate": [
        _input(lambda w: {"meetingId": w.gid("Meeting", "upcoming"), "title": "Moved"})
    ],
    "meetingCancel": [_input(lambda w: {"meetingId": w.gid("Meeting", "upcoming")})],
    "meetingAgendaSet": [
        _input(
            lambda w: {
                "meetingId": w.gid("Meeting", "upcoming"),
                "items": [{"title": "Norms", "minutes": 10}],
            }
        )
    ],
    "meetingAgendaApplyTemplate": [
        _input(
            lambda w: {
                "meetingId": w.gid("Meeting", "upcoming"),
                "templateKey": "group-of-13-launch",
            }
        )
    ],
    "meetingAgendaCopy": [
        _input(
            lambda w: {
                "meetingId": w.gid("Meeting", "upcoming"),
                "fromMeetingId": w.gid("Meeting", "held"),
            }
        )
    ],
    "meetingRecord": [
        _input(lambda w: {"meetingId": w.gid("Meeting", "held"), "notes": "Recorded."})
    ],
    "protocolCreate": [
        _input(
            lambda w: {
                "schoolId": w.gid("School", "school_a1"),
                "name": "Matrix protocol",
                "steps": [{"title": "Look", "minutes": 5}],
            }
        )
    ],
    "protocolUpdate": [
        _input(lambda w: {"protocolId": w.gid("Protocol", "protocol"), "name": "Renamed"})
    ],
    "sessionSignIn": [
        _input(
            lambda w: {
                "email": "signin-only@example.org",
                "password": w.values["password"],
                "deviceName": "Matrix phone",
            }
        )
    ],
    "sessionRevoke": [_input(lambda w: {"sessionId": w.gid("Session", "host_session")})],
    "invitationCreate": [
        _input(
            lambda w: {"email": "invited-new@example.org", "schoolId": w.gid("School", "school_a1")}
        )
    ],
    "invitationRevoke": [
        _input(lambda w: {"invitationId": w.gid("Invitation", "open_invitation")})
    ],
    "districtEmailDomainsSet": [
        _input(lambda w: {"districtId": w.gid("District", "district_a"), "domains": ["a.example"]})
    ],
    "invitationDecide": [
        _input(
            lambda w: {"invitationId": w.gid("Invitation", "awaiting_invitation"), "approve": True}
        )
    ],
    "personOutsideDomainsApprove": [_input(lambda w: {"personId": w.gid("Person", "user_host")})],
    "invitationAccept": [
        _input(
            lambda w: {
                "email": "accept-me@example.org",
                "code": w.values["invitation_code"],
                "password": "a-long-enough-passphrase",
                "fullName": "Ari Accept",
                "deviceName": "Matrix phone",
            }
        )
    ],
}

SUBSCRIPTIONS: dict[str, list[Variables]] = {
    "surveyResponseCountChanged": [
        lambda w: {"administrationId": w.gid("SurveyAdministration", "survey")}
    ],
    "visitChanged": [lambda w: {"visitId": w.gid("Visit", "done")}],
    "cohortChanged": [lambda w: {"cohortId": w.gid("Cohort", "cohort")}],
}

# Variables sent as files (GraphQL multipart request): path -> (file name, bytes, type).
FILES: dict[str, Callable[[], dict[str, tuple[str, bytes, str]]]] = {
    "photoUpload": lambda: {"variables.input.file": ("work.png", corpus.png(), "image/png")},
}
