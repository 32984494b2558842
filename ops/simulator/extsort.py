"""Sorting more rows than fit in memory: sorted runs are pickled to files in a
scratch folder and merged back.

The result is the one `sorted(rows, key=key)` would give, ties included:
each run is sorted stably, runs hold consecutive rows, and heapq.merge takes
equal keys from the earlier run first.
"""

import heapq
import os
import pickle
import tempfile

BATCH_ROWS = 1000  # rows per pickle record: what a merge holds of each run


class ExternalSort:
    def __init__(self, folder, key, run_rows):
        self.folder = folder
        self.key = key
        self.run_rows = run_rows
        self.rows = []
        self.runs = []  # paths of the sorted runs written so far

    def add(self, row):
        self.rows.append(row)
        if len(self.rows) >= self.run_rows:
            self._spill()

    def sorted(self):
        """Yields every row added, in order; the runs are deleted as they are read."""
        if not self.runs:
            rows, self.rows = self.rows, []
            rows.sort(key=self.key)
            return iter(rows)
        if self.rows:
            self._spill()
        runs, self.runs = self.runs, []
        return heapq.merge(*(_read_run(path) for path in runs), key=self.key)

    def _spill(self):
        self.rows.sort(key=self.key)
        fd, path = tempfile.mkstemp(suffix=".run", dir=self.folder)
        with os.fdopen(fd, "wb") as f:
            for i in range(0, len(self.rows), BATCH_ROWS):
                pickle.dump(self.rows[i:i + BATCH_ROWS], f, pickle.HIGHEST_PROTOCOL)
        self.runs.append(path)
        self.rows = []


def _read_run(path):
    try:
        with open(path, "rb") as f:
            while True:
                try:
                    batch = pickle.load(f)
                except EOFError:
                    return
                yield from batch
    finally:
        os.remove(path)
