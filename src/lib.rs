//! hubgate: a Hugging Face Hub-compatible gate for ML repositories on self-hosted git servers.
pub mod card;
pub mod verdict;
