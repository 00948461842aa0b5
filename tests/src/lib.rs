//! # commons-tests
//!
//! The multi-node harness and end-to-end scenarios: real nodes on loopback or the
//! in-memory transport, waited on with deadlines. Scenarios land with the network.
