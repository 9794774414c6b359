"""``python -m arxivbot``."""

from arxivbot.cli import main

if __name__ == "__main__":
    main()
