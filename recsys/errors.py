"""Error types and user-facing messages.

Every message says what is wrong and how to fix it. Messages are module constants so that
tests assert on them and the UI shows them verbatim (``st.error``), never a traceback.
"""

from __future__ import annotations

__all__ = ["RecLensError", "DataError", "NotFittedError", "TooLargeError", "Msg"]


class RecLensError(Exception):
    """Base class of every error RecLens raises on purpose."""


class DataError(RecLensError, ValueError):
    """The data a user supplied cannot be used as it is. The message says how to fix it."""


class NotFittedError(RecLensError, AttributeError):
    """An estimator was used before ``fit``."""


class TooLargeError(RecLensError, MemoryError):
    """A model would need more memory or time than the machine allows; it was not started."""


class Msg:
    """Message templates (``str.format`` placeholders in braces)."""

    EMPTY_FILE = "The file '{name}' is empty. Upload a file with a header row and at least one data row."
    NO_DATA_ROWS = (
        "The file '{name}' has a header but no data rows. Upload a file with at least one interaction."
    )
    UNREADABLE = (
        "Could not read '{name}' as a table: {detail}. Check that it is a CSV/TSV file (or Parquet) "
        "with one record per line and the same number of fields on every line, or set the delimiter "
        "explicitly."
    )
    BINARY_FILE = (
        "The file '{name}' looks binary, not text. Upload a CSV/TSV text file or a Parquet file."
    )
    PARQUET_UNREADABLE = "Could not read '{name}' as Parquet: {detail}."
    PARQUET_NESTED_ONLY = (
        "'{name}' has only nested columns ({columns}): lists, structs and maps are not read. Flatten them "
        "into plain columns (one value per cell) and upload the file again."
    )
    PARQUET_TOO_BIG = (
        "'{name}' would take more than {limit:,} bytes of memory once decoded ({detail}), the limit "
        "DataConfig.max_decoded_bytes sets. Keep only the columns you need, or raise the limit."
    )
    TOO_MANY_ROWS = (
        "'{name}' has {count:,} {what}; RecLens reads at most {limit:,} rows, the limit DataConfig.max_rows "
        "sets. Load a sample of the file, or raise the limit."
    )
    TOO_MANY_COLUMNS = (
        "'{name}' has {count:,} columns; RecLens reads at most {limit:,}, the limit DataConfig.max_columns "
        "sets (every column is profiled to find its role). Keep only the columns you need, or raise the limit."
    )
    LINE_TOO_LONG = (
        "Line {line:,} of '{name}' is {size:,} bytes long; RecLens reads lines of at most {limit:,} bytes, "
        "the limit DataConfig.max_line_bytes sets. Check that the file has one record per line (a file "
        "without line breaks is not a table), or raise the limit."
    )
    SINGLE_COLUMN = (
        "Only one column was found in '{name}' (delimiter '{sep}'). Interactions need at least a user "
        "column and an item column; check the delimiter (comma, tab, '|', ';', '::')."
    )
    MISSING_COLUMN = (
        "No {role} column found in '{name}'. Columns present: {columns}. Name one of them as the "
        "{role} column (e.g. --{role}-col NAME, or pick it in the column mapping)."
    )
    UNKNOWN_COLUMN = (
        "The column '{column}' chosen as {role} is not in '{name}'. Columns present: {columns}."
    )
    SAME_COLUMN = "The same column '{column}' was chosen for {roles}; choose a different column for each."
    TOO_MANY_NAMES = (
        "{given} column names were given for the {kind} file '{name}', which has {count} columns. Give one "
        "name per column in file order (a flag group such as genres[Action|Comedy] names one column per value)."
    )
    REPEATED_NAME = (
        "The name '{column}' is used for two columns of the {kind} file '{name}'. Give each column its own name."
    )
    BAD_COLUMN_TYPE = (
        "'{type}' is not a column type for the {kind} file (column '{column}'). Choose one of: {allowed}."
    )
    NOT_FLAGS = (
        "The column '{column}' of '{name}' cannot be a flag of '{group}': it holds {value!r} (row {row}), and "
        "flags hold only 0 and 1. Leave it out of the group or choose another type for it."
    )
    BAD_FLAG_NAME = (
        "The flag column name '{column}' contains '|', which separates the values of '{group}'. Rename it."
    )
    FLAGS_ONLY_FOR_ITEMS = (
        "0/1 flag groups are read for items files only; in the users file give each flag column the "
        "type categorical instead."
    )
    BAD_COLUMNS_FILE = "Could not read the column mapping '{path}': {detail}."
    FEW_SIDE_IDS_MATCH = (
        "Only {share:.0%} of the {kind}s in the interactions ({hit:,} of {total:,}) are in the {kind}s file "
        "'{name}': it may belong to other data. Drop it, or upload the {kind}s file of these interactions."
    )
    NON_NUMERIC_RATING = (
        "The rating column '{column}' has non-numeric values ({count} row(s); first at row {row}: "
        "{value!r}). Choose a numeric column as rating, or 'none' for implicit feedback."
    )
    BAD_TIMESTAMP = (
        "The timestamp column '{column}' has values that are neither epoch seconds nor dates "
        "({count} row(s); first at row {row}: {value!r}). Choose another column, or 'none' "
        "to order interactions by file order."
    )
    MIXED_DATE_ORDER = (
        "The dates in '{column}' are written both day first ('{day}') and month first ('{month}'), so "
        "neither reading fits all of them. Write them one way, or set DataConfig.dayfirst (--dayfirst / "
        "--monthfirst, or 'Dates like 03/04' on the Data page) to read the others as unparseable."
    )
    ALL_ROWS_DROPPED = (
        "No usable interactions are left in '{name}' after cleaning ({reasons}). Check the column "
        "mapping."
    )
    TOO_SMALL = (
        "The dataset is too small to split: {detail}. Leave-last-out needs at least {min_users} users "
        "with {min_per_user} or more interactions each (validation and test take one item each)."
    )
    COLD_TOO_FEW = (
        "A cold-item share of {share} makes {n_cold} of the {n_items} items cold: the cold protocol needs at "
        "least 2 cold items (one for validation, one for test) and some warm ones. Choose another share "
        "(e.g. --cold-items 0.2)."
    )
    IDS_MATCH_NOTHING = (
        "None of the {n} ids in the {kind} file '{name}' (column '{column}') match the {kind} ids of "
        "the interactions (e.g. {file_examples} vs {inter_examples}). Check that the files belong "
        "together and that the right id column is chosen."
    )
    UNKNOWN_IDS = (
        "{count} {kind} id(s) are not known to this dataset, e.g. {examples}. Use an id from the "
        "interactions file."
    )
    BAD_SPLIT_FRACTION = "The {name} fraction must be between 0 and 1 (exclusive); got {value}."
    BAD_CUTOFF = (
        "The temporal cut-off {value} leaves no interactions on one side (data spans {start} to {end}). "
        "Choose a cut-off inside that span."
    )
    BAD_CUTOFF_ORDER = (
        "The validation cut-off {valid} is after the test cut-off {test}, so some interactions would "
        "be both in training and in the test set. Choose a validation cut-off at or before the test "
        "cut-off."
    )
    NO_TIMESTAMPS = "A temporal split needs a timestamp column; this dataset has none."
    BAD_SPLIT = "Unknown split '{how}'. Choose auto (the default), time or random."
    UNKNOWN_SPLIT_RECORD = (
        "The run records a split RecLens does not know ({record}), so its test interactions cannot be rebuilt. "
        "Train the model again with this version of RecLens."
    )
    NOT_FITTED = "This {name} is not fitted yet; call fit(...) first."
    MODEL_TOO_LARGE = (
        "{model} was skipped: it would work on a {size:,} x {size:,} matrix ({what}), above its limit of "
        "{limit:,} (max_size), which takes too long on a laptop. The other models are compared without it; "
        "to run it, keep fewer items (e.g. only items with a few interactions or more) or raise max_size."
    )
    MODEL_OUT_OF_MEMORY = (
        "{model} was skipped: it needs about {need:.1f} GB of memory for {users:,} users and {items:,} items, "
        "more than {share:.0%} of the {available:.1f} GB available now. The other models are compared without "
        "it; to run it, free memory (close other programs) or keep fewer items."
    )
