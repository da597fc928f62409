"""Descriptions for enum values, so the mobile team's generated enums are documented."""

import graphene

# GraphQL enum name -> the choices it is made from (tests/backend/test_error_codes.py checks no
# enum that mirrors a model's choices is a hand copy).
MADE_FROM_CHOICES: dict[str, type] = {}


def described(descriptions: dict[str, str]):
    """Use as `description = described({"VALUE": "what it means", ...})` inside a graphene Enum."""

    def description(self):
        return descriptions.get(self.name)

    return property(description)


def choices_enum(name: str, choices, doc: str, descriptions: dict[str, str] | None = None):
    """A GraphQL enum made from a model's choices (or any Python enum), so the two cannot drift:
    one value per member, same name and value. Descriptions are the choices' labels unless
    given; given ones must name every member, so a new choice cannot go undescribed."""
    members = {choice.name: choice.value for choice in choices}
    if descriptions is None:
        descriptions = {choice.name: choice.label for choice in choices}
    elif set(descriptions) != set(members):
        raise ValueError(f"{name}: descriptions for {sorted(descriptions)}, not {sorted(members)}")
    MADE_FROM_CHOICES[name] = choices
    return type(
        name, (graphene.Enum,), {**members, "__doc__": doc, "description": described(descriptions)}
    )
