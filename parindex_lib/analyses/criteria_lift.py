"""Lift at criterion level: the cheapest set of criterion changes that brings the total to the target.

Points move in steps — a criterion scored 0,5 "issued late" can become 1 "issued on time", a band rule's
points change only when the measured rate crosses an edge — so the cheapest way up is a discrete problem,
solved exactly as an integer programme (``scipy.optimize.milp``, HiGHS):

* one binary variable per leaf × allowed level better than its current one (above it; below it for a penalty
  criterion, whose points are taken off), at most one level per leaf; a ``free`` leaf (any value in
  0–maximum) is one continuous variable;
* the total is the scheme's (:class:`~parindex_lib.analyses.criteria.Totalling`): Σ points ÷ Σ maxima per
  component, weighted as the index weights its components, bonus and penalty points as the index counts them,
  components not scored by criteria (a survey's SIPAS) held at their values; a parent whose points are capped
  at its maximum is modelled exactly (its points are the smaller of its children's sum and its cap);
* the effort of a change is its number of steps up (the allowed levels it passes; one step per point for a
  ``free`` leaf) times the effort of one step: 1 by default, or what a costs file gives per criterion (a leaf
  or any criterion above it) or per lead office (:class:`StepCosts`);
* ceilings limit a criterion to a highest level, or mark it unreachable this year (it stays as it is).

Among plans of the same effort the one lifting the total most is preferred. An unreachable target is an answer
— ``feasible`` False, ``total_cost`` None with ``cost_reason``, and the highest total the ceilings allow —
never a crash.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize

from parindex_lib.analyses.criteria import Totalling, UnitCriteria, leaf_kind, roll_up
from parindex_lib.analyses.lift import UNREACHABLE, LiftResult
from parindex_lib.errors import MethodError
from parindex_lib.model.criteria import EPS, CriteriaTree, Criterion, normalise_code
from parindex_lib.model.index import PARIndex, met, required_value
from parindex_lib.vn import fold

COST_MODEL = "criteria"
#: Among plans of equal effort, the one lifting the total most: a preference worth this share of the smallest
#: effort of one step (far below any difference of effort a costs file can mean).
TIE_BREAK = 1e-5
#: The total a plan reaches is above the required one by at least this much inside the solver (its feasibility
#: tolerance is 1e-7), and is then recomputed exactly.
MARGIN = 1e-6


# -- efforts and ceilings ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepCosts:
    """The effort of one step up of each criterion: 1 unless a costs file says otherwise.

    ``by_code`` gives it per criterion code (a leaf, or a criterion or area whose leaves it applies to: the
    nearest one above a leaf wins), ``by_lead`` per lead office (names compared without diacritics or case);
    a code wins over a lead office, a lead office over ``default``.

    Examples
    --------
    >>> from parindex_lib.model.criteria import load_criteria
    >>> tree = load_criteria("illustrative-commune")
    >>> costs = StepCosts({"1": 2.0, "1.1.2": 5.0}, {"Phòng Kinh tế": 3.0})
    >>> costs.per_step(tree, "1.1.2", None), costs.per_step(tree, "1.2", None)
    (5.0, 2.0)
    >>> costs.per_step(tree, "6.1", "Phòng Kinh tế"), costs.per_step(tree, "6.1", "Phòng Nội vụ")
    (3.0, 1.0)
    """

    by_code: Mapping[str, float] = field(default_factory=dict)
    by_lead: Mapping[str, float] = field(default_factory=dict)
    default: float = 1.0

    def per_step(self, tree: CriteriaTree, code: str, lead: str | None) -> float:
        """The effort of one step of leaf ``code`` led by ``lead``."""
        for node in reversed(tree.path(code)):
            if node.code in self.by_code:
                return float(self.by_code[node.code])
        if lead:
            folded = {fold(k): v for k, v in self.by_lead.items()}
            if fold(lead) in folded:
                return float(folded[fold(lead)])
        return float(self.default)

    def check(self, tree: CriteriaTree) -> None:
        """Refuse codes the tree does not have and efforts that are not positive, naming each.

        Raises
        ------
        MethodError
            Listing every fault.
        """
        faults = [f'an effort is given for "{c}", which is not a criterion of "{tree.name}"'
                  for c in self.by_code if c not in tree]
        faults += [f'the effort of "{k}" is {v:g} (expected a positive number)'
                   for k, v in (*self.by_code.items(), *self.by_lead.items(), ("default", self.default))
                   if not (np.isfinite(v) and v > 0)]
        if faults:
            raise MethodError("; ".join(faults))


#: A ceiling: the best points a criterion can reach this year (for a penalty criterion, the fewest points
#: taken off it can get down to), or ``None``: it cannot move this year.
Ceilings = Mapping[str, float | None]


def _ceiling_of(tree: CriteriaTree, ceilings: Ceilings, code: str) -> tuple[bool, float | None]:
    """(given, value) of the nearest ceiling at or above a leaf."""
    for node in reversed(tree.path(code)):
        if node.code in ceilings:
            return True, ceilings[node.code]
    return False, None


def _check_ceilings(tree: CriteriaTree, ceilings: Ceilings) -> None:
    faults = []
    for code, value in ceilings.items():
        if code not in tree:
            faults.append(f'a ceiling is given for "{code}", which is not a criterion of "{tree.name}"')
        elif value is not None and not tree.is_leaf(code):
            faults.append(f'the ceiling of "{code}" is {value:g} points, but "{code}" has sub-criteria (expected a '
                          "number on a criterion scored by a rule, or \"unreachable\" for a whole area)")
        elif value is not None and not (0 <= value <= tree[code].max_points + EPS):
            faults.append(f'the ceiling of "{code}" is {value:g} (expected points in 0–{tree[code].max_points:g})')
    if faults:
        raise MethodError("; ".join(faults))


# -- the result --------------------------------------------------------------------------------------------

CHANGE_COLUMNS = [
    "code", "area", "component", "kind", "name_vi", "name_en", "max_points", "from_points", "to_points",
    "gain_points", "gain_total", "steps", "cost", "rule", "from_label_vi", "from_label_en", "to_label_vi",
    "to_label_en", "measured", "measured_unit", "quantity_vi", "quantity_en", "reach_edge", "reach_inclusive",
    "reach_direction", "reach_move", "lead_units",
]


@dataclass(frozen=True)
class CriteriaLiftResult(LiftResult):
    """A lift solved at criterion level: the common :class:`~parindex_lib.analyses.lift.LiftResult` (``changes``
    per component, so every page, chart and sheet that shows a lift shows this one), with the criteria to move.

    ``criteria`` lists each criterion to move, in the tree's order: from and to points (with the rule's labels),
    its gain in points and in percentage points of the total, its steps and effort, what the measured value
    must reach for a band rule, and its lead office. ``held`` names the components not scored by criteria,
    held at their values; ``limited`` the criteria a ceiling held below their maximum.
    """

    criteria: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CHANGE_COLUMNS))
    held: tuple[str, ...] = ()
    limited: tuple[str, ...] = ()
    criteria_name: str = ""
    illustrative: bool = False

    def to_dict(self) -> dict:
        """The JSON shape of ``parindex lift --criteria --format json``: strict JSON (no NaN or Infinity)."""
        out = super().to_dict()

        def clean(v):
            if isinstance(v, bool | np.bool_):
                return bool(v)
            if isinstance(v, float | np.floating):
                return round(float(v), 6) if np.isfinite(v) else None
            if isinstance(v, np.integer):
                return int(v)
            return v

        out["criteria_set"] = self.criteria_name
        out["illustrative"] = bool(self.illustrative)
        out["criteria"] = [{k: clean(v) for k, v in row.items()} for row in self.criteria.to_dict("records")]
        out["held_fixed"] = list(self.held)
        out["limited_by_ceilings"] = list(self.limited)
        return out


# -- the programme -----------------------------------------------------------------------------------------


@dataclass
class _Leaf:
    """A leaf's ways to improve: discrete levels (points, steps) better than the current one, or a free range."""

    node: Criterion
    sign: int  # +1: more points lift the total; -1 (penalty): fewer points do
    current: float
    best: float  # the best points the ceilings allow
    options: list[tuple[float, float]]  # (points, steps) of each level better than the current one
    free: bool
    cost: float  # effort of one step (a free leaf: of one point)
    lead: str | None


def _leaves(uc: UnitCriteria, costs: StepCosts, ceilings: Ceilings) -> tuple[list[_Leaf], list[str]]:
    tree = uc.tree
    out, limited = [], []
    for node in tree.leaves():
        current = float(uc.leaves.at[node.code, "points"])
        lead = uc.leaves.at[node.code, "lead_units"]
        lead = lead if isinstance(lead, str) and lead else None
        sign = -1 if leaf_kind(node) == "penalty" else 1
        given, ceiling = _ceiling_of(tree, ceilings, node.code)
        if given and ceiling is None:
            best = current  # unreachable this year
        elif sign > 0:
            best = node.max_points if ceiling is None else max(current, float(ceiling))
        else:
            best = 0.0 if ceiling is None else min(current, float(ceiling))
        levels = node.rule.levels(node.max_points)
        options: list[tuple[float, float]] = []
        if levels is not None:
            at = min(range(len(levels)), key=lambda i: abs(levels[i] - current))
            better = [(v, abs(j - at)) for j, v in enumerate(levels) if sign * (v - current) > EPS
                      and sign * (best - v) >= -EPS]
            options = sorted(better, key=lambda o: o[1])
            best = max((v for v, _ in options), default=current) if sign > 0 else \
                min((v for v, _ in options), default=current)
        if given and abs(best - (node.max_points if sign > 0 else 0.0)) > EPS:
            limited.append(node.code)
        out.append(_Leaf(node, sign, current, best, options, levels is None,
                         costs.per_step(tree, node.code, lead), lead))
    return out, limited


class _Programme:
    """Variables, constraints and the total as a linear expression over them."""

    def __init__(self) -> None:
        self.cost: list[float] = []
        self.gain: list[float] = []  # effect on the total, for the tie-break
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.integer: list[int] = []
        self.rows: list[tuple[dict[int, float], float, float]] = []  # (coefficients, lower, upper)

    def add(self, cost: float, lower: float, upper: float, integer: bool) -> int:
        self.cost.append(cost)
        self.gain.append(0.0)
        self.lower.append(lower)
        self.upper.append(upper)
        self.integer.append(int(integer))
        return len(self.cost) - 1

    def constrain(self, coefs: dict[int, float], lower: float, upper: float) -> None:
        self.rows.append((coefs, lower, upper))

    def matrix(self) -> np.ndarray:
        a = np.zeros((len(self.rows), len(self.cost)))
        for i, (coefs, _, _) in enumerate(self.rows):
            for j, v in coefs.items():
                a[i, j] += v
        return a


def _expression(tree: CriteriaTree, node: Criterion, prog: _Programme, leaf_vars: dict, sign: int
                ) -> tuple[float, dict[int, float]]:
    """A node's points as constant + Σ coefficient × variable (a capped parent through a variable of its own)."""
    if node.rule is not None:
        const, terms = leaf_vars[node.code]
        return const, dict(terms)
    const, terms = 0.0, {}
    for kid in tree.children(node.code):
        c, t = _expression(tree, kid, prog, leaf_vars, sign)
        const += c
        for j, v in t.items():
            terms[j] = terms.get(j, 0.0) + v
    if not node.capped:
        return const, terms
    cap = node.max_points
    v = prog.add(0.0, 0.0, cap, False)
    if sign > 0:  # v ≤ Σ children and v ≤ cap: the total pushes v up to the smaller of the two
        prog.constrain({v: 1.0, **{j: -c for j, c in terms.items()}}, -np.inf, const)
    else:  # a capped penalty: v ≥ min(Σ, cap), by a binary choosing which one binds
        big = sum(leaf.max_points for leaf in tree.leaves(node.code)) + cap
        b = prog.add(0.0, 0.0, 1.0, True)
        prog.constrain({v: 1.0, b: big, **{j: -c for j, c in terms.items()}}, const, np.inf)
        prog.constrain({v: 1.0, b: -cap}, 0.0, np.inf)
    return 0.0, {v: 1.0}


def _solve(uc: UnitCriteria, totalling: Totalling, leaves: list[_Leaf], required: float, before: float,
           reach: float) -> dict[str, float]:
    """The new points of the leaves that move, in the cheapest plan whose total reaches ``required``."""
    tree = uc.tree
    prog = _Programme()
    leaf_vars: dict[str, tuple[float, dict[int, float]]] = {}
    choice_of: dict[int, tuple[str, float]] = {}
    free_of: dict[int, _Leaf] = {}
    smallest = min((lf.cost for lf in leaves), default=1.0)
    for lf in leaves:
        terms: dict[int, float] = {}
        if lf.free and abs(lf.best - lf.current) > EPS:
            j = prog.add(lf.cost / smallest, 0.0, abs(lf.best - lf.current), False)
            terms[j] = float(lf.sign)
            free_of[j] = lf
        picks = []
        for points, steps in lf.options:
            j = prog.add(lf.cost * steps / smallest, 0.0, 1.0, True)
            terms[j] = points - lf.current
            choice_of[j] = (lf.node.code, points)
            picks.append(j)
        if len(picks) > 1:
            prog.constrain(dict.fromkeys(picks, 1.0), -np.inf, 1.0)
        leaf_vars[lf.node.code] = (lf.current, terms)
    goal: dict[int, float] = {}
    const = totalling.fixed_adjustment + sum(totalling.weights[c] * v for c, v in totalling.held.items())
    for area in tree.areas:
        coef = totalling.coefficient(area.component)
        c, terms = _expression(tree, area, prog, leaf_vars, -1 if coef < 0 else 1)
        const += coef * c
        for j, v in terms.items():
            goal[j] = goal.get(j, 0.0) + coef * v
    prog.constrain(goal, min(required + MARGIN, reach) - const, np.inf)
    scale = max(reach - before, 1e-9)
    cost = np.array(prog.cost) - TIE_BREAK * np.array([goal.get(j, 0.0) for j in range(len(prog.cost))]) / scale
    res = optimize.milp(cost, integrality=np.array(prog.integer),
                        bounds=optimize.Bounds(np.array(prog.lower), np.array(prog.upper)),
                        constraints=[optimize.LinearConstraint(prog.matrix(), [r[1] for r in prog.rows],
                                                               [r[2] for r in prog.rows])],
                        options={"mip_rel_gap": 0.0})
    if res.status != 0 or res.x is None:
        raise MethodError(f"the integer programme of the criteria failed: {res.message}")
    moved: dict[str, float] = {}
    for j, (code, points) in choice_of.items():
        if res.x[j] > 0.5:
            moved[code] = points
    for j, lf in free_of.items():
        if res.x[j] > 1e-9:
            moved[lf.node.code] = lf.current + lf.sign * float(res.x[j])
    return moved


def criteria_lift(uc: UnitCriteria, index: PARIndex | None = None, *, target: float | None = None,
                  bound: str | None = None, costs: StepCosts | None = None,
                  ceilings: Ceilings | None = None) -> CriteriaLiftResult:
    """The cheapest set of criterion changes that brings the total to the target, and who leads each.

    Parameters
    ----------
    uc : UnitCriteria
        The unit's criterion points (its tree, lead offices and measured values).
    index : PARIndex, optional
        The unit's index: its scheme's weights, the components not scored by criteria (held), its target and
        bound. Without it the tree alone makes the total.
    target, bound : float, str, optional
        The total to reach (in %) and ``>=`` (reach) or ``>`` (exceed by 0,01); default the index's, else 80, ``>=``.
    costs : StepCosts, optional
        The effort of one step per criterion or lead office (default one unit per step).
    ceilings : mapping of code → points or None, optional
        The best points a criterion (or every leaf under a criterion or area) can reach this year; ``None``: it
        cannot move this year. Codes as offices write them (``1.1.1.``).

    Returns
    -------
    CriteriaLiftResult
        The criteria to move and the total after; when the target cannot be reached within the ceilings,
        ``feasible`` is False, ``total_cost`` None (with ``cost_reason``) and ``max_reachable`` the highest total.

    Raises
    ------
    MethodError
        For a ceiling or effort given for a criterion the tree does not have, or outside its range.

    Examples
    --------
    >>> from parindex_lib.model.criteria import load_criteria
    >>> tree = load_criteria("illustrative-commune")
    >>> points = {c.code: (0.0 if c.component in ("BONUS", "PENALTY") else c.max_points) for c in tree.leaves()}
    >>> uc = UnitCriteria.build(tree, points | {"1.1.1": 0.5, "6.1": 1, "8.1": 2, "9": 10})
    >>> res = criteria_lift(uc, target=90)
    >>> res.criteria[["code", "from_points", "to_points", "steps"]].values.tolist()
    [['9', 10.0, 17.0, 2.0]]
    >>> round(res.total_before, 2), round(res.total_after, 2), res.total_cost
    (85.5, 92.5, 2.0)
    """
    tree = uc.tree
    totalling = Totalling.of(tree, index)
    target = float(target if target is not None else (index.target if index is not None else 80.0))
    bound = bound or (index.bound if index is not None else ">=")
    bound = {"ge": ">=", "gt": ">"}.get(bound, bound)
    if bound not in (">=", ">"):
        raise MethodError(f'bound "{bound}" is not known (expected ge or gt)')
    costs = costs or StepCosts()
    costs.check(tree)
    ceilings = {normalise_code(k): (None if v is None else float(v)) for k, v in (ceilings or {}).items()}
    _check_ceilings(tree, ceilings)
    leaves, limited = _leaves(uc, costs, ceilings)
    current = dict(uc.points)
    before = totalling.total(tree, roll_up(tree, current))
    best = {lf.node.code: lf.best for lf in leaves}
    reach = totalling.total(tree, roll_up(tree, best))
    required = required_value(target, bound)
    held = tuple(totalling.held)
    meta = dict(unit=uc.unit or (index.unit if index is not None else ""),
                year=int(uc.year if uc.year is not None else (index.year if index is not None else 0)),
                period=uc.period, scheme=totalling.scheme or uc.scheme, cost_model=COST_MODEL, target=target,
                bound=bound, total_before=before, max_reachable=reach, held=held, limited=tuple(limited),
                criteria_name=tree.name, illustrative=uc.illustrative)
    if met(before, target, bound):
        return CriteriaLiftResult(**meta, total_after=before, feasible=True, changes=_component_changes(
            uc, totalling, current, current, pd.DataFrame(columns=CHANGE_COLUMNS)), total_cost=0.0)
    if reach < required - 1e-9:
        return CriteriaLiftResult(**meta, total_after=before, feasible=False, changes=_component_changes(
            uc, totalling, current, current, pd.DataFrame(columns=CHANGE_COLUMNS)), total_cost=None,
            cost_reason=UNREACHABLE)
    moved = _solve(uc, totalling, leaves, required, before, reach)
    after_points = _close_the_gap(uc, totalling, leaves, current | moved, required)
    moved = {c: v for c, v in after_points.items() if abs(v - current[c]) > EPS}
    after = totalling.total(tree, roll_up(tree, after_points))
    table = _criteria_changes(uc, totalling, leaves, current, moved)
    return CriteriaLiftResult(**meta, total_after=after, feasible=True,
                              changes=_component_changes(uc, totalling, current, after_points, table),
                              total_cost=float(table["cost"].sum()), criteria=table)


def _close_the_gap(uc: UnitCriteria, totalling: Totalling, leaves: list[_Leaf], points: dict[str, float],
                   required: float) -> dict[str, float]:
    """The plan's points, with any free criterion raised by the hair the solver's tolerance left short (a
    target equal to the highest reachable total is met exactly, not 10⁻⁷ below it)."""
    tree = uc.tree
    for lf in (lf for lf in leaves if lf.free):
        short = required - totalling.total(tree, roll_up(tree, points))
        if short <= 0:
            break
        coef = abs(totalling.coefficient(lf.node.component))
        room = abs(lf.best - points[lf.node.code])
        if coef > 0 and room > 0 and abs(points[lf.node.code] - lf.current) > EPS:
            points[lf.node.code] += lf.sign * min(room, short / coef)
    return points


def _criteria_changes(uc: UnitCriteria, totalling: Totalling, leaves: list[_Leaf], current: dict[str, float],
                      moved: dict[str, float]) -> pd.DataFrame:
    """One row per criterion that moves, in the tree's order; its gain of total is attributed in that order
    (each change's effect given those before it, so the gains add up to the plan's even under a capped parent)."""
    tree = uc.tree
    by_code = {lf.node.code: lf for lf in leaves}
    rows = []
    points = dict(current)
    total = totalling.total(tree, roll_up(tree, points))
    for code in (c for c in tree.codes if c in moved):
        lf, node = by_code[code], tree[code]
        rule = node.rule
        frm, to = current[code], moved[code]
        points[code] = to
        new_total = totalling.total(tree, roll_up(tree, points))
        levels = rule.levels(node.max_points)
        steps = abs(to - frm) if levels is None else next(s for v, s in lf.options if abs(v - to) <= EPS)
        measured = uc.leaves.at[code, "measured"]
        measured = None if pd.isna(measured) else float(measured)
        reach = None
        if rule.kind == "bands":
            bands = [b for b in rule.bands if abs(b.points - to) <= EPS]
            if bands:
                band = bands[0] if measured is None else min(bands, key=lambda b: _distance(b, measured))
                reach = rule.reach(band, measured)
        rows.append({
            "code": code, "area": tree.area_of(code).code, "component": node.component, "kind": leaf_kind(node),
            "name_vi": node.name_vi, "name_en": node.name_en or node.name_vi, "max_points": node.max_points,
            "from_points": frm, "to_points": to, "gain_points": abs(to - frm), "gain_total": new_total - total,
            "steps": float(steps), "cost": float(steps) * lf.cost, "rule": rule.kind,
            "from_label_vi": rule.label_of(frm, "vi"), "from_label_en": rule.label_of(frm, "en"),
            "to_label_vi": rule.label_of(to, "vi"), "to_label_en": rule.label_of(to, "en"),
            "measured": np.nan if measured is None else measured,
            "measured_unit": rule.unit if rule.kind == "bands" else "",
            "quantity_vi": rule.quantity_vi if rule.kind == "bands" else "",
            "quantity_en": (rule.quantity_en or rule.quantity_vi) if rule.kind == "bands" else "",
            "reach_edge": np.nan if reach is None else reach.edge,
            "reach_inclusive": None if reach is None else reach.inclusive,
            "reach_direction": None if reach is None else reach.direction,
            "reach_move": np.nan if reach is None or measured is None else reach.edge - measured,
            "lead_units": lf.lead,
        })
        total = new_total
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def _distance(band, value: float) -> float:
    if band.contains(value):
        return 0.0
    if band.low is not None and value < band.low:
        return band.low - value
    if band.high is not None and value > band.high:
        return value - band.high
    return 0.0


def _component_changes(uc: UnitCriteria, totalling: Totalling, before: dict[str, float], after: dict[str, float],
                       table: pd.DataFrame) -> pd.DataFrame:
    """The plan per component, as every lift gives it: ``from_pct, to_pct, gain_total, cost, lead_units``."""
    tree = uc.tree
    comps_before = totalling.component_points(tree, roll_up(tree, before))
    comps_after = totalling.component_points(tree, roll_up(tree, after))
    rows = {}
    for c in comps_before.index:
        sub = table[table["component"] == c]
        if sub.empty:
            continue
        leads = "; ".join(dict.fromkeys(x for x in sub["lead_units"] if isinstance(x, str) and x)) or None
        rows[c] = {"from_pct": comps_before.at[c, "value_pct"], "to_pct": comps_after.at[c, "value_pct"],
                   "gain_total": float(sub["gain_total"].sum()), "cost": float(sub["cost"].sum()),
                   "lead_units": leads}
    changes = pd.DataFrame.from_dict(rows, orient="index",
                                     columns=["from_pct", "to_pct", "gain_total", "cost", "lead_units"])
    changes.index.name = "component"
    return changes.sort_values("gain_total", ascending=False, kind="stable")
