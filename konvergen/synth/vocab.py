"""Column headers and value vocabularies of P3KE / DTKS exports. Plain Python, no Django.

The generator writes exactly these strings; the importer can use the same tuples as code lists
(match case- and space-insensitively). Values follow the wording of the P3KE (Kemenko PMK) and
DTKS/PBDT (Kemensos, BPS) questionnaires and Dukcapil's civil-registry code lists.
"""

# --- headers -------------------------------------------------------------------------------

FAMILY_COLUMNS_P3KE = (
    "ID Keluarga P3KE", "Provinsi", "Kabupaten/Kota", "Kecamatan", "Desa/Kelurahan",
    "Kode Kemdagri", "Alamat", "No KK", "Kepala Keluarga", "NIK", "Desil Kesejahteraan",
    "Kepemilikan Rumah", "Jenis Atap", "Jenis Dinding", "Jenis Lantai", "Sumber Penerangan",
    "Bahan Bakar Memasak", "Sumber Air Minum", "Memiliki Fasilitas Buang Air Besar",
    "Memiliki Simpanan Uang/Perhiasan/Ternak/Lainnya", "Penerima BPNT", "Penerima BPUM",
    "Penerima BST", "Penerima PKH", "Penerima SEMBAKO", "Resiko Stunting",
)
#: DTKS-style detail columns added by default (``--layout p3ke`` leaves them out).
FAMILY_COLUMNS_DTKS = (
    "Luas Lantai (m2)", "Daya Listrik", "Jenis Kloset", "Jumlah Anggota Keluarga",
)
MEMBER_COLUMNS_P3KE = (
    "ID Keluarga P3KE", "ID Individu", "Nama", "NIK", "Padan Dukcapil", "Jenis Kelamin",
    "Hubungan dengan Kepala Keluarga", "Tanggal Lahir", "Status Kawin", "Pekerjaan",
    "Pendidikan",
)
MEMBER_COLUMNS_DTKS = (
    "Tempat Lahir", "Disabilitas", "Penyakit Kronis", "Partisipasi Sekolah", "Jaminan Kesehatan",
)

# --- value vocabularies --------------------------------------------------------------------

YA_TIDAK = ("Ya", "Tidak")
JENIS_KELAMIN = ("Laki-laki", "Perempuan")

HUBUNGAN = (
    "Kepala Keluarga", "Istri/Suami", "Anak", "Menantu", "Cucu", "Orang Tua", "Mertua",
    "Famili Lain", "Lainnya",
)
STATUS_KAWIN = ("Belum Kawin", "Kawin", "Cerai Hidup", "Cerai Mati")

PENDIDIKAN = (
    "Tidak/Belum Sekolah", "Belum Tamat SD/Sederajat", "Tamat SD/Sederajat", "SLTP/Sederajat",
    "SLTA/Sederajat", "Diploma I/II", "Akademi/Diploma III/Sarjana Muda", "Diploma IV/Strata I",
    "Strata II", "Strata III",
)
PEKERJAAN = (
    "Belum/Tidak Bekerja", "Mengurus Rumah Tangga", "Pelajar/Mahasiswa", "Pensiunan",
    "Petani/Pekebun", "Buruh Tani/Perkebunan", "Peternak", "Nelayan/Perikanan",
    "Buruh Harian Lepas", "Tukang Bangunan", "Sopir", "Pedagang", "Wiraswasta",
    "Karyawan Swasta", "Pegawai Negeri Sipil (PNS)", "Guru", "Asisten Rumah Tangga", "Lainnya",
)
PARTISIPASI_SEKOLAH = ("Tidak/Belum Pernah Sekolah", "Masih Sekolah", "Tidak Bersekolah Lagi")
DISABILITAS = (
    "Tidak Ada", "Disabilitas Fisik", "Disabilitas Intelektual", "Disabilitas Mental",
    "Disabilitas Sensorik", "Disabilitas Ganda",
)
PENYAKIT_KRONIS = (
    "Tidak Ada", "Hipertensi", "Diabetes", "Rematik", "Asma", "Jantung", "TBC", "Stroke",
    "Kanker", "Gagal Ginjal", "Lainnya",
)
JAMINAN_KESEHATAN = (
    "PBI JKN", "JKN Mandiri", "JKN Pemberi Kerja", "Jamkesda", "Tidak Memiliki",
)

KEPEMILIKAN_RUMAH = ("Milik Sendiri", "Kontrak/Sewa", "Bebas Sewa", "Dinas", "Lainnya")
JENIS_ATAP = (
    "Beton", "Genteng", "Seng", "Asbes", "Kayu/Sirap", "Bambu",
    "Jerami/Ijuk/Daun-daunan/Rumbia", "Lainnya",
)
JENIS_DINDING = (
    "Tembok", "Plesteran Anyaman Bambu/Kawat", "Kayu/Papan", "Anyaman Bambu", "Batang Kayu",
    "Bambu", "Lainnya",
)
JENIS_LANTAI = (
    "Marmer/Granit", "Keramik", "Parket/Vinil/Permadani", "Ubin/Tegel/Teraso",
    "Kayu/Papan Kualitas Tinggi", "Semen/Bata Merah", "Bambu", "Kayu/Papan Kualitas Rendah",
    "Tanah", "Lainnya",
)
SUMBER_PENERANGAN = ("Listrik PLN", "Listrik Non PLN", "Bukan Listrik")
DAYA_LISTRIK = ("450 VA", "900 VA", "1.300 VA", "2.200 VA", "> 2.200 VA", "Tanpa Meteran", "-")
BAHAN_BAKAR_MEMASAK = (
    "Listrik", "Gas > 3 kg", "Gas 3 kg", "Gas Kota/Biogas", "Minyak Tanah", "Briket", "Arang",
    "Kayu Bakar", "Tidak Memasak",
)
SUMBER_AIR_MINUM = (
    "Air Kemasan Bermerk", "Air Isi Ulang", "Leding", "Sumur Bor/Pompa", "Sumur Terlindung",
    "Sumur Tak Terlindung", "Mata Air Terlindung", "Mata Air Tak Terlindung",
    "Air Permukaan (Sungai/Danau/Waduk/Kolam/Irigasi)", "Air Hujan", "Lainnya",
)
JENIS_KLOSET = (
    "Leher Angsa", "Plengsengan dengan Tutup", "Plengsengan Tanpa Tutup", "Cemplung/Cubluk",
    "Tidak Ada",
)

#: Status kemiskinan in the truth file (``hampir miskin``: between 1.0 and 1.2 times the line).
STATUS_KEMISKINAN = ("miskin", "hampir miskin", "tidak miskin")

BULAN = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
    "Oktober", "November", "Desember",
)
