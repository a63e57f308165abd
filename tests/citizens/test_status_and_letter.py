from huimin.casework.models import Application
from huimin.citizens.services import citizen_account_link
from tests.casework import samples as casework_samples
from tests.citizens.helpers import signed_in_client

MARKER = "状态测试"


def test_a_citizen_downloads_their_own_letter_and_sees_the_next_review(
    caseworker_b, settings, tmp_path
):
    settings.VAR_DIR = tmp_path / "var"
    case = casework_samples.case(caseworker_b, MARKER)
    application = Application.objects.get(pk=case["application_id"])
    head = application.household.members.get(relation="head")
    own = signed_in_client("13800001212")
    citizen_account_link(actor=caseworker_b, phone="13800001212", id_number=head.id_number)
    page = own.get("/portal/me/").content.decode()
    assert f"/portal/applications/{application.pk}/letter/" in page
    assert "复核" in page or "review" in page
    response = own.get(f"/portal/applications/{application.pk}/letter/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    stranger = signed_in_client("13800003434")  # signed in, not linked to this household
    assert stranger.get(f"/portal/applications/{application.pk}/letter/").status_code == 404
    assert MARKER not in stranger.get("/portal/me/").content.decode()
