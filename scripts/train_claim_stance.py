"""Rebuild the claim ↔ headline stance model `models/claim_stance.npz`: see `newsaudit.training.claim_stance`."""

from newsaudit.training.claim_stance import main

if __name__ == "__main__":
    main()
