"""Project-wide middleware."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed


class RefuseDelete:
    """Nothing is deleted over HTTP: answer every DELETE with 405 before any view runs.

    Cases and patient messages are closed or merged, never deleted (README, Retention);
    this keeps a view that treats any method like GET from looking as if it deleted.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "DELETE":
            return HttpResponseNotAllowed(["GET", "HEAD", "POST", "OPTIONS"])
        return self.get_response(request)
