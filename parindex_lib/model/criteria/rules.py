"""Scoring rules: ``binary``, ``steps``, ``bands`` (thresholds on a measured quantity) and ``free``, with
their levels, the next step up, and the checks a rule passes (points within 0–maximum, bands without overlap
or gap)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from parindex_lib.errors import Reason, because

RULE_KINDS = ("binary", "steps", "bands", "free")
#: Points are compared with this tolerance (sums of halves and quarters are exact in binary anyway).
EPS = 1e-9


@dataclass(frozen=True)
class Step:
    """One allowed value of a ``binary`` or ``steps`` rule, with its label ("Ban hành kịp thời": 1)."""

    points: float
    label_vi: str = ""
    label_en: str = ""


@dataclass(frozen=True)
class Band:
    """Points given when a measured value lies between two edges (``None``: unbounded on that side).

    Examples
    --------
    >>> b = Band(1.0, low=70, high=90, low_inclusive=True, high_inclusive=True)
    >>> b.contains(70), b.contains(90), b.contains(90.01)
    (True, True, False)
    """

    points: float
    low: float | None = None
    high: float | None = None
    low_inclusive: bool = True
    high_inclusive: bool = False
    label_vi: str = ""
    label_en: str = ""

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies in the band."""
        low, high = self.low, self.high
        if low is not None and (value < low - EPS or (not self.low_inclusive and value <= low + EPS)):
            return False
        if high is not None and (value > high + EPS or (not self.high_inclusive and value >= high - EPS)):
            return False
        return True

    def distance(self, value: float) -> float:
        """How far ``value`` lies outside the band (0 inside it): how much a measured rate must move to reach it.

        Examples
        --------
        >>> Band(points=2, low=90).distance(82.5), Band(points=1, low=70, high=90).distance(75)
        (7.5, 0.0)
        """
        if self.contains(value):
            return 0.0
        if self.low is not None and value < self.low:
            return self.low - value
        if self.high is not None and value > self.high:
            return value - self.high
        return 0.0

    def describe(self, unit: str = "") -> str:
        """The band's edges in symbols: ``> 90%``, ``70–90%``, ``[80–100)%``, ``< 70%``.

        Examples
        --------
        >>> Band(2, low=90, low_inclusive=False).describe("%"), Band(0, high=70).describe("%")
        ('> 90%', '< 70%')
        """
        def num(x: float) -> str:
            return f"{x:g}"

        if self.low is None and self.high is None:
            return "any"
        if self.high is None:
            return f"{'≥' if self.low_inclusive else '>'} {num(self.low)}{unit}"
        if self.low is None:
            return f"{'≤' if self.high_inclusive else '<'} {num(self.high)}{unit}"
        if self.low == self.high:
            return f"= {num(self.low)}{unit}"
        left, right = ("[" if self.low_inclusive else "("), ("]" if self.high_inclusive else ")")
        if self.low_inclusive and self.high_inclusive:
            return f"{num(self.low)}–{num(self.high)}{unit}"
        return f"{left}{num(self.low)}–{num(self.high)}{right}{unit}"


@dataclass(frozen=True)
class Reach:
    """What a measured value must become to fall in a band: ``≥ 90`` (``inclusive``) or ``> 90``, upward;
    ``≤``/``<`` when the band lies below (a rate where lower is better, e.g. late files)."""

    edge: float
    inclusive: bool
    direction: str  # "up" or "down"

    def describe(self, unit: str = "") -> str:
        sign = {("up", True): "≥", ("up", False): ">", ("down", True): "≤", ("down", False): "<"}
        return f"{sign[(self.direction, self.inclusive)]} {self.edge:g}{unit}"


@dataclass(frozen=True)
class NextStep:
    """The next allowed value above a criterion's current points, and, for bands, what the measured
    quantity must reach for it."""

    points: float
    gain: float
    label_vi: str = ""
    label_en: str = ""
    reach: Reach | None = None


@dataclass(frozen=True)
class Rule:
    """How a leaf criterion is scored.

    ``kind`` is ``binary`` (the maximum or 0), ``steps`` (the values in ``steps``), ``bands`` (the points of the
    band a measured value falls in; ``quantity_vi``/``quantity_en`` name what is measured, ``unit`` its unit, e.g.
    ``%``) or ``free`` (any value in 0–maximum). ``text_vi`` keeps the rule as the decision prints it.

    Examples
    --------
    >>> from parindex_lib.model.criteria import parse_rule_text
    >>> rule = parse_rule_text("Ban hành kịp thời: 1; Ban hành không kịp thời: 0,5; Không ban hành: 0", 1)
    >>> rule.kind, rule.levels(1)
    ('steps', (0.0, 0.5, 1.0))
    >>> bands = parse_rule_text("Thực hiện trên 90% kế hoạch: 2; Thực hiện từ 70% - 90% kế hoạch: 1; "
    ...                         "Dưới 70% kế hoạch: 0", 2)
    >>> bands.kind, bands.points_for(90), bands.points_for(90.5), bands.next_step(1, 2, 85).reach.describe("%")
    ('bands', 1.0, 2.0, '> 90%')
    """

    kind: str
    steps: tuple[Step, ...] = ()
    bands: tuple[Band, ...] = ()
    quantity_vi: str = ""
    quantity_en: str = ""
    unit: str = ""
    text_vi: str = ""

    def levels(self, maximum: float) -> tuple[float, ...] | None:
        """The allowed point values, ascending (``None`` for ``free``: any value in 0–maximum)."""
        if self.kind == "free":
            return None
        values = [b.points for b in self.bands] if self.kind == "bands" else [s.points for s in self.steps]
        if self.kind == "binary" and not values:
            values = [0.0, float(maximum)]
        return tuple(sorted({float(v) for v in values}))

    def allows(self, points: float, maximum: float) -> bool:
        """Whether ``points`` is a value this rule can give."""
        if points < -EPS or points > maximum + EPS:
            return False
        allowed = self.levels(maximum)
        return allowed is None or any(abs(points - v) <= EPS for v in allowed)

    def band_for(self, measured: float) -> Band | None:
        """The band a measured value falls in (``None`` outside every band, or for another kind)."""
        return next((b for b in self.bands if b.contains(measured)), None)

    def points_for(self, measured: float) -> float | None:
        """The points a measured value earns under a ``bands`` rule."""
        band = self.band_for(measured)
        return None if band is None else float(band.points)

    def label_of(self, points: float, lang: str = "vi") -> str:
        """The label of the level worth ``points`` (the first one written, when several are)."""
        for item in (*self.steps, *self.bands):
            if abs(item.points - points) <= EPS:
                return (item.label_en or item.label_vi) if lang == "en" else item.label_vi
        return ""

    def reach(self, band: Band, measured: float | None) -> Reach | None:
        """What ``measured`` must become to fall in ``band`` (its nearer edge); ``None`` if it already does."""
        if measured is not None and band.contains(measured):
            return None
        if band.low is not None and (measured is None or measured <= band.low + EPS):
            return Reach(band.low, band.low_inclusive, "up")
        if band.high is not None:
            return Reach(band.high, band.high_inclusive, "down")
        return None

    def next_step(self, points: float, maximum: float, measured: float | None = None) -> NextStep | None:
        """The smallest allowed value above ``points`` (``None`` at the maximum).

        For ``bands`` the step names the edge the measured quantity must reach (the nearest band worth those
        points); for ``free`` the next step is the maximum.
        """
        if points >= maximum - EPS:
            return None
        allowed = self.levels(maximum)
        if allowed is None:
            return NextStep(float(maximum), float(maximum) - points)
        above = [v for v in allowed if v > points + EPS]
        if not above:
            return None
        target = above[0]
        reach = None
        if self.kind == "bands":
            candidates = [b for b in self.bands if abs(b.points - target) <= EPS]
            if measured is None:
                band = candidates[0]
            else:
                band = min(candidates, key=lambda b: b.distance(measured))
            reach = self.reach(band, measured)
        return NextStep(target, target - points, self.label_of(target, "vi"), self.label_of(target, "en"), reach)


def rule_problems(rule: Rule, maximum: float) -> list[Reason]:
    """What is wrong with a rule for a criterion of ``maximum`` points (empty when nothing is), each a cause
    whose ``str()`` is its English.

    Steps and bands give points within 0–maximum and include the maximum; bands, ordered by their edges, neither
    overlap nor leave a gap between them.
    """
    out: list[Reason] = []
    if rule.kind not in RULE_KINDS:
        return [because("crit_rule_kind_unknown", 'rule "{kind}" is not a kind of rule (expected one of {kinds})',
                        kind=rule.kind, kinds=", ".join(RULE_KINDS))]
    if rule.kind == "free":
        return out
    points = [b.points for b in rule.bands] if rule.kind == "bands" else [s.points for s in rule.steps]
    if rule.kind == "binary" and not points:
        return out
    outside = [p for p in points if p < -EPS or p > maximum + EPS or not math.isfinite(p)]
    if outside:
        out.append(because("crit_rule_points_outside", "gives {points:g} points, outside 0–{maximum:g} (expected "
                           "points from 0 to the maximum)", points=float(outside[0]), maximum=float(maximum)))
    if not any(abs(p - maximum) <= EPS for p in points):
        out.append(because("crit_rule_no_maximum", "never gives the maximum {maximum:g} (expected one level worth "
                           "{maximum:g} points)", maximum=float(maximum)))
    if rule.kind == "binary" and sorted({float(p) for p in points}) != [0.0, float(maximum)]:
        out.append(because("crit_rule_binary_points", "is binary but gives {points} (expected {maximum:g} and 0)",
                           points=", ".join(f"{p:g}" for p in points), maximum=float(maximum)))
    if rule.kind == "bands":
        out += _band_problems(rule.bands, rule.unit)
    return out


def _band_problems(bands: tuple[Band, ...], unit: str) -> list[Reason]:
    if len(bands) < 2:
        return [because("crit_bands_too_few", "has fewer than two bands (expected thresholds that split the "
                                              "measured values)")]
    for b in bands:
        if b.low is not None and b.high is not None and (b.low > b.high + EPS or (
                abs(b.low - b.high) <= EPS and not (b.low_inclusive and b.high_inclusive))):
            return [because("crit_band_empty", 'has an empty band "{band}" (expected its lower edge below its '
                                               "upper)", band=b.label_vi or b.describe(unit))]
    ordered = sorted(bands, key=lambda b: (-math.inf if b.low is None else b.low, not b.low_inclusive))
    for a, b in zip(ordered, ordered[1:], strict=False):
        name_a, name_b = a.label_vi or a.describe(unit), b.label_vi or b.describe(unit)
        overlap = because("crit_bands_overlap", 'has bands that overlap: "{first}" and "{second}" (expected each '
                                                "measured value in one band)", first=name_a, second=name_b)
        if a.high is None or b.low is None:
            return [overlap]
        if a.high > b.low + EPS or (abs(a.high - b.low) <= EPS and a.high_inclusive and b.low_inclusive):
            return [overlap]
        whole = unit != "%" and a.high_inclusive and b.low_inclusive and float(a.high).is_integer() \
            and abs(b.low - a.high - 1) <= EPS  # counted things: "từ 1 đến 2 sáng kiến", "từ 3 trở lên"
        if not whole and (a.high < b.low - EPS or (abs(a.high - b.low) <= EPS and not a.high_inclusive
                                                   and not b.low_inclusive)):
            return [because("crit_bands_gap", 'leaves a gap between "{first}" and "{second}" (expected every '
                                              "measured value to earn points)", first=name_a, second=name_b)]
    first, last = ordered[0], ordered[-1]
    floor = 0.0
    if first.low is not None and (first.low > floor + EPS or (abs(first.low - floor) <= EPS and not
                                                               first.low_inclusive)):
        return [because("crit_bands_no_lowest", 'gives no points below "{band}" (expected a band for the lowest '
                                                'values, e.g. "dưới 70%: 0")',
                        band=first.label_vi or first.describe(unit))]
    if last.high is not None and not (unit == "%" and last.high >= 100 - EPS and last.high_inclusive):
        return [because("crit_bands_no_highest", 'gives no points above "{band}" (expected a band for the highest '
                                                 'values, e.g. "trên 90%: 2")',
                        band=last.label_vi or last.describe(unit))]
    return []
