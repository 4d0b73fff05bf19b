"""sendwatch: watch councils' papers for news about their SEND deficits."""

__version__ = "0.1.0"
