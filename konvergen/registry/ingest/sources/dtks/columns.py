"""DTKS / PBDT exports (Kemensos). DTSEN exports have their own adapter (``sources/dtsen``).

The household file carries housing detail (floor area, electricity power, toilet type); the
individual file carries disability, chronic illness, school participation and health cover.
"""

from konvergen.registry.ingest.schema import FAMILIES, MEMBERS

_FAMILY_ID = [
    "IDBDT", "ID BDT", "ID DTKS", "IDDTKS", "ID Keluarga", "ID Rumah Tangga", "ID Ruta",
]

COLUMNS: dict[str, dict[str, list[str]]] = {
    FAMILIES: {
        "family_id": _FAMILY_ID,
        "kk_number": ["Nomor KK", "No KK", "NOKK", "Nomor Kartu Keluarga"],
        "region_code": [
            "Kode Wilayah", "Kode Desa", "KDDESA", "Kode Kemdagri", "Kode Kemendagri",
            "Kode Wilayah Kemendagri",
        ],
        "address": ["Alamat", "Alamat Rumah Tangga", "Alamat Lengkap"],
        "head_name": ["Nama KRT", "Nama Kepala Rumah Tangga", "Nama Kepala Keluarga"],
        "head_nik": ["NIK KRT", "NIK Kepala Rumah Tangga", "NIK Kepala Keluarga", "NIK"],
        "desil": [
            "Desil", "Desil Kesejahteraan", "Peringkat Kesejahteraan", "Status Kesejahteraan",
            "Desil Nasional",
        ],
        "latitude": ["Latitude", "Lintang"],
        "longitude": ["Longitude", "Bujur"],
        "house_ownership": [
            "Status Penguasaan Bangunan", "Status Bangunan", "Status Kepemilikan Bangunan",
            "Kepemilikan Rumah",
        ],
        "roof_type": ["Atap", "Jenis Atap", "Atap Terluas", "Jenis Atap Terluas"],
        "wall_type": ["Dinding", "Jenis Dinding", "Dinding Terluas", "Jenis Dinding Terluas"],
        "floor_type": ["Lantai", "Jenis Lantai", "Lantai Terluas", "Jenis Lantai Terluas"],
        "lighting_source": ["Sumber Penerangan", "Sumber Penerangan Utama", "Penerangan"],
        "cooking_fuel": ["Bahan Bakar Memasak", "Energi Memasak", "Bahan Bakar"],
        "water_source": ["Sumber Air Minum", "Air Minum"],
        "toilet_facility": ["Fasilitas BAB", "Fasilitas Buang Air Besar", "Fasbab"],
        "toilet_type": ["Jenis Kloset", "Kloset"],
        "floor_area_m2": ["Luas Lantai", "Luas Lantai (m2)", "Luas Lantai m2", "LUASLANTAI"],
        "electricity_power": ["Daya Listrik", "Daya Terpasang", "Daya Listrik Terpasang"],
        "has_savings": ["Memiliki Tabungan", "Aset Tabungan", "Memiliki Simpanan"],
        "receives_bpnt": ["Penerima BPNT", "BPNT"],
        "receives_bpum": ["Penerima BPUM", "BPUM"],
        "receives_bst": ["Penerima BST", "BST"],
        "receives_pkh": ["Penerima PKH", "PKH"],
        "receives_sembako": ["Penerima Sembako", "Sembako"],
        "member_count": ["Jumlah ART", "Jumlah Anggota Rumah Tangga", "Jumlah Anggota Keluarga"],
        "per_capita_expenditure": [
            "Pengeluaran per Kapita", "Pengeluaran Perkapita",
            "Rata-rata Pengeluaran per Kapita", "Pengeluaran per Kapita per Bulan",
        ],
    },
    MEMBERS: {
        "family_id": _FAMILY_ID,
        "person_id": ["ID Individu", "ID ART", "IDARTBDT", "ID ART BDT", "ID Anggota"],
        "name": ["Nama", "Nama ART", "Nama Lengkap"],
        "nik": ["NIK", "No NIK", "Nomor NIK"],
        "dukcapil_verified": ["Padan Dukcapil", "Status Padan", "Padan"],
        "sex": ["Jenis Kelamin", "JNSKEL", "JK"],
        "relation": [
            "Hubungan dengan KRT", "Hubungan dengan Kepala Rumah Tangga",
            "Hubungan dengan Kepala Keluarga", "Hub KRT", "Hubungan Keluarga",
        ],
        "birth_place": ["Tempat Lahir"],
        "birth_date": ["Tanggal Lahir", "Tgl Lahir", "TGL_LAHIR"],
        "marital_status": ["Status Perkawinan", "Status Kawin"],
        "occupation": ["Pekerjaan", "Lapangan Usaha", "Jenis Pekerjaan", "Status Pekerjaan"],
        "education": ["Pendidikan Tertinggi", "Ijazah Tertinggi", "Pendidikan"],
        "disability": [
            "Status Disabilitas", "Jenis Disabilitas", "Penyandang Disabilitas", "Jenis Cacat",
        ],
        "chronic_illness": ["Penyakit Kronis", "Penyakit Kronis/Menahun", "Penyakit Menahun"],
        "school_participation": ["Partisipasi Sekolah", "Status Partisipasi Sekolah"],
        "health_insurance": [
            "Jaminan Kesehatan", "Kepemilikan Jaminan Kesehatan", "Jamkes",
        ],
    },
}

_REGION_NAMES = [
    "Provinsi", "Kabupaten/Kota", "Kecamatan", "Desa/Kelurahan", "Nama Provinsi",
    "Nama Kabupaten", "Nama Kecamatan", "Nama Desa", "KDPROP", "KDKAB", "KDKEC", "No",
]
IGNORED: dict[str, list[str]] = {
    FAMILIES: _REGION_NAMES,
    MEMBERS: [*_REGION_NAMES, "Umur", "Usia", "Nomor KK", "No KK"],
}
IGNORED_PREFIXES: tuple[str, ...] = ()
