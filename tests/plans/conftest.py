"""Fixtures of the plans tests: Dinas Sosial of Kabupaten Bandung's 2026 action plan."""

from decimal import Decimal

import pytest

from konvergen.plans import services

YEAR = 2026


def item_values(**overrides) -> dict:
    """A valid item (typed values, as the form gives them)."""
    values = {
        "goal": "Menurunnya beban pengeluaran keluarga miskin",
        "programme_code": "1.06.04", "programme_name": "Program Rehabilitasi Sosial",
        "activity_code": "1.06.04.2.01",
        "activity_name": "Rehabilitasi Sosial Dasar Penyandang Disabilitas Terlantar",
        "sub_activity_code": "1.06.04.2.01.0003",
        "sub_activity_name": "Pemberian Permakanan",
        "strategy": "burden", "sector": "food", "expenditure_tag": "direct",
        "indicator": "Jumlah keluarga penerima permakanan", "unit": "KK",
        "target_k": Decimal(100), "target_rp": Decimal(400_000_000),
        "q1_k": Decimal(25), "q2_k": Decimal(25), "q3_k": Decimal(25), "q4_k": Decimal(25),
        "q1_rp": Decimal(100_000_000), "q2_rp": Decimal(100_000_000),
        "q3_rp": Decimal(100_000_000), "q4_rp": Decimal(100_000_000),
        "funding_source": "apbd_regency", "locations": ["32.04.05.2001"],
        "beneficiaries": 100, "beneficiary_unit": "family", "programme": None,
        "period_target_k": Decimal(500), "period_target_rp": None,
        "prior_k": Decimal(150), "prior_rp": None,
        "responsible_unit": "Bidang Rehabilitasi Sosial", "note": "",
    }
    values.update(overrides)
    return values


@pytest.fixture
def plan(personas):
    return services.plan_create(organisation=personas.dinsos, region=personas.bandung,
                                year=YEAR, period_start=2025, period_end=2029,
                                acting_user=personas.dinsos_officer)


@pytest.fixture
def item(plan, personas):
    return services.item_save(plan=plan, values=item_values(),
                              acting_user=personas.dinsos_officer)
