"""``konvergen demo-plans --region 32.04 [--year 2026]``: demo action plans.

Gives several demo organisations (made by ``demo-setup``) a plan with items, some linked to
the demo programmes of ``demo-programmes``, and a TW I report in a different sign-off state
each: approved, verified, submitted, returned with a comment, a draft. Sign-off steps are
taken as the demo's administrator (and the secretariat account ``tkpk`` when it exists).
Running it again leaves existing plans alone.

The nomenclature codes are of the Kepmendagri 050 shape; they illustrate, they are not an
official code list.
"""

from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from konvergen.accounts.models import User
from konvergen.organisations.models import Organisation
from konvergen.plans import services
from konvergen.plans.models import ActionPlan
from konvergen.programs.models import Programme
from konvergen.regions.models import Level, Region

PROGRAMME_SOSIAL = ("1.06.05", "Program Perlindungan dan Jaminan Sosial")
PROGRAMME_REHSOS = ("1.06.04", "Program Rehabilitasi Sosial")

#: organisation short name -> (the Q1 state to reach, the return comment, items). An item:
#: (sub-kegiatan code, kegiatan name, sub-kegiatan name, indicator, unit, K, Rp, strategy,
#:  sector, tag, funding, programme code to link or None, beneficiaries, Q1 share).
DEMO = {
    "Dinsos": ("approved", "", [
        ("1.06.05.2.01.0001", "Pengelolaan Data Fakir Miskin Cakupan Daerah",
         "Pendataan dan Pengelolaan Data Fakir Miskin", "Jumlah keluarga miskin yang "
         "diverifikasi dan divalidasi", "KK", 12_000, 350_000_000, "synergy", "other",
         "support", "apbd_regency", None, 12_000, Decimal("0.35")),
        ("1.06.04.2.01.0003", "Rehabilitasi Sosial Dasar di Luar Panti",
         "Pemberian Permakanan bagi Lansia Terlantar", "Jumlah lansia miskin ekstrem "
         "penerima permakanan", "orang", 600, 1_080_000_000, "burden", "food", "direct",
         "apbd_regency", None, 600, Decimal("0.25")),
    ]),
    "Dinkes": ("verified", "", [
        ("1.02.02.2.02.0003", "Penyediaan Layanan Kesehatan untuk UKM dan UKP Rujukan",
         "Pengelolaan Pelayanan Kesehatan Ibu Hamil", "Jumlah ibu hamil keluarga miskin "
         "ekstrem yang mendapat pelayanan sesuai standar", "orang", 900, 450_000_000,
         "burden", "health", "direct", "apbd_regency", None, 900, Decimal("0.22")),
    ]),
    "Disperkim": ("submitted", "", [
        ("1.04.02.2.01.0015", "Pendataan Penyediaan dan Rehabilitasi Rumah Korban Bencana",
         "Rehabilitasi Rumah Tidak Layak Huni", "Jumlah rumah tidak layak huni keluarga "
         "miskin ekstrem yang direhabilitasi", "unit", 250, 5_000_000_000, "pockets",
         "housing", "direct", "apbd_regency", None, 250, Decimal("0.10")),
    ]),
    "DKUMPP": ("returned", "Lampirkan daftar penerima (BNBA) dan bukti penyaluran.", [
        ("2.17.07.2.01.0001", "Pemberdayaan Usaha Mikro yang Dilakukan melalui Pendataan",
         "Bantuan Modal Usaha Mikro", "Jumlah pelaku usaha mikro keluarga miskin penerima "
         "bantuan modal", "orang", 500, 1_500_000_000, "umkm", "umkm", "direct",
         "apbd_regency", "modal-usaha", 500, Decimal("0.30")),
        ("2.17.07.2.01.0002", "Pemberdayaan Usaha Mikro yang Dilakukan melalui Pendataan",
         "Pelatihan Kewirausahaan Usaha Mikro", "Jumlah peserta pelatihan kewirausahaan",
         "orang", 200, 300_000_000, "income", "umkm", "indirect", "apbd_regency", None,
         200, Decimal("0.50")),
    ]),
    "BAZNAS": ("draft", "", [
        ("1.06.04.2.02.0001", "Rehabilitasi Sosial Dasar (mitra)",
         "Zakat Konsumtif dan Biaya Berobat", "Jumlah mustahik miskin ekstrem penerima "
         "zakat konsumtif", "orang", 800, 800_000_000, "burden", "health", "direct", "zis",
         "zakat-konsumtif", 800, Decimal("0.28")),
    ]),
    "CSR Mitra": (None, "", [
        ("1.04.02.2.02.0001", "Penyediaan Sanitasi (mitra)", "CSR Jamban Sehat",
         "Jumlah jamban sehat terbangun bagi keluarga miskin", "unit", 300, 500_000_000,
         "pockets", "wash", "direct", "csr", "csr-sanitasi", 300, Decimal("0")),
    ]),
}
#: Sign-off steps to reach each Q1 state (the report; the plan follows).
STEPS = {
    "submitted": ["submit"], "verified": ["submit", "verify"],
    "approved": ["submit", "verify", "approve"], "returned": ["submit", "return"],
    "draft": [],
}


def _split(total: int) -> list[Decimal]:
    """The annual target as four per-quarter targets (remainder in TW IV)."""
    quarter = Decimal(total) // 4
    return [quarter, quarter, quarter, Decimal(total) - 3 * quarter]


class Command(BaseCommand):
    help = "Demo action plans with items and a TW I report in several sign-off states."

    def add_arguments(self, parser):
        parser.add_argument("--region", default="32.04")
        parser.add_argument("--year", type=int, default=timezone.localdate().year)

    def handle(self, *args, region, year, **opts):
        kab = Region.objects.filter(code=region, level=Level.KABKOTA).first()
        if kab is None:
            raise CommandError(f"Wilayah {region} tidak ada / Region {region} not found")
        admin = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if admin is None:
            raise CommandError("Jalankan `konvergen demo-setup` dahulu / Run `konvergen "
                               "demo-setup` first (no administrator account)")
        tkpk = User.objects.filter(username="tkpk", is_active=True).first()
        desa = list(Region.objects.filter(code__startswith=kab.code + ".", level=Level.DESA,
                                          is_active=True).order_by("code")
                    .values_list("code", flat=True)[:6])
        for short, (state, note, lines) in DEMO.items():
            org = Organisation.objects.filter(region=kab, short_name=short).first()
            if org is None:
                self.stderr.write(f"  {short}: tidak ada / missing (run demo-setup); skipped")
                continue
            if ActionPlan.objects.filter(organisation=org, region=kab, year=year).exists():
                self.stdout.write(f"  {short}: sudah ada / already there")
                continue
            with transaction.atomic():
                plan = self._plan(kab, org, year, lines, desa, admin, tkpk, state, note)
            self.stdout.write(f"  {short}: {plan.items.count()} rincian / items, "
                              f"TW I {state or '-'}")

    def _plan(self, kab, org, year, lines, desa, admin, tkpk, state, note):
        plan = services.plan_create(organisation=org, region=kab, year=year,
                                    period_start=year - 1, period_end=year + 3,
                                    acting_user=admin)
        programmes = dict(Programme.objects.filter(organisation=org, region=kab)
                          .values_list("code", "pk"))
        realised = {}
        for n, (code, activity, sub, indicator, unit, k, rp, strategy, sector, tag, funding,
                link, beneficiaries, share) in enumerate(lines):
            programme = PROGRAMME_SOSIAL if code.startswith("1.06.05") else (
                PROGRAMME_REHSOS if code.startswith("1.06.04") else (
                    code[:7], {"1.02": "Program Pemenuhan Upaya Kesehatan Perorangan dan "
                                       "Upaya Kesehatan Masyarakat",
                               "1.04": "Program Pengembangan Perumahan",
                               "2.17": "Program Pemberdayaan Usaha Menengah, Usaha Kecil, "
                                       "dan Usaha Mikro (UMKM)"}[code[:4]]))
            qk, qrp = _split(k), _split(rp)
            item = services.item_save(plan=plan, acting_user=admin, values={
                "goal": "Menurunnya kemiskinan ekstrem", "programme_code": programme[0],
                "programme_name": programme[1], "activity_code": code[:12],
                "activity_name": activity, "sub_activity_code": code,
                "sub_activity_name": sub, "strategy": strategy, "sector": sector,
                "expenditure_tag": tag, "indicator": indicator, "unit": unit,
                "target_k": Decimal(k), "target_rp": Decimal(rp),
                **{f"q{q}_k": qk[q - 1] for q in range(1, 5)},
                **{f"q{q}_rp": qrp[q - 1] for q in range(1, 5)},
                "funding_source": funding, "locations": desa[n:n + 3],
                "beneficiaries": beneficiaries, "beneficiary_unit": "person"
                if unit == "orang" else "family",
                "programme": programmes.get(link) if link else None,
                "period_target_k": Decimal(k * 4), "period_target_rp": Decimal(rp * 4),
                "prior_k": Decimal(k * 8 // 10), "prior_rp": Decimal(rp * 7 // 10),
                "responsible_unit": f"Bidang {sector.title()}", "note": ""})
            realised[item.pk] = ((Decimal(k) * share).quantize(Decimal(1)),
                                 (Decimal(rp) * share).quantize(Decimal(1)))
        if state is None:
            return plan
        services.report_save(
            plan=plan, quarter=1, values=realised, acting_user=admin,
            drivers="Data sasaran P3KE/DTSEN sudah ditetapkan; koordinasi dengan desa baik.",
            obstacles="Pencairan anggaran TW I terlambat.",
            follow_up="Percepatan penyaluran pada TW II; pemutakhiran BNBA.")
        for action in STEPS[state]:
            user = tkpk if action in ("verify", "return") and tkpk else admin
            services.signoff(plan=plan, quarter=1, action=action, acting_user=user,
                             note=note if action == "return" else "")
        return plan
