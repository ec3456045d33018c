"""Every message the API answers with, in Indonesian and English: clients show either, and
tests assert on the constants."""

from dataclasses import dataclass

from django.utils import translation


@dataclass(frozen=True)
class Message:
    code: str
    id: str
    en: str

    def body(self, **params) -> dict:
        return {"code": self.code, "message_id": self.id % params if params else self.id,
                "message_en": self.en % params if params else self.en}


UNAUTHORISED = Message(
    "unauthorised",
    "Token tidak ada, salah, dicabut, atau akunnya tidak aktif.",
    "The token is missing, wrong or revoked, or its account is inactive.",
)
SCOPE_MISSING = Message(
    "scope_missing",
    "Klien ini tidak memiliki cakupan %(scope)s.",
    "This client does not hold the scope %(scope)s.",
)
NOT_FOUND = Message(
    "not_found",
    "Tidak ditemukan, atau Anda tidak memiliki akses.",
    "Not found, or you do not have access to it.",
)
RATE_LIMITED = Message(
    "rate_limited",
    "Terlalu banyak permintaan: batas %(limit)s per menit. Coba lagi dalam %(retry)s detik.",
    "Too many requests: the limit is %(limit)s a minute. Try again in %(retry)s seconds.",
)
INVALID = Message(
    "invalid",
    "Permintaan tidak valid: periksa kolom yang disebut.",
    "The request is not valid: check the fields named.",
)
ROWS_REFUSED = Message(
    "rows_refused",
    "%(n)s baris ditolak; tidak ada yang disimpan.",
    "%(n)s rows refused; nothing was saved.",
)
IDEMPOTENCY_REUSED = Message(
    "idempotency_key_reused",
    "Idempotency-Key ini sudah dipakai untuk permintaan lain.",
    "This Idempotency-Key was already used for another request.",
)
BAD_CURSOR = Message(
    "bad_cursor",
    "Kursor halaman tidak valid.",
    "The page cursor is not valid.",
)
BAD_FILE = Message(
    "bad_file",
    "Berkas tidak dapat dibaca: %(reason)s",
    "The file cannot be read: %(reason)s",
)
NO_DATASET = Message(
    "no_register",
    "Wilayah %(code)s tidak memiliki register yang dapat Anda gunakan.",
    "Region %(code)s has no register you may use.",
)
SERVER_ERROR = Message(
    "server_error",
    "Terjadi kesalahan di server.",
    "Something went wrong on the server.",
)

#: Why a row of a bulk write was refused (``{"row", "field", ...}`` entries).
ROW_FAMILY_NOT_FOUND = Message(
    "family_not_found",
    "tidak ada keluarga %(value)s di register yang dapat Anda lihat",
    "no family %(value)s in the register you may see",
)
ROW_PERSON_NOT_FOUND = Message(
    "person_not_found",
    "tidak ada orang dengan NIK %(value)s di register yang dapat Anda lihat",
    "no person with NIK %(value)s in the register you may see",
)
ROW_AMBIGUOUS = Message(
    "ambiguous",
    "%(value)s cocok dengan lebih dari satu keluarga: berikan family_id",
    "%(value)s matches more than one family: give the family_id",
)
ROW_NO_FAMILY = Message(
    "no_family",
    "baris tidak menyebut family_id, kk_number atau nik",
    "the row gives no family_id, kk_number or nik",
)


def bilingual(render) -> tuple[str, str]:
    """Another app's translated message in both languages: ``render`` is called once with
    Indonesian active and once with English (a lazy string or a function building one)."""
    texts = []
    for language in ("id", "en"):
        with translation.override(language):
            texts.append(str(render() if callable(render) else render))
    return texts[0], texts[1]
