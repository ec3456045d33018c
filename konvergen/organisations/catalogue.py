"""The standard agencies (OPD) of a kabupaten/kota, used to seed a region. Users edit them."""

from konvergen.organisations.models import OrganisationKind as K
from konvergen.organisations.models import Pentahelix as P

#: (short name, full name, kind, pentahelix)
STANDARD_AGENCIES = [
    (
        "Bappeda",
        "Badan Perencanaan Pembangunan Daerah (Sekretariat TKPK)",
        K.SECRETARIAT,
        P.GOVERNMENT,
    ),
    ("Dinsos", "Dinas Sosial", K.AGENCY, P.GOVERNMENT),
    ("Dinkes", "Dinas Kesehatan", K.AGENCY, P.GOVERNMENT),
    ("Disdik", "Dinas Pendidikan", K.AGENCY, P.GOVERNMENT),
    ("DPUPR", "Dinas Pekerjaan Umum dan Penataan Ruang", K.AGENCY, P.GOVERNMENT),
    ("Disperkim", "Dinas Perumahan dan Kawasan Permukiman", K.AGENCY, P.GOVERNMENT),
    ("Disnaker", "Dinas Tenaga Kerja", K.AGENCY, P.GOVERNMENT),
    ("Distan", "Dinas Pertanian", K.AGENCY, P.GOVERNMENT),
    ("DKUMPP", "Dinas Koperasi, UMKM, Perdagangan dan Perindustrian", K.AGENCY, P.GOVERNMENT),
    ("DPMD", "Dinas Pemberdayaan Masyarakat dan Desa", K.AGENCY, P.GOVERNMENT),
    ("Disdukcapil", "Dinas Kependudukan dan Pencatatan Sipil", K.AGENCY, P.GOVERNMENT),
    ("BPBD", "Badan Penanggulangan Bencana Daerah", K.AGENCY, P.GOVERNMENT),
]
