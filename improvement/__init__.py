"""Improvement science: Plan-Do-Study-Act tests of change, run charts that apply the run-chart
rules, and a shared library of what worked (issue 22).

The app is being built for issue 22. So far it holds only the pure run-chart rules engine
(`improvement.run_chart`); models, services, the API and the pictures come later."""
