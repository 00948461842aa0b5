//! # commons-node
//!
//! The Commons daemon as a library. It builds on `commons-protocol`, which decides what
//! is valid; this crate decides what is kept and who hears about it.
//!
//! | step of a record's path | module |
//! |---|---|
//! | files written whole, fsynced, secret files checked (below every step) | [`files`] |
//! | the wall clock, read in one place (below every step) | [`clock`] |
//! | a record's time as a calendar date, shown or typed by people (below every step) | [`calendar`] |
//! | the node's keys, charter, org file and settings on disk | [`data_dir`], [`config`] |
//! | founding or joining a network; an org's devices | [`founding`], [`devices`] |
//! | allowed to be signed (held after a restore until caught up) | [`publish_gate`] |
//! | signed by this node's device | [`publish`] |
//! | decoded, verified, checked, committed, announced | [`ingest`] |
//! | stored durably, in group commits | [`store`] |
//! | read as its latest version (revisions) | [`revisions`] |
//! | read as who has answered an alert and who has not yet | [`alert_status`] |
//! | sealed to a working group before signing, opened for this device after storing | [`groups`] |
//! | shown as JSON (API, events, exports, hooks), in the contract's types | [`json`], [`contract`] |
//! | attachments' bytes, kept whole or not at all | [`blobs`] |
//! | what may be attached, each file's state, bytes deleted after a retraction | [`attachments`] |
//! | an alert, an answer or a vote waiting: someone woken up (hooks, webhooks) | [`notify`] |
//! | counted | [`metrics`] |
//! | gossiped to peers, received from them, pulled by sync (planned in [`network::sync_plan`]) | [`network`] |
//! | shared by the parts of a running node | [`node_handle`] |
//! | created and watched by the operator (control API) | [`api`] |
//! | read and created by the org's staff: the web app's login tickets | [`login`] |
//! | exported for researchers as a bundle or JSON lines | [`archive`] |
//! | all of it started and stopped together | [`node`], [`daemon`] |
//! | backed up, restored | [`restore`] |
//!
//! The modules depend one way. From the bottom: [`clock`], [`calendar`], [`store`], [`blobs`], [`files`],
//! [`revisions`], [`text_forms`], [`contract`], [`json`], [`metrics`], [`publish_gate`], [`alert_status`] and
//! [`login`]; then [`ingest`], [`publish`], [`attachments`], [`network`] (given only
//! what it needs of the node, [`network::NodeLink`]), [`node_handle`], [`groups`],
//! [`notify`], [`config`], [`data_dir`], [`founding`], [`devices`], [`restore`], [`node`],
//! [`archive`], [`api`] and [`daemon`], each using only modules before it.
//! `tests/layers.rs` fails on any import that closes a cycle.

pub use daemon::{WebApp, WebContext, run_node};
pub use node::{Node, NodeError, NodeHandle};

pub mod alert_status;
pub mod api;
pub mod archive;
pub mod attachments;
pub mod blobs;
pub mod calendar;
pub mod clock;
pub mod config;
pub mod contract;
pub mod daemon;
pub mod data_dir;
pub mod devices;
pub mod files;
pub mod founding;
pub mod groups;
pub mod ingest;
pub mod json;
pub mod login;
pub mod metrics;
pub mod network;
pub mod node;
pub mod node_handle;
pub mod notify;
pub mod publish;
pub mod publish_gate;
pub mod redactions;
pub mod restore;
pub mod revisions;
pub mod store;
pub mod text_forms;
