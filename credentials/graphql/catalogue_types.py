"""GraphQL types of the catalogue: credentials as published, their requirements, criteria,
skills and prerequisites.

A `Credential` is one published (or, through a pursuit, retired) version of a credential: its
id names that version, so a pursuit's `credential` shows exactly what it started on. Everything
a version holds is prefetched with it (`catalogue_queryset`), so listing credentials costs the
same number of queries for 3 or 30.
"""

import graphene
from django.db.models import Prefetch
from graphene_django import DjangoObjectType

from backend.graphql.types import CountableConnection

from ..models import (
    CredentialVersion,
    Prerequisite,
    RequirementSlot,
    ReviewCriterion,
    VersionStatus,
)
from .enums import (
    CredentialCategory,
    CredentialTier,
    CriterionScaleEnum,
    RecordSourceEnum,
    RequirementCapability,
    RequirementConsent,
    RequirementKind,
)


def catalogue_queryset(queryset=None):
    """Versions with everything the catalogue shows, in a fixed number of queries."""
    queryset = CredentialVersion.objects.all() if queryset is None else queryset
    published = CredentialVersion.objects.filter(status=VersionStatus.PUBLISHED)
    return queryset.select_related("credential__programme", "credential__series").prefetch_related(
        Prefetch("slots", queryset=RequirementSlot.objects.order_by("parent_id", "position")),
        Prefetch(
            "criteria",
            queryset=ReviewCriterion.objects.order_by("group", "position").prefetch_related(
                "slots"
            ),
        ),
        "skill_links__skill",
        Prefetch(
            "prerequisites",
            queryset=Prerequisite.objects.select_related(
                "required_credential", "required_series"
            ).prefetch_related(
                Prefetch(
                    "required_credential__versions",
                    queryset=published.select_related("credential"),
                    to_attr="published",
                )
            ),
        ),
    )


class ProgrammeType(graphene.ObjectType):
    """Who issues a group of credentials."""

    key = graphene.String(required=True, description="Stable key, e.g. slrc.")
    title = graphene.String(required=True, description="The programme's name.")
    issuer = graphene.String(required=True, description="Who awards them; may be empty.")

    class Meta:
        name = "CredentialProgramme"


class SeriesType(graphene.ObjectType):
    """Credentials earned together; some series build on a foundational one."""

    key = graphene.String(required=True, description="Stable key within its programme.")
    title = graphene.String(required=True, description="The series' name.")

    class Meta:
        name = "CredentialSeries"


class SkillType(graphene.ObjectType):
    """A skill a credential demonstrates, in a named framework."""

    framework = graphene.String(required=True, description="e.g. SLRC, InTASC.")
    code = graphene.String(required=True, description="The skill's code in its framework.")
    name = graphene.String(required=True, description="What the skill is, in a line.")

    class Meta:
        name = "Skill"


class FeeType(graphene.ObjectType):
    """What the issuer charges; shown only, never charged through the app."""

    cents = graphene.Int(required=True, description="The amount in hundredths.")
    currency = graphene.String(required=True, description="ISO 4217, e.g. USD.")
    when = graphene.String(required=True, description="When it is due, e.g. AT_SUBMISSION.")

    class Meta:
        name = "CredentialFee"


class ResourceType(graphene.ObjectType):
    """Reading the credential suggests."""

    title = graphene.String(required=True, description="The title.")
    author = graphene.String(description="Its author, when known.")

    class Meta:
        name = "CredentialResource"


class TextPromptType(graphene.ObjectType):
    """One question a text requirement asks."""

    key = graphene.String(required=True, description="Name it in evidenceTextSave.")
    text = graphene.String(required=True, description="The question.")

    class Meta:
        name = "TextPrompt"


class SlotRuleType(graphene.ObjectType):
    """One rule of which records count, e.g. hostRole BLUE, perHostMax 2."""

    name = graphene.String(required=True, description="The rule, e.g. hostRole.")
    value = graphene.String(required=True, description="Its value, e.g. BLUE or 2.")

    class Meta:
        name = "RequirementRule"


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


class RequirementInterface(graphene.Interface):
    """One requirement of a credential; the concrete type says what fills it."""

    class Meta:
        name = "Requirement"

    key = graphene.String(required=True, description="Stable across versions.")
    part = graphene.String(required=True, description="The part it belongs to; may be empty.")
    position = graphene.Int(required=True, description="Its place among its siblings, from 1.")
    title = graphene.String(required=True, description="What it asks for, in a line.")
    guidance = graphene.String(required=True, description="How to meet it; may be empty.")
    kind = graphene.Field(RequirementKind, required=True, description="What kind of evidence.")
    consent_from = graphene.Field(
        RequirementConsent,
        required=True,
        description="Whose permission its evidence needs before submission.",
    )
    later_capability = graphene.Field(
        RequirementCapability,
        description="Set when the app cannot yet hold this evidence: what will fill it.",
    )

    @classmethod
    def resolve_type(cls, instance, info):
        return SLOT_TYPES[instance.kind]

    @staticmethod
    def resolve_later_capability(root, info):
        return root.later_capability or None


class _Slot:
    @staticmethod
    def resolve_consent_from(root, info):
        return root.consent_from


class RecordsSlotType(_Slot, graphene.ObjectType):
    """Filled by records the app already holds (visits, sheets, surveys, meetings)."""

    source = graphene.Field(RecordSourceEnum, required=True, description="Which records count.")
    count = graphene.Int(required=True, description="How many records it takes.")
    rules = graphene.List(
        graphene.NonNull(SlotRuleType),
        required=True,
        description="Which of those records count (roles at the visit, caps per host...).",
    )

    class Meta:
        name = "RecordsRequirement"
        interfaces = (RequirementInterface,)

    @staticmethod
    def resolve_source(root, info):
        return root.spec.get("source")

    @staticmethod
    def resolve_count(root, info):
        return root.spec.get("count", 1)

    @staticmethod
    def resolve_rules(root, info):
        rules = root.spec.get("rules") or {}
        return [{"name": _camel(k), "value": str(v)} for k, v in sorted(rules.items())]


class TextSlotType(_Slot, graphene.ObjectType):
    """The teacher's own writing, one answer per prompt."""

    prompts = graphene.List(
        graphene.NonNull(TextPromptType), required=True, description="The questions to answer."
    )
    min_words = graphene.Int(required=True, description="Fewest words (0: no minimum).")
    max_words = graphene.Int(description="Null: no upper limit.")
    limit_scope = graphene.String(
        required=True, description="SLOT: the limits are for all prompts together; PROMPT: each."
    )

    class Meta:
        name = "TextRequirement"
        interfaces = (RequirementInterface,)

    @staticmethod
    def resolve_prompts(root, info):
        return root.spec.get("prompts") or []

    @staticmethod
    def resolve_min_words(root, info):
        return (root.spec.get("words") or {}).get("min", 0)

    @staticmethod
    def resolve_max_words(root, info):
        return (root.spec.get("words") or {}).get("max")

    @staticmethod
    def resolve_limit_scope(root, info):
        return root.spec.get("limit_scope", "PROMPT")


class ChoiceSlotType(_Slot, graphene.ObjectType):
    """Choose one of the options, then fill it."""

    choose = graphene.Int(required=True, description="How many options to fill (1).")
    label = graphene.String(required=True, description="What the choice is about.")
    options = graphene.List(
        graphene.NonNull(RequirementInterface),
        required=True,
        description="The options; evidenceChoiceSelect picks one.",
    )

    class Meta:
        name = "ChoiceRequirement"
        interfaces = (RequirementInterface,)

    @staticmethod
    def resolve_choose(root, info):
        return root.spec.get("choose", 1)

    @staticmethod
    def resolve_label(root, info):
        return root.spec.get("label", "")

    @staticmethod
    def resolve_options(root, info):
        return [slot for slot in root.version.slots.all() if slot.parent_id == root.id]


class UploadSlotType(_Slot, graphene.ObjectType):
    """A file, video, photo or link."""

    media = graphene.String(required=True, description="VIDEO, FILE, PHOTO or LINK.")
    count = graphene.Int(required=True, description="How many it takes.")

    class Meta:
        name = "UploadRequirement"
        interfaces = (RequirementInterface,)

    @staticmethod
    def resolve_media(root, info):
        return root.spec.get("media", "FILE")

    @staticmethod
    def resolve_count(root, info):
        return root.spec.get("count", 1)


class ListSlotType(_Slot, graphene.ObjectType):
    """Typed entries, e.g. sources with links."""

    min_entries = graphene.Int(required=True, description="Fewest entries.")
    needs_url = graphene.Boolean(required=True, description="Each entry needs a link.")

    class Meta:
        name = "ListRequirement"
        interfaces = (RequirementInterface,)

    @staticmethod
    def resolve_min_entries(root, info):
        return (root.spec.get("count") or {}).get("min", 1)

    @staticmethod
    def resolve_needs_url(root, info):
        return bool((root.spec.get("item") or {}).get("url"))


class AttestationSlotType(_Slot, graphene.ObjectType):
    """A statement the teacher affirms."""

    statement = graphene.String(required=True, description="What you affirm.")

    class Meta:
        name = "AttestationRequirement"
        interfaces = (RequirementInterface,)

    @staticmethod
    def resolve_statement(root, info):
        return root.spec.get("statement", "")


SLOT_TYPES = {
    "RECORDS": RecordsSlotType,
    "TEXT": TextSlotType,
    "CHOICE": ChoiceSlotType,
    "UPLOAD": UploadSlotType,
    "LIST": ListSlotType,
    "ATTESTATION": AttestationSlotType,
}


class CriterionLevelType(graphene.ObjectType):
    """What a rating means for one criterion."""

    level = graphene.String(required=True, description="e.g. PROFICIENT, BASIC, DEVELOPING.")
    descriptor = graphene.String(required=True, description="What work at this level shows.")

    class Meta:
        name = "CriterionLevel"


class ReviewCriterionType(graphene.ObjectType):
    """What reviewers judge, in groups (e.g. evidence, reflection)."""

    group = graphene.String(required=True, description="e.g. evidence, reflection.")
    position = graphene.Int(required=True, description="Its place in its group, from 1.")
    text = graphene.String(required=True, description="What reviewers look for.")
    scale = graphene.Field(CriterionScaleEnum, required=True, description="How it is rated.")
    levels = graphene.List(
        graphene.NonNull(CriterionLevelType),
        required=True,
        description="What each rating means (empty for pass/fail).",
    )
    requirement_keys = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="The requirements this criterion judges.",
    )

    class Meta:
        name = "ReviewCriterion"

    @staticmethod
    def resolve_levels(root, info):
        return [{"level": k, "descriptor": v} for k, v in (root.levels or {}).items()]

    @staticmethod
    def resolve_requirement_keys(root, info):
        return [slot.key for slot in root.slots.all()]


class PrerequisiteType(graphene.ObjectType):
    """Earned before this credential may be pursued: a credential, or a whole series."""

    credential = graphene.Field(
        lambda: CredentialType, description="A credential to earn first (its current version)."
    )
    series = graphene.Field(SeriesType, description="A series whose credentials to earn first.")

    class Meta:
        name = "CredentialPrerequisite"

    @staticmethod
    def resolve_series(root, info):
        return root.required_series

    @staticmethod
    def resolve_credential(root, info):
        if root.required_credential is None:
            return None
        published = getattr(root.required_credential, "published", [])
        return published[0] if published else None


class CredentialType(DjangoObjectType):
    """A micro-credential as one version defines it. New pursuits start on the published
    version; a pursuit keeps the version it started on (its `credential` is that version)."""

    key = graphene.String(required=True, description="Stable key within its programme.")
    programme = graphene.Field(ProgrammeType, required=True, description="Who issues it.")
    series = graphene.Field(SeriesType, description="The series it belongs to, if any.")
    position = graphene.Int(required=True, description="Order within the programme.")
    tier = graphene.Field(CredentialTier, description="Seed 002's credentials only.")
    category = graphene.Field(CredentialCategory, description="Seed 002's credentials only.")
    title = graphene.String(required=True, description="Its name.")
    summary = graphene.String(required=True, description="What it recognises, in our words.")
    version = graphene.Int(required=True, description="The definition's version number.")
    is_current = graphene.Boolean(
        required=True, description="True when this is the version new pursuits start on."
    )
    published_at = graphene.DateTime(description="When this version was published.")
    competency = graphene.String(required=True, description="The competency; may be empty.")
    key_method = graphene.String(required=True, description="The key method; may be empty.")
    credit_value = graphene.String(description="e.g. 0.25; a string to keep it exact.")
    credit_unit = graphene.String(required=True, description="e.g. USBE credits; may be empty.")
    fee = graphene.Field(FeeType, description="The issuer's fee, if any (never charged here).")
    eligibility = graphene.String(required=True, description="Who may apply; may be empty.")
    resources = graphene.List(
        graphene.NonNull(ResourceType), required=True, description="Suggested reading."
    )
    requirements = graphene.List(
        graphene.NonNull(RequirementInterface),
        required=True,
        description="Its requirements in order (options of a choice are under the choice).",
    )
    review_criteria = graphene.List(
        graphene.NonNull(ReviewCriterionType),
        required=True,
        description="What reviewers judge, by group.",
    )
    prerequisites = graphene.List(
        graphene.NonNull(PrerequisiteType),
        required=True,
        description="What must be earned before starting it.",
    )
    skills = graphene.List(
        graphene.NonNull(SkillType), required=True, description="The skills it demonstrates."
    )

    class Meta:
        model = CredentialVersion
        name = "Credential"
        interfaces = (graphene.relay.Node,)
        fields = ("title", "summary", "competency", "key_method", "eligibility", "credit_unit")
        connection_class = CountableConnection

    @classmethod
    def get_queryset(cls, queryset, info):
        # Anyone signed in reads the catalogue; drafts are staff's work in progress.
        if not info.context.user.is_authenticated:
            return queryset.none()
        return catalogue_queryset(queryset.exclude(status=VersionStatus.DRAFT))

    @staticmethod
    def resolve_key(root, info):
        return root.credential.key

    @staticmethod
    def resolve_programme(root, info):
        return root.credential.programme

    @staticmethod
    def resolve_series(root, info):
        return root.credential.series

    @staticmethod
    def resolve_position(root, info):
        return root.credential.position

    @staticmethod
    def resolve_tier(root, info):
        return root.credential.tier or None

    @staticmethod
    def resolve_category(root, info):
        return root.credential.category or None

    @staticmethod
    def resolve_version(root, info):
        return root.number

    @staticmethod
    def resolve_is_current(root, info):
        return root.status == VersionStatus.PUBLISHED

    @staticmethod
    def resolve_credit_value(root, info):
        return None if root.credit_value is None else format(root.credit_value.normalize(), "f")

    @staticmethod
    def resolve_fee(root, info):
        if root.fee_cents is None:
            return None
        return {"cents": root.fee_cents, "currency": root.fee_currency, "when": root.fee_when}

    @staticmethod
    def resolve_resources(root, info):
        return [
            {"title": r.get("title", ""), "author": r.get("author")}
            for r in root.resources or []
            if isinstance(r, dict)
        ]

    @staticmethod
    def resolve_requirements(root, info):
        return [slot for slot in root.slots.all() if slot.parent_id is None]

    @staticmethod
    def resolve_review_criteria(root, info):
        return root.criteria.all()

    @staticmethod
    def resolve_prerequisites(root, info):
        return root.prerequisites.all()

    @staticmethod
    def resolve_skills(root, info):
        return sorted(
            (link.skill for link in root.skill_links.all()), key=lambda s: (s.framework, s.code)
        )
