"""Built-in BPS poverty figures used to calibrate synthetic regions. Plain Python, no Django.

Only kab/kota whose figures are cited here have built-in values; for any other region pass
``--p0`` and ``--poverty-line``. Each entry pairs a headcount rate P0 (percent of persons
below the line, March survey) with the poverty line (garis kemiskinan, Rp per capita per
month) **of the same year**, so the calibration compares like with like.

Sources (original publisher: Badan Pusat Statistik; copies as extracted in
``shared/data``, see each folder's PROVENANCE.md):

* ``_JABAR`` — Jawa Barat, 27 kab/kota, 2021.
  P0: BPS "Persentase Penduduk Miskin" by kab/kota, 2021 values, via the Kaggle dataset
  "Klasifikasi Tingkat Kemiskinan di Indonesia" as copied in
  github.com/Abesttar/KlasifikasiKemiskinanDiIndonesia @ b21412ab (folder
  ``bps-p0-kabkota-2021``; year checked against IDN Times' 2021 list for Jabar; the copy has no
  licence, the figures are BPS statistics).
  Poverty line: BPS Jawa Barat "Garis Kemiskinan Berdasarkan Kabupaten/Kota" (Open Data Jabar
  ``bps-od_20003``) via github.com/Vyuraii/analisis-garis-kemiskinan-jabar @ 46008921
  (folder ``gk-jabar``), year 2021.
* ``_JATENG`` — Jawa Tengah, 35 kab/kota, 2025.
  P0: BPS Provinsi Jawa Tengah tables via github.com/SYFDNNN/Kemiskinan-Jawa-Tengah-2020-2025
  @ f1b163d3 (MIT; folder ``bps-kemiskinan-jateng``), year 2025.
  Poverty line: BPS WebAPI variable 624 "Garis Kemiskinan Menurut Kabupaten/Kota", 2025, via
  github.com/Rasyidarfan/CekKemiskinanByPengeluaran @ de0b3454 (folder ``bps-gk-kabkota``).

>>> FIGURES["32.04"].p0_percent, FIGURES["32.04"].poverty_line
(7.15, 378819)
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class PovertyFigures:
    name: str
    year: int
    p0_percent: float
    poverty_line: int  # Rp per capita per month
    source: str


_JABAR = (
    "BPS: P0 kab/kota 2021 (Kaggle 'Klasifikasi Tingkat Kemiskinan di Indonesia'); "
    "garis kemiskinan 2021 (Open Data Jabar bps-od_20003)"
)
_JATENG = (
    "BPS: P0 kab/kota Jawa Tengah 2025 (BPS Provinsi Jawa Tengah); "
    "garis kemiskinan 2025 (BPS WebAPI var 624)"
)


def _f(name: str, year: int, p0: float, line: int, source: str) -> PovertyFigures:
    return PovertyFigures(name, year, p0, line, source)


FIGURES: dict[str, PovertyFigures] = {
    "32.01": _f("Kabupaten Bogor", 2021, 8.13, 418483, _JABAR),
    "32.02": _f("Kabupaten Sukabumi", 2021, 7.7, 342094, _JABAR),
    "32.03": _f("Kabupaten Cianjur", 2021, 11.18, 387631, _JABAR),
    "32.04": _f("Kabupaten Bandung", 2021, 7.15, 378819, _JABAR),
    "32.05": _f("Kabupaten Garut", 2021, 10.65, 320050, _JABAR),
    "32.06": _f("Kabupaten Tasikmalaya", 2021, 11.15, 333909, _JABAR),
    "32.07": _f("Kabupaten Ciamis", 2021, 7.97, 389676, _JABAR),
    "32.08": _f("Kabupaten Kuningan", 2021, 13.1, 358069, _JABAR),
    "32.09": _f("Kabupaten Cirebon", 2021, 12.3, 404635, _JABAR),
    "32.10": _f("Kabupaten Majalengka", 2021, 12.33, 466813, _JABAR),
    "32.11": _f("Kabupaten Sumedang", 2021, 10.71, 360054, _JABAR),
    "32.12": _f("Kabupaten Indramayu", 2021, 13.04, 481754, _JABAR),
    "32.13": _f("Kabupaten Subang", 2021, 10.03, 360691, _JABAR),
    "32.14": _f("Kabupaten Purwakarta", 2021, 8.83, 387754, _JABAR),
    "32.15": _f("Kabupaten Karawang", 2021, 8.95, 494201, _JABAR),
    "32.16": _f("Kabupaten Bekasi", 2021, 5.21, 549875, _JABAR),
    "32.17": _f("Kabupaten Bandung Barat", 2021, 11.3, 374470, _JABAR),
    "32.18": _f("Kabupaten Pangandaran", 2021, 9.65, 394101, _JABAR),
    "32.71": _f("Kota Bogor", 2021, 7.24, 571425, _JABAR),
    "32.72": _f("Kota Sukabumi", 2021, 8.25, 567734, _JABAR),
    "32.73": _f("Kota Bandung", 2021, 4.37, 515396, _JABAR),
    "32.74": _f("Kota Cirebon", 2021, 10.03, 467248, _JABAR),
    "32.75": _f("Kota Bekasi", 2021, 4.74, 692885, _JABAR),
    "32.76": _f("Kota Depok", 2021, 2.58, 705084, _JABAR),
    "32.77": _f("Kota Cimahi", 2021, 5.35, 522281, _JABAR),
    "32.78": _f("Kota Tasikmalaya", 2021, 13.13, 480341, _JABAR),
    "32.79": _f("Kota Banjar", 2021, 7.11, 357210, _JABAR),
    "33.01": _f("Kabupaten Cilacap", 2025, 9.41, 469174, _JATENG),
    "33.02": _f("Kabupaten Banyumas", 2025, 11.15, 529310, _JATENG),
    "33.03": _f("Kabupaten Purbalingga", 2025, 12.55, 491091, _JATENG),
    "33.04": _f("Kabupaten Banjarnegara", 2025, 13.28, 424316, _JATENG),
    "33.05": _f("Kabupaten Kebumen", 2025, 13.58, 502841, _JATENG),
    "33.06": _f("Kabupaten Purworejo", 2025, 10.06, 496812, _JATENG),
    "33.07": _f("Kabupaten Wonosobo", 2025, 13.34, 486105, _JATENG),
    "33.08": _f("Kabupaten Magelang", 2025, 9.9, 454591, _JATENG),
    "33.09": _f("Kabupaten Boyolali", 2025, 8.71, 464627, _JATENG),
    "33.10": _f("Kabupaten Klaten", 2025, 11.0, 533141, _JATENG),
    "33.11": _f("Kabupaten Sukoharjo", 2025, 6.83, 536779, _JATENG),
    "33.12": _f("Kabupaten Wonogiri", 2025, 9.59, 479566, _JATENG),
    "33.13": _f("Kabupaten Karanganyar", 2025, 8.48, 523407, _JATENG),
    "33.14": _f("Kabupaten Sragen", 2025, 11.22, 482828, _JATENG),
    "33.15": _f("Kabupaten Grobogan", 2025, 10.63, 526238, _JATENG),
    "33.16": _f("Kabupaten Blora", 2025, 10.58, 492105, _JATENG),
    "33.17": _f("Kabupaten Rembang", 2025, 13.01, 550265, _JATENG),
    "33.18": _f("Kabupaten Pati", 2025, 8.24, 598600, _JATENG),
    "33.19": _f("Kabupaten Kudus", 2025, 6.59, 576195, _JATENG),
    "33.20": _f("Kabupaten Jepara", 2025, 5.79, 535150, _JATENG),
    "33.21": _f("Kabupaten Demak", 2025, 10.87, 569035, _JATENG),
    "33.22": _f("Kabupaten Semarang", 2025, 6.3, 558501, _JATENG),
    "33.23": _f("Kabupaten Temanggung", 2025, 7.78, 443089, _JATENG),
    "33.24": _f("Kabupaten Kendal", 2025, 8.4, 521061, _JATENG),
    "33.25": _f("Kabupaten Batang", 2025, 7.79, 436936, _JATENG),
    "33.26": _f("Kabupaten Pekalongan", 2025, 8.05, 538371, _JATENG),
    "33.27": _f("Kabupaten Pemalang", 2025, 13.32, 530254, _JATENG),
    "33.28": _f("Kabupaten Tegal", 2025, 6.16, 516933, _JATENG),
    "33.29": _f("Kabupaten Brebes", 2025, 14.15, 563762, _JATENG),
    "33.71": _f("Kota Magelang", 2025, 5.68, 662129, _JATENG),
    "33.72": _f("Kota Surakarta", 2025, 7.69, 678315, _JATENG),
    "33.73": _f("Kota Salatiga", 2025, 4.2, 630119, _JATENG),
    "33.74": _f("Kota Semarang", 2025, 3.8, 709785, _JATENG),
    "33.75": _f("Kota Pekalongan", 2025, 6.14, 639402, _JATENG),
    "33.76": _f("Kota Tegal", 2025, 7.28, 702113, _JATENG),
}
