"""Probable duplicate persons inside the register: finding them, merging, splitting.

A merge never rewrites the register: it records that one person is the same as another
(:class:`~konvergen.linkage.models.PersonMerge`), so a split restores both exactly.
"""

import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from konvergen.audit.services import audit_record
from konvergen.linkage import register_source
from konvergen.linkage.engine.dedupe import dedupe_register
from konvergen.linkage.engine.model import LinkageModel
from konvergen.linkage.models import DuplicatePair, PersonMerge
from konvergen.linkage.services import current_model, thresholds_for

#: At most this many new pairs are stored per run (strongest first).
MAX_NEW_PAIRS = 5000


def duplicates_find(*, dataset, acting_user=None) -> int:
    """Score the register against itself and store pairs not seen before; return how many."""
    version = current_model(dataset, acting_user=acting_user)
    register = register_source.register_table(dataset)
    keys = dict(
        zip(
            register.column("person_id").to_pylist(),
            register.column("person_pk").to_pylist(),
            strict=True,
        )
    )
    pairs = dedupe_register(
        register.drop_columns(["person_pk", "family_pk"]),
        LinkageModel.from_dict(version.params),
        threshold=thresholds_for(dataset.region).review,
        neighbours=register_source.neighbours(dataset),
    )
    known = set(
        DuplicatePair.objects.filter(dataset=dataset).values_list("person_a_id", "person_b_id")
    )
    new = []
    for row in pairs.slice(0, MAX_NEW_PAIRS * 2).to_pylist():
        a, b = sorted((keys[row["person_id_l"]], keys[row["person_id_r"]]))
        if (a, b) in known:
            continue
        known.add((a, b))
        new.append(
            DuplicatePair(
                dataset=dataset,
                person_a_id=a,
                person_b_id=b,
                match_probability=row["match_probability"],
                kind=row.get("kind") or "",
                evidence=json.loads(json.dumps(row.get("evidence") or [], default=str)),
            )
        )
        if len(new) >= MAX_NEW_PAIRS:
            break
    with transaction.atomic():
        DuplicatePair.objects.bulk_create(new, batch_size=1000)
        audit_record(
            actor=acting_user,
            action="linkage.duplicates_find",
            obj=dataset,
            region_code=dataset.region_id,
            changes={
                "pairs_scored": pairs.num_rows,
                "new_pairs": len(new),
                "model": version.version,
            },
        )
    return len(new)


def _lock_open(pair: DuplicatePair) -> DuplicatePair:
    """The pair's row, locked until the caller's transaction ends, if it is still open.

    Two reviewers deciding the same pair at once: the second waits for the first's lock and
    then sees its decision, instead of both reading "open" before either writes.
    """
    locked = DuplicatePair.objects.select_for_update().get(pk=pair.pk)
    if locked.status != DuplicatePair.Status.OPEN:
        raise ValidationError(_("This pair has already been decided."))
    return locked


def _decide(pair: DuplicatePair, locked: DuplicatePair, status, acting_user) -> None:
    locked.status, locked.decided_by, locked.decided_at = status, acting_user, timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    # The caller's instance shows the decision too.
    pair.status, pair.decided_by, pair.decided_at = (
        locked.status,
        locked.decided_by,
        locked.decided_at,
    )


def pair_merge(*, pair: DuplicatePair, survivor_id: int, acting_user) -> PersonMerge:
    with transaction.atomic():
        locked = _lock_open(pair)
        if survivor_id not in (locked.person_a_id, locked.person_b_id):
            raise ValidationError(_("Keep one of the two persons of the pair."))
        merged_id = locked.person_b_id if survivor_id == locked.person_a_id else locked.person_a_id
        if PersonMerge.objects.filter(merged_id=merged_id, split_at__isnull=True).exists():
            raise ValidationError(_("That person is already merged into another."))
        merge = PersonMerge.objects.create(
            pair=locked, survivor_id=survivor_id, merged_id=merged_id, merged_by=acting_user
        )
        _decide(pair, locked, DuplicatePair.Status.MERGED, acting_user)
        audit_record(
            actor=acting_user,
            action="linkage.person_merge",
            obj=merge,
            region_code=pair.dataset.region_id,
            changes={
                "survivor": merge.survivor.source_id,
                "merged": merge.merged.source_id,
                "probability": locked.match_probability,
            },
        )
    return merge


def pair_mark_distinct(*, pair: DuplicatePair, acting_user) -> None:
    with transaction.atomic():
        locked = _lock_open(pair)
        _decide(pair, locked, DuplicatePair.Status.DISTINCT, acting_user)
        audit_record(
            actor=acting_user,
            action="linkage.pair_distinct",
            obj=locked,
            region_code=pair.dataset.region_id,
            changes={"a": pair.person_a.source_id, "b": pair.person_b.source_id},
        )


def pair_reopen(*, pair: DuplicatePair, acting_user) -> None:
    """Undo a decision on a pair: split a merge, or reopen a 'different persons' verdict."""
    with transaction.atomic():
        merge = pair.merges.filter(split_at__isnull=True).first()
        if merge is not None:
            merge.split_by, merge.split_at = acting_user, timezone.now()
            merge.save(update_fields=["split_by", "split_at"])
        elif pair.status == DuplicatePair.Status.OPEN:
            raise ValidationError(_("There is no decision to undo."))
        previous = pair.status
        pair.status, pair.decided_by, pair.decided_at = DuplicatePair.Status.OPEN, None, None
        pair.save(update_fields=["status", "decided_by", "decided_at"])
        audit_record(
            actor=acting_user,
            action="linkage.person_split" if merge else "linkage.pair_reopen",
            obj=pair,
            region_code=pair.dataset.region_id,
            changes={"previous": previous},
        )


def survivor_map(dataset) -> dict[int, int]:
    """``{merged person id: surviving person id}`` for the merges in force (chains resolved),
    so that counting by person counts a merged pair once."""
    edges = dict(
        PersonMerge.objects.filter(pair__dataset=dataset, split_at__isnull=True).values_list(
            "merged_id", "survivor_id"
        )
    )
    resolved = {}
    for merged in edges:
        target, seen = edges[merged], {merged}
        while target in edges and target not in seen:
            seen.add(target)
            target = edges[target]
        resolved[merged] = target
    return resolved
