"""The standard indicator catalogue and the headers official tables use for each indicator.

Plain Python, no Django: ``services.indicator_catalogue_load`` writes these rows (again and
again, changing nothing that is already so), and ``official`` reads files with the
synonyms. Codes are stable identifiers; names are shown in the user's language; the
definitions are data for the region's users and are written in Indonesian.
"""

from dataclasses import dataclass, field

BPS, SECTOR, COMPUTED = "bps", "sector", "computed"


@dataclass(frozen=True)
class Entry:
    code: str
    name_id: str
    name_en: str
    unit: str
    polarity: str  # "higher" or "lower" is better
    source_kind: str
    decimals: int
    definition: str
    informational: bool = False
    external_code: str = ""
    #: Header spellings in official tables (compared case-, space- and punctuation-blind).
    synonyms: tuple[str, ...] = field(default_factory=tuple)
    #: Plausible range of a value; an imported value outside it is rejected.
    low: float | None = None
    high: float | None = None
    #: For computed indicators: which need (welfare indicator code) or measure it counts.
    measure: str = ""


CATALOGUE: tuple[Entry, ...] = (
    Entry("p0", "Persentase penduduk miskin (P0)", "Poverty headcount rate (P0)", "%",
          "lower", BPS, 2,
          "Persentase penduduk dengan rata-rata pengeluaran per kapita per bulan di bawah "
          "garis kemiskinan (BPS, Susenas; angka kab/kota keadaan Maret).",
          synonyms=("persentase_penduduk_miskin_p0", "p0_persen", "persentase_penduduk_miskin",
                    "persentase_penduduk_miskin_persen", "p0",
                    "persentase_penduduk_miskin_p0_menurut_kabupaten_kota_persen",
                    "persentase_penduduk_miskin_p0_persen", "tingkat_kemiskinan",
                    "angka_kemiskinan", "poverty_rate"),
          low=0, high=100),
    Entry("p1", "Indeks kedalaman kemiskinan (P1)", "Poverty gap index (P1)", "indeks",
          "lower", BPS, 2,
          "Rata-rata kesenjangan pengeluaran penduduk miskin terhadap garis kemiskinan (BPS).",
          synonyms=("indeks_kedalaman_kemiskinan_p1", "indeks_kedalaman_kemiskinan", "p1"),
          low=0, high=100),
    Entry("p2", "Indeks keparahan kemiskinan (P2)", "Poverty severity index (P2)", "indeks",
          "lower", BPS, 2,
          "Ketimpangan pengeluaran di antara penduduk miskin (kesenjangan kuadrat; BPS).",
          synonyms=("indeks_keparahan_kemiskinan_p2", "indeks_keparahan_kemiskinan", "p2"),
          low=0, high=100),
    Entry("poor_persons", "Jumlah penduduk miskin", "Number of poor persons", "ribu jiwa",
          "lower", BPS, 2,
          "Penduduk di bawah garis kemiskinan, dalam ribu jiwa (BPS).",
          synonyms=("jumlah_penduduk_miskin_ribu", "jumlah_penduduk_miskin_ribu_jiwa",
                    "jumlah_penduduk_miskin", "penduduk_miskin_ribu", "jumlah_penduduk_miskin_000"),
          low=0),
    Entry("poverty_line", "Garis kemiskinan", "Poverty line", "Rp/kapita/bulan",
          "higher", BPS, 0,
          "Pengeluaran per kapita per bulan untuk makanan setara 2.100 kkal dan kebutuhan "
          "dasar bukan makanan (BPS). Informatif: garis yang lebih tinggi bukan capaian.",
          informational=True,
          synonyms=("garis_kemiskinan_rp_kapita_bulan", "garis_kemiskinan",
                    "garis_kemiskinan_rupiah_kapita_bulan", "garis_kemiskinan_rp", "gk"),
          low=10_000),
    Entry("extreme_poverty", "Persentase penduduk miskin ekstrem",
          "Extreme poverty rate", "%", "lower", BPS, 2,
          "Persentase penduduk dengan pengeluaran di bawah USD 1,90 PPP (2011) per hari (BPS).",
          synonyms=("persentase_penduduk_miskin_ekstrem", "kemiskinan_ekstrem",
                    "kemiskinan_ekstrem_persen", "tingkat_kemiskinan_ekstrem", "p0_ekstrem",
                    "persentase_kemiskinan_ekstrem"),
          low=0, high=100),
    Entry("tpt", "Tingkat pengangguran terbuka (TPT)", "Open unemployment rate", "%",
          "lower", BPS, 2,
          "Persentase penganggur terhadap angkatan kerja (BPS, Sakernas Agustus).",
          synonyms=("tpt", "tpt_persen", "tingkat_pengangguran_terbuka",
                    "tingkat_pengangguran_terbuka_persen"),
          low=0, high=100),
    Entry("gini", "Rasio Gini", "Gini ratio", "rasio", "lower", BPS, 3,
          "Ketimpangan pengeluaran per kapita, 0 (merata) sampai 1 (BPS).",
          synonyms=("gini_ratio", "rasio_gini", "gini", "indeks_gini"), low=0, high=1),
    Entry("ipm", "Indeks Pembangunan Manusia (IPM)", "Human Development Index", "indeks",
          "higher", BPS, 2,
          "Gabungan umur panjang dan sehat, pengetahuan, dan standar hidup layak (BPS).",
          synonyms=("ipm", "indeks_pembangunan_manusia", "hdi"), low=0, high=100),
    # Computed by Konvergen from the target register (the region's latest snapshot).
    Entry("desil1_families", "Keluarga desil 1", "Families in welfare decile 1", "keluarga",
          "lower", COMPUTED, 0,
          "Keluarga dalam data sasaran (snapshot terakhir) dengan desil kesejahteraan 1.",
          measure="desil1"),
    Entry("rtlh_families", "Keluarga di rumah tidak layak huni (RTLH)",
          "Families in uninhabitable houses (RTLH)", "keluarga", "lower", COMPUTED, 0,
          "Keluarga dalam data sasaran dengan kebutuhan 'rumah tidak layak huni' menurut "
          "aturan kebutuhan wilayah.",
          measure="need:housing"),
    Entry("no_toilet_families", "Keluarga tanpa jamban sendiri/layak",
          "Families without their own toilet", "keluarga", "lower", COMPUTED, 0,
          "Keluarga dalam data sasaran dengan kebutuhan 'tidak punya jamban sendiri/layak' "
          "menurut aturan kebutuhan wilayah.",
          measure="need:sanitation"),
    Entry("out_of_school_children", "Anak usia sekolah tidak sekolah",
          "School-age children out of school", "anak", "lower", COMPUTED, 0,
          "Anggota keluarga usia sekolah (menurut aturan kebutuhan, bawaan 7–18 tahun) yang "
          "belum pernah atau tidak lagi bersekolah.",
          measure="out_of_school"),
)

BY_CODE = {e.code: e for e in CATALOGUE}
