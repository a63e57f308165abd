from huimin.core.models import AuditEvent, Region


def test_a_change_in_the_admin_writes_an_audit_event(client, admin_user):
    client.force_login(admin_user)
    region = Region.objects.get(code="532922")
    response = client.post(
        f"/admin/core/region/{region.pk}/change/",
        {
            "code": "532922",
            "level": "county",
            "name_zh": "漾濞彝族自治县",
            "name_en": "Yangbi County",
            "parent": region.parent_id,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="region.change_in_admin")
    assert event.actor == admin_user
    assert event.changes["fields"] == ["name_en"]
