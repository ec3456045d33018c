"""DTSEN export headers: a family file keyed by ``ID DTSEN`` and a member file.

DTSEN (Data Tunggal Sosial dan Ekonomi Nasional) is the single register BPS has built since
Inpres No. 4/2025 from DTKS (Kemensos), P3KE (Kemenko PMK) and Regsosek 2022-2023 (BPS),
matched to Dukcapil's civil registry and ranked into national welfare deciles 1-10 by a
proxy-means test on 39 variables (BPS press statements, February 2025 and February 2026).
Regions receive it as two by-name-by-address tables, one row per family and one per person.

BPS publishes no export specification, so this layout is partly an assumption to revisit
when a real export is seen (a user mapping covers any difference meanwhile). The housing
headers follow the Regsosek 2022 family questionnaire wording (BPS: "jenis lantai terluas",
"sumber air minum utama", "bahan bakar utama untuk memasak", "status hubungan dengan kepala
keluarga"); the IDs ``ID DTSEN`` (family) and ``ID Individu DTSEN`` (person) and the decile
``Desil Nasional`` are Konvergen's names for what DTSEN adds; the P3KE / DTKS spellings that
carried over are accepted too. Synonyms are listed
best first; matching ignores case, spaces and punctuation. The family and person ID headers
are DTSEN's own and decide detection: P3KE and DTKS exports never carry them.
"""

from konvergen.registry.ingest.schema import FAMILIES, MEMBERS

_FAMILY_ID = ["ID DTSEN", "ID Keluarga DTSEN", "IDDTSEN", "ID KK DTSEN"]
_REGION = [
    "Kode Wilayah", "Kode Desa", "Kode Desa/Kelurahan", "Kode Kemendagri", "Kode Kemdagri",
    "Kode Wilayah Kemendagri", "KDDESA",
]

COLUMNS: dict[str, dict[str, list[str]]] = {
    FAMILIES: {
        "family_id": _FAMILY_ID,
        "kk_number": ["No KK", "Nomor KK", "NOKK", "Nomor Kartu Keluarga"],
        "region_code": _REGION,
        "address": ["Alamat", "Alamat Domisili", "Alamat Lengkap"],
        "head_name": ["Nama Kepala Keluarga", "Kepala Keluarga", "Nama KK"],
        "head_nik": ["NIK Kepala Keluarga", "NIK KK", "NIK"],
        "desil": ["Desil Nasional", "Desil", "Desil Kesejahteraan", "Peringkat Desil"],
        "latitude": ["Latitude", "Lintang"],
        "longitude": ["Longitude", "Bujur"],
        "house_ownership": [
            "Status Kepemilikan Bangunan", "Status Kepemilikan Rumah", "Kepemilikan Rumah",
            "Status Kepemilikan Bangunan Tempat Tinggal",
        ],
        "roof_type": ["Jenis Atap Terluas", "Jenis Atap", "Atap Terluas"],
        "wall_type": ["Jenis Dinding Terluas", "Jenis Dinding", "Dinding Terluas"],
        "floor_type": ["Jenis Lantai Terluas", "Jenis Lantai", "Lantai Terluas"],
        "lighting_source": ["Sumber Penerangan Utama", "Sumber Penerangan"],
        "cooking_fuel": [
            "Bahan Bakar Utama Memasak", "Bahan Bakar Utama untuk Memasak",
            "Bahan Bakar Memasak",
        ],
        "water_source": ["Sumber Air Minum Utama", "Sumber Air Minum"],
        "toilet_facility": [
            "Fasilitas Buang Air Besar", "Kepemilikan Fasilitas Buang Air Besar",
            "Fasilitas BAB",
        ],
        "toilet_type": ["Jenis Kloset", "Kloset"],
        "floor_area_m2": ["Luas Lantai (m2)", "Luas Lantai", "Luas Lantai Bangunan"],
        "electricity_power": ["Daya Listrik Terpasang", "Daya Listrik", "Daya Terpasang"],
        "has_savings": ["Memiliki Tabungan", "Memiliki Simpanan", "Aset Tabungan"],
        "receives_bpnt": ["Penerima BPNT", "Penerima Sembako/BPNT"],
        "receives_bpum": ["Penerima BPUM"],
        "receives_bst": ["Penerima BST", "Penerima BLT"],
        "receives_pkh": ["Penerima PKH"],
        "receives_sembako": ["Penerima Sembako", "Penerima Kartu Sembako"],
        "stunting_risk": ["Risiko Stunting", "Resiko Stunting"],
        "member_count": ["Jumlah Anggota Keluarga", "Jumlah ART", "Jumlah Anggota"],
        "per_capita_expenditure": ["Pengeluaran per Kapita", "Pengeluaran Perkapita"],
    },
    MEMBERS: {
        "family_id": _FAMILY_ID,
        "person_id": [
            "ID Individu DTSEN", "ID Anggota Keluarga DTSEN", "ID ART DTSEN", "ID Individu",
        ],
        "name": ["Nama", "Nama Lengkap", "Nama Anggota Keluarga"],
        "nik": ["NIK", "Nomor Induk Kependudukan", "No NIK"],
        "dukcapil_verified": ["Status Padan Dukcapil", "Padan Dukcapil", "Padan"],
        "sex": ["Jenis Kelamin", "JK"],
        "relation": [
            "Hubungan dengan Kepala Keluarga", "Status Hubungan dengan Kepala Keluarga",
            "Hubungan Keluarga",
        ],
        "birth_place": ["Tempat Lahir"],
        "birth_date": ["Tanggal Lahir", "Tgl Lahir"],
        "marital_status": ["Status Perkawinan", "Status Kawin"],
        "occupation": ["Pekerjaan Utama", "Pekerjaan", "Lapangan Usaha"],
        "education": [
            "Pendidikan Tertinggi", "Ijazah Tertinggi", "Jenjang Pendidikan Tertinggi",
            "Pendidikan",
        ],
        "disability": ["Disabilitas", "Jenis Disabilitas", "Status Disabilitas"],
        "chronic_illness": ["Penyakit Kronis", "Penyakit Kronis/Menahun"],
        "school_participation": ["Partisipasi Sekolah", "Status Partisipasi Sekolah"],
        "health_insurance": [
            "Jaminan Kesehatan", "Kepemilikan Jaminan Kesehatan", "Jenis Jaminan Kesehatan",
        ],
    },
}

_REGION_NAMES = [
    "Provinsi", "Kabupaten/Kota", "Kecamatan", "Desa/Kelurahan", "Nama Provinsi",
    "Nama Kabupaten/Kota", "Nama Kecamatan", "Nama Desa/Kelurahan", "Kode Provinsi",
    "Kode Kabupaten/Kota", "Kode Kecamatan", "No", "Nomor Urut",
]
IGNORED: dict[str, list[str]] = {
    FAMILIES: [*_REGION_NAMES, "Peringkat Nasional", "Tanggal Pemutakhiran"],
    # The member file repeats the family's KK, address and decile.
    MEMBERS: [*_REGION_NAMES, "No KK", "Nomor KK", "Alamat", "Desil Nasional", "Umur", "Usia"],
}
IGNORED_PREFIXES: tuple[str, ...] = ("usia", "penerima")
