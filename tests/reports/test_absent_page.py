"""The absent residents' page: the home commune hands a resident over, the other accepts."""

from datetime import date

from cancuoc.accounts.models import Assignment, Role
from cancuoc.geo.selectors import unit_by_code
from cancuoc.registry.models import Handover, HandoverState
from cancuoc.scheduling.worklists import worklist

ON = "2021-04-10"


def officer_of(client, django_user_model, code: str):
    user = django_user_model.objects.create_user(f"cs-{code}", password="x" * 12)
    Assignment.objects.create(user=user, role=Role.COMMUNE_OFFICER, unit=unit_by_code(code))
    client.force_login(user)


def test_a_resident_is_handed_over_and_taken_over(client, django_user_model, add_person):
    person = add_person(
        full_name="Lê Văn Vắng", presence="absent", whereabouts="Tổ dân phố 1, Phường Hai"
    )
    officer_of(client, django_user_model, "16000")
    page = client.get("/don-vi/16000/vang-mat/", {"ngay": ON}).content.decode()
    assert "Lê Văn Vắng" in page and "Tổ dân phố 1, Phường Hai" in page
    client.post(
        f"/don-vi/16000/vang-mat/ban-giao/?ngay={ON}",
        {"person": person.pk, "to_unit": "16001001", "whereabouts": "Tổ dân phố 1"},
    )
    handover = Handover.objects.get()
    assert handover.state == HandoverState.REQUESTED
    # The ward's officer sees the request and accepts it; the home commune may not.
    assert client.post(f"/ban-giao/{handover.pk}/", {"action": "accept"}).status_code == 404
    officer_of(client, django_user_model, "16001")
    assert "Lê Văn Vắng" in client.get("/don-vi/16001/vang-mat/", {"ngay": ON}).content.decode()
    client.post(f"/ban-giao/{handover.pk}/?ngay={ON}", {"action": "accept"})
    handover.refresh_from_db()
    assert handover.state == HandoverState.ACCEPTED
    on = date.fromisoformat(ON)
    assert worklist(unit=unit_by_code("16001"), on=on).filter(pk=person.pk).exists()
    assert not worklist(unit=unit_by_code("16000"), on=on).filter(pk=person.pk).exists()


def test_a_localised_person_id_is_refused_with_a_message_not_a_500(
    client, django_user_model, add_person
):
    add_person(full_name="Lê Văn Vắng", presence="absent", whereabouts="Phường Hai")
    officer_of(client, django_user_model, "16000")
    client.cookies["django_language"] = "en"
    answer = client.post(
        f"/don-vi/16000/vang-mat/ban-giao/?ngay={ON}",
        {"person": "14,909", "to_unit": "16001001"},
        follow=True,
    )
    assert answer.status_code == 200
    assert "Invalid person id: reload the page." in answer.content.decode()
    assert not Handover.objects.exists()
    client.cookies["django_language"] = "vi"
    answer = client.post(
        f"/don-vi/16000/vang-mat/ban-giao/?ngay={ON}", {"person": "", "to_unit": ""}, follow=True
    )
    page = answer.content.decode()
    assert "Cần chọn một người trong danh sách." in page
    assert "Cần chọn đơn vị nơi đến." in page


def test_the_unit_is_picked_by_its_entry_its_code_or_its_name(
    client, django_user_model, add_person
):
    people = [
        add_person(full_name=f"Người Vắng {n}", presence="absent", whereabouts="Phường Hai")
        for n in range(4)
    ]
    officer_of(client, django_user_model, "16000")
    page = client.get("/don-vi/16000/vang-mat/", {"ngay": ON}).content.decode()
    # The picker offers every commune and ward of the country, with its province and code.
    assert 'list="communes"' in page and '<option value="Phường Hai, Thanh Hóa (16001)">' in page
    picked = {}
    for person, typed in zip(
        people, ["Phường Hai, Thanh Hóa (16001)", "16001", "phuong hai", "Phường Ba"], strict=True
    ):
        answer = client.post(
            f"/don-vi/16000/vang-mat/ban-giao/?ngay={ON}",
            {"person": person.pk, "to_unit": typed},
            follow=True,
        )
        picked[typed] = answer.content.decode()
    assert set(Handover.objects.values_list("to_unit__code", flat=True)) == {"16001"}
    assert Handover.objects.count() == 3
    assert (
        'class="ok"' in picked["phuong hai"]
        and "Đã đề nghị Phường Hai tiếp nhận" in picked["phuong hai"]
    )
    assert "Không có đơn vị nào tên Phường Ba" in picked["Phường Ba"]


def test_people_abroad_are_counted_apart_and_never_offered_a_hand_over(
    client, django_user_model, add_person
):
    add_person(full_name="Lê Văn Vắng", presence="absent", whereabouts="Bình Dương")
    abroad = add_person(full_name="Trần Thị Xa", presence="abroad", whereabouts="Hàn Quốc")
    officer_of(client, django_user_model, "16000")
    page = client.get("/don-vi/16000/vang-mat/", {"ngay": ON}).content.decode()
    absent_list = page[
        page.index('id="absent"') : page.index("</table>", page.index('id="absent"'))
    ]
    abroad_list = page[page.index('id="abroad"') :]
    assert "Lê Văn Vắng" in absent_list and "Trần Thị Xa" not in absent_list
    assert "Trần Thị Xa" in abroad_list and 'class="handover"' not in abroad_list
    assert '<b id="abroad-total">1</b>' in page and '<b id="absent-total">1</b>' in page
    # Posted by hand all the same: refused, with the reason.
    answer = client.post(
        f"/don-vi/16000/vang-mat/ban-giao/?ngay={ON}",
        {"person": abroad.pk, "to_unit": "16001"},
        follow=True,
    )
    assert "Không có người vắng mặt này trong địa bàn." in answer.content.decode()
    assert not Handover.objects.exists()


def test_the_absent_list_is_paged_and_says_n_of_n(client, django_user_model, add_person):
    from cancuoc.registry.services import register_load
    from tests.conftest import person_record

    register_load(
        records=[
            person_record(full_name=f"Người Vắng {n:02d}", presence="absent") for n in range(53)
        ],
        source="test",
    )
    officer_of(client, django_user_model, "16000")
    first = client.get("/don-vi/16000/vang-mat/", {"ngay": ON}).content.decode()
    assert "Trang 1/2" in first and "1–50 trên 53" in first
    assert first.count('class="handover"') == 50
    second = client.get("/don-vi/16000/vang-mat/", {"ngay": ON, "trang": 2}).content.decode()
    assert "51–53 trên 53" in second and second.count('class="handover"') == 3
    client.cookies["django_language"] = "en"
    english = client.get("/don-vi/16000/vang-mat/", {"ngay": ON, "trang": 2}).content.decode()
    assert "Page 2 of 2" in english and "51–53 of 53" in english
