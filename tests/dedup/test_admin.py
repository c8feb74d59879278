"""The review queue in the admin: the pair side by side (ID numbers masked), merged or
marked as two people by the list's actions; reading a pair is audited."""

from datetime import date

from cancuoc.accounts.models import AuditEvent
from cancuoc.dedup.models import MatchPair, MatchRun, PairState
from cancuoc.registry.choices import Presence


def test_a_reviewer_decides_pairs_in_the_admin(client, add_person, django_user_model):
    admin = django_user_model.objects.create_superuser("quan-tri", password="x" * 12)
    client.force_login(admin)
    run = MatchRun.objects.create(review_weight=0, auto_merge_weight=8, model={})
    one = add_person(personal_id="038080001234", full_name="Trần Văn Cường")
    two = add_person(full_name="Tran Van Cuong", phone="0987654321")
    three = add_person(full_name="Trần Thị Cúc", sex="F", birth_date=date(1980, 5, 11))
    same = MatchPair.objects.create(
        run=run, left=one, right=two, match_weight=6.5, match_probability=0.99
    )
    other = MatchPair.objects.create(
        run=run, left=two, right=three, match_weight=1.2, match_probability=0.7
    )

    queue = client.get("/admin/dedup/matchpair/?state__exact=pending").content.decode()
    assert "Trần Văn Cường" in queue and "Trần Thị Cúc" in queue
    page = client.get(f"/admin/dedup/matchpair/{same.pk}/change/").content.decode()
    assert "Tran Van Cuong" in page and "••••••••1234" in page and "038080001234" not in page
    assert AuditEvent.objects.filter(action="read", object_id=str(same.pk)).exists()

    client.post(
        "/admin/dedup/matchpair/",
        {"action": "distinct_selected", "_selected_action": [other.pk]},
    )
    answer = client.post(
        "/admin/dedup/matchpair/",
        {"action": "merge_selected", "_selected_action": [same.pk]},
        follow=True,
    )
    assert f"#{same.pk}: Đã hợp nhất" in answer.content.decode()
    same.refresh_from_db()
    other.refresh_from_db()
    assert (same.state, same.decided_by) == (PairState.MERGED, admin)
    assert (other.state, other.decided_by) == (PairState.DISTINCT, admin)
    two.refresh_from_db()
    assert (two.presence, two.merged_into_id) == (Presence.MERGED, one.pk)
    assert client.get(f"/admin/dedup/matchpair/{same.pk}/delete/").status_code == 403
