"""Ship the student voice instruments (grades 3-5 and 6-12) and their three-point scale
(issue 23); seeding is idempotent, so the shipped instruments already there are untouched."""

from django.db import migrations


def seed(apps, schema_editor):
    from surveys.seeding import instruments_seed

    instruments_seed(get_model=apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0006_class_codes")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
