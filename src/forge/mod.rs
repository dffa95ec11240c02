//! Delivering discussion entries beyond the repository: Gitea and Forgejo issues, through a
//! durable outbox.

pub mod deliver;
pub mod gitea;
pub mod outbox;
