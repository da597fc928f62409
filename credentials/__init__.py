"""Micro-credentials: the programme's stack as versioned data, pursuits whose progress is
computed from recorded work, evidence with consent, and frozen packets (issue 21)."""
