"""Sharing Improvement Strategies, version 2: the shared PDSA test must be live in the
improvement library (issue 22 built it). Published as a new version, so a pursuit started on
version 1 keeps it; a database where staff changed the requirement keeps theirs."""

from django.db import migrations

SHARING = "sharing-improvement-strategies-to-advance-professional-knowledge"
SPEC = {"source": "PDSA", "count": 1, "rules": {"complete": True, "published": True}}


def revise(apps, schema_editor):
    from credentials.services.definitions import catalogue_slot_revise

    catalogue_slot_revise(apps, credential_key=SHARING, slot_key="shared-pdsa", spec=SPEC)


class Migration(migrations.Migration):
    dependencies = [
        ("credentials", "0004_evidence_pdsa_and_run_chart"),
        ("improvement", "0002_library"),
    ]

    operations = [migrations.RunPython(revise, migrations.RunPython.noop)]
