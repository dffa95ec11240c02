//! The `hubgate` binary: everything lives in the library; see `hubgate --help`.

fn main() -> std::process::ExitCode {
    hubgate::cli::run()
}
