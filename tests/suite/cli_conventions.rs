//! The conventions every headless command shares: completions, man pages,
//! colour control, quiet/verbose, progress only on a terminal, JSON with a
//! `schema_version`, exit codes, a closed pipe and mistyped subcommands.

use crate::pty_support;

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

const SAMPLE: &str = "assets/samples/three-tier.ron";

fn vpcd() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_vpcd"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    // The tests decide colour themselves.
    for var in ["NO_COLOR", "CLICOLOR_FORCE", "CLICOLOR"] {
        c.env_remove(var);
    }
    c
}

fn run(c: &mut Command) -> (i32, String, String) {
    let out = c.output().expect("vpcd runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A copy of the sample whose first subnet lies outside its VPC (AWS:
/// InvalidSubnet.Range), so `check` has an error with a hint.
fn broken_sample(dir: &Path) -> String {
    let mut d = vpcd::io::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(SAMPLE)).unwrap();
    d.subnets[0].cidr = "10.9.0.0/24".parse().unwrap();
    let path = dir.join("broken.ron");
    vpcd::io::save(&path, &d).unwrap();
    path.display().to_string()
}

#[test]
fn completions_are_generated_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (code, out, err) = run(vpcd().args(["completions", shell]));
        assert_eq!(code, 0, "{shell}: {err}");
        assert!(out.len() > 1000, "{shell}: a script, not a stub");
        for word in ["trace", "matrix", "completions", "--format"] {
            assert!(out.contains(word), "{shell} completes {word}");
        }
    }
    // Bundled template ids are offered for --template.
    let (_, bash, _) = run(vpcd().args(["completions", "bash"]));
    assert!(bash.contains("three-tier-alb"), "template ids in the bash script");
    let (code, _, err) = run(vpcd().args(["completions", "tcsh"]));
    assert_eq!(code, 2, "an unknown shell is a usage error: {err}");
}

#[test]
fn man_pages_are_written_and_render() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = run(vpcd().args(["man", "-o"]).arg(dir.path()));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("vpcd-trace.1"), "{out}");
    let top = std::fs::read_to_string(dir.path().join("vpcd.1")).unwrap();
    // A roff page: a title line and the standard sections.
    assert!(top.lines().any(|l| l.starts_with(".TH vpcd 1")), "{top}");
    for section in [
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH DESCRIPTION",
        ".SH OPTIONS",
        ".SH SUBCOMMANDS",
    ] {
        assert!(top.contains(section), "missing {section}");
    }
    let trace = std::fs::read_to_string(dir.path().join("vpcd-trace.1")).unwrap();
    assert!(
        trace.contains("\\-\\-from") && trace.contains(".TH vpcd-trace 1"),
        "{trace}"
    );
    // With man(1) installed, the page renders as text.
    let rendered = Command::new("man")
        .arg("-l")
        .arg(dir.path().join("vpcd-trace.1"))
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "100")
        .output();
    if let Ok(o) = rendered {
        if o.status.success() {
            let text = String::from_utf8_lossy(&o.stdout);
            assert!(text.contains("--from") || text.contains("‐‐from"), "{text}");
        }
    }
}

#[test]
fn colour_follows_the_flag_and_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let broken = broken_sample(dir.path());
    // A pipe is not a terminal: no colour by default.
    let (code, plain, _) = run(vpcd().args(["check", &broken]));
    assert_eq!(code, 1);
    assert!(!plain.contains('\x1b'), "{plain}");
    let (_, never, _) = run(vpcd().args(["check", &broken, "--color", "never"]));
    assert_eq!(never, plain);
    let (_, always, _) = run(vpcd().args(["--color", "always", "check", &broken]));
    assert!(
        always.contains("\x1b[1;31merror"),
        "errors are red as in the designer: {always}"
    );
    // CLICOLOR_FORCE colours a pipe; NO_COLOR wins over it.
    let (_, forced, _) = run(vpcd().args(["check", &broken]).env("CLICOLOR_FORCE", "1"));
    assert!(forced.contains('\x1b'));
    let (_, no_color, _) = run(vpcd()
        .args(["check", &broken])
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "1"));
    assert!(!no_color.contains('\x1b'));
    // Verdicts: reachable green, blocked red; errors on stderr coloured too.
    let (code, out, _) = run(vpcd().args([
        "trace", SAMPLE, "--from", "internet", "--to", "db-1", "--port", "5432", "--color", "always",
    ]));
    assert_eq!(code, 1);
    assert!(out.contains("\x1b[1;31mnot reachable"), "{out}");
    let (code, _, err) = run(vpcd().args(["check", "missing.ron", "--color=always"]));
    assert_eq!(code, 2);
    assert!(err.starts_with("\x1b[1;31merror:\x1b[0m"), "{err:?}");
}

#[test]
fn quiet_keeps_the_result_and_verbose_adds_timings() {
    let dir = tempfile::tempdir().unwrap();
    let broken = broken_sample(dir.path());
    let (_, full, _) = run(vpcd().args(["check", &broken]));
    assert!(full.contains("hint:") && full.contains("1 error"), "{full}");
    let (code, quiet, err) = run(vpcd().args(["check", &broken, "-q"]));
    assert_eq!(code, 1, "the exit status is the result too");
    assert!(quiet.contains("subnet-outside-vpc"), "{quiet}");
    assert!(!quiet.contains("hint:") && !quiet.contains("1 error"), "{quiet}");
    assert_eq!(err, "");
    let (code, out, err) = run(vpcd().args(["-v", "check", SAMPLE]));
    assert_eq!(code, 0);
    assert!(!out.contains("timings"), "timings stay off stdout");
    assert!(
        err.starts_with("timings: load ") && err.contains("validate ") && err.contains("total "),
        "{err}"
    );
    let (code, _, err) = run(vpcd().args(["check", SAMPLE, "-q", "-v"]));
    assert_eq!(code, 2, "-q and -v conflict: {err}");
}

#[test]
fn no_progress_reaches_a_pipe() {
    // stderr is a pipe here: the matrix and the diff draw no bar, and stdout
    // carries only the result.
    let (code, out, err) = run(vpcd().args(["matrix", SAMPLE]));
    assert_eq!(code, 0);
    assert_eq!(err, "", "no progress on a piped stderr");
    assert!(!out.contains('\r') && !out.contains('\x1b'));
    assert!(
        out.trim_end().ends_with("ordered pairs reachable"),
        "a summary line closes the output: {out}"
    );
    let (code, _, err) = run(vpcd().args(["diff", SAMPLE, SAMPLE]));
    assert_eq!(code, 0);
    assert_eq!(err, "");
}

/// The other half of the rule: on a terminal, long work shows a bar with
/// counts and an ETA, on stderr only; stdout (a pipe here) gets the result
/// with no escape or carriage return in it.
#[test]
fn progress_is_drawn_on_a_terminal_stderr_and_never_on_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.ron");
    let big = big.to_str().unwrap();
    let (code, _, err) = run(vpcd().args([
        "generate",
        "--vpcs",
        "40",
        "--azs",
        "3",
        "--tiers",
        "3",
        "--instances",
        "5",
        "-o",
        big,
    ]));
    assert_eq!(code, 0, "{err}");
    let mut pty = pty_support::Pty::open(24, 120);
    let mut matrix = vpcd()
        .args(["matrix", big])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(pty.terminal())
        .spawn()
        .unwrap();
    pty.release_terminal();
    let mut stdout = matrix.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut out = String::new();
        stdout.read_to_string(&mut out).map(|_| out)
    });
    // Drain the terminal while the matrix runs, so the bar never blocks.
    while matrix.try_wait().unwrap().is_none() {
        pty.pump();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    pty.pump();
    let out = reader.join().unwrap().unwrap();
    assert_eq!(matrix.wait().unwrap().code(), Some(0));
    let drawn = pty.raw();
    assert!(
        drawn.contains("ETA") && drawn.contains('/'),
        "a bar with counts and an ETA on the terminal: {drawn:?}"
    );
    assert!(
        !out.contains('\x1b') && !out.contains('\r') && !out.contains("ETA"),
        "{out}"
    );
    let summary = out.trim_end().lines().last().unwrap_or_default();
    assert!(
        summary.contains("ordered pairs reachable"),
        "a summary line closes the output: {summary}"
    );
}

fn json_of(args: &[&str]) -> serde_json::Value {
    let (code, out, err) = run(vpcd().args(args));
    assert!(code == 0 || code == 1, "{args:?}: {err}");
    let v: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?} prints JSON ({e}): {out}"));
    assert_eq!(v["schema_version"], 1, "{args:?} carries schema_version");
    v
}

#[test]
fn every_json_output_carries_the_schema_version() {
    let dir = tempfile::tempdir().unwrap();
    let broken = broken_sample(dir.path());
    let check = json_of(&["check", &broken, "--format", "json"]);
    assert_eq!(check["errors"], 1);
    let trace = json_of(&[
        "trace", SAMPLE, "--from", "internet", "--to", "web-1", "--port", "443", "--format", "json",
    ]);
    assert_eq!(trace["reachable"], true);
    let matrix = json_of(&["matrix", SAMPLE, "--format", "json"]);
    assert!(matrix["endpoints"].is_array());
    let diff = json_of(&["diff", SAMPLE, &broken, "--format", "json"]);
    assert!(diff["closed"].is_array());
    json_of(&["cost", SAMPLE, "--format", "json"]);
    json_of(&["plan", SAMPLE, "--format", "json"]);
    let templates = json_of(&["templates", "--format", "json"]);
    assert!(templates["templates"].as_array().is_some_and(|t| t.len() >= 15));
    let list = json_of(&["exercise", "--list", "--format", "json"]);
    assert!(list["exercises"][0]["id"].is_string());
    json_of(&["exercise", "nat-per-az", "--format", "json"]);
}

#[test]
fn a_mistyped_subcommand_gets_a_suggestion() {
    let (code, out, err) = run(vpcd().args(["-q", "chek", SAMPLE]));
    assert_eq!(code, 2);
    assert_eq!(out, "");
    assert!(err.contains("no such command `chek`; did you mean check?"), "{err}");
    let (code, _, err) = run(vpcd().args(["matirx", "--color", "always"]));
    assert_eq!(code, 2, "a lone mistyped word is not taken as a new design: {err}");
    assert!(
        err.contains("did you mean matrix?") && err.starts_with("\x1b[1;31merror:"),
        "{err}"
    );
    // clap's own suggestions for flags.
    let (code, _, err) = run(vpcd().args(["trace", SAMPLE, "--form", "web-1"]));
    assert_eq!(code, 2);
    assert!(err.contains("--from"), "{err}");
}

#[test]
fn a_closed_pipe_ends_output_quietly_with_status_141() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.ron");
    let (code, _, err) = run(vpcd()
        .args(["generate", "--vpcs", "12", "--azs", "3", "--instances", "10", "-o"])
        .arg(&big));
    assert_eq!(code, 0, "{err}");
    // Far more output than a pipe holds, so vpcd is still writing when it
    // finds the reader gone, whatever the timing.
    let mut child = vpcd()
        .args(["--color", "always", "diagram"])
        .arg(&big)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    let code = child.wait().unwrap().code();
    assert_eq!(code, Some(141), "128 + SIGPIPE, as a shell reports it: {err}");
    assert!(!err.contains("panicked") && !err.contains("Broken pipe"), "{err}");
}

#[test]
fn help_lists_the_exit_status_and_colour_controls() {
    let (code, out, _) = run(vpcd().arg("--help"));
    assert_eq!(code, 0);
    for needle in [
        "Exit status",
        "NO_COLOR",
        "--color <WHEN>",
        "-q, --quiet",
        "completions",
        "man",
    ] {
        assert!(out.contains(needle), "{needle} in --help");
    }
}

/// The NAT lints reach `vpcd check --format json` like every catalogued
/// warning: code, severity, path, message and hint (VPC User Guide, "NAT
/// gateway basics": one NAT gateway per AZ, each AZ routed to its own).
#[test]
fn check_json_reports_the_nat_lints_with_their_hints() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = vpcd::io::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(SAMPLE)).unwrap();
    // app-b (us-east-1b) goes out through nat-a (us-east-1a); nat-b is left idle.
    let rt = d.route_tables.iter_mut().find(|r| r.name == "rt-app-b").unwrap();
    rt.routes[0].target = vpcd::model::RouteTarget::NatGateway("nat-a".into());
    let path = dir.path().join("cross.ron");
    vpcd::io::save(&path, &d).unwrap();
    let check = json_of(&["check", &path.display().to_string(), "--format", "json"]);
    assert_eq!(check["errors"], 0);
    let diags = check["diagnostics"].as_array().unwrap();
    for (code, path) in [("nat-cross-az", "subnet app-b"), ("nat-unused", "NAT gateway nat-b")] {
        let d = diags
            .iter()
            .find(|x| x["code"] == code)
            .unwrap_or_else(|| panic!("no {code}: {check:#}"));
        assert_eq!(d["severity"], "warning", "{d:#}");
        assert_eq!(d["path"], path, "{d:#}");
        assert!(!d["hint"].as_str().unwrap_or("").is_empty(), "{d:#}");
    }
}
