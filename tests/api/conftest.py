"""The station of the intake tests, shared."""

from tests.intake.conftest import station  # noqa: F401
