"""The formulas the scoring methods share: pure functions of numbers (docs/scoring.md)."""

from __future__ import annotations

SCORE_MAX = 100.0
PRECISION = 2  # decimals of performance figures on the page (30.00)


def ratio_score(performance: float, target: float, *, direction: str = "higher", cap: float = SCORE_MAX) -> float:
    """Performance against target, in percent, within 0..cap.

    higher is better: performance / target × 100 (a target of 0 or less is met by anything);
    lower is better:  target / performance × 100 (a performance of 0 or less is the best there is).
    """
    if direction == "lower":
        if performance <= 0:
            return cap
        raw = target / performance * 100
    else:
        if target <= 0:
            return cap
        raw = performance / target * 100
    return min(cap, max(0.0, raw))


def level_of(result: float, thresholds: list[float], direction: str = "higher") -> float:
    """The success level (0..len(thresholds)) of a result, interpolated linearly between thresholds.

    thresholds[i] is the result that reaches level i + 1 (60/70/80/90/100 for levels 1-5), so a
    result of 85 reaches level 3.5, a threshold reaches its level exactly, anything at or beyond
    the last threshold the top level, and anything short of the first threshold level 0 (no level
    reached: the criteria of level 1 are not met). For lower-is-better rules the thresholds fall
    (10/8/6/4/2 days) and the comparison is mirrored.
    """
    if direction == "lower":
        result, thresholds = -result, [-t for t in thresholds]
    if result < thresholds[0]:
        return 0.0
    for i, (low, high) in enumerate(zip(thresholds, thresholds[1:])):
        if result < high:
            return (i + 1) + (result - low) / (high - low)
    return float(len(thresholds))


def level_score(level: float, levels: int, target: float | None = None) -> float:
    """A level as a score: level / target level × 100, capped at 100. Without a target (or with
    an unusable one) the target is the top level, so level 3.5 of 5 scores 70."""
    goal = target if target is not None and 0 < target <= levels else levels
    return min(SCORE_MAX, max(0.0, level / goal * 100))


def stage_points(points: list[float], stages: list[int]) -> float:
    """The points of the stages done."""
    return float(sum(points[s - 1] for s in stages if 1 <= s <= len(points)))


def rounded(value: float | None, digits: int = PRECISION) -> float | None:
    """A figure as the JSON gives it: to two decimals; None stays None."""
    return None if value is None else round(float(value), digits)
