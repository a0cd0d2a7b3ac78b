"""daykit: an auto-graded exercise kit for the calculus behind machine learning."""

__version__ = "0.1.0"
