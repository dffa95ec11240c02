//! A message to the system log, when the machine has one (`/dev/log`: syslog or journald), for
//! what must reach an administrator even when hubgate's own files cannot be written.

/// Sends `text` to the local syslog socket, one datagram per line (facility user, priority
/// warning); does nothing when there is no such socket.
pub fn send(text: &str) {
    #[cfg(unix)]
    {
        let Ok(sock) = std::os::unix::net::UnixDatagram::unbound() else {
            return;
        };
        if sock.connect("/dev/log").is_err() {
            return;
        }
        for line in text.lines() {
            // <12>: facility user (1) * 8 + severity warning (4).
            let _ = sock.send(format!("<12>hubgate[{}]: {line}", std::process::id()).as_bytes());
        }
    }
    #[cfg(not(unix))]
    let _ = text;
}
