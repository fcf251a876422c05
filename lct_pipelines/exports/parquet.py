"""Write one school year of an export dataset: `<root>/<dataset>/year=<year>/part-0.parquet`.

Each file carries every contract column, `year` included, so a file read on
its own is complete; the `year=` folder is for partition pruning. Read a whole
dataset with `read_dataset` (it declares `year` a plain string, which the
partition folder and the file column then agree on).

A year is replaced atomically: written to a hidden staging folder beside it,
then renamed over the old one, so a reader never sees a half-written year. A
writer killed half-way leaves its hidden staging folder (and, between the two
renames, the hidden `.old` copy); the next write of that year removes them.
Writers of one year take turns (the exports' write lock), so what is left
beside the year when the next one starts is debris, never a folder in use.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

PARTITIONING = ds.partitioning(pa.schema([("year", pa.string())]), flavor="hive")
PART_FILE = "part-0.parquet"
# mkdtemp makes 0700 folders; an export is for others to read.
FOLDER_MODE = 0o755


@dataclass(frozen=True)
class ExportFile:
    dataset: str
    path: Path
    rows: int
    parquet_bytes: int
    csv_bytes: int  # the same rows as CSV (measured in memory when no CSV copy is written)
    csv_path: Path | None


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode()


def _staging_prefix(year: str) -> str:
    return f".year={year}."


def remove_abandoned(dataset_dir: Path, year: str) -> list[Path]:
    """Remove what a killed writer of `year` left in `dataset_dir`: staging folders and the swap's old copy.

    `year=<year>.old` is the name older versions gave the copy; visible to a reader of the whole dataset, it
    read as a second partition.
    """
    if not dataset_dir.is_dir():
        return []
    prefix = _staging_prefix(year)
    left = [p for p in dataset_dir.iterdir() if p.name.startswith(prefix) or p.name == f"year={year}.old"]
    for path in left:
        shutil.rmtree(path, ignore_errors=True)
    return left


def _replace_dir(final: Path, staged: Path) -> None:
    if final.exists():
        old = final.with_name(f".{final.name}.old")  # hidden: readers of the dataset never see it
        shutil.rmtree(old, ignore_errors=True)
        os.replace(final, old)
        os.replace(staged, final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staged, final)


def _plain_strings(table: pa.Table) -> pa.Table:
    """pandas 3 strings arrive as large_string; plain `string` is what every Parquet reader expects."""
    schema = pa.schema(
        [f.with_type(pa.string()) if pa.types.is_large_string(f.type) else f for f in table.schema],
        metadata=table.schema.metadata,
    )
    return table.cast(schema)


def write_year(root: Path, dataset: str, year: str, frame: pd.DataFrame, *, csv: bool = False) -> ExportFile:
    """Replace `year` of `dataset` under `root` with `frame` (Parquet, zstd; plus CSV when asked)."""
    folder = root / dataset / f"year={year}"
    folder.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned(folder.parent, year)
    staged = Path(tempfile.mkdtemp(prefix=_staging_prefix(year), dir=folder.parent))
    staged.chmod(FOLDER_MODE)
    table = _plain_strings(pa.Table.from_pandas(frame, preserve_index=False))
    pq.write_table(table, staged / PART_FILE, compression="zstd")
    csv_data = _csv_bytes(frame)
    if csv:
        (staged / "part-0.csv").write_bytes(csv_data)
    _replace_dir(folder, staged)
    return ExportFile(
        dataset=dataset,
        path=folder / PART_FILE,
        rows=len(frame),
        parquet_bytes=(folder / PART_FILE).stat().st_size,
        csv_bytes=len(csv_data),
        csv_path=folder / "part-0.csv" if csv else None,
    )


def read_dataset(root: Path, dataset: str) -> pd.DataFrame:
    """Every year of an export dataset as one frame."""
    return ds.dataset(root / dataset, format="parquet", partitioning=PARTITIONING).to_table().to_pandas()
