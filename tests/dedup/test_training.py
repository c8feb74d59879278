"""Training survives a level that no true pair reaches (Splink 5 refuses an m of 0)."""

import random

import duckdb
import pyarrow as pa

from cancuoc.dedup import model

GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hoa", "Lan", "Minh", "Nam", "Tâm"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng"]
PLACES = ["THANH HOÁ", "NGHỆ AN", "HÀ TĨNH", "NAM ĐỊNH", "NINH BÌNH", "THÁI BÌNH"]


def _frame(people: int = 600, twins: int = 60) -> pa.Table:
    """Persons of many namesakes born the same years; ``twins`` of them entered twice with
    every field the same (so no true pair differs in native place), the namesakes with
    native places of their own."""
    rng = random.Random(4)
    rows = []
    for n in range(people):
        year = 1960 + n % 8
        rows.append(
            {
                "unique_id": n + 1,
                "name_key": f"{rng.choice(FAMILY)} VĂN {rng.choice(GIVEN)}".upper(),
                "personal_id": None,
                "birth_date": f"{year}-{1 + n % 12:02d}-{1 + n % 28:02d}",
                "sex": "M" if n % 2 else "F",
                "phone": None,
                "native_place": PLACES[n % len(PLACES)],
                "ethnicity": "Kinh",
                "village": f"V{n % 30}",
                "commune": f"C{n % 6}",
            }
        )
    for n in range(twins):
        rows.append({**rows[n * 7], "unique_id": people + n + 1})
    return pa.Table.from_pylist(rows)


def _native_place_m(saved: dict) -> dict[str, float]:
    [comparison] = [c for c in saved["comparisons"] if c["output_column_name"] == "native_place"]
    return {
        level["label_for_charts"]: level.get("m_probability")
        for level in comparison["comparison_levels"]
        if not level.get("is_null_level")
    }


def test_a_level_no_true_pair_reaches_is_learnt_as_rare_not_impossible():
    duck = duckdb.connect()
    duck.register("frame", _frame())
    linker = model.linker_for(duck)
    model.train(linker, duck)  # Splink alone: ValueError "m_probability value 0.0 …"
    levels = _native_place_m(model.model_dict(linker))
    # "Different, both given" costs little for a native place (a person's records may write
    # it otherwise): its m is floored higher than the rest.
    different = [m for label, m in levels.items() if label.lower() == "all other comparisons"]
    assert different == [model.SOFT_M_FLOOR["native_place"]]
    # Levels the frame never reaches (no commune parsed here) stay untrained, not 0.
    assert all(m >= model.M_FLOOR for m in levels.values() if m is not None)
    # The wrapper is undone: Splink's own function is back.
    assert "floored" not in model.expectation_maximisation.m_u_records_to_lookup_dict.__name__
