"""Canonical code lists: the values coded fields take after import, with Indonesian labels.

Every source adapter maps its own labels and numeric codes onto these codes; a file that
already uses them (the canonical layout) needs no mapping at all.
"""

CODE_LISTS: dict[str, dict[str, str]] = {
    "house_ownership": {
        "milik_sendiri": "Milik sendiri",
        "kontrak_sewa": "Kontrak/sewa",
        "bebas_sewa": "Bebas sewa / menumpang",
        "dinas": "Dinas",
        "lainnya": "Lainnya",
    },
    "roof_type": {
        "beton": "Beton/genteng beton",
        "genteng": "Genteng keramik/tanah liat/metal",
        "seng": "Seng",
        "asbes": "Asbes",
        "kayu_sirap": "Kayu/sirap",
        "bambu": "Bambu",
        "jerami_ijuk_rumbia": "Jerami/ijuk/daun-daunan/rumbia",
        "lainnya": "Lainnya",
    },
    "wall_type": {
        "tembok": "Tembok",
        "plesteran_anyaman_bambu": "Plesteran anyaman bambu/kawat",
        "kayu_papan": "Kayu/papan",
        "anyaman_bambu": "Anyaman bambu",
        "batang_kayu": "Batang kayu",
        "bambu": "Bambu",
        "lainnya": "Lainnya",
    },
    "floor_type": {
        "marmer_granit": "Marmer/granit",
        "keramik": "Keramik",
        "parket_vinil_karpet": "Parket/vinil/karpet",
        "ubin_tegel_teraso": "Ubin/tegel/teraso",
        "kayu_papan": "Kayu/papan",
        "semen_bata_merah": "Semen/bata merah",
        "bambu": "Bambu",
        "tanah": "Tanah",
        "lainnya": "Lainnya",
    },
    "lighting_source": {
        "listrik_pln_meteran": "Listrik PLN dengan meteran",
        "listrik_pln_tanpa_meteran": "Listrik PLN tanpa meteran",
        "listrik_non_pln": "Listrik non-PLN",
        "bukan_listrik": "Bukan listrik",
    },
    "cooking_fuel": {
        "listrik": "Listrik",
        "gas_elpiji_3kg": "Gas elpiji 3 kg",
        "gas_elpiji_besar": "Gas elpiji 5,5 kg / 12 kg atau lebih",
        "gas_kota": "Gas kota",
        "biogas": "Biogas",
        "minyak_tanah": "Minyak tanah",
        "briket": "Briket",
        "arang": "Arang",
        "kayu_bakar": "Kayu bakar",
        "tidak_memasak": "Tidak memasak di rumah",
        "lainnya": "Lainnya",
    },
    "water_source": {
        "air_kemasan": "Air kemasan bermerk",
        "air_isi_ulang": "Air isi ulang",
        "leding_meteran": "Leding meteran",
        "leding_eceran": "Leding eceran",
        "sumur_bor_pompa": "Sumur bor/pompa",
        "sumur_terlindung": "Sumur terlindung",
        "sumur_tak_terlindung": "Sumur tak terlindung",
        "mata_air_terlindung": "Mata air terlindung",
        "mata_air_tak_terlindung": "Mata air tak terlindung",
        "air_permukaan": "Air permukaan (sungai/danau/waduk/kolam/irigasi)",
        "air_hujan": "Air hujan",
        "lainnya": "Lainnya",
    },
    "toilet_facility": {
        "sendiri": "Ada, digunakan sendiri",
        "bersama": "Ada, digunakan bersama",
        "umum": "Ada, di MCK umum",
        "ada": "Ada (tidak dirinci)",
        "tidak_ada": "Tidak ada",
    },
    "toilet_type": {
        "leher_angsa": "Leher angsa",
        "plengsengan": "Plengsengan",
        "cemplung_cubluk": "Cemplung/cubluk",
        "tidak_pakai": "Tidak pakai",
    },
    "relation": {
        "kepala": "Kepala keluarga",
        "istri_suami": "Istri/suami",
        "anak": "Anak",
        "menantu": "Menantu",
        "cucu": "Cucu",
        "orang_tua": "Orang tua",
        "mertua": "Mertua",
        "famili_lain": "Famili lain",
        "pembantu": "Pembantu rumah tangga",
        "lainnya": "Lainnya",
    },
    "marital_status": {
        "belum_kawin": "Belum kawin",
        "kawin": "Kawin",
        "cerai_hidup": "Cerai hidup",
        "cerai_mati": "Cerai mati",
    },
    "education": {
        "tidak_belum_sekolah": "Tidak/belum sekolah",
        "belum_tamat_sd": "Belum tamat SD/sederajat",
        "sd": "Tamat SD/sederajat",
        "smp": "SLTP/sederajat",
        "sma": "SLTA/sederajat",
        "d1_d2": "Diploma I/II",
        "d3": "Akademi/Diploma III/Sarjana Muda",
        "d4_s1": "Diploma IV/Strata I",
        "s2": "Strata II",
        "s3": "Strata III",
    },
    "school_participation": {
        "tidak_belum_pernah": "Tidak/belum pernah sekolah",
        "masih_sekolah": "Masih sekolah",
        "tidak_sekolah_lagi": "Tidak bersekolah lagi",
    },
    "health_insurance": {
        "pbi_jkn": "PBI JKN",
        "jkn_non_pbi": "JKN mandiri/pekerja",
        "jamkesda": "Jamkesda",
        "asuransi_swasta": "Asuransi swasta",
        "tidak_ada": "Tidak memiliki",
    },
}

# Labels in the canonical layout are accepted too, so a hand-made file may write them.
VALUES: dict[str, dict[str, str]] = {
    field: {label: code for code, label in codes.items()} for field, codes in CODE_LISTS.items()
}
