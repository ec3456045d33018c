"""DTKS / PBDT numeric codes and labels mapped to canonical codes.

The numeric codes follow the PBDT 2015 household and individual questionnaires. Where the
questionnaire is coarser or finer than the canonical list the mapping is approximate and
says so: roof tiles of every material are ``genteng``; "orang tua/mertua" becomes
``orang_tua``; the "perguruan tinggi" diploma becomes ``d4_s1``; PLN electricity without a
meter detail becomes ``listrik_pln_meteran``.
"""

VALUES: dict[str, dict[str, str]] = {
    "house_ownership": {
        "1": "milik_sendiri", "2": "kontrak_sewa", "3": "bebas_sewa", "4": "dinas",
        "5": "lainnya", "Kontrak/Sewa": "kontrak_sewa", "Bebas Sewa": "bebas_sewa",
    },
    "floor_type": {
        "1": "marmer_granit", "2": "keramik", "3": "parket_vinil_karpet",
        "4": "ubin_tegel_teraso", "5": "kayu_papan", "6": "semen_bata_merah", "7": "bambu",
        "8": "kayu_papan", "9": "tanah", "10": "lainnya",
        "Kayu/Papan Kualitas Tinggi": "kayu_papan", "Kayu/Papan Kualitas Rendah": "kayu_papan",
        "Sementara/Bata Merah": "semen_bata_merah", "Parket/Vinil/Permadani": "parket_vinil_karpet",
    },
    "wall_type": {
        "1": "tembok", "2": "plesteran_anyaman_bambu", "3": "kayu_papan", "4": "anyaman_bambu",
        "5": "batang_kayu", "6": "bambu", "7": "lainnya", "Kayu": "kayu_papan",
    },
    "roof_type": {
        "1": "beton", "2": "genteng", "3": "genteng", "4": "genteng", "5": "asbes", "6": "seng",
        "7": "kayu_sirap", "8": "bambu", "9": "jerami_ijuk_rumbia", "10": "lainnya",
        "Genteng Keramik": "genteng", "Genteng Metal": "genteng",
        "Genteng Tanah Liat": "genteng", "Sirap": "kayu_sirap",
    },
    "water_source": {
        "1": "air_kemasan", "2": "air_isi_ulang", "3": "leding_meteran", "4": "leding_eceran",
        "5": "sumur_bor_pompa", "6": "sumur_terlindung", "7": "sumur_tak_terlindung",
        "8": "mata_air_terlindung", "9": "mata_air_tak_terlindung", "10": "air_permukaan",
        "11": "air_hujan", "12": "lainnya", "Air Sungai/Danau/Waduk": "air_permukaan",
    },
    "lighting_source": {
        "1": "listrik_pln_meteran", "2": "listrik_non_pln", "3": "bukan_listrik",
        "Listrik PLN": "listrik_pln_meteran", "Listrik Non PLN": "listrik_non_pln",
    },
    "cooking_fuel": {
        "1": "listrik", "2": "gas_elpiji_besar", "3": "gas_elpiji_3kg", "4": "gas_kota",
        "5": "minyak_tanah", "6": "briket", "7": "arang", "8": "kayu_bakar",
        "9": "tidak_memasak", "Gas 3 kg": "gas_elpiji_3kg", "Gas > 3 kg": "gas_elpiji_besar",
        "Gas Kota/Biogas": "gas_kota",
    },
    "toilet_facility": {
        "1": "sendiri", "2": "bersama", "3": "umum", "4": "tidak_ada", "Sendiri": "sendiri",
        "Bersama": "bersama", "Umum": "umum", "Tidak Ada": "tidak_ada",
    },
    "toilet_type": {
        "1": "leher_angsa", "2": "plengsengan", "3": "cemplung_cubluk", "4": "tidak_pakai",
        "Plengsengan dengan Tutup": "plengsengan", "Plengsengan Tanpa Tutup": "plengsengan",
        "Tidak Ada": "tidak_pakai",
    },
    "relation": {
        "1": "kepala", "2": "istri_suami", "3": "anak", "4": "menantu", "5": "cucu",
        "6": "orang_tua", "7": "pembantu", "8": "lainnya",
        "Kepala Rumah Tangga": "kepala", "KRT": "kepala", "Istri/Suami": "istri_suami",
        "Orang Tua/Mertua": "orang_tua", "Pembantu Ruta": "pembantu",
    },
    "marital_status": {
        "1": "belum_kawin", "2": "kawin", "3": "cerai_hidup", "4": "cerai_mati",
        "Kawin/Nikah": "kawin",
    },
    "education": {
        "0": "belum_tamat_sd", "1": "sd", "2": "smp", "3": "sma", "4": "d4_s1",
        "Tidak Punya Ijazah": "belum_tamat_sd", "SD/Sederajat": "sd", "SMP/Sederajat": "smp",
        "SMA/Sederajat": "sma", "Perguruan Tinggi": "d4_s1",
    },
    "school_participation": {
        "0": "tidak_belum_pernah", "1": "masih_sekolah", "2": "tidak_sekolah_lagi",
        "Tidak/Belum Pernah Sekolah": "tidak_belum_pernah",
        "Tidak Bersekolah Lagi": "tidak_sekolah_lagi",
    },
    "health_insurance": {
        "PBI": "pbi_jkn", "PBI JKN": "pbi_jkn", "KIS": "pbi_jkn", "JKN Mandiri": "jkn_non_pbi",
        "JKN Non PBI": "jkn_non_pbi", "BPJS Mandiri": "jkn_non_pbi", "Jamkesda": "jamkesda",
        "JKN Pemberi Kerja": "jkn_non_pbi", "JKN Pekerja": "jkn_non_pbi",
        "Asuransi Swasta": "asuransi_swasta", "Tidak Memiliki": "tidak_ada",
        "Tidak Punya": "tidak_ada", "Tidak Ada": "tidak_ada",
    },
}
