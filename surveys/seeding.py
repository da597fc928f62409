"""Create the shipped scales and instruments (instrument_library) as database rows.

Idempotent by key: running it again creates what is missing and, for an instrument whose
library `version` is newer than the stored one, rewrites its wording (keys never change, so
reports keep matching answers by item). Called by a data migration with historical models
(`get_model=apps.get_model`) and by the demo and tests with the real ones.
"""

from django.apps import apps as django_apps

from . import instrument_library as library


def instruments_seed(*, get_model=django_apps.get_model) -> None:
    ResponseScale = get_model("surveys", "ResponseScale")
    ScalePoint = get_model("surveys", "ScalePoint")
    Instrument = get_model("surveys", "Instrument")
    Construct = get_model("surveys", "Construct")
    Item = get_model("surveys", "Item")

    scales = {}
    for shipped_scale in library.SCALES:
        scale, _ = ResponseScale.objects.update_or_create(
            key=shipped_scale.key, defaults={"title": shipped_scale.title}
        )
        for point in shipped_scale.points:
            ScalePoint.objects.update_or_create(
                scale=scale, value=point.value, defaults={"label": point.label}
            )
        scales[scale.key] = scale

    for shipped in library.INSTRUMENTS:
        instrument = Instrument.objects.filter(key=shipped.key).first()
        if instrument is not None and instrument.version >= shipped.version:
            continue
        fields = {
            "title": shipped.title,
            "description": shipped.description,
            "kind": str(shipped.kind),
            "version": shipped.version,
        }
        if instrument is None:
            instrument = Instrument.objects.create(key=shipped.key, **fields)
        else:
            Instrument.objects.filter(pk=instrument.pk).update(**fields)
        position = 0
        for construct_position, shipped_construct in enumerate(shipped.constructs):
            construct, _ = Construct.objects.update_or_create(
                instrument=instrument,
                key=shipped_construct.key,
                defaults={
                    "title": shipped_construct.title,
                    "description": shipped_construct.description,
                    "position": construct_position,
                },
            )
            for shipped_item in shipped_construct.items:
                Item.objects.update_or_create(
                    instrument=instrument,
                    key=shipped_item.key,
                    defaults={
                        "construct": construct,
                        "prompt": shipped_item.prompt,
                        "format": "SCALE",
                        "scale": scales[shipped_item.scale_key],
                        "reverse_scored": shipped_item.reverse_scored,
                        "position": position,
                    },
                )
                position += 1
        for open_text in shipped.open_text_items:
            Item.objects.update_or_create(
                instrument=instrument,
                key=open_text.key,
                defaults={
                    "construct": None,
                    "prompt": open_text.prompt,
                    "format": "OPEN_TEXT",
                    "scale": None,
                    "reverse_scored": False,
                    "position": position,
                },
            )
            position += 1
