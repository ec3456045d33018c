"""Reason codes of the target-register import, with Indonesian and English messages.

Every rejection and flag carries one of the codes below; tests and the UI rely on the code,
the messages are for people. Messages have no placeholders: the rejection row already says
which column and which raw value.

>>> MESSAGES[REGION_UNKNOWN].en
'Desa/kelurahan code is not in the region list'
"""

from typing import NamedTuple

import pyarrow as pa


class Message(NamedTuple):
    id: str
    en: str


# --- rejections: the row cannot be placed at all and is not imported ----------------------
REQUIRED_MISSING = "required_missing"
REGION_NOT_DESA = "region_not_desa"
REGION_UNKNOWN = "region_unknown"
DUPLICATE_FAMILY_ID = "duplicate_family_id"
DUPLICATE_PERSON_ID = "duplicate_person_id"
FAMILY_REJECTED_OR_MISSING = "family_rejected_or_missing"

# --- flags: the row is imported, the value deserves a look ---------------------------------
# Nobody is dropped for a bad value: a malformed NIK or KK number, an unreadable birth date or
# an invalid desil keep the row (the codes are those the rejections once had).
NIK_NOT_16_DIGITS = "nik_not_16_digits"
NIK_SCIENTIFIC_NOTATION = "nik_scientific_notation"
KK_NOT_16_DIGITS = "kk_not_16_digits"
KK_SCIENTIFIC_NOTATION = "kk_scientific_notation"
DESIL_INVALID = "desil_invalid"
BIRTH_DATE_INVALID = "birth_date_invalid"
BIRTH_DATE_FUTURE = "birth_date_future"
NIK_MISSING = "nik_missing"
NIK_REGION_MISMATCH = "nik_region_mismatch"
NIK_BIRTH_DATE_MISMATCH = "nik_birth_date_mismatch"
NIK_SEX_MISMATCH = "nik_sex_mismatch"
NIK_DATE_UNDECODABLE = "nik_date_undecodable"
DUPLICATE_NIK = "duplicate_nik"
KK_REGION_MISMATCH = "kk_region_mismatch"
HEAD_NIK_INVALID = "head_nik_invalid"
CODED_VALUE_UNKNOWN = "coded_value_unknown"
NUMBER_INVALID = "number_invalid"
COORDINATES_OUT_OF_RANGE = "coordinates_out_of_range"
FAMILY_WITHOUT_HEAD = "family_without_head"
FAMILY_MULTIPLE_HEADS = "family_multiple_heads"
MEMBER_COUNT_MISMATCH = "member_count_mismatch"

MESSAGES: dict[str, Message] = {
    REQUIRED_MISSING: Message("Kolom wajib kosong", "Required field is empty"),
    NIK_NOT_16_DIGITS: Message(
        "NIK bukan 16 angka; orang tetap diimpor, NIK disimpan apa adanya bila hanya angka "
        "(paling banyak 16), selain itu dikosongkan",
        "NIK is not 16 digits; the person is imported, the NIK kept as given when it is "
        "digits only (at most 16), otherwise left blank",
    ),
    NIK_SCIENTIFIC_NOTATION: Message(
        "NIK tertulis sebagai angka ilmiah (mis. 3.20405E+15) dan digitnya hilang; orang tetap "
        "diimpor tanpa NIK; simpan kolom NIK sebagai teks",
        "NIK was stored as a spreadsheet number (e.g. 3.20405E+15) and lost digits; the "
        "person is imported without a NIK; store the NIK column as text",
    ),
    KK_NOT_16_DIGITS: Message(
        "Nomor KK bukan 16 angka; keluarga tetap diimpor, nomor disimpan apa adanya bila hanya "
        "angka (paling banyak 16), selain itu dikosongkan",
        "KK number is not 16 digits; the family is imported, the number kept as given when "
        "it is digits only (at most 16), otherwise left blank",
    ),
    KK_SCIENTIFIC_NOTATION: Message(
        "Nomor KK tertulis sebagai angka ilmiah dan digitnya hilang; keluarga tetap diimpor "
        "tanpa nomor KK; simpan kolom sebagai teks",
        "KK number was stored as a spreadsheet number and lost digits; the family is imported "
        "without a KK number; store the column as text",
    ),
    REGION_NOT_DESA: Message(
        "Kode wilayah bukan kode desa/kelurahan Kemendagri (10 angka)",
        "Region code is not a Kemendagri desa/kelurahan code (10 digits)",
    ),
    REGION_UNKNOWN: Message(
        "Kode desa/kelurahan tidak ada dalam daftar wilayah",
        "Desa/kelurahan code is not in the region list",
    ),
    DESIL_INVALID: Message(
        "Desil harus bilangan bulat 1 sampai 10; keluarga tetap diimpor tanpa desil",
        "Desil must be a whole number from 1 to 10; the family is imported without a desil",
    ),
    BIRTH_DATE_INVALID: Message(
        "Tanggal lahir tidak dapat dibaca; orang tetap diimpor tanpa tanggal lahir",
        "Birth date cannot be understood; the person is imported without a birth date",
    ),
    BIRTH_DATE_FUTURE: Message(
        "Tanggal lahir di masa depan; orang tetap diimpor tanpa tanggal lahir",
        "Birth date is in the future; the person is imported without a birth date",
    ),
    DUPLICATE_FAMILY_ID: Message(
        "ID keluarga sudah muncul di baris sebelumnya",
        "Family ID already appears on an earlier row",
    ),
    DUPLICATE_PERSON_ID: Message(
        "ID individu sudah muncul di baris sebelumnya",
        "Person ID already appears on an earlier row",
    ),
    FAMILY_REJECTED_OR_MISSING: Message(
        "Keluarga anggota ini ditolak atau tidak ada di berkas keluarga",
        "This member's family was rejected or is missing from the family file",
    ),
    NIK_MISSING: Message("NIK kosong", "NIK is missing"),
    NIK_REGION_MISMATCH: Message(
        "Kode kecamatan pada NIK berbeda dengan kecamatan keluarga (mungkin pindah)",
        "The NIK's kecamatan code differs from the family's kecamatan (perhaps moved)",
    ),
    NIK_BIRTH_DATE_MISMATCH: Message(
        "Tanggal lahir pada NIK berbeda dengan tanggal lahir tercatat",
        "The birth date encoded in the NIK differs from the recorded birth date",
    ),
    NIK_SEX_MISMATCH: Message(
        "Jenis kelamin pada NIK berbeda dengan jenis kelamin tercatat",
        "The sex encoded in the NIK differs from the recorded sex",
    ),
    NIK_DATE_UNDECODABLE: Message(
        "Bagian tanggal lahir pada NIK bukan tanggal yang sah",
        "The birth-date part of the NIK is not a valid date",
    ),
    DUPLICATE_NIK: Message(
        "NIK yang sama dipakai lebih dari satu orang dalam data ini",
        "The same NIK is used by more than one person in this snapshot",
    ),
    KK_REGION_MISMATCH: Message(
        "Kode kecamatan pada nomor KK berbeda dengan kecamatan keluarga",
        "The KK number's kecamatan code differs from the family's kecamatan",
    ),
    HEAD_NIK_INVALID: Message(
        "NIK kepala keluarga bukan 16 angka; disimpan apa adanya bila hanya angka (paling "
        "banyak 16), selain itu dikosongkan",
        "Head of family NIK is not 16 digits; kept as given when it is digits only (at most "
        "16), otherwise left blank",
    ),
    CODED_VALUE_UNKNOWN: Message(
        "Nilai tidak ada dalam daftar kode; nilai asli disimpan",
        "Value is not in the code list; the raw value is kept",
    ),
    NUMBER_INVALID: Message(
        "Bukan angka yang sah; nilai diabaikan", "Not a valid number; the value is ignored"
    ),
    COORDINATES_OUT_OF_RANGE: Message(
        "Koordinat di luar wilayah Indonesia", "Coordinates lie outside Indonesia"
    ),
    FAMILY_WITHOUT_HEAD: Message(
        "Keluarga tanpa kepala keluarga di berkas anggota",
        "Family has no head of family in the member file",
    ),
    FAMILY_MULTIPLE_HEADS: Message(
        "Keluarga memiliki lebih dari satu kepala keluarga",
        "Family has more than one head of family",
    ),
    MEMBER_COUNT_MISMATCH: Message(
        "Jumlah anggota keluarga berbeda dengan anggota yang ada di berkas anggota",
        "Family member count differs from the members present in the member file",
    ),
}

REJECTION_CODES = frozenset(
    {
        REQUIRED_MISSING,
        REGION_NOT_DESA,
        REGION_UNKNOWN,
        DUPLICATE_FAMILY_ID,
        DUPLICATE_PERSON_ID,
        FAMILY_REJECTED_OR_MISSING,
    }
)
FLAG_CODES = frozenset(MESSAGES) - REJECTION_CODES


def messages_table() -> pa.Table:
    """All messages as an Arrow table ``(reason, message_id, message_en)`` for SQL joins."""
    return pa.table(
        {
            "reason": list(MESSAGES),
            "message_id": [m.id for m in MESSAGES.values()],
            "message_en": [m.en for m in MESSAGES.values()],
        }
    )
