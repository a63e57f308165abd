"""Small data files for the synthetic population: surnames, given-name characters, ethnic shares.

See README.md for where the figures come from. A package (rather than a plain folder) so that
setuptools ships the CSV files with the wheel.
"""
