"""The starter catalogue of national programmes a region can load and then edit.

Plain data. Needs are indicator codes of the default indicator set (``docs/needs.md``);
organisations are the ministries running them (created as vertical organisations of the
region when the catalogue is loaded).
"""

from typing import Any

#: (short name, full name) of the ministries behind the national programmes.
MINISTRIES = {
    "Kemensos": "Kementerian Sosial",
    "Kemenkes": "Kementerian Kesehatan / BPJS Kesehatan",
    "Kemendikdasmen": "Kementerian Pendidikan Dasar dan Menengah",
    "KemenPKP": "Kementerian Perumahan dan Kawasan Permukiman",
    "KemenKUMKM": "Kementerian UMKM / penyalur KUR",
    "KemenPU": "Kementerian Pekerjaan Umum",
    "KESDM": "Kementerian Energi dan Sumber Daya Mineral",
}

#: One dict per programme: the fields of ``Programme`` (organisation by ministry short name).
NATIONAL_PROGRAMMES: list[dict[str, Any]] = [
    {"code": "pkh", "name": "Program Keluarga Harapan (PKH)", "ministry": "Kemensos",
     "strategy": "burden", "stage": "charity", "sector": "health", "target_unit": "family",
     "needs": ["school_attendance", "health_insurance", "stunting"], "desil_min": 1,
     "desil_max": 4, "funding_source": "apbn"},
    {"code": "bpnt", "name": "Bantuan Pangan Non Tunai (BPNT) / Sembako", "ministry": "Kemensos",
     "strategy": "burden", "stage": "charity", "sector": "food", "target_unit": "family",
     "needs": ["stunting"], "desil_min": 1, "desil_max": 4, "funding_source": "apbn"},
    {"code": "pbi-jk", "name": "Penerima Bantuan Iuran Jaminan Kesehatan (PBI-JK)",
     "ministry": "Kemenkes", "strategy": "burden", "stage": "charity", "sector": "health",
     "target_unit": "person", "needs": ["health_insurance", "care"], "desil_min": 1,
     "desil_max": 5, "funding_source": "apbn"},
    {"code": "pip", "name": "Program Indonesia Pintar (PIP)", "ministry": "Kemendikdasmen",
     "strategy": "burden", "stage": "charity", "sector": "education", "target_unit": "person",
     "needs": ["school_attendance"], "desil_min": 1, "desil_max": 4, "funding_source": "apbn"},
    {"code": "rtlh", "name": "Bantuan Stimulan Perumahan Swadaya (RTLH)",
     "ministry": "KemenPKP", "strategy": "burden", "stage": "charity", "sector": "housing",
     "target_unit": "family", "needs": ["housing"], "desil_min": 1, "desil_max": 4,
     "funding_source": "apbn"},
    {"code": "pamsimas", "name": "Air minum dan sanitasi berbasis masyarakat (Pamsimas)",
     "ministry": "KemenPU", "strategy": "burden", "stage": "charity", "sector": "wash",
     "target_unit": "area", "needs": ["water", "sanitation"], "desil_min": None,
     "desil_max": None, "funding_source": "apbn"},
    {"code": "bpbl", "name": "Bantuan Pasang Baru Listrik (BPBL)", "ministry": "KESDM",
     "strategy": "burden", "stage": "charity", "sector": "energy", "target_unit": "family",
     "needs": ["electricity"], "desil_min": 1, "desil_max": 4, "funding_source": "apbn"},
    {"code": "pena", "name": "Pahlawan Ekonomi Nusantara (PENA)", "ministry": "Kemensos",
     "strategy": "income", "stage": "individual", "sector": "employment",
     "target_unit": "person", "needs": ["head_work", "savings"], "desil_min": 1,
     "desil_max": 4, "funding_source": "apbn"},
    {"code": "kube", "name": "Kelompok Usaha Bersama (KUBE)", "ministry": "Kemensos",
     "strategy": "umkm", "stage": "group", "sector": "umkm", "target_unit": "group",
     "needs": ["head_work", "savings"], "desil_min": 1, "desil_max": 4,
     "funding_source": "apbn"},
    {"code": "kur", "name": "Kredit Usaha Rakyat (KUR)", "ministry": "KemenKUMKM",
     "strategy": "umkm", "stage": "group", "sector": "umkm", "target_unit": "person",
     "needs": ["savings"], "desil_min": None, "desil_max": None, "funding_source": "apbn"},
]
