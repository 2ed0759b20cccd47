"""Placeholder: being built."""

from django.http import Http404


def queue(request, **kwargs):
    raise Http404


def bulk_action(request, **kwargs):
    raise Http404
