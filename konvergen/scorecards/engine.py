"""Scorecard arithmetic: weighted criteria scored across peers, ranked, and awarded.

Plain Python, no Django: the services hand in the source values of each peer (an agency
within a region, or a kab/kota within a province) and get scores, ranks and the raw values
back, so every number can be checked by hand.

A scorecard is a tree of weighted criteria. Each leaf turns a source value into a score
of 0–100 (give or take over-achievement) by its rule:

* ``ratio``: realised / target × 100, optionally capped;
* ``achievement``: polarity-aware achievement (``konvergen.targets.engine.achievement``);
* ``on_time``: a yes/no answer, yes = 100 and no = 0;
* ``to_best``: X / Xmax × 100 across the peers (the best peer gets 100);
* ``minmax``: (X − Xmin) / (Xmax − Xmin) × 100 across the peers (best 100, worst 0);
* ``value``: the number as given, for indicators already on a 0–100 scale.

A group's score is the weighted mean of its children's scores; a group may also use
``to_best`` or ``minmax``, and is then normalised across the peers *after* its children
are combined (how PMK 97/2023 treats tagged spending). A peer's score is the weighted mean
of the top-level criteria: Σ weight × score / Σ weights, so weights may be percentages or
any non-negative numbers.

Missing values score 0 and are flagged (``CriterionScore.missing``), so a peer with no data
is never ranked above a peer with data; relative rules leave missing peers out of Xmax/Xmin.

>>> card = Scorecard("demo", "Demo", (
...     Criterion("budget", "Budget realisation", RATIO, 60),
...     Criterion("report", "Report on time", ON_TIME, 40),
... ))
>>> rows = score_peers(
...     card,
...     {"Dinsos": {"budget": 90, "report": True}, "Dinkes": {"budget": 100, "report": False}},
...     targets={"Dinsos": {"budget": 100}, "Dinkes": {"budget": 100}},
... )
>>> [(r.peer, r.score, r.rank) for r in rows]
[('Dinsos', 94.0, 1), ('Dinkes', 60.0, 2)]
>>> rows[1].criteria["budget"]
CriterionScore(raw=100.0, score=100.0, missing=False, target=100.0)
"""

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from konvergen.targets.engine import HIGHER, LOWER, achievement

RATIO, ACHIEVEMENT, ON_TIME = "ratio", "achievement", "on_time"
TO_BEST, MINMAX, VALUE, GROUP = "to_best", "minmax", "value", "group"

#: Rules a leaf criterion may use.
LEAF_RULES = (RATIO, ACHIEVEMENT, ON_TIME, TO_BEST, MINMAX, VALUE)
#: Rules a criterion with sub-criteria may use.
GROUP_RULES = (GROUP, TO_BEST, MINMAX)
#: Rules that read a target beside the value.
TARGET_RULES = (RATIO, ACHIEVEMENT)
#: Rules whose score may be capped.
CAPPED_RULES = (RATIO, ACHIEVEMENT, VALUE)

#: Scores equal to this many decimals tie: the same numbers added in another order can
#: differ in the last bits, which must not decide a rank.
TIE_DECIMALS = 9

#: A peer's identifier: an agency id, a region code, ...
type PeerId = Hashable
#: A source value: a number, or yes/no for ``on_time``; ``None`` when not available.
type Value = float | bool | None

# Error messages, named so tests can assert on them.
ERR_EMPTY_SCORECARD = "a scorecard needs at least one criterion"
ERR_EMPTY_GROUP = "criterion {key!r}: the rule 'group' needs at least one sub-criterion"
ERR_WEIGHT = "criterion {key!r}: a weight must be a finite number of at least 0, got {weight!r}"
ERR_ZERO_WEIGHTS = "{where}: the weights add up to 0; give at least one criterion a positive weight"
ERR_RULE = "criterion {key!r}: unknown rule {rule!r}; expected one of {rules}"
ERR_GROUP_RULE = "criterion {key!r}: a criterion with sub-criteria must use one of {rules}"
ERR_POLARITY = "criterion {key!r}: {problem}"
ERR_CAP = "criterion {key!r}: {problem}"
ERR_DUPLICATE_KEY = "criterion key {key!r} is used more than once in scorecard {code!r}"
ERR_UNKNOWN_KEY = "peer {peer!r}: scorecard {code!r} has no criterion {key!r} that takes a {what}"
ERR_UNKNOWN_PEER = "values given for peer {peer!r}, which is not among the peers to score"
ERR_NO_GROUP = "peer {peer!r} has no group, though groups were given"
ERR_NUMBER = "peer {peer!r}, criterion {key!r}: expected a number, got {value!r}"
ERR_YES_NO = "peer {peer!r}, criterion {key!r}: expected yes/no (True/False/1/0), got {value!r}"
ERR_NEGATIVE = "{where}: to_best needs values of at least 0, got {value!r}"
ERR_TOP = "the number of awards must be at least 0, got {top!r}"
ERR_REWEIGHT = "scorecard {code!r} has no criterion {key!r} to reweight"


# --- Definitions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Criterion:
    """One weighted criterion of a scorecard, or a group of sub-criteria.

    Parameters
    ----------
    key : str
        Identifier, unique within the scorecard; the key of the source values.
    label : str
        Name shown to people.
    rule : str
        One of ``LEAF_RULES`` for a leaf, one of ``GROUP_RULES`` for a group.
    weight : float
        Non-negative weight relative to the siblings (percent or any scale).
    polarity : str, optional
        ``"higher"`` or ``"lower"`` is better: required by ``achievement``, optional for
        ``minmax`` (default higher), refused elsewhere.
    children : tuple of Criterion
        Sub-criteria; non-empty exactly when the criterion is a group.
    cap : float, optional
        Upper bound of the score for ``ratio``, ``achievement`` and ``value``.

    >>> Criterion("sk", "Decree", ON_TIME, -1)
    Traceback (most recent call last):
    ...
    ValueError: criterion 'sk': a weight must be a finite number of at least 0, got -1
    """

    key: str
    label: str
    rule: str
    weight: float
    polarity: str | None = None
    children: tuple["Criterion", ...] = ()
    cap: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "children", tuple(self.children))
        key = self.key
        if isinstance(self.weight, bool) or not _is_finite_number(self.weight) or self.weight < 0:
            raise ValueError(ERR_WEIGHT.format(key=key, weight=self.weight))
        object.__setattr__(self, "weight", float(self.weight))
        if self.children:
            if self.rule not in GROUP_RULES:
                raise ValueError(ERR_GROUP_RULE.format(key=key, rules=", ".join(GROUP_RULES)))
            if sum(child.weight for child in self.children) <= 0:
                raise ValueError(ERR_ZERO_WEIGHTS.format(where=f"criterion {key!r}"))
        elif self.rule == GROUP:
            raise ValueError(ERR_EMPTY_GROUP.format(key=key))
        elif self.rule not in LEAF_RULES:
            rules = ", ".join((*LEAF_RULES, GROUP))
            raise ValueError(ERR_RULE.format(key=key, rule=self.rule, rules=rules))
        self._check_polarity()
        self._check_cap()

    def _check_polarity(self) -> None:
        problem = None
        if self.polarity not in (None, HIGHER, LOWER):
            problem = f"unknown polarity {self.polarity!r}; expected 'higher' or 'lower'"
        elif self.rule == ACHIEVEMENT and self.polarity is None:
            problem = "the rule 'achievement' needs a polarity ('higher' or 'lower')"
        elif self.rule == TO_BEST and self.polarity == LOWER:
            problem = "to_best is for higher-is-better values; use minmax with polarity 'lower'"
        elif self.polarity is not None and self.rule not in (ACHIEVEMENT, MINMAX, TO_BEST):
            problem = f"the rule {self.rule!r} takes no polarity"
        if problem:
            raise ValueError(ERR_POLARITY.format(key=self.key, problem=problem))

    def _check_cap(self) -> None:
        if self.cap is None:
            return
        if self.rule not in CAPPED_RULES or self.children:
            problem = f"the rule {self.rule!r} takes no cap"
        elif isinstance(self.cap, bool) or not _is_finite_number(self.cap) or self.cap <= 0:
            problem = f"a cap must be a positive number, got {self.cap!r}"
        else:
            object.__setattr__(self, "cap", float(self.cap))
            return
        raise ValueError(ERR_CAP.format(key=self.key, problem=problem))

    def walk(self) -> Iterable["Criterion"]:
        """This criterion and all criteria below it, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class Scorecard:
    """A named set of weighted criteria (see ``Criterion``).

    >>> Scorecard("x", "Empty", ())
    Traceback (most recent call last):
    ...
    ValueError: a scorecard needs at least one criterion
    """

    code: str
    name: str
    criteria: tuple[Criterion, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "criteria", tuple(self.criteria))
        if not self.criteria:
            raise ValueError(ERR_EMPTY_SCORECARD)
        if sum(criterion.weight for criterion in self.criteria) <= 0:
            raise ValueError(ERR_ZERO_WEIGHTS.format(where=f"scorecard {self.code!r}"))
        seen: set[str] = set()
        for criterion in self.walk():
            if criterion.key in seen:
                raise ValueError(ERR_DUPLICATE_KEY.format(key=criterion.key, code=self.code))
            seen.add(criterion.key)

    def walk(self) -> Iterable[Criterion]:
        """Every criterion of the scorecard, depth first."""
        for criterion in self.criteria:
            yield from criterion.walk()

    def leaves(self) -> dict[str, Criterion]:
        """The criteria that read source values, by key, in scorecard order."""
        return {c.key: c for c in self.walk() if not c.children}


def reweight(scorecard: Scorecard, weights: Mapping[str, float]) -> Scorecard:
    """A copy of ``scorecard`` with the weights of some criteria (at any depth) replaced.

    >>> card = reweight(local_agency_scorecard(), {"output": 40, "budget": 10})
    >>> [(c.key, c.weight) for c in card.criteria][:2]
    [('output', 40.0), ('budget', 10.0)]
    """
    known = {c.key for c in scorecard.walk()}
    for key in weights:
        if key not in known:
            raise ValueError(ERR_REWEIGHT.format(code=scorecard.code, key=key))

    def rebuild(criterion: Criterion) -> Criterion:
        return replace(
            criterion,
            weight=weights.get(criterion.key, criterion.weight),
            children=tuple(rebuild(child) for child in criterion.children),
        )

    return replace(scorecard, criteria=tuple(rebuild(c) for c in scorecard.criteria))


# --- Rules ------------------------------------------------------------------------------------


def ratio(realised: float | None, target: float | None, cap: float | None = None) -> float | None:
    """``realised / target × 100``, at most ``cap``.

    Without a target, or with a target of 0, there is nothing to divide by: the result is
    ``None`` (the scorecard then scores 0 and flags the value as missing) rather than a
    guess, since 0 and 100 would both claim a performance nobody measured.

    >>> ratio(45, 50), ratio(120, 100), ratio(120, 100, cap=100)
    (90.0, 120.0, 100.0)
    >>> ratio(5, 0) is None, ratio(None, 10) is None
    (True, True)
    """
    if realised is None or target is None or target == 0:
        return None
    return _capped(realised * 100 / target, cap)


def on_time(answer: bool | None) -> float:
    """A yes/no criterion (on time, document issued, report sent): yes 100, no 0.

    ``None`` means not reported, which counts as no.

    >>> on_time(True), on_time(False), on_time(None)
    (100.0, 0.0, 0.0)
    """
    return 100.0 if answer else 0.0


def to_best[P: Hashable](values: Mapping[P, float]) -> dict[P, float]:
    """Normalise to the best peer: ``X / Xmax × 100``.

    The best peer gets 100; when every value is 0 nobody has done anything and all get 0.
    Values must be at least 0 (shares, amounts).

    >>> to_best({"a": 3.0, "b": 5.0, "c": 1.0})
    {'a': 60.0, 'b': 100.0, 'c': 20.0}
    >>> to_best({"a": 0.0, "b": 0.0})
    {'a': 0.0, 'b': 0.0}
    """
    for peer, value in values.items():
        if value < 0:
            raise ValueError(ERR_NEGATIVE.format(where=f"peer {peer!r}", value=value))
    best = max(values.values(), default=0.0)
    if best == 0:
        return {peer: 0.0 for peer in values}
    return {peer: value * 100 / best for peer, value in values.items()}


def minmax[P: Hashable](values: Mapping[P, float], polarity: str = HIGHER) -> dict[P, float]:
    """Classic min–max scaling: ``(X − Xmin) / (Xmax − Xmin) × 100``.

    The best peer gets 100 and the worst 0 (reversed for ``polarity="lower"``). When all
    values are equal every peer is the best one and gets 100.

    >>> minmax({"a": 3.0, "b": 5.0, "c": 1.0})
    {'a': 50.0, 'b': 100.0, 'c': 0.0}
    >>> minmax({"a": 3.0, "b": 5.0, "c": 1.0}, polarity="lower")
    {'a': 50.0, 'b': 0.0, 'c': 100.0}
    >>> minmax({"a": 7.0, "b": 7.0})
    {'a': 100.0, 'b': 100.0}
    """
    if polarity not in (HIGHER, LOWER):
        raise ValueError(f"unknown polarity {polarity!r}")
    if not values:
        return {}
    low, high = min(values.values()), max(values.values())
    if high == low:
        return {peer: 100.0 for peer in values}
    if polarity == HIGHER:
        return {peer: (value - low) * 100 / (high - low) for peer, value in values.items()}
    return {peer: (high - value) * 100 / (high - low) for peer, value in values.items()}


# --- Scoring ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionScore:
    """A peer's result on one criterion.

    ``raw`` is the source value (for a group: the weighted mean of its children's scores,
    before any normalisation), ``target`` the target beside it (``ratio``/``achievement``),
    ``score`` the result (0 when missing) and ``missing`` whether a value or target was
    absent (for a group: whether any value below it was).
    """

    raw: float | bool | None
    score: float
    missing: bool = False
    target: float | None = None


@dataclass(frozen=True)
class PeerScore:
    """A peer's total: its score, rank (within its group), and every criterion's result.

    ``missing`` lists the keys of the source values that were absent; ``has_data`` is
    false when all of them were.
    """

    peer: PeerId
    name: str
    score: float
    rank: int
    criteria: dict[str, CriterionScore]
    group: str | None = None
    missing: tuple[str, ...] = ()
    has_data: bool = True


def score_peers(
    scorecard: Scorecard,
    values: Mapping[PeerId, Mapping[str, Value]],
    *,
    targets: Mapping[PeerId, Mapping[str, float | None]] | None = None,
    peers: Iterable[PeerId] | None = None,
    names: Mapping[PeerId, str] | None = None,
    groups: Mapping[PeerId, str] | None = None,
) -> list[PeerScore]:
    """Score and rank peers on a scorecard.

    Parameters
    ----------
    scorecard : Scorecard
    values : mapping of peer to {criterion key: value}
        Source values of the leaf criteria: numbers, or yes/no for ``on_time``. ``None``,
        NaN and absent keys are missing: they score 0 and are flagged.
    targets : mapping of peer to {criterion key: target}, optional
        Targets of the ``ratio`` and ``achievement`` criteria.
    peers : iterable, optional
        The peers to score (default: the keys of ``values``). A peer listed here without
        values scores 0 with everything flagged, so it still shows up.
    names : mapping of peer to name, optional
        Names used to order equal scores (default: ``str(peer)``).
    groups : mapping of peer to group, optional
        When given, peers are ranked within their group (a strategy, kabupaten vs kota);
        every peer needs one.

    Returns
    -------
    list of PeerScore
        Ordered by group, then rank, then name. Ranks are standard competition ranks
        ("1, 2, 2, 4"): equal scores share a rank, nothing breaks the tie.

    Raises
    ------
    ValueError
        For values or targets under unknown keys or peers, values of the wrong kind, or a
        peer without a group when groups are given.

    Examples
    --------
    >>> card = Scorecard("c", "Compliance", (
    ...     Criterion("sk", "Decree", ON_TIME, 35), Criterion("q1", "Q1 report", ON_TIME, 15)))
    >>> values = {"A": {"sk": True}, "B": {"sk": True, "q1": True}}
    >>> rows = score_peers(card, values, peers=["A", "B", "C"])
    >>> [(r.peer, r.score, r.rank, r.missing) for r in rows]
    [('B', 100.0, 1, ()), ('A', 70.0, 2, ('q1',)), ('C', 0.0, 3, ('sk', 'q1'))]
    """
    peer_list = list(dict.fromkeys(peers if peers is not None else values))
    targets = targets or {}
    _check_inputs(scorecard, peer_list, values, targets)
    if groups is not None:
        for peer in peer_list:
            if peer not in groups:
                raise ValueError(ERR_NO_GROUP.format(peer=peer))
    results: dict[PeerId, dict[str, CriterionScore]] = {peer: {} for peer in peer_list}
    root = Criterion(scorecard.code, scorecard.name, GROUP, 1, children=scorecard.criteria)
    totals = {
        peer: result.score
        for peer, result in _score_group(root, peer_list, values, targets, results).items()
    }
    label = {peer: _name_of(peer, names) for peer in peer_list}
    group_of = {peer: groups[peer] if groups is not None else None for peer in peer_list}
    leaf_keys = list(scorecard.leaves())

    rows: list[PeerScore] = []
    for group in sorted(set(group_of.values()), key=lambda g: (g is not None, str(g))):
        members = [peer for peer in peer_list if group_of[peer] == group]
        ranks = competition_ranks({peer: totals[peer] for peer in members}, names=label)
        for peer, rank in ranks.items():
            missing = tuple(key for key in leaf_keys if results[peer][key].missing)
            rows.append(PeerScore(
                peer=peer, name=label[peer], score=totals[peer], rank=rank,
                criteria=results[peer], group=group, missing=missing,
                has_data=len(missing) < len(leaf_keys),
            ))
    return rows


def competition_ranks[P: Hashable](
    scores: Mapping[P, float], names: Mapping[P, str] | None = None
) -> dict[P, int]:
    """Standard competition ranks ("1, 2, 2, 4"), best score first, in rank order.

    Equal scores (to ``TIE_DECIMALS`` places) share a rank; among them peers are listed
    by name, which does not change their rank.

    >>> competition_ranks({"Garut": 80.0, "Bogor": 90.0, "Cianjur": 80.0, "Depok": 70.0})
    {'Bogor': 1, 'Cianjur': 2, 'Garut': 2, 'Depok': 4}
    """
    def order(peer: P) -> tuple[float, str, str, str]:
        name = _name_of(peer, names)
        return (-round(scores[peer], TIE_DECIMALS), name.casefold(), name, str(peer))

    ranks: dict[P, int] = {}
    previous: float | None = None
    rank = 0
    for position, peer in enumerate(sorted(scores, key=order), start=1):
        tied = round(scores[peer], TIE_DECIMALS)
        if tied != previous:
            rank, previous = position, tied
        ranks[peer] = rank
    return ranks


def awards(
    rows: Iterable[PeerScore], top: int = 3, *, top_by_group: Mapping[str, int] | None = None
) -> dict[str | None, list[PeerScore]]:
    """The award winners of each group: the peers ranked ``top`` or better.

    Ties at the boundary share the award, so a group may have more than ``top`` winners
    (ranks 1, 2, 3, 3 with ``top=3`` give four). Peers with no data at all win nothing.
    ``top_by_group`` sets a different number for some groups — PMK 97/2023, for instance,
    rewards the best 7 provinces, 21 kota and 97 kabupaten separately
    (``PMK_97_2023_AWARDS_SOURCE``).

    >>> card = Scorecard("c", "C", (Criterion("sk", "Decree", ON_TIME, 1),))
    >>> rows = score_peers(card, {"A": {"sk": True}, "B": {"sk": True}, "C": {"sk": False}},
    ...                    groups={"A": "kota", "B": "kabupaten", "C": "kabupaten"})
    >>> {g: [(r.peer, r.rank, r.score) for r in won] for g, won in awards(rows, 1).items()}
    {'kabupaten': [('B', 1, 100.0)], 'kota': [('A', 1, 100.0)]}
    """
    limits = dict(top_by_group or {})
    for limit in (top, *limits.values()):
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
            raise ValueError(ERR_TOP.format(top=limit))
    winners: dict[str | None, list[PeerScore]] = {}
    for row in rows:
        winners.setdefault(row.group, [])
        limit = limits.get(row.group, top) if row.group is not None else top
        if row.has_data and row.rank <= limit:
            winners[row.group].append(row)
    return winners


def _score_group(
    group: Criterion,
    peers: Sequence[PeerId],
    values: Mapping[PeerId, Mapping[str, Value]],
    targets: Mapping[PeerId, Mapping[str, float | None]],
    results: dict[PeerId, dict[str, CriterionScore]],
) -> dict[PeerId, CriterionScore]:
    """Score a group's children (recording each in ``results``), then the group itself."""
    parts = []
    for child in group.children:
        if child.children:
            scored = _score_group(child, peers, values, targets, results)
        else:
            scored = _score_leaf(child, peers, values, targets)
        for peer in peers:
            results[peer][child.key] = scored[peer]
        parts.append((child.weight, scored))
    total_weight = sum(weight for weight, _ in parts)
    means = {
        peer: sum(weight * scored[peer].score for weight, scored in parts) / total_weight
        for peer in peers
    }
    if group.rule == TO_BEST:
        scores = _to_best(group.key, means)
    elif group.rule == MINMAX:
        scores = minmax(means, group.polarity or HIGHER)
    else:
        scores = means
    return {
        peer: CriterionScore(
            raw=means[peer],
            score=scores[peer],
            missing=any(scored[peer].missing for _, scored in parts),
        )
        for peer in peers
    }


def _score_leaf(
    criterion: Criterion,
    peers: Sequence[PeerId],
    values: Mapping[PeerId, Mapping[str, Value]],
    targets: Mapping[PeerId, Mapping[str, float | None]],
) -> dict[PeerId, CriterionScore]:
    key, rule = criterion.key, criterion.rule
    out: dict[PeerId, CriterionScore] = {}
    if rule == ON_TIME:
        for peer in peers:
            answer = _yes_no(peer, key, values.get(peer, {}).get(key))
            out[peer] = CriterionScore(raw=answer, score=on_time(answer), missing=answer is None)
        return out

    raw = {peer: _number(peer, key, values.get(peer, {}).get(key)) for peer in peers}
    if rule in TARGET_RULES:
        for peer in peers:
            target = _number(peer, key, targets.get(peer, {}).get(key))
            if rule == RATIO:
                result = ratio(raw[peer], target, criterion.cap)
            else:
                result = _capped(achievement(raw[peer], target, str(criterion.polarity)),
                                 criterion.cap)
            out[peer] = _result(raw[peer], result, target)
        return out
    if rule == VALUE:
        return {peer: _result(raw[peer], _capped(raw[peer], criterion.cap)) for peer in peers}

    present = {peer: value for peer, value in raw.items() if value is not None}
    if rule == TO_BEST:
        relative = _to_best(key, present)
    else:
        relative = minmax(present, criterion.polarity or HIGHER)
    return {peer: _result(raw[peer], relative.get(peer)) for peer in peers}


def _result(
    raw: float | None, result: float | None, target: float | None = None
) -> CriterionScore:
    if result is None:
        return CriterionScore(raw=raw, score=0.0, missing=True, target=target)
    return CriterionScore(raw=raw, score=float(result), missing=False, target=target)


def _to_best(key: str, values: Mapping[PeerId, float]) -> dict[PeerId, float]:
    for peer, value in values.items():
        if value < 0:
            where = f"peer {peer!r}, criterion {key!r}"
            raise ValueError(ERR_NEGATIVE.format(where=where, value=value))
    return to_best(values)


def _check_inputs(
    scorecard: Scorecard,
    peers: Sequence[PeerId],
    values: Mapping[PeerId, Mapping[str, Value]],
    targets: Mapping[PeerId, Mapping[str, float | None]],
) -> None:
    leaves = scorecard.leaves()
    takes_target = {key for key, c in leaves.items() if c.rule in TARGET_RULES}
    known = set(peers)
    given: tuple[tuple[str, Mapping[PeerId, Mapping[str, object]], set[str]], ...] = (
        ("value", values, set(leaves)),
        ("target", targets, takes_target),
    )
    for what, rows, accepted in given:
        for peer, row in rows.items():
            if peer not in known:
                raise ValueError(ERR_UNKNOWN_PEER.format(peer=peer))
            for key in row:
                if key not in accepted:
                    raise ValueError(
                        ERR_UNKNOWN_KEY.format(peer=peer, code=scorecard.code, key=key, what=what)
                    )


def _number(peer: PeerId, key: str, value: object) -> float | None:
    """A source number; ``None`` and NaN (how data frames spell "no value") are missing."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError(ERR_NUMBER.format(peer=peer, key=key, value=value))
    number = float(value)
    if math.isnan(number):
        return None
    if math.isinf(number):
        raise ValueError(ERR_NUMBER.format(peer=peer, key=key, value=value))
    return number


def _yes_no(peer: PeerId, key: str, value: object) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    raise ValueError(ERR_YES_NO.format(peer=peer, key=key, value=value))


def _capped(value: float | None, cap: float | None) -> float | None:
    if value is None or cap is None:
        return value
    return float(min(value, cap))


def _is_finite_number(value: object) -> bool:
    return isinstance(value, int | float | Decimal) and math.isfinite(value)


def _name_of(peer: PeerId, names: Mapping[Any, str] | None) -> str:
    if names is not None and peer in names:
        return str(names[peer])
    return str(peer)


# --- Presets ----------------------------------------------------------------------------------

#: Where the PMK 97/2023 facts below were read (a transcription of Article 3; the official
#: copy is on jdih.kemenkeu.go.id).
PMK_97_2023_SOURCE = (
    "https://pasal.id/en/peraturan/permen/permenkeu-no-97-tahun-2023/koreksi/9645399"
)
#: Where the compliance weights were read: the TKPK secretary of Kab. Belitung Timur
#: quoting PMK 97/2023 (second-hand; the article's own text was not found).
PMK_97_2023_COMPLIANCE_SOURCE = (
    "https://belitongtoday.com/beltim-bakal-dapat-kucuran-insentif-fiskal-penghapusan-kemiskinan-ekstrem/"
)
#: Where the number of awarded regions (7 provinces, 21 kota, 97 kabupaten) was read.
PMK_97_2023_AWARDS_SOURCE = (
    "https://news.ddtc.co.id/kemenkeu-siapkan-rp3-t-untuk-daerah-yang-sukses-sejahterakan-rakyat-1797490"
)
SPENDING_NORMALISATIONS = ("sum", "each")


def pmk_97_2023(
    *,
    spending_weight: float = 50.0,
    compliance_weight: float = 50.0,
    performance_weight: float = 0.0,
    spending_normalisation: str = "sum",
) -> Scorecard:
    """The Ministry of Finance fiscal incentive for extreme-poverty elimination (PMK 97/2023).

    What the regulation says (Article 3, read at ``PMK_97_2023_SOURCE``):

    * performance is assessed on three data: (a) realisation of spending tagged extreme
      poverty, (b) compliance in using and verifying the extreme-poverty data, and
      (c) regional poverty-reduction performance (Art. 3(2));
    * (a) is the weighted sum of the percentages of the spending budget realised under the
      direct (*langsung*) tag, weight 50 %, indirect (*tidak langsung*) 30 % and support
      (*penunjang*) 20 %, excluding official travel; the *sum* is then standardised to the
      best region, XSi = Xi / Xmax × 100 (Art. 3(3)).

    From a second-hand source (``PMK_97_2023_COMPLIANCE_SOURCE``), (b) weighs the decree
    (SK) on the target data 35 %, its annex of verified data 35 %, the Q1 report 15 % and the
    Q2 report 15 %, each yes/no.

    **Assumptions.** How (a), (b) and (c) combine into the final score was not found, so
    the component weights are parameters; the default 50/50 between spending and compliance
    is an assumption, not the regulation. How (c) is scored was not found either: it is left
    out by default (``performance_weight=0``); with a positive weight it is a ``value``
    criterion ``poverty_performance`` fed a 0–100 score computed elsewhere.

    Parameters
    ----------
    spending_weight, compliance_weight, performance_weight : float
        Weights of the components (assumed, see above).
    spending_normalisation : {"sum", "each"}
        ``"sum"`` (default, as Art. 3(3) reads): the weighted sum of the three percentages
        is normalised to the best peer. ``"each"``: each percentage is normalised to the
        best peer first, then weighted (how the feature request described it).

    Source values: ``spending_direct``, ``spending_indirect``, ``spending_support`` (percent
    of the spending budget realised under each tag) and ``decree``, ``verified_data``,
    ``report_q1``, ``report_q2`` (yes/no).

    >>> card = pmk_97_2023()
    >>> [(c.key, c.rule, c.weight) for c in card.criteria]
    [('spending', 'to_best', 50.0), ('compliance', 'group', 50.0)]
    >>> [(c.key, c.weight) for c in card.criteria[1].children]
    [('decree', 35.0), ('verified_data', 35.0), ('report_q1', 15.0), ('report_q2', 15.0)]
    """
    if spending_normalisation not in SPENDING_NORMALISATIONS:
        raise ValueError(
            f"spending_normalisation must be one of {SPENDING_NORMALISATIONS}, "
            f"got {spending_normalisation!r}"
        )
    tag_rule, group_rule = (VALUE, TO_BEST) if spending_normalisation == "sum" else (TO_BEST, GROUP)
    spending = Criterion(
        "spending", "Realisation of spending tagged extreme poverty", group_rule,
        spending_weight, children=(
            Criterion("spending_direct", "Direct (langsung), % of spending budget", tag_rule, 50),
            Criterion("spending_indirect", "Indirect (tidak langsung), % of spending budget",
                      tag_rule, 30),
            Criterion("spending_support", "Support (penunjang), % of spending budget",
                      tag_rule, 20),
        ),
    )
    compliance = Criterion(
        "compliance", "Compliance in using and verifying the extreme-poverty data", GROUP,
        compliance_weight, children=(
            Criterion("decree", "Decree (SK) on the target data issued", ON_TIME, 35),
            Criterion("verified_data", "Annex of verified and validated data", ON_TIME, 35),
            Criterion("report_q1", "Q1 report submitted", ON_TIME, 15),
            Criterion("report_q2", "Q2 report submitted", ON_TIME, 15),
        ),
    )
    criteria = [spending, compliance]
    if performance_weight:
        criteria.append(Criterion(
            "poverty_performance", "Regional poverty-reduction performance (0–100, given)",
            VALUE, performance_weight,
        ))
    return Scorecard(
        "pmk-97-2023", "Fiscal incentive: extreme-poverty elimination (PMK 97/2023)",
        tuple(criteria),
    )


def local_agency_scorecard(*, quarters: int = 4) -> Scorecard:
    """Default scorecard of the local agencies (perangkat daerah) within a region.

    A starting point the TKPK secretariat is expected to change (with ``reweight`` or its
    own ``Scorecard``), not a regulation:

    * output achievement of the action plan, K (achievement, capped at 100) 30 %;
    * budget realisation, Rp (realised / budget, capped at 100) 20 %;
    * quarterly reports on time (``report_q1`` … ``report_qN``, equal weights) 20 %;
    * share of beneficiaries in the target group (in target / all beneficiaries) 15 %;
    * share of beneficiaries in desil 1–2 (in desil 1–2 / all beneficiaries) 15 %.

    The caps keep over-achievement on one criterion from making up for another. Pass
    ``quarters`` < 4 during the year so reports not yet due do not count as late.

    >>> card = local_agency_scorecard(quarters=2)
    >>> [c.key for c in card.criteria], [c.weight for c in card.criteria]
    (['output', 'budget', 'reports', 'target_group', 'desil_1_2'], [30.0, 20.0, 20.0, 15.0, 15.0])
    >>> list(card.leaves())[2:4]
    ['report_q1', 'report_q2']
    """
    if isinstance(quarters, bool) or quarters not in (1, 2, 3, 4):
        raise ValueError(f"quarters must be 1 to 4, got {quarters!r}")
    reports = tuple(
        Criterion(f"report_q{q}", f"Q{q} report on time", ON_TIME, 1)
        for q in range(1, quarters + 1)
    )
    return Scorecard("local-agency", "Local agency scorecard", (
        Criterion("output", "Output achievement of the action plan (K)", ACHIEVEMENT, 30,
                  polarity=HIGHER, cap=100),
        Criterion("budget", "Budget realisation (Rp)", RATIO, 20, cap=100),
        Criterion("reports", "Quarterly reports on time", GROUP, 20, children=reports),
        Criterion("target_group", "Beneficiaries in the target group (share)", RATIO, 15),
        Criterion("desil_1_2", "Beneficiaries in desil 1–2 (share)", RATIO, 15),
    ))


__all__ = [
    "ACHIEVEMENT", "GROUP", "MINMAX", "ON_TIME", "RATIO", "TO_BEST", "VALUE",
    "Criterion", "CriterionScore", "PeerScore", "Scorecard",
    "achievement", "awards", "competition_ranks", "local_agency_scorecard", "minmax",
    "on_time", "pmk_97_2023", "ratio", "reweight", "score_peers", "to_best",
]
