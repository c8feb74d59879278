"""The matching model (Splink, Fellegi-Sunter, on DuckDB): which records are compared
(blocking), how each field is compared (levels, from the most alike down), and how the
parameters are learnt without labels.

Vietnamese names: ``name_key`` is the register's matching key (NFC, one tone-placement
style, capitals), so NFD and old/new tone placement compare as the same name. Letters
without their marks are only a lower level, and count as a good sign only when one side
was typed without marks at all: "Thuý" and "Thuỷ" are different names that strip to the
same letters (DOMAIN.md: never match on stripped text alone)."""

import logging
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import Any

import duckdb
import pyarrow as pa
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.internals import expectation_maximisation

# Derived columns, computed in DuckDB over the frame of persons (frames.persons_frame).
PREPARE_SQL = """
CREATE OR REPLACE TABLE persons AS
WITH named AS (
  SELECT *, strip_accents(replace(replace(name_key, 'Đ', 'D'), 'đ', 'd')) AS name_ascii
  FROM frame
)
SELECT *,
  list_sort(string_split(name_key, ' ')) AS name_words,
  string_split(name_ascii, ' ')[-1] AS given_name,  -- without marks: blocking only
  substr(birth_date, 1, 4) AS birth_year,
  -- a number mistyped in one digit keeps one of these three parts whole
  substr(personal_id, 1, 9) AS id_head,
  substr(personal_id, 7, 6) AS id_tail,
  substr(personal_id, 1, 6) || substr(personal_id, 10, 3) AS id_ends
FROM named
"""

# Levels whose m value cannot be learnt from a register: valid ID numbers are unique, so
# no pair of records ever shares one, and two different valid numbers that are not one
# keystroke apart belong to two people (Decree 137/2015 art. 13). Fixed from that rule.
ID_EXACT_M, ID_ONE_EDIT_M, ID_OTHER_M = 0.9, 0.0999, 0.0001
# Sex is rarely mistyped, so among the pairs a training rule blocks together (same name and
# year of birth) the expected true pairs of different sex can sum to exactly 0, and Splink 5
# refuses an m of 0 and stops the whole training (ValueError: "m_probability value 0.0 is
# below the minimum"; seen on a register of 30,000 loaded through `cancuoc import`). Fixed:
# about one record in a hundred with the sex mistyped.
SEX_SAME_M, SEX_OTHER_M = 0.99, 0.01


def comparisons() -> list[Any]:
    name = cl.CustomComparison(
        [
            cll.NullLevel("name_key"),
            cll.ExactMatchLevel("name_key", term_frequency_adjustments=True),
            cll.CustomLevel("name_words_l = name_words_r", "same words, other order"),
            cll.CustomLevel(
                "name_ascii_l = name_ascii_r"
                " AND (name_key_l = name_ascii_l OR name_key_r = name_ascii_r)",
                "same letters, one typed without marks",
            ),
            cll.CustomLevel("name_ascii_l = name_ascii_r", "same letters, other marks"),
            cll.JaroWinklerLevel("name_ascii", 0.92),
            cll.ElseLevel(),
        ],
        output_column_name="name",
    )
    birth = cl.CustomComparison(
        [
            cll.NullLevel("birth_date"),
            cll.ExactMatchLevel("birth_date"),
            cll.CustomLevel(
                "birth_year_l = birth_year_r"
                " AND substr(birth_date_l, 6, 2) = substr(birth_date_r, 9, 2)"
                " AND substr(birth_date_l, 9, 2) = substr(birth_date_r, 6, 2)",
                "day and month swapped",
            ),
            cll.CustomLevel("substr(birth_date_l, 1, 7) = substr(birth_date_r, 1, 7)", "month"),
            cll.CustomLevel("birth_year_l = birth_year_r", "year"),
            cll.ElseLevel(),
        ],
        output_column_name="birth",
    )
    number = cl.CustomComparison(
        [
            cll.NullLevel("personal_id"),
            cll.ExactMatchLevel("personal_id").configure(
                m_probability=ID_EXACT_M, fix_m_probability=True
            ),
            cll.DamerauLevenshteinLevel("personal_id", 1).configure(
                m_probability=ID_ONE_EDIT_M, fix_m_probability=True
            ),
            cll.ElseLevel().configure(m_probability=ID_OTHER_M, fix_m_probability=True),
        ],
        output_column_name="personal_id",
    )
    place = cl.CustomComparison(
        [
            cll.NullLevel("village"),
            cll.ExactMatchLevel("village"),
            cll.CustomLevel("commune_l = commune_r", "same commune"),
            cll.ElseLevel(),
        ],
        output_column_name="place",
    )
    return [
        name,
        birth,
        number,
        cl.CustomComparison(
            [
                cll.NullLevel("sex"),
                cll.ExactMatchLevel("sex").configure(
                    m_probability=SEX_SAME_M, fix_m_probability=True
                ),
                cll.ElseLevel().configure(m_probability=SEX_OTHER_M, fix_m_probability=True),
            ],
            output_column_name="sex",
        ),
        cl.ExactMatch("phone"),
        cl.ExactMatch("native_place").configure(term_frequency_adjustments=True),
        cl.ExactMatch("ethnicity"),
        place,
    ]


# Each true pair needs to share one of these to be compared at all; bench/dedup.py counts
# the true pairs that share none (lost at blocking).
BLOCKING_RULES = [
    block_on("name_ascii", "birth_year"),  # every spelling of the name, the date mistyped
    block_on("birth_date", "given_name"),  # family or middle name changed or mistyped
    block_on("phone", "birth_year"),  # the name changed entirely
    block_on("id_head", "given_name"),  # ID numbers one keystroke apart, the family or
    block_on("id_tail", "given_name"),  # middle name also changed
    block_on("id_ends", "given_name"),
]


def settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=BLOCKING_RULES,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=True,  # with the levels (gamma_*), shown to the reviewer
    )


def linker_for(
    connection: duckdb.DuckDBPyConnection, model: dict[str, Any] | None = None
) -> Linker:
    """A linker over the table ``frame`` registered on ``connection``: untrained, or with
    the parameters of a saved ``model``."""
    connection.execute(PREPARE_SQL)
    api = DuckDBAPI(connection=connection)
    table = api.register("persons")
    # ERROR: its warnings are about the levels fixed on purpose (ID_*_M), never observed.
    return Linker(table, model if model is not None else settings(), log_level=logging.ERROR)


def predict_new(
    connection: duckdb.DuckDBPyConnection, linker: Linker, new: Collection[int]
) -> list[str]:
    """Score the pairs blocking yields between the records ``new`` and the others of the
    linker's table, and among the new ones: incremental linkage (Splink's predict_between
    and predict_within), with the term frequencies of the whole table, so that each pair
    gets the weight a run over everything would give it. Returns the tables of pairs."""
    connection.register("new_ids", pa.table({"unique_id": pa.array(sorted(new), pa.int64())}))
    connection.execute(
        "CREATE OR REPLACE TABLE persons_new AS SELECT * FROM persons "
        "WHERE unique_id IN (SELECT unique_id FROM new_ids)"
    )
    connection.execute(
        "CREATE OR REPLACE TABLE persons_old AS SELECT * FROM persons "
        "WHERE unique_id NOT IN (SELECT unique_id FROM new_ids)"
    )
    for column in term_frequency_columns(model_dict(linker)):
        linker.table_management.compute_tf_table(column)
    api = linker._db_api  # the linker's own: the tables must be registered with it
    fresh, others = api.register("persons_new"), api.register("persons_old")
    return [
        linker.inference.predict_between(others, fresh).physical_name,
        linker.inference.predict_within(fresh).physical_name,
    ]


class CannotTrain(ValueError):
    """The records give nothing to learn the model from."""


STRICT_RULE = ("name_key", "birth_date", "sex")
STRICT_RECALL = 0.7


def train(
    linker: Linker, connection: duckdb.DuckDBPyConnection, *, seed: int = 1, pairs: float = 2e6
) -> None:
    """Unsupervised: u from random pairs; the share of true pairs from a strict rule (same
    name, date of birth and sex; recall guessed at 0.7); m by expectation maximisation,
    once blocked on the name (learns dates, numbers, places) and once on the date of birth
    (learns names). Each step on at most ``pairs`` pairs: a province of a million has about
    five million pairs of namesakes born the same year, and the estimates settle long
    before that. ``connection`` holds the linker's table ``persons``."""
    training = linker.training
    on = " AND ".join(f"a.{column} = b.{column}" for column in STRICT_RULE)
    ((strict,),) = connection.execute(
        f"SELECT count(*) FROM persons a JOIN persons b ON {on} AND a.unique_id < b.unique_id"
    ).fetchall()
    if not strict:
        # Nothing to learn a match from (a clean register, or a small unit): Splink would
        # estimate no true pairs at all and fail on its logarithm, then on m values of 0.
        raise CannotTrain(
            gettext(
                "không có hai bản ghi nào cùng tên, ngày sinh và giới tính để học mô hình: học "
                "trên cả tỉnh, hoặc dùng mô hình đã lưu"
            )
        )
    training.estimate_probability_two_random_records_match(
        [block_on(*STRICT_RULE)], recall=STRICT_RECALL
    )
    training.estimate_u_using_random_sampling(max_pairs=pairs, seed=seed)
    with _m_floored():
        for rule in (block_on("name_ascii", "birth_year"), block_on("birth_date", "sex")):
            training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=pairs)


# The least m a level learnt by expectation maximisation may have: a way two records of one
# person can differ that no true pair of the training sample showed still happens.
M_FLOOR = 1e-4


@contextmanager
def _m_floored() -> Iterator[None]:
    """While EM runs, its m estimates are at least M_FLOOR. Splink 5 refuses an m of exactly
    0 and stops the whole training (ValueError "m_probability value 0.0 is below the minimum
    allowed value"), and EM gives 0 whenever no true pair in a training block reaches a level:
    a register loaded through `cancuoc import` whose duplicates never differ in native place
    did (30,000 persons, bench/import.py). Splink has no setting for it; its M-step reads the
    estimates through ``m_u_records_to_lookup_dict``, which is wrapped here and nowhere else
    (constraints.txt pins Splink: tests/dedup/test_training.py fails if this moves)."""
    original = expectation_maximisation.m_u_records_to_lookup_dict

    def floored(records: list[dict[str, Any]]) -> dict[str, dict[int, Any]]:
        lookup = original(records)
        for levels in lookup.values():
            for values in levels.values():
                m = values.get("m_probability")
                if m is not None and m < M_FLOOR:
                    values["m_probability"] = M_FLOOR
        return lookup

    expectation_maximisation.m_u_records_to_lookup_dict = floored
    try:
        yield
    finally:
        expectation_maximisation.m_u_records_to_lookup_dict = original


def model_dict(linker: Linker) -> dict[str, Any]:
    return linker.misc.save_model_to_json()


def term_frequency_columns(saved: dict[str, Any]) -> list[str]:
    """The columns whose levels a model adjusts by how common the value is."""
    return sorted(
        {
            level["tf_adjustment_column"]
            for comparison in saved["comparisons"]
            for level in comparison["comparison_levels"]
            if level.get("tf_adjustment_column")
        }
    )


# What each level of each comparison means, for the reviewer: from the most alike down to
# "else" (Splink numbers them the other way: the last is 0, and -1 is "one side is empty").
SAME, DIFFERENT = pgettext_lazy("so khớp", "giống"), pgettext_lazy("so khớp", "khác")
EXACT = pgettext_lazy("so khớp", "giống hệt")
LEVEL_LABELS = {
    "name": [
        EXACT,
        _("cùng các chữ, khác thứ tự"),
        _("một bên không dấu"),
        _("khác dấu"),
        _("gần giống"),
        DIFFERENT,
    ],
    "birth": [EXACT, _("đảo ngày và tháng"), _("cùng tháng"), _("cùng năm"), DIFFERENT],
    "personal_id": [EXACT, _("lệch một chữ số"), DIFFERENT],
    "sex": [SAME, DIFFERENT],
    "phone": [SAME, DIFFERENT],
    "native_place": [SAME, DIFFERENT],
    "ethnicity": [SAME, DIFFERENT],
    "place": [_("cùng thôn"), _("cùng xã"), _("khác xã")],
}


def level_label(comparison: str, gamma: int | None) -> str:
    """The level in words, in the active language when shown."""
    labels = LEVEL_LABELS[comparison]
    if gamma is None or gamma < 0:
        return pgettext_lazy("so khớp", "thiếu")
    return labels[len(labels) - 1 - gamma]
