//! # commons-node
//!
//! The Commons daemon as a library. It builds on `commons-protocol`, which decides what
//! is valid; this crate decides what is kept and who hears about it.
//!
//! | step of a record's path | module |
//! |---|---|
//! | the node's keys, charter and settings on disk | [`data_dir`], [`config`] |
//! | founding or joining a network; an org's devices | [`founding`], [`devices`] |
//! | signed by this node's device | [`publish`] |
//! | decoded, verified, checked, committed, announced | [`ingest`] |
//! | stored durably, in group commits | [`store`] |
//! | read as its latest version (revisions) | [`revisions`] |
//! | read as who has answered an alert and who has not yet | [`alert_status`] |
//! | attachments' bytes, kept whole or not at all | [`blobs`] |
//! | what may be attached, each file's state, bytes deleted after a retraction | [`attachments`] |
//! | an alert, an answer or a vote waiting: someone woken up (hooks, webhooks) | [`notify`] |
//! | counted | [`metrics`] |
//! | gossiped to peers, received from them, pulled by sync | [`network`] |
//! | created and watched by the operator (control API) | [`api`] |
//! | read and created by the org's staff: the web app's login tickets | [`login`] |
//! | exported for researchers as a bundle or JSON lines | [`archive`] |
//! | all of it started and stopped together | [`node`], [`daemon`] |
//! | backed up, restored, and held from publishing until caught up | [`restore`] |

pub use daemon::{WebApp, WebContext, run_node};
pub use node::{Node, NodeError, NodeHandle};

pub mod alert_status;
pub mod api;
pub mod archive;
pub mod attachments;
pub mod blobs;
pub mod config;
pub mod daemon;
pub mod data_dir;
pub mod devices;
pub mod founding;
pub mod ingest;
pub mod login;
pub mod metrics;
pub mod network;
pub mod node;
pub mod notify;
pub mod publish;
pub mod restore;
pub mod revisions;
pub mod store;
