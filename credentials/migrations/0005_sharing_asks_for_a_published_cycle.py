"""Sharing Improvement Strategies, version 2: the shared PDSA test must be live in the
improvement library (issue 22 built it), and its materials are photos (of the assignment,
student work, instructions) rather than waiting for file uploads. Published as a new version,
so a pursuit started on version 1 keeps it."""

from django.db import migrations

SHARING = "sharing-improvement-strategies-to-advance-professional-knowledge"
SLOTS = {
    "shared-pdsa": {
        "spec": {"source": "PDSA", "count": 1, "rules": {"complete": True, "published": True}},
        "guidance": (
            "A completed test from the PDSA tracker, published to your school's or district's "
            "improvement library."
        ),
    },
    "related-artifacts": {
        "spec": {"media": "PHOTO", "count": 1},
        "later_capability": "",
        "guidance": (
            "Photos of what goes with it: the assignment, samples of student work, "
            "instructions or the lessons you drew from it, with no student identifiable. Other "
            "file types come with artifact uploads."
        ),
    },
}


def revise(apps, schema_editor):
    from credentials.services.definitions import catalogue_slot_revise

    catalogue_slot_revise(apps, credential_key=SHARING, slots=SLOTS)


class Migration(migrations.Migration):
    dependencies = [
        ("credentials", "0004_evidence_pdsa_and_run_chart"),
        ("improvement", "0002_library"),
    ]

    operations = [migrations.RunPython(revise, migrations.RunPython.noop)]
