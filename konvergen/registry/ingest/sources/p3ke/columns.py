"""P3KE export headers (Kemenko PMK's Pensasaran Percepatan Penghapusan Kemiskinan Ekstrem).

Synonyms are listed best first; matching ignores case, spaces and punctuation.
"""

from konvergen.registry.ingest.schema import FAMILIES, MEMBERS
from konvergen.registry.ingest.sources.dtks import columns as dtks_columns

_REGION = [
    "Kode Kemdagri", "Kode Kemendagri", "Kode Wilayah", "Kode Desa", "KDDESA",
    "Kode Desa Kemendagri", "Kode Wilayah Kemendagri", "Kode Desa/Kelurahan",
]

COLUMNS: dict[str, dict[str, list[str]]] = {
    FAMILIES: {
        "family_id": ["ID Keluarga P3KE", "ID Keluarga", "ID KK P3KE", "IDKeluargaP3KE"],
        "kk_number": ["No KK", "Nomor KK", "NOKK", "Nomor Kartu Keluarga", "No Kartu Keluarga"],
        "region_code": _REGION,
        "address": ["Alamat", "Alamat Lengkap", "Alamat Domisili"],
        "head_name": ["Kepala Keluarga", "Nama Kepala Keluarga", "Nama KK"],
        "head_nik": ["NIK", "No NIK", "NIK Kepala Keluarga", "NIK KK"],
        "desil": ["Desil Kesejahteraan", "Desil", "Peringkat Kesejahteraan", "Desil Nasional"],
        "latitude": ["Latitude", "Lintang", "Lat"],
        "longitude": ["Longitude", "Bujur", "Long", "Lng"],
        "house_ownership": ["Kepemilikan Rumah", "Status Kepemilikan Rumah"],
        "roof_type": ["Jenis Atap", "Atap"],
        "wall_type": ["Jenis Dinding", "Dinding"],
        "floor_type": ["Jenis Lantai", "Lantai"],
        "lighting_source": ["Sumber Penerangan", "Sumber Penerangan Utama"],
        "cooking_fuel": ["Bahan Bakar Memasak", "Bahan Bakar Utama Memasak"],
        "water_source": ["Sumber Air Minum", "Sumber Air Minum Utama"],
        "toilet_facility": [
            "Memiliki Fasilitas Buang Air Besar", "Fasilitas Buang Air Besar", "Fasilitas BAB",
        ],
        "has_savings": [
            "Memiliki Simpanan Uang/Perhiasan/Ternak/Lainnya", "Memiliki Simpanan", "Simpanan",
        ],
        "receives_bpnt": ["Penerima BPNT"],
        "receives_bpum": ["Penerima BPUM"],
        "receives_bst": ["Penerima BST"],
        "receives_pkh": ["Penerima PKH"],
        "receives_sembako": ["Penerima SEMBAKO", "Penerima Kartu Sembako"],
        "stunting_risk": ["Resiko Stunting", "Risiko Stunting", "Keluarga Berisiko Stunting"],
        "member_count": ["Jumlah Anggota Keluarga", "Jumlah Anggota", "Jumlah ART"],
    },
    MEMBERS: {
        "family_id": ["ID Keluarga P3KE", "ID Keluarga", "ID KK P3KE"],
        "person_id": ["ID Individu", "ID Individu P3KE", "ID Anggota Keluarga", "ID ART"],
        "name": ["Nama", "Nama Lengkap", "Nama Anggota Keluarga", "Nama Individu"],
        "nik": ["NIK", "No NIK", "Nomor NIK", "NIK Anggota"],
        "dukcapil_verified": ["Padan Dukcapil", "Status Padan Dukcapil", "Padan"],
        "sex": ["Jenis Kelamin", "JK", "L/P"],
        "relation": [
            "Hubungan dengan Kepala Keluarga", "Hubungan Keluarga", "Hubungan dengan KK",
            "Status Hubungan Dalam Keluarga", "Hubungan",
        ],
        "birth_place": ["Tempat Lahir"],
        "birth_date": ["Tanggal Lahir", "Tgl Lahir", "Tgl. Lahir"],
        "marital_status": ["Status Kawin", "Status Perkawinan"],
        "occupation": ["Pekerjaan", "Jenis Pekerjaan", "Pekerjaan Utama"],
        "education": ["Pendidikan", "Pendidikan Terakhir", "Pendidikan Tertinggi"],
    },
}

_REGION_NAMES = [
    "Provinsi", "Kabupaten/Kota", "Kabupaten", "Kota", "Kecamatan", "Desa/Kelurahan", "Desa",
    "Kelurahan", "Nama Provinsi", "Nama Kabupaten", "Nama Kecamatan", "Nama Desa",
    "Kode Provinsi", "Kode Kabupaten", "Kode Kecamatan", "No", "Nomor Urut",
]
IGNORED: dict[str, list[str]] = {
    FAMILIES: _REGION_NAMES,
    MEMBERS: [*_REGION_NAMES, "Alamat", "No KK", "Desil Kesejahteraan", "Usia"],
}
# Member exports repeat the programme flags and add age-band flags ("Usia 0-6 Tahun").
IGNORED_PREFIXES = ("usia", "penerima", "bersekolah", "berisiko")

# Regional P3KE exports often carry DTKS detail columns (floor area, power, toilet type, and
# per person disability, chronic illness, schooling, health insurance): read them with the
# DTKS adapter's synonyms rather than leave them unknown.
_PLAIN = {"disability": ["Disabilitas"], "chronic_illness": ["Penyakit Kronis"]}
_DTKS_DETAIL = {
    FAMILIES: ("floor_area_m2", "electricity_power", "toilet_type"),
    MEMBERS: ("disability", "chronic_illness", "school_participation", "health_insurance"),
}
for _kind, _fields in _DTKS_DETAIL.items():
    for _field in _fields:
        COLUMNS[_kind].setdefault(_field, [*_PLAIN.get(_field, []),
                                           *dtks_columns.COLUMNS[_kind][_field]])
