"""Create the shipped scales and instruments, so their ids exist from the start."""

from django.db import migrations


def seed(apps, schema_editor):
    from surveys.seeding import instruments_seed

    instruments_seed(get_model=apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
