"""The township window's side: confirming a resident's account after the real-name check."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from huimin.citizens.forms import LinkForm
from huimin.citizens.services import citizen_account_link
from huimin.core.errors import HuiminError
from huimin.core.http import AuthedRequest


@login_required
@permission_required("casework.take_application", raise_exception=True)
@require_http_methods(["GET", "POST"])
def account_link(request: AuthedRequest) -> HttpResponse:
    form = LinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = citizen_account_link(actor=request.user, request=request, **form.cleaned_data)
        except HuiminError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            name = account.person.name if account.person else ""
            messages.success(
                request,
                _("The account %(phone)s is now confirmed for %(name)s and their household.")
                % {"phone": str(account), "name": name},
            )
            return redirect("citizen-account-link")
    return render(request, "citizens/staff_link.html", {"form": form})
