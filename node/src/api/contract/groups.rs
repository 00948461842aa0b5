//! Groups: the list, one group, a group's sealed records.
