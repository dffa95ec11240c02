//! hubgate: a Hugging Face Hub-compatible gate for ML repositories on self-hosted git servers.
pub mod card;
pub mod config;
pub mod discussion;
pub mod env;
pub mod forge;
pub mod hook;
pub mod hub;
pub mod install;
pub mod policy;
pub mod push;
pub mod repo;
pub mod report;
pub mod scan;
pub mod text;
pub mod time;
pub mod toml_table;
pub mod verdict;
