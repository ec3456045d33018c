"""The change stamp of a region moves with every change and not with a read."""

from konvergen.audit.selectors import change_stamp
from konvergen.audit.services import audit_record


def test_reads_do_not_move_the_change_stamp(personas):
    user = personas.tkpk_bandung  # made (and its role grant audited) before the first stamp
    before = change_stamp("32.04")
    audit_record(actor=user, action="x.export", region_code="32.04",
                 read=True)
    assert change_stamp("32.04") == before
    audit_record(actor=user, action="x.change", region_code="32.04")
    changed = change_stamp("32.04")
    assert changed != before
    audit_record(actor=user, action="x.export", region_code="32.04",
                 read=True)
    assert change_stamp("32.04") == changed


def test_views_exports_and_downloads_are_reads_by_their_name():
    from konvergen.audit.services import is_read_action

    assert all(is_read_action(a) for a in (
        "personal_data.family_view", "plans.export_e81", "verification.export",
        "meetings.minutes_download", "scorecards.export_custom"))
    assert not any(is_read_action(a) for a in (
        "plans.item_save", "linkage.review_undo", "portal.publication_set", "api.call"))
