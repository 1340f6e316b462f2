"""Allow ``python -m lupusscore``."""

import sys

from lupusscore.cli import main

if __name__ == "__main__":
    sys.exit(main())
