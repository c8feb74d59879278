import unicodedata

import pytest

from cancuoc.lib.text import normalise_name, place_tone, sort_key, strip_diacritics


@pytest.mark.parametrize(
    ("old", "new"),
    [("Hòa", "Hoà"), ("Thủy", "Thuỷ"), ("Khỏe", "Khoẻ"), ("Thúy", "Thuý"), ("Tùy", "Tuỳ")],
)
def test_both_tone_placements_normalise_alike(old, new):
    assert normalise_name(old) == normalise_name(new) == new.upper()


@pytest.mark.parametrize(
    "word",
    ["Nguyễn", "Hoàng", "Quý", "Già", "Người", "Mùa", "Của", "Khuỷu", "Ngoài", "Tuổi", "Nghĩa"],
)
def test_words_already_in_place_are_unchanged(word):
    assert place_tone(word) == word


def test_nfd_and_nfc_give_the_same_key():
    name = "Nguyễn Thị Thủy"
    assert normalise_name(unicodedata.normalize("NFD", name)) == normalise_name(name)


def test_spaces_are_collapsed_and_capitals_used():
    assert normalise_name("  trần   văn  Hòa ") == "TRẦN VĂN HOÀ"


def test_stripping_diacritics_collides_distinct_names():
    assert strip_diacritics("Đông Thành") == strip_diacritics("Đông Thạnh") == "Dong Thanh"
    assert normalise_name("Đông Thành") != normalise_name("Đông Thạnh")


def test_names_sort_by_given_name_in_vietnamese_order():
    names = ["Trần Văn Đạt", "Nguyễn Văn Dũng", "Lê Thị Ánh", "Phạm Thị Ân", "Bùi Văn Bình"]
    ordered = sorted(names, key=sort_key)
    assert ordered == [
        "Lê Thị Ánh",
        "Phạm Thị Ân",
        "Bùi Văn Bình",
        "Nguyễn Văn Dũng",
        "Trần Văn Đạt",
    ]


def test_same_given_name_sorts_by_family_name():
    assert sorted(["Trần Văn An", "Lê Văn An"], key=sort_key) == ["Lê Văn An", "Trần Văn An"]
