from django.shortcuts import render
from django.utils.translation import gettext as _


def permission_denied(request, exception=None):
    message = str(exception) if exception and str(exception) else _("Your role does not allow this page.")
    return render(request, "403.html", {"message": message}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)
