"""A tiny register of two desa with the hard cases: twins, namesakes, a shared NIK typo."""

import datetime as dt

import pyarrow as pa
import pytest

from konvergen.linkage.engine.model import train_model

D1, D2, D3 = "32.04.05.2001", "32.04.05.2002", "32.04.06.2001"

# person_id, family_id, nik, name, sex, birth_date, kk, desa
PERSONS = [
    ("A1", "FA", "3204051003700001", "H. Muhammad Yusuf", "L", dt.date(1970, 3, 10),
     "3204050101100001", D1),
    ("A2", "FA", "3204054506750001", "Siti Aminah", "P", dt.date(1975, 6, 5),
     "3204050101100001", D1),
    # twins: same family, same birth date and sex, different names
    ("A3", "FA", "3204051508050001", "Rizki Ramadhan", "L", dt.date(2005, 8, 15),
     "3204050101100001", D1),
    ("A4", "FA", "3204051508050002", "Rizal Ramadhan", "L", dt.date(2005, 8, 15),
     "3204050101100001", D1),
    # namesakes in the same desa with different birth dates
    ("B1", "FB", "3204051204800001", "Asep Saepudin", "L", dt.date(1980, 4, 12),
     "3204050101100002", D1),
    ("C1", "FC", "3204052109920001", "Asep Saepudin", "L", dt.date(1992, 9, 21),
     "3204050101100003", D1),
    ("C2", "FC", "3204055511940001", "Neng Yuliani", "P", dt.date(1994, 11, 15),
     "3204050101100003", D1),
    ("E1", "FE", "3204050207650001", "Ujang Sobari", "L", dt.date(1965, 7, 2),
     "3204050101100004", D2),
    ("E2", "FE", "3204054101680001", "Enok Kurniasih", "P", dt.date(1968, 1, 1),
     "3204050101100004", D2),
    ("E3", "FE", "3204050305900001", "Dede Kurnia", "L", dt.date(1990, 5, 3),
     "3204050101100004", D2),
    ("G1", "FG", "3204061111770001", "Budi Santoso", "L", dt.date(1977, 11, 11),
     "3204060101100005", D3),
    ("G2", "FG", "3204066202800001", "Sri Wahyuni", "P", dt.date(1980, 2, 22),
     "3204060101100005", D3),
]
FILLER_NAMES = ("Agus", "Dadang", "Iwan", "Wawan", "Yayat", "Tatang", "Cecep", "Ade", "Hendra",
                "Dedi", "Rina", "Yanti", "Euis", "Imas", "Lilis", "Tuti", "Nining", "Omah")
FILLER_SURNAMES = ("Hidayat", "Suryana", "Gunawan", "Kusnadi", "Rahmawati", "Sumarni",
                   "Permana", "Setiawan", "Nurhayati", "Mulyani")


def _filler(n: int = 160):
    """Unrelated persons so that chance agreement (u) is estimated on something."""
    rows = []
    for i in range(n):
        female = i % 2 == 1
        born = dt.date(1950 + (i * 7) % 60, 1 + (i * 5) % 12, 1 + (i * 11) % 28)
        desa = (D1, D2, D3)[i % 3]
        kec = desa[6:8]
        day = born.day + (40 if female else 0)
        nik = f"3204{kec}{day:02d}{born.month:02d}{born.year % 100:02d}{1000 + i:04d}"
        name = f"{FILLER_NAMES[(i * 7) % len(FILLER_NAMES)]} " \
               f"{FILLER_SURNAMES[(i * 3) % len(FILLER_SURNAMES)]}"
        rows.append((f"X{i:03d}", f"FX{i // 3:03d}", nik, name, "P" if female else "L", born,
                     f"3204{kec}0202{i // 3:06d}", desa))
    return rows


def make_register(persons=None) -> pa.Table:
    rows = list(persons or PERSONS) + _filler()
    cols = list(zip(*rows, strict=True))
    return pa.table({
        "person_id": pa.array(cols[0], pa.string()),
        "family_id": pa.array(cols[1], pa.string()),
        "nik": pa.array(cols[2], pa.string()),
        "name": pa.array(cols[3], pa.string()),
        "sex": pa.array(cols[4], pa.string()),
        "birth_date": pa.array(cols[5], pa.date32()),
        "kk_number": pa.array(cols[6], pa.string()),
        "region_code": pa.array(cols[7], pa.string()),
        "address": pa.array(["KP. SUKAMAJU RT 001 RW 002"] * len(rows), pa.string()),
    })


@pytest.fixture(scope="session")
def register() -> pa.Table:
    return make_register()


@pytest.fixture(scope="session")
def model(register):
    return train_model(register, seed=7, max_pairs=2e4)
