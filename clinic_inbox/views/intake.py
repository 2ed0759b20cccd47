"""Placeholder: being built."""

from django.http import Http404


def log_message(request, **kwargs):
    raise Http404
