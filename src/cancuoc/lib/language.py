"""The language of the pages: the one the user chose (the language cookie, set by the
switch in the page header), else Vietnamese.

Django's LocaleMiddleware would follow the browser's Accept-Language; officers' browsers are
often set to English, and the pages are Vietnamese unless someone asks otherwise."""

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        known = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in known else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
