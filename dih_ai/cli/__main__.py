"""`python -m dih_ai.cli`: the `dih-ai` command."""

from dih_ai.cli import main

if __name__ == "__main__":
    main()
