"""Landing page: straight to the queues for staff, a plain explanation for everyone else."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from clinic_inbox.permissions import user_roles


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Staff go to the queue, which opens on their roles' open cases (every queue for office
    managers); a signed-in user without a role is told why there is nothing to work on."""
    if user_roles(request.user):
        return redirect("inbox:queue")
    return render(request, "clinic_inbox/home.html")
