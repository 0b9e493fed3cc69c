"""Rebuild the credibility model `models/credibility.json`: see `newsaudit.training.credibility`."""

import sys
from pathlib import Path

# As before the code moved: this checkout's newsaudit, installed or not.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from newsaudit.training.credibility import main

if __name__ == "__main__":
    main()
