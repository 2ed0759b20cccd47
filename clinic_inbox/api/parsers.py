"""Request parsing for the integration API."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import IO, Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

LONE_SURROGATE = "JSON parse error - a string holds half of a surrogate pair (not Unicode text)."


class UnicodeJSONParser(JSONParser):
    """JSON whose strings are all valid Unicode.

    A JSON escape can spell half a surrogate pair ("\\ud800"): no database stores it and no
    response can echo it back (a validation message quoting it would fail to render as
    UTF-8, a 500). Such a request is refused here as a parse error, 400, before any field
    sees it.
    """

    def parse(
        self,
        stream: IO[bytes],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        data = super().parse(stream, media_type, parser_context)
        try:
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as error:
            raise ParseError(LONE_SURROGATE) from error
        return data
