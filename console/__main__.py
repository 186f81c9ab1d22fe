"""`python -m console` is `city-console`."""
import sys

from console.cli import main

sys.exit(main())
