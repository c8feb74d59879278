"""The code printed on an appointment slip: what a citizen reads out or a scanner reads.

Ten characters of an alphabet without the look-alikes (0/O, 1/I/L): 31^10, about 8e14 codes.
Defined here, below every app, because check-in (intake) recognises a code it did not make.
"""

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10


def is_slip_code(text: str) -> bool:
    return len(text) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in text)
