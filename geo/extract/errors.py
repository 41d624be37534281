"""The extractor's one error type."""


class ExtractError(Exception):
    """A plan file that cannot be read; str() is one line naming the problem and the fix."""
