"""Run the command-line interface: ``python -m personal_outcomes``."""

from personal_outcomes._cli import main

if __name__ == "__main__":
    main()
