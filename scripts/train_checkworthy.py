"""Rebuild the check-worthiness model `models/checkworthy.json`: see `newsaudit.training.checkworthy`."""

from newsaudit.training.checkworthy import main

if __name__ == "__main__":
    main()
