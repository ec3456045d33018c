"""Meetings of the TKPK of Kabupaten Bandung in 2026 (a plenary, two coordination meetings
and an evaluation), one of 2025 and one of Kabupaten Cirebon, recorded by their
secretariats: shared by the meetings tests, the LP2KD fixtures and the permission matrix."""

import datetime as dt

YEAR = 2026


def held_meetings(personas) -> dict:
    """The meetings by a short key; Bandung's 2026 ones in the order they were held."""
    from konvergen.meetings import services

    def record(region, user, day, kind, title, decisions, attendees, organisations=()):
        return services.meeting_create(
            region=region, acting_user=user, organisations=organisations,
            data={"held_on": day, "kind": kind, "title": title, "agenda": "1. Pembukaan",
                  "decisions": decisions, "attendees": attendees,
                  "chaired_by": "Sekretaris Daerah"})

    bandung, secretariat = personas.bandung, personas.tkpk_bandung
    return {
        "plenary": record(bandung, secretariat, dt.date(YEAR, 2, 12), "plenary",
                          "Rapat Pleno Penetapan Sasaran",
                          "Data sasaran P3KE ditetapkan\nRencana aksi paling lambat Februari",
                          42, [personas.dinsos, personas.csr]),
        "rakor_1": record(bandung, secretariat, dt.date(YEAR, 4, 22), "coordination",
                          "Rapat Koordinasi Triwulan I",
                          "- Percepatan rehabilitasi RTLH bagi desil 1", 35, [personas.dinsos]),
        "rakor_2": record(bandung, secretariat, dt.date(YEAR, 7, 24), "coordination",
                          "Rapat Koordinasi Triwulan II", "", 38),
        "evaluation": record(bandung, secretariat, dt.date(YEAR, 11, 25), "evaluation",
                             "Rapat Evaluasi Tahunan", "Capaian dirangkum sebagai bahan LP2KD",
                             40),
        "last_year": record(bandung, secretariat, dt.date(YEAR - 1, 11, 20), "evaluation",
                            "Rapat Evaluasi 2025", "", 30),
        "cirebon": record(personas.cirebon, personas.tkpk_cirebon, dt.date(YEAR, 3, 3),
                          "coordination", "Rakor Kabupaten Cirebon", "", 20),
    }
