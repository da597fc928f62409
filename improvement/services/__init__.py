"""What changes PDSA cycles, measures, data points and annotations: every rule is here, so the
API, the admin and the demo cannot skip one. Each service takes the person acting (`owner`) and
refuses with `ValidationError(message, code=ImprovementError.X)`."""
