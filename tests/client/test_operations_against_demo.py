"""Every operation of client/operations runs against the demo district without an error, as the
phone sends it in production: allow-list mode, by the manifest's id alone (GET for queries,
POST for mutations), each screen signed in as the demo person who uses it, with ids taken from
the screens before it (as the app does, never from the database)."""

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from django.test import Client

from backend.accounts.services.tokens import access_token_issue
from backend.demo import DEMO_PASSWORD, load_demo
from backend.management.commands.persisted_query_manifest import MANIFEST

ACCEPT = "application/graphql-response+json,application/json;q=0.9"


class Phone:
    """One signed-in phone speaking Apollo's persisted-query protocol with the manifest's ids."""

    def __init__(self, manifest: dict, ran: set, token: str | None = None):
        self.client = Client()
        self.manifest = manifest
        self.ran = ran
        self.token = token

    def run(self, name: str, variables: dict | None = None) -> dict:
        entry = self.manifest[name]
        extensions = {"persistedQuery": {"version": 1, "sha256Hash": entry["id"]}}
        headers = {"Accept": ACCEPT}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if entry["type"] == "query":
            params = {
                "operationName": name,
                "variables": json.dumps(variables or {}),
                "extensions": json.dumps(extensions),
            }
            response = self.client.get("/graphql/?" + urlencode(params), headers=headers)
        else:
            body = {"operationName": name, "variables": variables or {}, "extensions": extensions}
            response = self.client.post(
                "/graphql/", json.dumps(body), content_type="application/json", headers=headers
            )
        assert response.status_code == 200, (name, response.content)
        payload = response.json()
        assert "errors" not in payload, (name, payload["errors"])
        if entry["type"] == "mutation":
            for field, result in payload["data"].items():
                assert result is not None, (name, field)
                assert result.get("errors", []) == [], (name, result["errors"])
        self.ran.add(name)
        return payload["data"]


def nodes(connection: dict) -> list[dict]:
    return [edge["node"] for edge in connection["edges"]]


# The input field that carries an entry of each kind (ObservationEntryInput: exactly one set).
ENTRY_INPUT_FIELDS = {
    "ScriptingEntry": "scripting",
    "TallyEntry": "tally",
    "SeatingChartEntry": "seatingChart",
    "ChecklistEntry": "checklist",
    "TimedIntervalSweepEntry": "timedIntervalSweep",
}


def entry_input(payload: dict) -> dict:
    """An entry as read back, in the shape the phone sends it: its kind's field, unset values
    left out."""
    fields = {key: value for key, value in payload.items() if value is not None}
    return {ENTRY_INPUT_FIELDS[fields.pop("__typename")]: fields}


@pytest.mark.django_db
def test_every_client_operation_runs_against_the_demo(settings):
    # given the demo district, and a server that runs only the app's shipped operations
    load_demo()
    settings.DEBUG = False
    settings.GRAPHQL_INTROSPECTION = False
    settings.GRAPHQL_FIELD_SUGGESTIONS = False
    settings.GRAPHQL_PERSISTED_QUERIES = "allowlist"
    manifest = {
        entry["name"]: entry
        for entry in json.loads(MANIFEST.read_text(encoding="utf-8"))["operations"]
    }
    ran: set[str] = set()

    def sign_in(email: str) -> Phone:
        signed_out = Phone(manifest, ran)
        result = signed_out.run(
            "SessionSignIn",
            {"input": {"email": email, "password": DEMO_PASSWORD, "deviceName": "Pixel 8"}},
        )["sessionSignIn"]
        assert result["me"]["person"]["email"] == email
        return Phone(manifest, ran, result["token"])

    def phone_of(email: str) -> Phone:
        from backend.accounts.models import User

        _t, raw = access_token_issue(user=User.objects.get(email=email), device_name="iPhone")
        return Phone(manifest, ran, raw)

    now = datetime.now(UTC)

    # sign-in: the leader and the coordinator sign in through the screen itself
    leader = sign_in("leader@demo.school")
    coordinator = sign_in("coordinator@demo.school")
    assert "COORDINATOR" in coordinator.run("CurrentViewer")["me"]["roles"]

    # my week, a visit: a yellow dot sees next week's proposal and accepts it
    host = None
    for number in range(5, 13):
        candidate = phone_of(f"peer{number:02d}@demo.school")
        week = candidate.run(
            "MyWeek",
            {
                "startsAfter": now.isoformat(),
                "startsBefore": (now + timedelta(days=21)).isoformat(),
            },
        )
        proposals = [
            visit
            for visit in nodes(week["myVisits"])
            if visit["status"] == "PROPOSED" and visit["myRole"] == "HOST"
        ]
        if proposals:
            host, proposal = candidate, proposals[0]
            break
    assert host is not None, "the demo has a proposal waiting for a yellow dot"
    assert host.run("VisitScreen", {"id": proposal["id"]})["node"]["status"] == "PROPOSED"
    accepted = host.run("VisitAccept", {"input": {"visitId": proposal["id"]}})
    assert accepted["visitAccept"]["visit"]["status"] == "ACCEPTED"

    # data capture and reflection: a blue dot on the visit they made to a yellow dot
    visitor, past = None, None
    for number in range(1, 5):
        candidate = phone_of(f"peer{number:02d}@demo.school")
        week = candidate.run(
            "MyWeek",
            {
                "startsAfter": (now - timedelta(days=70)).isoformat(),
                "startsBefore": now.isoformat(),
            },
        )
        made = [v for v in nodes(week["myVisits"]) if v["myRole"] == "VISITOR"]
        if made:
            visitor, past = candidate, made[0]
            break
    assert visitor is not None, "the demo has a blue dot's past visit"
    capture = visitor.run("DataCapture", {"visitId": past["id"]})["node"]
    assert capture["entries"], "the demo visit has data"
    resent = capture["entries"][0]
    submitted = visitor.run(
        "ObservationDataSubmit",
        {
            "input": {
                "visitId": past["id"],
                # the phone resends what it collected offline; the server keeps it once
                "entries": [
                    {
                        "clientId": resent["clientId"],
                        "recordedAt": resent["recordedAt"],
                        **entry_input(resent["payload"]),
                    }
                ],
            }
        },
    )
    assert submitted["observationDataSubmit"]["createdCount"] == 0
    reflection = visitor.run("Reflection", {"visitId": past["id"]})["node"]
    assert reflection["slq"] is not None
    written = visitor.run(
        "ReflectionSheetWrite",
        {
            "input": {
                "visitId": past["id"],
                "considerations": "Most questions went to the teacher, not to peers.",
                "nextSteps": "Try question stems on the table cards next week.",
                "keepsSlq": True,
            }
        },
    )
    assert written["reflectionSheetWrite"]["reflectionSheet"]["nextSteps"].startswith("Try")

    # cohort and map: the leader's cohort, then its map
    cohort_id = nodes(leader.run("MyCohorts")["cohorts"])[0]["id"]
    cohort = leader.run("CohortDetail", {"id": cohort_id})["cohort"]
    assert cohort["members"]
    drawn = leader.run("MapScreen", {"scope": {"cohortId": cohort_id}})["networkMap"]
    assert drawn["nodes"]
    district_id = coordinator.run("CurrentViewer")["me"]["district"]["id"]
    download = coordinator.run("DistrictMapDownload", {"districtId": district_id})
    assert download["networkMapDownload"]["url"]

    # survey: a peer who has not answered the open survey answers every question
    answered = False
    for number in range(1, 13):
        peer = phone_of(f"peer{number:02d}@demo.school")
        waiting = [s for s in peer.run("MySurveys")["mySurveys"] if not s["viewerHasResponded"]]
        if not waiting:
            continue
        survey = peer.run("SurveyQuestions", {"id": waiting[0]["id"]})["node"]
        answers = [
            {"itemId": item["id"], "value": item["scale"]["points"][-1]["value"]}
            if item["format"] == "SCALE"
            else {"itemId": item["id"], "text": "More time to plan together."}
            for item in survey["instrument"]["items"]
        ]
        receipt = peer.run(
            "SurveyResponseSubmit",
            {"input": {"administrationId": survey["id"], "answers": answers}},
        )["surveyResponseSubmit"]["receipt"]
        assert receipt["administration"]["viewerHasResponded"] is True
        answered = True
        break
    assert answered, "the demo has an open survey someone has not answered"

    # micro-credentials: the catalogue, the leader's pursuits (Building Will submitted by the
    # demo), evidence for a draft with its consent asked and answered, and a staff-made
    # credential a peer starts, fills and submits
    catalogue = nodes(leader.run("CredentialCatalogue", {"programmeKey": "slrc"})["credentials"])
    assert len(catalogue) == 15
    pursuits = {p["credential"]["title"]: p for p in nodes(leader.run("MyPursuits")["myPursuits"])}
    assert pursuits["Building Will"]["state"] == "SUBMITTED"
    impact = pursuits["Measuring Impact on Student Learning"]
    definition = leader.run("CredentialDetail", {"id": impact["credential"]["id"]})["credential"]
    records = next(r for r in definition["requirements"] if r["kind"] == "RECORDS")
    writing = next(r for r in definition["requirements"] if r["kind"] == "TEXT")
    screen = leader.run("PursuitEvidence", {"id": impact["id"], "requirementKey": records["key"]})[
        "pursuit"
    ]
    candidates = screen["evidenceCandidates"]
    assert len(candidates) >= 2, "the demo's facilitated sheets count for Measuring Impact"
    for candidate in candidates[:2]:
        leader.run(
            "EvidenceItemAdd",
            {
                "input": {
                    "pursuitId": impact["id"],
                    "requirementKey": records["key"],
                    "recordId": candidate["id"],
                }
            },
        )
    text = leader.run(
        "EvidenceTextSave",
        {
            "input": {
                "pursuitId": impact["id"],
                "requirementKey": writing["key"],
                "promptKey": writing["prompts"][0]["key"],
                "text": "More students asked each other before asking me.",
            }
        },
    )["evidenceTextSave"]["item"]
    confirmed = leader.run("EvidenceItemConfirm", {"input": {"evidenceItemId": text["id"]}})
    assert confirmed["evidenceItemConfirm"]["item"]["confirmedAt"]
    answered_consents = 0
    for number in range(1, 13):
        peer = phone_of(f"peer{number:02d}@demo.school")
        asked = nodes(peer.run("MyConsentRequests")["myConsentRequests"])
        for request in asked:
            if request["credentialTitle"] != "Measuring Impact on Student Learning":
                continue
            answer = "ConsentGrant" if answered_consents == 0 else "ConsentDecline"
            done = peer.run(answer, {"input": {"consentId": request["id"]}})
            assert done[answer[0].lower() + answer[1:]]["consent"]["decidedAt"]
            answered_consents += 1
    assert answered_consents == 2, "each sheet's host was asked for consent"

    from credentials.models import Credential, CredentialVersion, Programme, RequirementSlot

    # staff add a credential in the admin (here: its models), then a peer pursues it
    programme = Programme.objects.create(key="district-pd", title="District PD", position=5)
    credential = Credential.objects.create(programme=programme, key="open-door", position=1)
    version = CredentialVersion.objects.create(
        credential=credential, number=1, title="Open Door Pledge"
    )
    RequirementSlot.objects.create(
        version=version,
        key="pledge",
        position=1,
        kind="ATTESTATION",
        title="Pledge",
        spec={"statement": "My door is open to any peer who wants to visit."},
    )
    CredentialVersion.objects.filter(pk=version.pk).update(status="PUBLISHED", published_at=now)
    peer = phone_of("peer05@demo.school")
    offered = nodes(peer.run("CredentialCatalogue", {"programmeKey": "district-pd"})["credentials"])
    started = peer.run("PursuitStart", {"input": {"credentialId": offered[0]["id"]}})
    pursuit = started["pursuitStart"]["pursuit"]
    attested = peer.run(
        "EvidenceAttest",
        {"input": {"pursuitId": pursuit["id"], "requirementKey": "pledge"}},
    )["evidenceAttest"]["pursuit"]
    assert attested["readyToSubmit"] is True
    packet = peer.run(
        "PacketSubmit",
        {"input": {"pursuitId": pursuit["id"], "expectedRevision": attested["revision"]}},
    )["packetSubmit"]["packet"]
    pdf = Client().get(packet["pdfDownload"]["url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"

    # improvement: the leader's two finished cycles and the run chart that shifted after the
    # first change; then a new cycle planned on the leader's question, judged by a new
    # measure, moved to Do, its points recorded offline (sent twice: kept once), a note added,
    # Do notes written; and the coordinator's counts of the district (numbers only)
    cycles = nodes(leader.run("MyPdsas")["myPdsas"])
    assert [c["stage"] for c in cycles] == ["DONE", "DONE"]
    first = next(c for c in cycles if c["cycleNumber"] == 1)
    shown = leader.run("PdsaDetail", {"id": first["id"]})["pdsa"]
    assert shown["actDecision"] == "ADAPT" and shown["studyResults"]
    chart = shown["measures"][0]["runChart"]
    assert len(chart["points"]) == 18 and chart["reliable"] is True
    shift = next(s for s in chart["signals"] if s["kind"] == "SHIFT")
    assert min(shift["pointIndexes"]) >= 8, "the shift comes after the first change"
    assert any(note["text"].startswith("Cycle 1 starts") for note in chart["annotations"])
    question = leader.run("PdsaPlanQuestions")["myStudentLearningQuestions"][0]
    planned = leader.run(
        "PdsaCreate",
        {
            "input": {
                "slqId": question["id"],
                "changeIdea": "Students judge a partner's reason before handing in the ticket.",
                "predictions": "Reasons will get longer and more specific.",
            }
        },
    )["pdsaCreate"]["pdsa"]
    assert planned["stage"] == "PLAN"
    made = leader.run(
        "MeasureCreate",
        {"input": {"name": "Reasons that cite evidence", "unit": "tickets", "baselineCount": 3}},
    )["measureCreate"]["measure"]
    assert made["runChart"] is None  # no points yet
    linked = leader.run(
        "PdsaMeasureLink", {"input": {"pdsaId": planned["id"], "measureId": made["id"]}}
    )["pdsaMeasureLink"]["pdsa"]
    assert [m["id"] for m in linked["measures"]] == [made["id"]]
    doing = leader.run("PdsaAdvance", {"input": {"pdsaId": planned["id"], "stage": "DO"}})
    assert doing["pdsaAdvance"]["pdsa"]["stage"] == "DO"
    today = shown["measures"][0]["runChart"]["points"][-1]["on"]  # today at the school
    offline = {
        "measureId": made["id"],
        "points": [
            {"clientId": "0b9f2a4e-1c3d-4e5f-8a7b-6c5d4e3f2a10", "on": today, "value": 4},
            {"clientId": "0b9f2a4e-1c3d-4e5f-8a7b-6c5d4e3f2a11", "on": today, "value": 6},
        ],
    }
    for _sent in range(2):  # the phone resends the batch after a dropped connection
        recorded = leader.run("DataPointsRecord", {"input": offline})
        assert recorded["dataPointsRecord"]["measure"]["pointCount"] == 2
    noted = leader.run(
        "AnnotationAdd", {"input": {"measureId": made["id"], "on": today, "text": "Assembly"}}
    )["annotationAdd"]["measure"]
    assert "Assembly" in [note["text"] for note in noted["runChart"]["annotations"]]
    updated = leader.run(
        "PdsaUpdate", {"input": {"pdsaId": planned["id"], "doNotes": "Pairs chosen by seat."}}
    )["pdsaUpdate"]["pdsa"]
    assert updated["doNotes"] == "Pairs chosen by seat."
    counts = coordinator.run("ImprovementCounts", {"districtId": district_id})
    maple = counts["improvementCounts"][0]
    assert maple["pdsas"] == 3 and maple["measures"] == 2 and maple["dataPoints"] == 20
    assert {s["stage"]: s["count"] for s in maple["pdsaStages"]}["DONE"] == 2

    # improvement library: a Maple colleague reads the library, sees the leader's first cycle
    # with its answered question, its chart's verdict and its picture (a PNG behind the link);
    # opens the entry, asks a new question, the leader answers it; the leader takes the cycle
    # back (gone for the colleague), shares it again (a new entry, no questions yet) and shares
    # the second cycle with the district; the colleague sees both
    colleague = phone_of("peer01@demo.school")
    library = colleague.run("ImprovementLibrary", {"first": 20})["improvementLibrary"]
    assert library["totalCount"] == 1
    shared = nodes(library)[0]
    assert shared["owner"]["fullName"] == "Rosa Delgado" and shared["cycleNumber"] == 1
    assert (shared["scope"], shared["live"], shared["actDecision"]) == ("SCHOOL", True, "ADAPT")
    [asked_before] = shared["questions"]
    assert asked_before["answer"]["answeredAt"]
    [verdict] = shared["measures"]
    assert verdict["runChart"]["reliable"] is True
    assert "SHIFT" in [signal["kind"] for signal in verdict["runChart"]["signals"]]
    assert shared["photos"] == []  # the demo shares no photos
    picture = Client().get(verdict["runChart"]["imageUrl"])
    assert picture.status_code == 200 and picture["Content-Type"] == "image/png"
    entry = colleague.run("LibraryEntryDetail", {"id": shared["id"]})["libraryEntry"]
    assert len(entry["measures"][0]["runChart"]["points"]) == 18 and entry["studyResults"]
    [thread_before] = entry["questions"]
    assert thread_before["asker"]["fullName"] == "Amara Okafor" and thread_before["answer"]["text"]
    asked = colleague.run(
        "LibraryQuestionAsk",
        {"input": {"libraryEntryId": shared["id"], "text": "How did you time the 90 seconds?"}},
    )["libraryQuestionAsk"]["libraryQuestion"]
    assert asked["answer"] is None
    mine = leader.run("PdsaDetail", {"id": first["id"]})["pdsa"]["libraryEntry"]
    assert (mine["id"], mine["live"]) == (shared["id"], True)
    waiting = leader.run("LibraryEntryDetail", {"id": mine["id"]})["libraryEntry"]["questions"]
    unanswered = next(q for q in waiting if q["answer"] is None)
    assert unanswered["id"] == asked["id"]
    answered = leader.run(
        "LibraryQuestionAnswer",
        {"input": {"libraryQuestionId": asked["id"], "text": "A sand timer on my desk."}},
    )["libraryQuestionAnswer"]["libraryQuestion"]
    assert answered["answer"]["text"] == "A sand timer on my desk."
    thread = colleague.run("LibraryEntryDetail", {"id": shared["id"]})["libraryEntry"]
    assert [q["answer"] is not None for q in thread["questions"]] == [True, True]
    taken = leader.run("PdsaUnpublish", {"input": {"libraryEntryId": shared["id"]}})
    assert taken["pdsaUnpublish"]["libraryEntry"]["live"] is False
    assert (
        colleague.run("ImprovementLibrary", {"first": 20})["improvementLibrary"]["totalCount"] == 0
    )
    assert colleague.run("LibraryEntryDetail", {"id": shared["id"]})["libraryEntry"] is None
    assert leader.run("PdsaDetail", {"id": first["id"]})["pdsa"]["libraryEntry"] is None
    second = next(c for c in cycles if c["cycleNumber"] == 2)
    again = leader.run(
        "PdsaPublish",
        {"input": {"pdsaId": first["id"], "scope": "SCHOOL", "commitToAnswer": True}},
    )["pdsaPublish"]["libraryEntry"]
    assert again["id"] != shared["id"] and again["questions"] == [] and again["live"] is True
    district_wide = leader.run(
        "PdsaPublish",
        {"input": {"pdsaId": second["id"], "scope": "DISTRICT", "commitToAnswer": True}},
    )["pdsaPublish"]["libraryEntry"]
    assert district_wide["actDecision"] == "ADOPT"
    seen = nodes(colleague.run("ImprovementLibrary", {"first": 20})["improvementLibrary"])
    assert {e["id"] for e in seen} == {again["id"], district_wide["id"]}
    schoolwide = colleague.run("ImprovementLibrary", {"first": 20, "scope": "SCHOOL"})[
        "improvementLibrary"
    ]
    assert [e["id"] for e in nodes(schoolwide)] == [again["id"]]

    # inbox: the leader reads one notification, then marks the rest read
    inbox = leader.run("Inbox", {"first": 20})
    unread = [n for n in nodes(inbox["myNotifications"]) if not n["isRead"]]
    assert unread, "the demo inbox has unread notifications"
    read = leader.run("NotificationMarkRead", {"input": {"notificationId": unread[0]["id"]}})
    assert read["notificationMarkRead"]["notification"]["isRead"] is True
    leader.run("NotificationMarkAllRead")
    assert leader.run("Inbox", {"first": 20})["unreadNotificationCount"] == 0

    # then every operation the app ships was run (a new file needs its step above)
    assert ran == set(manifest)
