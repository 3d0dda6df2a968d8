"""Pure logic of the audit store: the hash chain, partitions by month, masking. No I/O."""
