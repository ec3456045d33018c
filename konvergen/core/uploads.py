"""Saving an uploaded file where a background job can read it."""

from pathlib import Path

from django.utils.text import get_valid_filename


def save_upload(upload, folder: Path) -> Path:
    """Write ``upload`` (a Django ``UploadedFile``) into ``folder`` under a safe name; return
    its path. The folder is created; callers give each upload a folder of its own."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / get_valid_filename(Path(upload.name).name or "upload")
    with open(path, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return path
