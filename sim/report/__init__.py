"""Reports: summaries of replication tables, text tables, figures and generated references."""
