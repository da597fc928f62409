"""Write operations of the cohorts app: `<entity>_<action>(*, actor, ...)`, one transaction each.

They raise `ValidationError(message, code=...)` for what a person can fix and `PermissionDenied`
for what they may not do; GraphQL mutations, the admin and the demo all call them.
"""
