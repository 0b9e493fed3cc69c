"""Fine-tune, validate and export the related-pair stance cross-encoder: see `newsaudit.training.stance_encoder`."""

from newsaudit.training.stance_encoder import main

if __name__ == "__main__":
    main()
