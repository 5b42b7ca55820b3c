"""The API's JSON parser. Its own module: DRF reads DEFAULT_PARSER_CLASSES while importing its views, so
this must not import them (partnercenter.api does)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers

MAX_JSON_DEPTH = 32


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing what no Partner Center body holds and what would break later: nesting
    deeper than MAX_JSON_DEPTH (Python's parser would otherwise hit its recursion limit: a 500) and NUL
    characters in strings (PostgreSQL cannot store or compare them). Both answer 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(_("The JSON body is nested too deeply."))
        _check_json(data)
        return data


def _check_json(value, depth: int = 0) -> None:
    if depth > MAX_JSON_DEPTH:
        raise exceptions.ParseError(_("The JSON body is nested too deeply."))
    if isinstance(value, str):
        if "\x00" in value:
            raise exceptions.ParseError(_("The JSON body contains a NUL character, which is not allowed."))
    elif isinstance(value, dict):
        for key, inner in value.items():
            _check_json(key, depth + 1)
            _check_json(inner, depth + 1)
    elif isinstance(value, list):
        for inner in value:
            _check_json(inner, depth + 1)
