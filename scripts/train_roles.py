"""Train the attribution role tagger on PolNeAR: the code and its documentation are in `newsaudit.training.roles`."""

from newsaudit.training.roles import main

if __name__ == "__main__":
    main()
