"""Data files shipped with the core app (see README.md)."""

from pathlib import Path

REGIONS_YUNNAN_CSV = Path(__file__).with_name("regions_yunnan.csv")
