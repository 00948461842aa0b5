//! # commons-node
//!
//! The Commons daemon as a library: the store, the one ingest path for local publishes,
//! gossip and sync, the network actor and the control API. It builds on
//! `commons-protocol`, which decides what is valid; this crate decides what is kept
//! and who hears about it. The store, ingest and API land with the node issue.
