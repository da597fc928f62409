"""Descriptions for enum values, so the mobile team's generated enums are documented."""


def described(descriptions: dict[str, str]):
    """Use as `description = described({"VALUE": "what it means", ...})` inside a graphene Enum."""

    @property
    def description(self):
        return descriptions.get(self.name)

    return description
