"""Placeholder: being built."""

from django.http import Http404


def case_detail(request, **kwargs):
    raise Http404


def claim(request, **kwargs):
    raise Http404


def assign(request, **kwargs):
    raise Http404


def move(request, **kwargs):
    raise Http404


def recategorise(request, **kwargs):
    raise Http404


def reply(request, **kwargs):
    raise Http404


def note(request, **kwargs):
    raise Http404


def route_to_clinical(request, **kwargs):
    raise Http404


def escalate(request, **kwargs):
    raise Http404
