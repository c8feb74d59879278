"""The matching model (Splink, Fellegi-Sunter, on DuckDB): which records are compared
(blocking), how each field is compared (levels, from the most alike down), and how the
parameters are learnt without labels.

Vietnamese names: ``name_key`` is the register's matching key (NFC, one tone-placement
style, capitals), so NFD and old/new tone placement compare as the same name. Letters
without their marks are only a lower level, and count as a good sign only when one side
was typed without marks at all: "Thuý" and "Thuỷ" are different names that strip to the
same letters (DOMAIN.md: never match on stripped text alone)."""

import logging
import math
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
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
  SELECT *,
    strip_accents(replace(replace(name_key, 'Đ', 'D'), 'đ', 'd')) AS name_ascii,
    coalesce(birth_precision, 'D') AS birth_known
  FROM frame
)
SELECT *,
  list_sort(string_split(name_key, ' ')) AS name_words,
  array_to_string(list_sort(string_split(name_ascii, ' ')), ' ') AS name_ascii_sorted,
  array_to_string(list_sort(string_split(name_sound, ' ')), ' ') AS sound_sorted,
  string_split(name_ascii, ' ')[-1] AS given_name,  -- without marks: blocking only
  string_split(name_sound, ' ')[-1] AS given_sound,
  string_split(name_sound, ' ')[1] AS family_sound,
  -- the name but its last word, and but its first: a typo in the other still blocks
  nullif(array_to_string(string_split(name_sound, ' ')[1:-2], ' '), '') AS name_head,
  nullif(array_to_string(string_split(name_sound, ' ')[2:], ' '), '') AS name_tail,
  substr(birth_date, 1, 4) AS birth_year,
  CASE WHEN birth_known = 'D' THEN substr(birth_date, 6, 5) END AS birth_day,
  CASE WHEN birth_known IN ('D', 'M') THEN substr(birth_date, 1, 7) END AS birth_month,
  -- a number mistyped in one digit keeps one of these three parts whole
  substr(personal_id, 1, 9) AS id_head,
  substr(personal_id, 7, 6) AS id_tail,
  substr(personal_id, 1, 6) || substr(personal_id, 10, 3) AS id_ends
FROM named
"""
# Columns of the frame that a hand-built frame (a test) may leave out: compared as missing.
OPTIONAL_COLUMNS = (
    "name_sound",
    "birth_precision",
    "native_commune",
    "native_province",
    "household",
)

# Levels whose m value cannot be learnt from a register: valid ID numbers are unique, so
# no pair of records ever shares one, and two different valid numbers that are not one or
# two keystrokes apart belong to two people (Decree 137/2015 art. 13). Fixed from that rule.
ID_EXACT_M, ID_ONE_EDIT_M, ID_TWO_EDITS_M, ID_OTHER_M = 0.9, 0.07, 0.0299, 0.0001
# Sex is rarely mistyped, so among the pairs a training rule blocks together (same name and
# year of birth) the expected true pairs of different sex can sum to exactly 0, and Splink 5
# refuses an m of 0 and stops the whole training (ValueError: "m_probability value 0.0 is
# below the minimum"; seen on a register of 30,000 loaded through `cancuoc import`). Fixed:
# about one record in a hundred with the sex mistyped.
SEX_SAME_M, SEX_OTHER_M = 0.99, 0.01

# A date of birth known to the year or month agrees with a full date in it: a year-only
# date is stored as 1 January and must never compare as that day.
_BOTH_DAYS = "birth_known_l = 'D' AND birth_known_r = 'D'"
_AS_FAR_AS_KNOWN = (
    "birth_year_l = birth_year_r AND (birth_known_l = 'Y' OR birth_known_r = 'Y'"
    " OR (birth_month_l = birth_month_r AND (birth_known_l = 'M' OR birth_known_r = 'M')))"
)


def comparisons() -> list[Any]:
    name = cl.CustomComparison(
        [
            cll.NullLevel("name_key"),
            cll.ExactMatchLevel("name_key", term_frequency_adjustments=True),
            cll.CustomLevel(
                "name_ascii_l = name_ascii_r"
                " AND (name_key_l = name_ascii_l OR name_key_r = name_ascii_r)",
                "same letters, one typed without marks",
            ),
            cll.CustomLevel(
                "name_words_l = name_words_r OR name_ascii_sorted_l = name_ascii_sorted_r",
                "same words, other order",
            ),
            cll.CustomLevel("name_ascii_l = name_ascii_r", "same letters, other marks"),
            cll.CustomLevel(
                "name_sound_l = name_sound_r OR sound_sorted_l = sound_sorted_r",
                "sounds the same",
            ),
            cll.JaroWinklerLevel("name_ascii", 0.95),
            cll.CustomLevel(
                "family_sound_l = family_sound_r AND given_sound_l = given_sound_r",
                "same family and given name, other middle name",
            ),
            cll.CustomLevel("jaro_winkler_similarity(name_sound_l, name_sound_r) >= 0.88", "alike"),
            cll.ElseLevel(),
        ],
        output_column_name="name",
    )
    birth = cl.CustomComparison(
        [
            cll.NullLevel("birth_date"),
            cll.CustomLevel(f"birth_date_l = birth_date_r AND {_BOTH_DAYS}", "exact"),
            cll.CustomLevel(
                f"{_BOTH_DAYS} AND birth_year_l = birth_year_r"
                " AND substr(birth_date_l, 6, 2) = substr(birth_date_r, 9, 2)"
                " AND substr(birth_date_l, 9, 2) = substr(birth_date_r, 6, 2)",
                "day and month swapped",
            ),
            cll.CustomLevel(_AS_FAR_AS_KNOWN, "agrees as far as known"),
            cll.CustomLevel(
                f"{_BOTH_DAYS} AND damerau_levenshtein(birth_date_l, birth_date_r) <= 1",
                "one digit apart",
            ),
            cll.CustomLevel("birth_month_l = birth_month_r", "month"),
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
            cll.DamerauLevenshteinLevel("personal_id", 2).configure(
                m_probability=ID_TWO_EDITS_M, fix_m_probability=True
            ),
            cll.ElseLevel().configure(m_probability=ID_OTHER_M, fix_m_probability=True),
        ],
        output_column_name="personal_id",
    )
    phone = cl.CustomComparison(
        [
            cll.NullLevel("phone"),
            cll.ExactMatchLevel("phone"),
            cll.DamerauLevenshteinLevel("phone", 1),
            cll.DamerauLevenshteinLevel("phone", 2),
            cll.ElseLevel(),
        ],
        output_column_name="phone",
    )
    native = cl.CustomComparison(
        [
            cll.NullLevel("native_place"),
            cll.ExactMatchLevel("native_place", term_frequency_adjustments=True),
            cll.CustomLevel(
                "native_commune_l = native_commune_r AND (native_province_l = native_province_r"
                " OR native_province_l IS NULL OR native_province_r IS NULL)",
                "same place, written otherwise",
            ),
            cll.CustomLevel("native_province_l = native_province_r", "same province"),
            cll.ElseLevel(),
        ],
        output_column_name="native_place",
    )
    place = cl.CustomComparison(
        [
            cll.NullLevel("village"),
            cll.ExactMatchLevel("household"),
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
        phone,
        native,
        cl.ExactMatch("ethnicity"),
        place,
    ]


# Each true pair needs to share one of these to be compared at all; bench/dedup.py counts
# the true pairs that share none (lost at blocking), by defect. Names are keyed by sound
# (frames.name_sound: marks, Telex remnants and regional confusions folded). Keys whose
# groups grow with the province (a name and a year) pair records quadratically, so each
# needs a name part and a date; keys under a village, a phone or an ID number stay small.
BLOCKING_RULES = [
    block_on("sound_sorted", "birth_year"),  # every spelling of the name, in any order
    block_on("sound_sorted", "birth_day"),  # the same, the year mistyped
    block_on("birth_date", "given_sound"),  # family or middle name changed or mistyped
    block_on("birth_date", "family_sound"),  # the given name mistyped
    block_on("family_sound", "given_sound", "birth_month"),  # the middle name changed
    block_on("birth_date", "village"),  # the name mangled, same village and date
    block_on("given_sound", "birth_year", "village"),  # the same, the date mistyped
    block_on("family_sound", "birth_month", "village"),  # the given name too
    block_on("given_sound", "village"),  # the date lost to the year, the name mistyped
    block_on("phone"),  # a phone is one person's, or a household's
    block_on("id_head"),  # ID numbers one or two keystrokes apart keep one of these
    block_on("id_ends"),
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


def prepare(connection: duckdb.DuckDBPyConnection) -> None:
    """The table ``persons`` (the frame with the derived columns) from the table ``frame``
    registered on ``connection``."""
    present = {row[0] for row in connection.execute("DESCRIBE frame").fetchall()}
    missing = [column for column in OPTIONAL_COLUMNS if column not in present]
    sql = PREPARE_SQL
    if missing:
        added = ", ".join(f"NULL::VARCHAR AS {column}" for column in missing)
        connection.execute(
            f"CREATE OR REPLACE TEMP VIEW frame_full AS SELECT *, {added} FROM frame"
        )
        sql = sql.replace("FROM frame\n", "FROM frame_full\n")
    connection.execute(sql)


def linker_for(
    connection: duckdb.DuckDBPyConnection, model: dict[str, Any] | None = None
) -> Linker:
    """A linker over the table ``frame`` registered on ``connection``: untrained, or with
    the parameters of a saved ``model``. Columns of OPTIONAL_COLUMNS the frame lacks are
    added empty."""
    prepare(connection)
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
# The least m of "different, both given" for the fields a person's records may honestly
# differ in: a new phone, a move, the native place written by the old map's names, an
# ethnicity typed otherwise. Learnt on a register whose duplicates never differ there (the
# default synthetic profile), EM would give them M_FLOOR and a weight near -13 each: one
# such field alone then outweighed a name, full date of birth and village that agree
# (issue 17: "Nguyen Van Cuong", native place written otherwise, scored -33.5). At 0.05 the
# cost is at most about log2(0.05 / 1) = -4.3.
SOFT_M_FLOOR = {"phone": 0.05, "native_place": 0.05, "ethnicity": 0.05, "place": 0.05}
ELSE_LEVEL = 0  # Splink numbers the levels from "else" (0) up


@contextmanager
def _m_floored() -> Iterator[None]:
    """While EM runs, its m estimates are at least M_FLOOR, and those of the "else" level of
    the SOFT_M_FLOOR fields at least theirs. Splink 5 refuses an m of exactly 0 and stops
    the whole training (ValueError "m_probability value 0.0 is below the minimum allowed
    value"), and EM gives 0 whenever no true pair in a training block reaches a level: a
    register loaded through `cancuoc import` whose duplicates never differ in native place
    did (30,000 persons, bench/import.py). Splink has no setting for it; its M-step reads the
    estimates through ``m_u_records_to_lookup_dict``, which is wrapped here and nowhere else
    (constraints.txt pins Splink: tests/dedup/test_training.py fails if this moves)."""
    original = expectation_maximisation.m_u_records_to_lookup_dict

    def floored(records: list[dict[str, Any]]) -> dict[str, dict[int, Any]]:
        lookup = original(records)
        for comparison, levels in lookup.items():
            for level, values in levels.items():
                m = values.get("m_probability")
                least = M_FLOOR
                if level == ELSE_LEVEL:
                    least = SOFT_M_FLOOR.get(comparison, M_FLOOR)
                if m is not None and m < least:
                    values["m_probability"] = least
        return lookup

    expectation_maximisation.m_u_records_to_lookup_dict = floored
    try:
        yield
    finally:
        expectation_maximisation.m_u_records_to_lookup_dict = original


# Thresholds from the model (issue 17, Build 4): a pair's match probability is the model's
# own estimate that it is one person, so over the pairs a run scores, the expected number of
# true pairs above a weight is the sum of their probabilities; precision and recall follow
# without labels. Auto-merge: the lowest weight above which the expected precision is at
# least AUTO_PRECISION and every pair is at least AUTO_PAIR_PROBABILITY likely (a merge is of
# one pair, not of an average). Review: the lowest weight above which the expected recall is
# REVIEW_RECALL, but never a pair less likely than REVIEW_PAIR_PROBABILITY (the queue would
# fill with namesakes), nor above the auto-merge weight.
AUTO_PRECISION = 0.999
AUTO_PAIR_PROBABILITY = 0.99
REVIEW_RECALL = 0.999
REVIEW_PAIR_PROBABILITY = 0.01


def _weight_of(probability: float) -> float:
    return math.log2(probability / (1 - probability))


@dataclass(frozen=True)
class Thresholds:
    auto_merge: float
    review: float
    expected_pairs: float  # true pairs the model expects among those scored
    expected_precision: float  # of the pairs merged automatically
    expected_recall: float  # of the pairs kept (merged or reviewed)


def thresholds_from_model(
    weights: Sequence[float],
    *,
    auto_precision: float = AUTO_PRECISION,
    review_recall: float = REVIEW_RECALL,
) -> Thresholds:
    """The auto-merge and review weights chosen from the model's own estimates over the
    ``weights`` of every pair a run scored (Splink's ``match_weight``, prior included: the
    probability is 2^w / (1 + 2^w)). Pure: the run reads the weights, this chooses."""
    ordered = sorted(weights, reverse=True)
    probabilities = [1 / (1 + 2 ** -min(max(w, -60.0), 60.0)) for w in ordered]
    expected = sum(probabilities)
    least_auto = _weight_of(AUTO_PAIR_PROBABILITY)
    least_review = _weight_of(REVIEW_PAIR_PROBABILITY)
    auto, review = math.inf, least_auto
    found = 0.0
    auto_found, auto_count = 0.0, 0
    recall_met = False
    for above, (weight, probability) in enumerate(
        zip(ordered, probabilities, strict=True), start=1
    ):
        found += probability
        if weight >= least_auto and found / above >= auto_precision:
            auto, auto_found, auto_count = weight, found, above
        if not recall_met and weight >= least_review:
            review = min(weight, review)
            recall_met = expected > 0 and found / expected >= review_recall
    if auto == math.inf:
        auto = least_auto
    review = min(review, auto)
    kept = sum(p for w, p in zip(ordered, probabilities, strict=True) if w >= review)
    return Thresholds(
        auto_merge=round(auto, 2),
        review=round(review, 2),
        expected_pairs=expected,
        expected_precision=auto_found / auto_count if auto_count else 1.0,
        expected_recall=kept / expected if expected else 1.0,
    )


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
        _("một bên không dấu"),
        _("cùng các chữ, khác thứ tự"),
        _("khác dấu"),
        _("đọc giống nhau"),
        _("lệch một, hai chữ cái"),
        _("cùng họ và tên, khác tên đệm"),
        _("gần giống"),
        DIFFERENT,
    ],
    "birth": [
        EXACT,
        _("đảo ngày và tháng"),
        _("khớp trong phần đã biết"),
        _("lệch một chữ số"),
        _("cùng tháng"),
        _("cùng năm"),
        DIFFERENT,
    ],
    "personal_id": [EXACT, _("lệch một chữ số"), _("lệch hai chữ số"), DIFFERENT],
    "sex": [SAME, DIFFERENT],
    "phone": [SAME, _("lệch một chữ số"), _("lệch hai chữ số"), DIFFERENT],
    "native_place": [SAME, _("cùng nơi, viết khác"), _("cùng tỉnh"), DIFFERENT],
    "ethnicity": [SAME, DIFFERENT],
    "place": [_("cùng hộ"), _("cùng thôn"), _("cùng xã"), _("khác xã")],
}


def level_label(comparison: str, gamma: int | None) -> str:
    """The level in words, in the active language when shown."""
    labels = LEVEL_LABELS[comparison]
    if gamma is None or gamma < 0:
        return pgettext_lazy("so khớp", "thiếu")
    return labels[len(labels) - 1 - gamma]
