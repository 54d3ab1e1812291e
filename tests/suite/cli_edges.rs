//! Command-line edges: closed pipes, mistyped commands, refusing to
//! overwrite, text that is not UTF-8 and readable data-file errors.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

fn vpcd(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_vpcd"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let big = vpcd(
        dir.path(),
        &[
            "generate",
            "--vpcs",
            "16",
            "--azs",
            "3",
            "--instances",
            "10",
            "-o",
            "big.ron",
        ],
    );
    assert!(big.status.success(), "{}", stderr(&big));
    // Far more than a pipe holds, so the writer is still writing when the reader leaves.
    let mut child = Command::new(env!("CARGO_BIN_EXE_vpcd"))
        .args(["diagram", "big.ron"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(!first.is_empty());
    // `| head -1`: the reader has gone.
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert!(!err.contains("panicked") && !err.contains("failed printing"), "{err}");
    assert_eq!(out.status.code(), Some(141), "128 + SIGPIPE, as a shell reports it");
}

#[test]
fn a_mistyped_command_is_not_a_new_design() {
    let dir = tempfile::tempdir().unwrap();
    vpcd::io::save(
        &dir.path().join("lab.ron"),
        &vpcd::create::templates::sample::three_tier(),
    )
    .unwrap();
    for args in [&["chekc", "lab.ron"][..], &["chekc"], &["diagarm"], &["tarce", "x"]] {
        let out = vpcd(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert!(err.contains("no such command"), "{err}");
    }
    assert!(stderr(&vpcd(dir.path(), &["chekc", "lab.ron"])).contains("did you mean check?"));
    // Extra arguments after a design are refused, not ignored.
    let out = vpcd(dir.path(), &["lab.ron", "more.ron"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unexpected argument"), "{}", stderr(&out));
}

#[test]
fn every_writer_refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mine.ron"), "precious").unwrap();
    for args in [
        &["generate", "--vpcs", "1", "-o", "mine.ron"][..],
        &["new", "--template", "default-vpc", "-o", "mine.ron"],
    ] {
        let out = vpcd(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&out).contains("already exists; pass --force"),
            "{}",
            stderr(&out)
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("mine.ron")).unwrap(),
            "precious"
        );
        let mut forced = args.to_vec();
        forced.push("--force");
        assert!(vpcd(dir.path(), &forced).status.success(), "{forced:?}");
        std::fs::write(dir.path().join("mine.ron"), "precious").unwrap();
    }
}

#[test]
fn a_non_utf8_byte_is_located_and_a_byte_order_mark_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let text = vpcd::io::to_ron_string(&vpcd::create::templates::sample::three_tier()).unwrap();
    let mut bad = text.clone().into_bytes();
    let at = text.find("three-tier").unwrap();
    bad[at] = 0xFF;
    std::fs::write(dir.path().join("bad.ron"), bad).unwrap();
    let out = vpcd(dir.path(), &["check", "bad.ron"]);
    assert_eq!(out.status.code(), Some(2));
    let line = text[..at].matches('\n').count() + 1;
    let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1) + 1;
    let want = format!("bad.ron:{line}:{col}: byte 0xFF is not UTF-8 text");
    assert!(stderr(&out).contains(&want), "{} lacks {want}", stderr(&out));

    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend(text.as_bytes());
    std::fs::write(dir.path().join("bom.ron"), bom).unwrap();
    let out = vpcd(dir.path(), &["check", "bom.ron"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn price_table_and_exercise_errors_are_located_and_readable() {
    let dir = tempfile::tempdir().unwrap();
    vpcd::io::save(
        &dir.path().join("lab.ron"),
        &vpcd::create::templates::sample::three_tier(),
    )
    .unwrap();
    let prices = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/data/prices.ron")).unwrap();
    // An unknown field on the line after the opening `(`.
    let open = prices.find("\n(\n").unwrap() + 3;
    let broken = format!("{}  nope: 1,\n{}", &prices[..open], &prices[open..]);
    let line = prices[..open].matches('\n').count() + 1;
    std::fs::write(dir.path().join("prices.ron"), broken).unwrap();
    let out = vpcd(dir.path(), &["cost", "lab.ron", "--prices", "prices.ron"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains(&format!("prices.ron:{line}:")), "{err}");
    assert!(err.contains("unknown field `nope`"), "{err}");
    assert!(!err.contains("`in"), "the parser's raw text: {err}");

    std::fs::write(dir.path().join("ex.ron"), "(\n  exercise: 1,\n  titel: \"x\",\n)").unwrap();
    let out = vpcd(dir.path(), &["exercise", "ex.ron"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("ex.ron:3:"), "{err}");
    assert!(err.contains("unknown field `titel`"), "{err}");
}
