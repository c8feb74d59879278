"""One base for what a rule of the domain refuses, answered in one place.

A service raises a :class:`DomainError` with a message for the user (translated when raised);
views and API operations do not catch it: ``cancuoc.web.errors.DomainErrorMiddleware``
answers pages (a form's POST goes back to its page with the message; a page asked with GET
shows it with the error's status) and ``cancuoc.api.site`` answers the API
(``{"detail": message}`` with the status). The approach of HackSoft's styleguide
(``ApplicationError``) and Zulip's ``JsonableError``.
"""


class DomainError(Exception):
    """Refused by a rule: the state of things does not allow it (HTTP 409)."""

    status = 409


class NotFoundError(DomainError):
    """What was asked for does not exist, or not within reach (HTTP 404)."""

    status = 404


class UnavailableError(DomainError):
    """A tool the answer needs is missing on this server (HTTP 503)."""

    status = 503
