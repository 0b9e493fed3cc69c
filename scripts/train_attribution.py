"""Rebuild the cue table, cue model and acceptance model from PolNeAR: see `newsaudit.training.attribution`."""

from newsaudit.training.attribution import main

if __name__ == "__main__":
    main()
