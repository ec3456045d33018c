"""``konvergen demo-meetings --region 32.04 [--year 2026]``: the demo TKPK's meetings.

Records the year's meetings of the demo kab/kota's TKPK — coordination meetings (rakor),
a plenary meeting, a working-group meeting and an evaluation meeting — with their agenda,
decisions, attendance and the demo organisations present (made by ``demo-setup``), as the
secretariat account ``tkpk`` (else the administrator). Meetings whose date lies after today
are left out. Running it again leaves a region's year that has meetings alone.

The meetings illustrate; they are not records of real meetings.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from konvergen.accounts.models import User
from konvergen.meetings import services
from konvergen.meetings.models import Kind, Meeting
from konvergen.organisations.models import Organisation
from konvergen.regions.models import Level, Region

#: (month, day, kind, title, agenda, decisions, attendees, chaired by, organisations present)
DEMO = [
    (2, 12, Kind.PLENARY, "Rapat Pleno Penetapan Sasaran Penanggulangan Kemiskinan",
     "1. Penetapan data sasaran P3KE/DTSEN tahun berjalan\n2. Pembagian peran perangkat "
     "daerah dan mitra\n3. Jadwal pelaporan triwulan",
     "Data sasaran P3KE/DTSEN Januari ditetapkan sebagai acuan seluruh program\n"
     "Setiap perangkat daerah menyampaikan rencana aksi tahunan paling lambat akhir Februari\n"
     "Laporan triwulan disampaikan paling lambat tanggal 10 bulan berikutnya",
     42, "Sekretaris Daerah selaku Ketua TKPK",
     ["Dinsos", "Dinkes", "Disdik", "Disperkim", "DKUMPP", "DPMD", "Disdukcapil", "BAZNAS"]),
    (4, 22, Kind.COORDINATION, "Rapat Koordinasi Triwulan I",
     "1. Realisasi rencana aksi triwulan I\n2. Konvergensi program pada keluarga miskin "
     "ekstrem\n3. Tindak lanjut hasil musyawarah desa",
     "Dinas Perumahan mempercepat rehabilitasi rumah tidak layak huni bagi desil 1\n"
     "Dinas Sosial memadankan penerima bantuan permakanan dengan data sasaran\n"
     "Desa yang belum musyawarah desa dijadwalkan pada triwulan II",
     35, "Kepala Bappeda selaku Sekretaris TKPK",
     ["Dinsos", "Dinkes", "Disperkim", "DKUMPP", "DPMD", "BAZNAS", "CSR Mitra"]),
    (6, 5, Kind.TECHNICAL, "Rapat Teknis Kelompok Kerja Pendataan",
     "1. Hasil pemadanan data sasaran dengan Dukcapil\n2. Usulan desa yang menunggu "
     "validasi",
     "Disdukcapil memadankan NIK yang belum padan dalam dua minggu\n"
     "Dinas Sosial memvalidasi usulan desa sebelum rapat koordinasi triwulan II",
     14, "Kepala Bidang Sosial Budaya Bappeda",
     ["Dinsos", "Disdukcapil", "DPMD"]),
    (7, 24, Kind.COORDINATION, "Rapat Koordinasi Triwulan II",
     "1. Realisasi rencana aksi triwulan II\n2. Cakupan kebutuhan keluarga sasaran yang "
     "belum terjangkau",
     "Program jamban sehat mitra CSR diarahkan ke kecamatan dengan cakupan sanitasi terendah\n"
     "BAZNAS menambah sasaran zakat konsumtif bagi lansia miskin ekstrem",
     38, "Sekretaris Daerah selaku Ketua TKPK",
     ["Dinsos", "Dinkes", "Disdik", "Disperkim", "DKUMPP", "BAZNAS", "CSR Mitra"]),
    (10, 21, Kind.COORDINATION, "Rapat Koordinasi Triwulan III",
     "1. Realisasi rencana aksi triwulan III\n2. Persiapan rencana aksi tahun berikutnya",
     "Perangkat daerah dengan realisasi anggaran di bawah 50 persen menyampaikan rencana "
     "percepatan\nRancangan rencana aksi tahun berikutnya memakai daftar kerja kebutuhan "
     "yang belum terjangkau",
     36, "Kepala Bappeda selaku Sekretaris TKPK",
     ["Dinsos", "Dinkes", "Disdik", "Disperkim", "DKUMPP", "DPMD"]),
    (11, 25, Kind.EVALUATION, "Rapat Evaluasi Pelaksanaan Penanggulangan Kemiskinan",
     "1. Evaluasi capaian target kemiskinan dan kemiskinan ekstrem\n2. Kartu kinerja "
     "perangkat daerah dan mitra\n3. Bahan LP2KD",
     "Capaian dan kendala dirangkum sebagai bahan LP2KD\n"
     "Tiga perangkat daerah terbaik menurut kartu kinerja diusulkan menerima penghargaan",
     40, "Sekretaris Daerah selaku Ketua TKPK",
     ["Dinsos", "Dinkes", "Disdik", "Disperkim", "DKUMPP", "DPMD", "BAZNAS", "CSR Mitra"]),
]


class Command(BaseCommand):
    help = "Demo meetings of the TKPK / Rapat-rapat TKPK untuk demo"

    def add_arguments(self, parser):
        parser.add_argument("--region", default="32.04")
        parser.add_argument("--year", type=int, default=timezone.localdate().year)

    def handle(self, *args, region: str, year: int, **options):
        place = Region.objects.filter(code=region, level=Level.KABKOTA).first()
        if place is None:
            raise CommandError(f"Bukan kabupaten/kota / not a kab/kota: {region}")
        actor = (User.objects.filter(username="tkpk", is_active=True).first()
                 or User.objects.filter(is_superuser=True, is_active=True).order_by("pk")
                 .first())
        if actor is None:
            raise CommandError("Jalankan `konvergen demo-setup` dahulu / Run `konvergen "
                               "demo-setup` first (no account)")
        if Meeting.objects.filter(region=place, held_on__year=year).exists():
            self.stdout.write(f"{place.name} {year}: rapat sudah ada / meetings already there")
            return
        organisations = {o.short_name: o for o in Organisation.objects.filter(region=place)}
        today = timezone.localdate()
        made = 0
        with transaction.atomic():
            for (month, day, kind, title, agenda, decisions, attendees, chair,
                 present) in DEMO:
                held_on = dt.date(year, month, day)
                if held_on > today:
                    continue
                services.meeting_create(
                    region=place, acting_user=actor,
                    data={"held_on": held_on, "kind": kind, "title": title, "agenda": agenda,
                          "decisions": decisions, "attendees": attendees,
                          "chaired_by": chair},
                    organisations=[organisations[s] for s in present if s in organisations])
                made += 1
        self.stdout.write(f"{place.name} {year}: {made} rapat TKPK / TKPK meetings recorded")
