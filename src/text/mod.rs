//! Plain-text helpers shared by every module that reads a file for a person: cards, policy
//! files and the server configuration.
//!
//! It depends on no other module of the crate, so that `card`, `policy`, `config` and `report`
//! can all use it without a cycle in the module graph (`scripts/module-graph.py`).

pub mod lines;

pub use lines::LineIndex;
