"""Independent, named random streams derived from one seed.

Each stage of the generator draws from its own stream, so changing how one stage draws (adding a
column, say) leaves every other stage's output as it was for the same seed.
"""

import zlib

import numpy as np


def stream(seed: int, name: str) -> np.random.Generator:
    # crc32 rather than hash(): Python salts str hashes per process, which would break determinism.
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def uniform_ints(rng: np.random.Generator, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """One integer per row in [low, high] (inclusive), with per-row bounds."""
    return low + np.floor(rng.random(len(low)) * (high - low + 1)).astype(np.int64)


def choice_by_row(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    """One category index per row of an (n, k) matrix of row-wise probabilities."""
    cumulative = np.cumsum(probabilities, axis=1)
    cumulative /= cumulative[:, -1:]
    draws = rng.random((len(probabilities), 1))
    return np.minimum((draws > cumulative).sum(axis=1), probabilities.shape[1] - 1)
