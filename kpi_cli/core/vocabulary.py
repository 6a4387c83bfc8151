"""The closed lists of words the format uses, in one place: the model's types and the command
line's choices both read them (standard library only, so `kpi --help` builds its choices without
importing pydantic)."""

INNOVATION_KINDS = ("policy", "service", "administrative")  # model.InnovationKind (a test keeps them equal)
DECISION_RESULTS = ("approved", "rejected", "pending")
AMENDMENT_KINDS = ("appeal", "amendment")
OUTCOMES = ("accepted", "rejected", "pending")
ASSESSMENT_STATES = ("assessed", "not-assessed", "unknown")  # core.assessment
