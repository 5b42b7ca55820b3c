from django.utils import translation

from .language import LANGUAGE_CODES


class UserLanguageMiddleware:
    """Shows a signed-in user's pages in the language the user chose (`User.language`). Placed after
    AuthenticationMiddleware; when the user chose none, LocaleMiddleware's choice (the language cookie,
    then the browser's Accept-Language) stands. The chosen language is active while the view runs and
    its template renders, and is the response's Content-Language; afterwards the thread's language is
    what it was, so nothing outlives the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        chosen = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if chosen not in LANGUAGE_CODES:
            return self.get_response(request)
        previous = translation.get_language()
        translation.activate(chosen)
        request.LANGUAGE_CODE = chosen
        try:
            response = self.get_response(request)
        finally:
            translation.activate(previous) if previous else translation.deactivate()
        response.headers.setdefault("Content-Language", chosen)
        return response
