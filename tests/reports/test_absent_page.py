"""The absent residents' page: the home commune hands a resident over, the other accepts."""

from datetime import date

from cancuoc.accounts.models import Assignment, Role
from cancuoc.geo.selectors import unit_by_code
from cancuoc.registry.models import Handover, HandoverState
from cancuoc.registry.worklists import worklist

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
