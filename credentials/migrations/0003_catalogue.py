"""The programme's credentials (seed 002's fifteen and the other seeds' formats), version 1,
published. The data is in `credentials/catalogue/`, in our own words; loading is idempotent, so
a database that already holds a credential keeps it as staff have it."""

from django.db import migrations


def load(apps, schema_editor):
    from credentials.services.definitions import catalogue_load

    catalogue_load(apps)


class Migration(migrations.Migration):
    dependencies = [("credentials", "0002_frozen_rows")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
