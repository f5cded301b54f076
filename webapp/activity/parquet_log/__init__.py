"""The event log as Parquet files, one folder per day, for engines that read files (Spark).

Layout under the export directory::

    dt=YYYY-MM-DD/part-00000.parquet   events of that UTC day (more parts as it grows)
    manifest.json                      files, rows, SHA-256 checksums, high-water marks

An export is incremental: rows above the manifest's `last_event_id` are added
to their day (a new part file, or a new day folder). Deleted history leaves
the export too: each day's row count and id sum at or below that mark are
compared with the manifest, and a day that lost rows (a viewer erased history,
a profile or a title was deleted) is written again from the database. Months
dropped from PostgreSQL after export (`archive_month`, webapp.activity.partitions)
are listed as archived: their days stay as exported, and an erasure reaches
them through their own files, filtered with pyarrow (erase). New
files and folders are written under temporary names and renamed when complete,
and the manifest is replaced last, so a reader never sees half a day.

The parts: manifest (the export's index and its directory), parts (the
Parquet files of a day, written under temporary names), export (bringing an
export up to date with the events table), erase (erasures in archived months).
"""
