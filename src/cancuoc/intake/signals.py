"""What intake tells the floors above it, which it does not import (docs/design-notes.md,
"Floors"): the rollups (``reports.receivers``) and the bookings (``scheduling.receivers``)
listen. Each signal is sent inside the transaction that wrote the application, and the
listeners run at once: if one fails, the application is not written either.
"""

from django.dispatch import Signal

# An application was taken at a kit. Sent with ``application`` (an Application, accepted
# unless its state is ``rejected``).
application_captured = Signal()

# An application moved one step along the card's life. Sent with ``application`` (already
# in its new state) and ``at`` (the moment of the step).
application_moved = Signal()
