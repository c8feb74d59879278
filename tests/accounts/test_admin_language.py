"""The admin in Vietnamese: Django's own strings its Vietnamese catalogue lacks ("Show counts",
"Skip to main content", the calendar's days) come from accounts/locale/vi, our models'
labels are Vietnamese (no "Bởi state"), and English stays English for who chose it."""

import json
import re

import pytest

from cancuoc.dedup.models import MatchPair, MatchRun


@pytest.fixture
def superuser(client, django_user_model, add_person):
    admin = django_user_model.objects.create_superuser("quan-tri", password="x" * 12)
    client.force_login(admin)
    run = MatchRun.objects.create(review_weight=0, auto_merge_weight=8, model={})
    MatchPair.objects.create(
        run=run, left=add_person(), right=add_person(), match_weight=3, match_probability=0.6
    )
    return client


def page(client, url: str, language: str = "") -> str:
    if language:
        client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_changelist_is_vietnamese_through_and_through(superuser):
    text = page(superuser, "/admin/dedup/matchpair/")
    english = [
        "Show counts",
        "Hide counts",
        "Skip to main content",
        "Toggle navigation",
        "Filter navigation items",
        "Toggle theme",
        "Bởi state",
        "Select all objects",
    ]
    vietnamese = [
        "Hiện số lượng",
        "Bỏ qua, đến nội dung chính",
        "Bởi trạng thái",
        "Chờ xem xét",
        "Lọc các mục điều hướng",
        "Đổi giao diện",
        "cancuoc — quản trị",
    ]
    assert [words for words in english if words in text] == []
    assert [words for words in vietnamese if words not in text] == []


def test_a_change_page_and_the_index_are_vietnamese(superuser):
    pair = MatchPair.objects.get()
    change = page(superuser, f"/admin/dedup/matchpair/{pair.pk}/change/")
    assert "Xác suất trùng" in change and "Match probability" not in change
    assert "Breadcrumbs" not in change and 'aria-label="Đường dẫn"' in change
    index = page(superuser, "/admin/")
    assert "Quản trị hệ thống" in index and "Trùng lặp" in index
    assert not re.search(r"\b(Added|Changed|Deleted|Add link|Model name)\b", index)


def test_the_user_pages_say_in_vietnamese_what_django_does_not(superuser, django_user_model):
    user = django_user_model.objects.get(username="quan-tri")
    change = page(superuser, f"/admin/auth/user/{user.pk}/change/")
    assert "Raw passwords are not stored" not in change
    assert "Mật khẩu không được lưu nguyên dạng" in change
    add = page(superuser, "/admin/auth/user/add/")
    assert "Đăng nhập bằng mật khẩu" in add and "Password-based authentication" not in add


def test_the_admin_scripts_name_the_days_in_vietnamese(superuser):
    catalogue = page(superuser, "/admin/jsi18n/")
    found = json.loads(re.search(r"const newcatalog = (\{.*?\});", catalogue, re.S).group(1))
    assert found["Monday"] == "Thứ hai" and found["abbrev. day Sunday\x04Sun"] == "CN"
    assert found["Choose all %s"] == "Chọn tất cả %s"


def test_an_administrator_who_chose_english_reads_english(superuser):
    text = page(superuser, "/admin/dedup/matchpair/", "en")
    assert "Show counts" in text and "By status" in text and "To review" in text
    assert "Hiện số lượng" not in text and "Bởi trạng thái" not in text
