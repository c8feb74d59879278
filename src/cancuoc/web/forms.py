"""What a page says when a form comes back wrong: one line per wrong field, named by its
label, in the language of the request."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest


def form_problems(form: forms.Form) -> list[str]:
    """Each wrong field of a bound form with what is wrong, for the answer to a bad request."""
    return [
        f"{form.fields[name].label or name}: {' '.join(errors)}"
        if name in form.fields
        else " ".join(errors)
        for name, errors in form.errors.items()
    ]


def say_form_problems(request: HttpRequest, form: forms.Form) -> None:
    """The form's problems as error messages on the page the view redirects to."""
    for problem in form_problems(form):
        messages.error(request, problem)
