//! The rc edits and the trigger script, checked with perl and sh.

use super::*;

const RC: &str = "# comment\n%RC = (\n    UMASK => 0077,\n    ENABLE => [\n            'help',\n    ],\n);\n1;\n";

#[test]
fn rc_lines_are_added_once_and_removed_exactly() {
    let once = rc_with_lines(RC, true, true).expect("edit");
    assert_eq!(rc_with_lines(&once, true, true).expect("edit"), once, "idempotent");
    assert!(
        once.contains("    LOCAL_CODE => \"$ENV{HOME}/local\", # added by hubgate"),
        "{once}"
    );
    assert!(once.contains("'hubgate', # added"), "{once}");
    assert!(
        once.contains("NON_CORE => \"hubgate POST_COMPILE .\\nhubgate POST_CREATE .\\n\""),
        "{once}"
    );
    assert_eq!(rc_without_lines(&once, false), RC);
    let kept = rc_without_lines(&once, true);
    assert!(kept.contains("LOCAL_CODE") && !kept.contains("NON_CORE"), "{kept}");
    let o = Command::new("perl")
        .args([
            "-e",
            &format!("{once}\nprint $RC{{LOCAL_CODE}}, '|', $RC{{NON_CORE}}, '|', join(',', @{{$RC{{ENABLE}}}});"),
        ])
        .env("HOME", "/h")
        .output()
        .expect("perl");
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "/h/local|hubgate POST_COMPILE .\nhubgate POST_CREATE .\n|hubgate,help",
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn an_rc_without_the_anchor_lines_is_refused() {
    assert!(rc_with_lines("1;\n", true, false).is_err());
    assert!(rc_with_lines("%RC = (\n);\n", false, true).is_err());
    assert!(rc_with_lines("%RC = (\n);\n", true, false).is_ok());
}

#[test]
fn the_trigger_is_valid_sh() {
    let text = trigger_script(Path::new("/var/lib/it's/local/hooks/common"), Path::new("/d"));
    assert!(wrapper::is_ours(&text));
    let o = Command::new("sh").args(["-n", "-c", &text]).output().expect("sh");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}
