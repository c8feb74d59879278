"""The review page of a unit: an officer sees the pairs of her area side by side (numbers
masked), merges one and keeps another as two people; pairs of other areas stay out of sight
and out of reach; a viewer sees no names."""

from datetime import date

from cancuoc.accounts.models import Assignment, Role
from cancuoc.dedup.models import MatchPair, MatchRun, PairState
from cancuoc.geo.selectors import unit_by_code
from cancuoc.registry.choices import Presence


def login_as(client, django_user_model, role: str, code: str):
    user = django_user_model.objects.create_user(f"{role}-{code}", password="x" * 12)
    Assignment.objects.create(user=user, role=role, unit=unit_by_code(code))
    client.force_login(user)
    return user


def pair_of(a, b, weight: float) -> MatchPair:
    run = MatchRun.objects.get_or_create(review_weight=0, auto_merge_weight=8, model={})[0]
    return MatchPair.objects.create(
        run=run,
        left=a,
        right=b,
        match_weight=weight,
        match_probability=0.9,
        levels={"name": 7, "birth": 6, "personal_id": -1, "place": 2},
    )


def test_an_officer_decides_the_pairs_of_her_commune(client, django_user_model, add_person):
    one = add_person(personal_id="038180001234", full_name="Phạm Thị Lan", sex="F")
    two = add_person(full_name="Pham Thi Lan", sex="F", phone="0977000111")
    three = add_person(full_name="Phạm Thị Lân", sex="F", birth_date=date(1980, 5, 11))
    ward = [add_person(full_name="Đỗ Văn Nam", permanent_unit="16001001") for _ in range(2)]
    same, other = pair_of(one, two, 6.0), pair_of(two, three, 2.5)
    elsewhere = pair_of(*ward, 5.0)
    officer = login_as(client, django_user_model, Role.COMMUNE_OFFICER, "16000")

    page = client.get("/don-vi/16000/nghi-trung/").content.decode()
    assert "Pham Thi Lan" in page and "Phạm Thị Lân" in page and "Đỗ Văn Nam" not in page
    assert "••••••••1234" in page and "038180001234" not in page and "0977000111" not in page
    assert "một bên không dấu" in page and "Hai người khác nhau" in page
    assert page.index(f'id="pair-{same.pk}"') < page.index(f'id="pair-{other.pk}"')

    answer = client.post(f"/don-vi/16000/nghi-trung/{elsewhere.pk}/", {"action": "merge"})
    assert answer.status_code == 404
    client.post(f"/don-vi/16000/nghi-trung/{same.pk}/", {"action": "merge", "note": "Một người"})
    answer = client.post(
        f"/don-vi/16000/nghi-trung/{other.pk}/", {"action": "distinct"}, follow=True
    )
    assert "Không có cặp nào chờ xem xét" in answer.content.decode()
    same.refresh_from_db()
    other.refresh_from_db()
    assert (same.state, same.decided_by, same.note) == (PairState.MERGED, officer, "Một người")
    assert (other.state, other.decided_by) == (PairState.DISTINCT, officer)
    two.refresh_from_db()
    assert (two.presence, two.merged_into_id) == (Presence.MERGED, one.pk)
    elsewhere.refresh_from_db()
    assert elsewhere.state == PairState.PENDING


def test_a_viewer_sees_no_pairs(client, django_user_model, add_person):
    pair_of(add_person(), add_person(), 4.0)
    login_as(client, django_user_model, Role.VIEWER, "16000")
    assert client.get("/don-vi/16000/nghi-trung/").status_code == 403


def test_a_long_queue_comes_in_pages_and_a_decision_returns_to_its_page(
    client, django_user_model, add_person
):
    people = [add_person(full_name=f"Vũ Văn Bình {n}") for n in range(53)]
    pairs = [pair_of(people[n], people[n + 1], 10.0 - n / 10) for n in range(52)]
    login_as(client, django_user_model, Role.COMMUNE_OFFICER, "16000")

    first = client.get("/don-vi/16000/nghi-trung/").content.decode()
    assert first.count('class="pair"') == 50 and "Trang 1 trên 2" in first
    assert ">52</b> cặp chờ xem xét · đang xem 1–50 trên 52" in first
    second = client.get("/don-vi/16000/nghi-trung/?trang=2").content.decode()
    assert [f'id="pair-{p.pk}"' in second for p in pairs[49:]] == [False, True, True]

    answer = client.post(
        f"/don-vi/16000/nghi-trung/{pairs[51].pk}/", {"action": "distinct", "trang": "2"}
    )
    assert answer["Location"] == "/don-vi/16000/nghi-trung/?trang=2"
    assert client.get(answer["Location"]).content.decode().count('class="pair"') == 1


def test_the_page_speaks_english_to_who_chose_it(client, django_user_model, add_person):
    pair_of(add_person(), add_person(full_name="Nguyen Van An", birth_date=date(1980, 6, 10)), 4.0)
    login_as(client, django_user_model, Role.COMMUNE_OFFICER, "16000")
    client.cookies["django_language"] = "en"
    page = client.get("/don-vi/16000/nghi-trung/").content.decode()
    assert "pair to review" in page and "one typed without marks" in page
    assert "Date of birth" in page and "10 May 1980" in page and "10 Jun 1980" in page
    assert "Same person: merge" in page and "Two different people" in page
    assert "một bên không dấu" not in page and "Hợp nhất" not in page
