//! Hook mode: git runs `hubgate pre-receive` with the push on stdin.

pub mod env;
pub mod gate;
pub mod input;
pub mod push;
