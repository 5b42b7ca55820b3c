"""Each user's language: the choice made with the language switcher is kept on the user.

`User.language` is '' until the user picks a language with the switcher; until then the language cookie
and the browser's Accept-Language decide, page by page, exactly as for a visitor who is not signed in.
Signing in does not store what the browser asked for: a browser can be shared or borrowed, and a stored
value means "the user chose this". Once chosen, the language follows the user to every browser
(`UserLanguageMiddleware`) and into the emails sent to the user's address (`partnercenter.emails`).
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.views.i18n import set_language as django_set_language

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


def user_language_set(*, user, language: str) -> bool:
    """Keep `language` as the user's choice. False (and nothing changes) when it is not one of the
    portal's languages or is already the user's choice."""
    if language not in LANGUAGE_CODES or user.language == language:
        return False
    user.language = language
    user.save(update_fields=["language"])
    return True


def set_language(request):
    """Django's language switcher (it sets the language cookie and redirects back), which also keeps a
    signed-in user's choice on the user."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    user = getattr(request, "user", None)
    if (
        request.method == "POST"
        and user is not None
        and user.is_authenticated
        and translation.check_for_language(language)
    ):
        user_language_set(user=user, language=language)
    return response
