from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.views.decorators.http import require_GET

from g60.accounts.selectors import membership_list
from g60.core.access import AUTHENTICATED, PUBLIC, access

login = access(PUBLIC)(
    auth_views.LoginView.as_view(template_name="accounts/login.html", redirect_authenticated_user=True)
)
logout = access(AUTHENTICATED)(auth_views.LogoutView.as_view())
password_change = access(AUTHENTICATED)(
    auth_views.PasswordChangeView.as_view(
        template_name="accounts/password_change.html",
        success_url=reverse_lazy("accounts:password_change_done"),
    )
)
password_change_done = access(AUTHENTICATED)(
    auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html")
)


@require_GET
@access(AUTHENTICATED)
def profile(request: HttpRequest) -> HttpResponse:
    memberships = membership_list(user=request.user)  # type: ignore[arg-type]
    return render(request, "accounts/profile.html", {"memberships": memberships})
