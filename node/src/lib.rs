//! # commons-node
//!
//! The Commons daemon as a library. It builds on `commons-protocol`, which decides what
//! is valid; this crate decides what is kept and who hears about it.
//!
//! | step of a record's path | module |
//! |---|---|
//! | stored durably, in group commits | [`store`] |

pub mod store;
