//! # commons-node
//!
//! The Commons daemon as a library. It builds on `commons-protocol`, which decides what
//! is valid; this crate decides what is kept and who hears about it.
//!
//! | step of a record's path | module |
//! |---|---|
//! | signed by this node's device | [`publish`] |
//! | decoded, verified, checked, committed, announced | [`ingest`] |
//! | stored durably, in group commits | [`store`] |
//! | counted | [`metrics`] |
//! | all of it started and stopped together | [`node`] |

pub use node::{Node, NodeError, NodeHandle};

pub mod ingest;
pub mod metrics;
pub mod node;
pub mod publish;
pub mod store;
