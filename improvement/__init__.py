"""Improvement science: Plan-Do-Study-Act tests of change, run charts that apply the run-chart
rules, and a shared library of what worked (issue 22).

Built so far: the pure run-chart rules (`improvement.run_chart`), PDSA cycles with their kept
revisions, measures, data points recorded idempotently from the phone, annotations, and the API
for them (`improvement.graphql`). Pictures, the library and credentials come later."""
