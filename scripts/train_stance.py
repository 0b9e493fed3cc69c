"""Rebuild the FNC-1 stance model `models/stance.npz`: see `newsaudit.training.stance`."""

from newsaudit.training.stance import main

if __name__ == "__main__":
    main()
