"""The export chain as a discrete-event simulation: resources, processes, one replication."""
