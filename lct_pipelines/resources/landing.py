"""The landing folder: `$LCT_DATA_DIR/raw/nces_ccd/<YYYY-YY>/` with the CCD files, plus exports and reports."""

from __future__ import annotations

import re
from pathlib import Path

import dagster as dg

from lct_pipelines.nces.categories import KIND_HINTS

YEAR_FOLDER = re.compile(r"^\d{4}-\d{2}$")
NCES_SUFFIXES = (".csv", ".zip")


class LandingFileError(Exception):
    """The landing folder of a year lacks a file, or holds two candidates for one."""


class LandingZoneResource(dg.ConfigurableResource):
    """Where raw files land and outputs go (`LCT_DATA_DIR`, default ./data)."""

    data_dir: str = "data"

    @property
    def root(self) -> Path:
        return Path(self.data_dir).expanduser().resolve()

    @property
    def nces_dir(self) -> Path:
        return self.root / "raw" / "nces_ccd"

    @property
    def bell_schedules_csv(self) -> Path:
        return self.root / "raw" / "bell_schedules.csv"

    @property
    def exports_dir(self) -> Path:
        return self.root / "exports"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    def school_years(self) -> list[str]:
        """Years with a landing folder holding at least one CCD file, oldest first."""
        if not self.nces_dir.is_dir():
            return []
        return sorted(
            p.name
            for p in self.nces_dir.iterdir()
            if p.is_dir() and YEAR_FOLDER.match(p.name) and any(self._candidates(p))
        )

    def _candidates(self, folder: Path) -> list[Path]:
        return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in NCES_SUFFIXES)

    def year_files(self, school_year: str) -> list[Path]:
        folder = self.nces_dir / school_year
        return self._candidates(folder) if folder.is_dir() else []

    def file_for(self, school_year: str, kind: str) -> Path:
        """The one file of `kind` for the year, by name hint first, then by header."""
        from lct_pipelines.nces.reader import NcesFileError, detect_kind

        files = self.year_files(school_year)
        if not files:
            raise LandingFileError(f"no CCD files in {self.nces_dir / school_year}")
        hinted = [p for p in files if KIND_HINTS[kind] in p.name]
        if len(hinted) == 1:
            return hinted[0]
        matches: list[Path] = []
        for path in files:
            try:
                if detect_kind(path) == kind:
                    matches.append(path)
            except NcesFileError:
                continue
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise LandingFileError(
                f"no {kind} file (CCD {KIND_HINTS[kind].strip('_')}) in {self.nces_dir / school_year}"
            )
        names = ", ".join(p.name for p in matches)
        raise LandingFileError(f"several {kind} files in {self.nces_dir / school_year}: {names}; keep one")
