"""The ``cancuoc`` console command: Django's management commands under one name.

``cancuoc geo load``, ``cancuoc synth``, ``cancuoc worklist`` and ``cancuoc demo`` are
management commands of the apps; ``cancuoc migrate`` and the rest of Django's come along.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cancuoc.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
