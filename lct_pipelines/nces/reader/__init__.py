"""Streaming, memory-bounded readers of the three NCES CCD LEA files: 029 directory, 052 membership, 059 staff.

How a file is read (`nces-ccd-format.md` has the formats and the messiness handled):

- A `.csv`, or a `.zip` holding exactly one `.csv`, streamed with `pyarrow.csv.open_csv` in 1 MiB blocks (its
  streaming reader reads ~32 blocks ahead, so the block size bounds memory), projected to the needed columns.
  Text columns stay text (an LEAID is never a number), the repetitive ones dictionary-encoded so per-batch
  work touches a handful of distinct strings plus integer arrays; counts are parsed by pyarrow (a blank is
  null), and only if pyarrow cannot read one as a number is the file read again with counts as text.
- The bytes pass through `DecodingReader`, which checks they are UTF-8 (one `isascii` per block for ASCII
  data). On the first invalid sequence the stream restarts as Windows-1252, transcoded to UTF-8 for pyarrow:
  only a cp1252 file is read twice.
- We parse the header ourselves: names match case-insensitively after stripping whitespace and a BOM; the
  header, not the file name, decides the layout.
- Long files keep per detail row only an exact integer key (district index x category codes) and the count,
  in the narrowest exact dtypes (8 bytes a row for membership); after the stream one stable sort finds
  duplicates (first row kept) and conflicts, and `np.add.reduceat` sums per district and grade.
- Line numbers in errors are physical lines (header = 1), found only on the error path by rescanning.

The modules, in the order a file meets them: `source` (the CSV or the zip member, `NcesFileError`), `header`
(names, layout, `detect_kind`), `decoding` (bytes to UTF-8), `streaming` (pyarrow batches into a consumer, the
restarts), `counts` and `blocks` (per-batch work), `years` (`school_year_of`), `long` (what membership and staff
share), then one module per file: `directory`, `membership`, `staff`. `lines` finds line numbers for errors.
"""

from __future__ import annotations

from lct_pipelines.nces.reader.directory import read_directory
from lct_pipelines.nces.reader.header import detect_kind
from lct_pipelines.nces.reader.membership import read_membership
from lct_pipelines.nces.reader.source import NcesFileError
from lct_pipelines.nces.reader.staff import read_staff
from lct_pipelines.nces.reader.streaming import DEFAULT_BLOCK_SIZE
from lct_pipelines.nces.reader.years import school_year_of

__all__ = [
    "DEFAULT_BLOCK_SIZE",
    "NcesFileError",
    "detect_kind",
    "read_directory",
    "read_membership",
    "read_staff",
    "school_year_of",
]
