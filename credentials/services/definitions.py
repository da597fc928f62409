"""Credential definitions: loading the catalogue, publishing a draft, starting a new version.

A version is edited only while DRAFT (the database refuses anything else, migration 0002). To
change a published credential, staff make a new draft from it, edit that, and publish: the old
version is retired in the same transaction and pursuits under way keep it.

`catalogue_load` takes a model registry so the data migration (historical models) and the
tests (current ones) run the same code.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps as installed_apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..errors import CredentialError

DRAFT, PUBLISHED, RETIRED = "DRAFT", "PUBLISHED", "RETIRED"


@dataclass(frozen=True)
class Models:
    Programme: Any
    Series: Any
    Skill: Any
    Credential: Any
    CredentialVersion: Any
    RequirementSlot: Any
    ReviewCriterion: Any
    CredentialSkill: Any
    Prerequisite: Any

    @classmethod
    def of(cls, registry=None) -> "Models":
        registry = registry or installed_apps
        return cls(
            **{name: registry.get_model("credentials", name) for name in cls.__annotations__}
        )


# --- the catalogue ------------------------------------------------------------------------------


def catalogue_entries() -> tuple[list[dict], list[dict], list[dict], list[tuple[str, dict]]]:
    """(programmes, series, skills, [(programme key, credential)]) from `credentials.catalogue`."""
    from ..catalogue import others, seed_002, skills

    programmes = [seed_002.PROGRAMME, *others.PROGRAMMES]
    credentials = [(seed_002.PROGRAMME["key"], entry) for entry in seed_002.CREDENTIALS]
    credentials += [(entry["programme"], entry) for entry in others.CREDENTIALS]
    return programmes, list(others.SERIES), list(skills.SKILLS), credentials


def catalogue_load(registry=None) -> int:
    """Create what the catalogue holds and the database lacks; publish each new credential as
    version 1. Idempotent: a credential that exists is left as staff have it. Returns how
    many credentials were created."""
    m = Models.of(registry)
    programmes, series_list, skills, credentials = catalogue_entries()
    by_programme = {}
    for entry in programmes:
        by_programme[entry["key"]], _ = m.Programme.objects.get_or_create(
            key=entry["key"],
            defaults={k: entry.get(k, "") for k in ("title", "issuer")}
            | {"position": entry.get("position", 0)},
        )
    series = {}
    for entry in series_list:  # in order: a series names only series listed before it
        requires = entry.get("requires_series")
        series[(entry["programme"], entry["key"])], _ = m.Series.objects.get_or_create(
            programme=by_programme[entry["programme"]],
            key=entry["key"],
            defaults={
                "title": entry["title"],
                "requires_series": series[(entry["programme"], requires)] if requires else None,
            },
        )
    skill_rows = {}
    for entry in skills:
        skill_rows[(entry["framework"], entry["code"])], _ = m.Skill.objects.get_or_create(
            framework=entry["framework"], code=entry["code"], defaults={"name": entry["name"]}
        )
    created = []
    for programme_key, entry in credentials:
        credential, new = m.Credential.objects.get_or_create(
            programme=by_programme[programme_key],
            key=entry["key"],
            defaults={
                "position": entry["position"],
                "tier": entry.get("tier") or "",
                "category": entry.get("category") or "",
                "series": series[(programme_key, entry["series"])] if entry.get("series") else None,
            },
        )
        if new:
            created.append((programme_key, entry, credential))
    # Versions after every credential exists, so prerequisites can name any of them.
    for programme_key, entry, credential in created:
        version = _version_from_entry(m, credential, entry, skill_rows, series, programme_key)
        _publish(m, version)
    return len(created)


def _version_from_entry(m: Models, credential, entry, skill_rows, series, programme_key):
    version = m.CredentialVersion.objects.create(
        credential=credential,
        number=1,
        status=DRAFT,
        title=entry["title"],
        summary=entry.get("summary", ""),
        competency=entry.get("competency", ""),
        key_method=entry.get("key_method", ""),
        credit_value=Decimal(entry["credit_value"]) if entry.get("credit_value") else None,
        credit_unit=entry.get("credit_unit", ""),
        fee_cents=entry.get("fee_cents"),
        fee_currency=entry.get("fee_currency", ""),
        fee_when=entry.get("fee_when", ""),
        eligibility=entry.get("eligibility", ""),
        pass_rule=entry.get("pass_rule") or {},
        resources=entry.get("resources") or [],
    )
    slots = {}

    def add_slots(items: Iterable[dict], parent=None):
        for position, slot in enumerate(items, start=1):
            row = m.RequirementSlot.objects.create(
                version=version,
                parent=parent,
                key=slot["key"],
                part=slot.get("part", ""),
                position=position,
                kind=slot["kind"],
                title=slot["title"],
                guidance=slot.get("guidance", ""),
                spec=slot.get("spec") or {},
                consent_from=slot.get("consent_from") or "NONE",
                later_capability=slot.get("later_capability") or "",
                required_when=slot.get("required_when"),
            )
            slots[slot["key"]] = row
            add_slots(slot.get("options") or [], parent=row)

    add_slots(entry.get("slots") or [])
    positions: dict[str, int] = {}
    for criterion in entry.get("criteria") or []:
        group = criterion["group"]
        positions[group] = positions.get(group, 0) + 1
        row = m.ReviewCriterion.objects.create(
            version=version,
            group=group,
            position=positions[group],
            text=criterion["text"],
            scale=criterion["scale"],
            levels=criterion.get("levels") or {},
        )
        row.slots.set([slots[key] for key in criterion.get("slots") or []])
    for framework, code in entry.get("skills") or []:
        m.CredentialSkill.objects.create(version=version, skill=skill_rows[(framework, code)])
    for prerequisite in entry.get("prerequisites") or []:
        if "credential" in prerequisite:
            programme, key = _split(prerequisite["credential"], programme_key)
            target = m.Credential.objects.get(programme__key=programme, key=key)
            m.Prerequisite.objects.create(version=version, required_credential=target)
        else:
            programme, key = _split(prerequisite["series"], programme_key)
            m.Prerequisite.objects.create(version=version, required_series=series[(programme, key)])
    return version


def _split(reference: str, default_programme: str) -> tuple[str, str]:
    programme, _, key = reference.rpartition("/")
    return programme or default_programme, key


# --- publishing ---------------------------------------------------------------------------------


def version_content(m: Models, version) -> dict:
    """Everything a version says, as plain data in a fixed order (what its hash covers)."""
    slots = list(
        m.RequirementSlot.objects.filter(version=version).order_by("parent_id", "position", "id")
    )
    keys = {slot.id: slot.key for slot in slots}
    criteria = m.ReviewCriterion.objects.filter(version=version).order_by("group", "position")
    return {
        "credential": version.credential.key,
        "number": version.number,
        "title": version.title,
        "summary": version.summary,
        "competency": version.competency,
        "keyMethod": version.key_method,
        "creditValue": str(version.credit_value) if version.credit_value is not None else None,
        "creditUnit": version.credit_unit,
        "feeCents": version.fee_cents,
        "feeCurrency": version.fee_currency,
        "feeWhen": version.fee_when,
        "eligibility": version.eligibility,
        "passRule": version.pass_rule,
        "resources": version.resources,
        "slots": [
            {
                "key": slot.key,
                "parent": keys.get(slot.parent_id),
                "part": slot.part,
                "position": slot.position,
                "kind": slot.kind,
                "title": slot.title,
                "guidance": slot.guidance,
                "spec": slot.spec,
                "consentFrom": slot.consent_from,
                "laterCapability": slot.later_capability,
                "requiredWhen": slot.required_when,
            }
            for slot in slots
        ],
        "criteria": [
            {
                "group": c.group,
                "position": c.position,
                "text": c.text,
                "scale": c.scale,
                "levels": c.levels,
                "slots": sorted(keys[s] for s in c.slots.values_list("id", flat=True)),
            }
            for c in criteria
        ],
        "skills": sorted(
            f"{framework} {code}"
            for framework, code in m.CredentialSkill.objects.filter(version=version).values_list(
                "skill__framework", "skill__code"
            )
        ),
        "prerequisites": sorted(
            str(ref)
            for ref in m.Prerequisite.objects.filter(version=version).values_list(
                "required_credential__key", "required_series__key"
            )
        ),
    }


def content_sha256(content: dict) -> str:
    encoded = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()


def _publish(m: Models, version) -> None:
    # Retire first: the partial unique index allows one PUBLISHED row per credential, so two
    # concurrent publishes cannot both succeed.
    m.CredentialVersion.objects.filter(credential=version.credential, status=PUBLISHED).update(
        status=RETIRED
    )
    digest = content_sha256(version_content(m, version))
    updated = m.CredentialVersion.objects.filter(pk=version.pk, status=DRAFT).update(
        status=PUBLISHED, published_at=timezone.now(), content_sha256=digest
    )
    if not updated:
        raise ValidationError(
            "Only a draft version can be published.", code=CredentialError.VERSION_CONFLICT
        )


def version_publish(*, version) -> None:
    """Publish a DRAFT version (the admin's "Publish"), retiring the one published before."""
    from ..slot_kinds import spec_problems

    m = Models.of()
    problems = [
        f"{slot.key}: {problem}"
        for slot in m.RequirementSlot.objects.filter(version=version)
        for problem in spec_problems(slot.kind, slot.spec)
    ]
    if problems:
        raise ValidationError("; ".join(problems), code=CredentialError.INVALID)
    try:
        with transaction.atomic():
            _publish(m, version)
    except IntegrityError as error:
        raise ValidationError(
            "Another version of this credential was published at the same time.",
            code=CredentialError.VERSION_CONFLICT,
        ) from error


@transaction.atomic
def version_new_draft(*, version, by=None, registry=None):
    """A DRAFT copy of `version` numbered after the last one, for staff to edit."""
    m = Models.of(registry)
    credential = version.credential
    number = (
        m.CredentialVersion.objects.filter(credential=credential).order_by("-number").first().number
        + 1
    )
    fields = {
        f.name: getattr(version, f.name)
        for f in m.CredentialVersion._meta.concrete_fields
        if f.name
        not in (
            "id",
            "number",
            "status",
            "published_at",
            "content_sha256",
            "created_at",
            "created_by",
        )
    }
    draft = m.CredentialVersion.objects.create(
        **fields | {"number": number, "status": DRAFT, "created_by": by}
    )
    copies = {}
    for slot in m.RequirementSlot.objects.filter(version=version).order_by("parent_id", "position"):
        copies[slot.id] = m.RequirementSlot.objects.create(
            version=draft,
            parent=copies.get(slot.parent_id),
            **{
                f.name: getattr(slot, f.name)
                for f in m.RequirementSlot._meta.concrete_fields
                if f.name not in ("id", "version", "parent")
            },
        )
    for criterion in m.ReviewCriterion.objects.filter(version=version):
        slot_ids = list(criterion.slots.values_list("id", flat=True))
        criterion_copy = m.ReviewCriterion.objects.create(
            version=draft,
            **{
                f.name: getattr(criterion, f.name)
                for f in m.ReviewCriterion._meta.concrete_fields
                if f.name not in ("id", "version")
            },
        )
        criterion_copy.slots.set([copies[i] for i in slot_ids])
    for link in m.CredentialSkill.objects.filter(version=version):
        m.CredentialSkill.objects.create(version=draft, skill_id=link.skill_id)
    for prerequisite in m.Prerequisite.objects.filter(version=version):
        m.Prerequisite.objects.create(
            version=draft,
            required_credential_id=prerequisite.required_credential_id,
            required_series_id=prerequisite.required_series_id,
        )
    return draft


@transaction.atomic
def catalogue_slot_revise(registry=None, *, credential_key: str, slots: dict[str, dict]) -> bool:
    """Publish a new version of a catalogue credential whose requirements `slots` ({slot key:
    {field: value}}, e.g. a new `spec` or `later_capability`) read as given: used by data
    migrations when the catalogue learns something the app can now check. Nothing happens
    when the published version reads so already, or when staff have retired the credential.
    A pursuit keeps the version it started on. Returns whether a version was published."""
    m = Models.of(registry)
    published = (
        m.CredentialVersion.objects.filter(credential__key=credential_key, status=PUBLISHED)
        .select_related("credential")
        .first()
    )
    if published is None:
        return False
    current = {
        slot.key: slot
        for slot in m.RequirementSlot.objects.filter(version=published, key__in=slots)
    }
    if all(
        key in current
        and all(getattr(current[key], name) == value for name, value in fields.items())
        for key, fields in slots.items()
    ):
        return False
    draft = version_new_draft(version=published, registry=registry)
    for key, fields in slots.items():
        m.RequirementSlot.objects.filter(version=draft, key=key).update(**fields)
    _publish(m, m.CredentialVersion.objects.get(pk=draft.pk))
    return True
