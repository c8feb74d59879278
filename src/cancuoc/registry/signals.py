"""What the register tells the floors above it, which it does not import: the still-to-enrol
rollups (``reports.receivers``) listen. Sent inside the transaction that changed the persons,
and the listeners run at once: if one fails, the change is not written either.
"""

from django.dispatch import Signal

# Persons whose place on the worklist may have changed: their residences or homes, birth
# date, presence, cards, applications or memberships of institutions. Sent with
# ``person_ids`` (a sequence of ids; a ``range`` for a bulk load of consecutive ids).
persons_changed = Signal()
