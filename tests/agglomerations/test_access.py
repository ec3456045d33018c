"""Who may define and read agglomerations, told as stories: BP Taskin's coordinator of two
provinces, a national coordinator of the whole country, the secretariat of a province, of
a member and of a kab/kota outside the cluster (the national scope itself:
``tests/accounts/test_national_scope.py``)."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from konvergen.accounts import access
from konvergen.agglomerations import selectors, services
from konvergen.agglomerations.models import Agglomeration
from konvergen.agglomerations.services import MemberSpec
from konvergen.audit.models import AuditEntry
from tests.agglomerations.conftest import SEED_NAME, make_user, seed_members


def _seed(user):
    return services.agglomeration_create(
        data={"name": SEED_NAME, "mou_number": "MoU 01/BPTASKIN/2026"}, members=seed_members(),
        acting_user=user)


def _codes(error: ValidationError) -> set:
    return {e.code for e in error.error_list}


# --- defining an agglomeration ---------------------------------------------------------


def test_bp_taskin_defines_the_seed_cluster_across_two_provinces(taskin):
    agglomeration = _seed(taskin)
    members = {m.region_id: (m.leading_sector, m.supporting_sectors)
               for m in agglomeration.members.all()}
    assert members == {"32.12": ("food", []), "32.09": ("food", []), "33.29": ("food", []),
                       "32.08": ("energy", ["employment", "umkm"]), "32.74": ("digital", [])}
    # Members in two provinces: national coordination.
    assert agglomeration.owner_scope == ""
    entry = AuditEntry.objects.get(action="agglomerations.create")
    assert entry.actor == taskin and entry.object_id == str(agglomeration.pk)
    assert entry.changes["members"]["33.29"] == ["food", []]
    assert entry.changes["mou_number"] == "MoU 01/BPTASKIN/2026"


def test_a_coordinator_of_one_province_cannot_reach_into_the_other(personas, jateng,
                                                                   tkpk_jabar):
    for user in (personas.national, tkpk_jabar):  # both hold Jawa Barat only
        with pytest.raises(ValidationError) as refused:
            _seed(user)
        assert _codes(refused.value) == {services.ERR_NOT_YOURS}
    assert not Agglomeration.objects.exists()
    # Inside Jawa Barat both may: the province coordinates it.
    ciayumajakuning = services.agglomeration_create(
        data={"name": "Ciayumajakuning"}, acting_user=tkpk_jabar,
        members=[MemberSpec("32.09", "food"), MemberSpec("32.08", "energy")])
    assert ciayumajakuning.owner_scope == "32"


def test_a_national_coordinator_of_the_whole_country_may_define_it(taskin_country, jateng):
    assert _seed(taskin_country).members.count() == 5


def test_a_kabupaten_secretariat_and_other_roles_define_no_cluster(personas):
    members = [MemberSpec("32.04", "food"), MemberSpec("32.09", "food")]
    for user in (personas.tkpk_bandung, personas.viewer, personas.tkpk_chair,
                 personas.dinsos_officer, personas.outsider):
        assert access.agglomeration_manage_scopes(user) == []
        with pytest.raises(ValidationError):
            services.agglomeration_create(data={"name": "x"}, members=members,
                                          acting_user=user)


def test_members_are_checked(personas):
    admin = personas.admin

    def create(*members):
        with pytest.raises(ValidationError) as refused:
            services.agglomeration_create(data={"name": "x"}, members=members,
                                          acting_user=admin)
        return _codes(refused.value)

    assert create(MemberSpec("32.04", "food")) == {services.ERR_FEW_MEMBERS}
    assert create(MemberSpec("32.04", "food"), MemberSpec("32.04", "energy")) == {
        services.ERR_MEMBER_TWICE}
    assert create(MemberSpec("32.04", "food"), MemberSpec("32", "food")) == {
        services.ERR_MEMBER_LEVEL}  # a province is no member
    assert create(MemberSpec("32.04", "food"), MemberSpec("32.04.05", "food")) == {
        services.ERR_MEMBER_LEVEL}  # nor a kecamatan
    assert create(MemberSpec("32.04", "food"), MemberSpec("32.09", "tourism")) == {
        services.ERR_SECTOR}
    assert create(MemberSpec("32.04", "food"), MemberSpec("32.09", "food", ("mining",))) == {
        services.ERR_SECTOR}
    with pytest.raises(ValidationError):
        services.agglomeration_create(data={"name": " "}, acting_user=admin, members=[
            MemberSpec("32.04", "food"), MemberSpec("32.09", "food")])
    # Supporting sectors: once each, in the sectors' order, never the leading one.
    made = services.agglomeration_create(data={"name": "x"}, acting_user=admin, members=[
        MemberSpec("32.04", "food", ("umkm", "food", "wash", "umkm")), MemberSpec("32.09", "food")])
    assert made.members.get(region_id="32.04").supporting_sectors == ["wash", "umkm"]


def test_changing_members_and_sectors_is_audited(taskin):
    agglomeration = _seed(taskin)
    members = [m for m in seed_members() if m.region_code != "32.74"]
    members[0] = MemberSpec("32.12", "food", ("umkm",))
    services.agglomeration_update(
        agglomeration=agglomeration, members=members, acting_user=taskin,
        data={"name": SEED_NAME, "mou_number": "MoU 02/BPTASKIN/2026", "parties": "BP Taskin"})
    agglomeration.refresh_from_db()
    assert agglomeration.mou_number == "MoU 02/BPTASKIN/2026"
    assert sorted(agglomeration.members.values_list("region_id", flat=True)) == [
        "32.08", "32.09", "32.12", "33.29"]
    assert agglomeration.members.get(region_id="32.12").supporting_sectors == ["umkm"]
    entry = AuditEntry.objects.get(action="agglomerations.update")
    assert entry.changes["mou_number"] == ["MoU 01/BPTASKIN/2026", "MoU 02/BPTASKIN/2026"]
    assert entry.changes["members"] == {
        "added": [], "removed": ["32.74"],
        "changed": {"32.12": [["food", []], ["food", ["umkm"]]]}}
    # Saving the same again writes no audit row.
    services.agglomeration_update(
        agglomeration=agglomeration, members=members, acting_user=taskin,
        data={"name": SEED_NAME, "mou_number": "MoU 02/BPTASKIN/2026", "parties": "BP Taskin"})
    assert AuditEntry.objects.filter(action="agglomerations.update").count() == 1


def test_a_province_coordinator_cannot_change_a_cluster_reaching_beyond_it(taskin,
                                                                           tkpk_jabar):
    agglomeration = _seed(taskin)
    jabar_only = [m for m in seed_members() if m.region_code != "33.29"]
    with pytest.raises(ValidationError) as refused:  # it would drop Brebes, not its own
        services.agglomeration_update(agglomeration=agglomeration, members=jabar_only,
                                      data={"name": SEED_NAME}, acting_user=tkpk_jabar)
    assert _codes(refused.value) == {services.ERR_NOT_YOURS}
    with pytest.raises(Http404):
        selectors.agglomeration_for(tkpk_jabar, agglomeration.pk, manage=True)
    # … but reads it: its province holds members.
    assert selectors.agglomeration_for(tkpk_jabar, agglomeration.pk) == agglomeration


# --- reading ---------------------------------------------------------------------------


def test_who_reads_the_seed_cluster(personas, taskin, taskin_country):
    agglomeration = _seed(taskin)
    brebes_viewer = make_user("bupati_brebes", "viewer", "33.29")
    brebes_tkpk = make_user("tkpk_brebes", "tkpk", "33.29")
    readers = [taskin, taskin_country, personas.admin, personas.tkpk_cirebon,  # a member
               personas.national,  # Jawa Barat: it holds members
               brebes_viewer, brebes_tkpk]
    for user in readers:
        assert selectors.agglomeration_for(user, agglomeration.pk) == agglomeration
    # Bandung is no member; agencies, partners and villages have no such pages.
    for user in (personas.tkpk_bandung, personas.viewer, personas.tkpk_chair,
                 personas.dinsos_officer, personas.csr_partner, personas.village_operator,
                 personas.outsider):
        with pytest.raises(Http404):
            selectors.agglomeration_for(user, agglomeration.pk)
    # Only those who coordinate every member may change it.
    for user in (taskin, taskin_country, personas.admin):
        selectors.agglomeration_for(user, agglomeration.pk, manage=True)
    for user in (personas.national, brebes_tkpk, personas.tkpk_cirebon):
        with pytest.raises(Http404):
            selectors.agglomeration_for(user, agglomeration.pk, manage=True)
    with pytest.raises(Http404):
        selectors.agglomeration_for(taskin, agglomeration.pk + 1)


def test_the_list_holds_the_clusters_with_a_member_in_scope(personas, taskin, tkpk_jabar):
    from konvergen.agglomerations.selectors import agglomerations_for

    seed = _seed(taskin)
    bandung = services.agglomeration_create(
        data={"name": "Bandung Raya"}, acting_user=tkpk_jabar,
        members=[MemberSpec("32.04", "umkm"), MemberSpec("32.73", "digital")])
    assert agglomerations_for(personas.tkpk_bandung) == [bandung]
    assert agglomerations_for(personas.tkpk_cirebon) == [seed]
    assert {a.pk for a in agglomerations_for(taskin)} == {seed.pk, bandung.pk}
    assert agglomerations_for(personas.dinsos_officer) == []
