"""Pure logic: device types, reading validation, buckets, status. No I/O."""
