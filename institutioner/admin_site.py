from functools import wraps

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from institutioner import access

# A search of Stamdata's lists and pickers is cut to this length: 10,000 characters (or 5,000
# words) once made SQLite give up with a server error, and no name or address is that long.
MAX_SEARCH = 200
SEARCH_PARAMETERS = ("q", "term")


class MunicipalAdminSite(admin.AdminSite):
    """The Django admin in Danish, open to the administration role (access.py decides)."""

    site_header = _("The intervention team – master data")
    site_title = _("Master data")
    index_title = _("Master data")

    def has_permission(self, request) -> bool:
        return access.can_manage_master_data(request.user)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def guarded(request, *args, **kwargs):
            # A signed-in leader or pedagogist is outside the admin's scope: 404, not a login loop.
            if request.user.is_authenticated and not self.has_permission(request):
                raise Http404
            _cut_long_searches(request)
            return inner(request, *args, **kwargs)

        return guarded

    def login(self, request, extra_context=None):
        # One login page for everyone, so lockout and messages are the same everywhere.
        return redirect_to_login(request.GET.get("next", "/admin/"), settings.LOGIN_URL)


def _cut_long_searches(request) -> None:
    long = [p for p in SEARCH_PARAMETERS if len(request.GET.get(p, "")) > MAX_SEARCH]
    if not long:
        return
    query = request.GET.copy()
    for parameter in long:
        query[parameter] = query[parameter][:MAX_SEARCH]
    query._mutable = False
    request.GET = query
    messages.warning(
        request,
        _("The search is too long: only its first %(count)s characters are used.")
        % {"count": MAX_SEARCH},
    )
