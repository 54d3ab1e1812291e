//! Measures the trace panel's per-keystroke and per-edit work on a large design.
//! `cargo run --release --example trace_panel_perf -- FILE`
use std::time::{Duration, Instant};

use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use vpcd::tui::{App, Options};
use vpcd::workspace::Workspace;

fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64() * 1e3
}

fn main() {
    let path = std::env::args().nth(1).expect("FILE");
    let d = vpcd::io::load(std::path::Path::new(&path)).expect("load");
    println!("instances {} subnets {}", d.instances.len(), d.subnets.len());
    {
        let idx = vpcd::model::DesignIndex::new(&d);
        let cost = vpcd::analysis::diff_cost(&d, &idx);
        let endpoints = vpcd::analysis::named_endpoints(&d).len();
        if endpoints <= 400 {
            let t = Instant::now();
            let n = vpcd::analysis::diff_designs_with_egress(&d, &d).len();
            println!(
                "reachability diff (with egress), {endpoints} endpoints, {cost} verdicts: {:.1} ms ({n} changes)",
                t.elapsed().as_secs_f64() * 1e3
            );
        } else {
            println!("{endpoints} endpoints, diff cost {cost} verdicts: no automatic diff");
        }
    }
    let dir = std::env::temp_dir().join("vpcd-trace-perf");
    let opts = Options {
        saves_dir: dir.join("saves"),
        recovery: None,
        theme: vpcd::tui::theme::Theme::plain(),
    };
    let mut app = App::new(Workspace::new(d), opts);
    let mut term = Terminal::new(TestBackend::new(200, 60)).unwrap();
    let key = |c: KeyCode| KeyEvent::new(c, KeyModifiers::NONE);
    let mut draw = |app: &mut App| {
        term.draw(|f| app.draw(f)).unwrap();
    };
    draw(&mut app);
    // Focus the trace panel: Shift-Tab twice from the tree.
    for _ in 0..2 {
        app.handle_key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT));
        draw(&mut app);
    }
    // Frames with the trace panel focused (idle).
    let mut frames = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        draw(&mut app);
        frames.push(t.elapsed());
    }
    println!("frame (trace focused, no query): {:.2} ms", median(frames));
    // Typing a query: per keystroke handle + frame.
    app.handle_key(key(KeyCode::Enter));
    draw(&mut app);
    let mut typing = Vec::new();
    let first = app.ws.design().instances[0].name.clone();
    for c in first.chars() {
        let t = Instant::now();
        app.handle_key(key(KeyCode::Char(c)));
        draw(&mut app);
        typing.push(t.elapsed());
    }
    println!(
        "typing a source name: {:.2} ms per key (handle + frame, {} keys)",
        median(typing),
        first.len()
    );
    let t = Instant::now();
    app.handle_key(key(KeyCode::Tab));
    draw(&mut app);
    println!("Tab completion: {:.2} ms", t.elapsed().as_secs_f64() * 1e3);
    app.handle_key(key(KeyCode::Down));
    for c in "internet".chars() {
        app.handle_key(key(KeyCode::Char(c)));
    }
    app.handle_key(key(KeyCode::Down));
    app.handle_key(key(KeyCode::Down));
    for c in "443".chars() {
        app.handle_key(key(KeyCode::Char(c)));
    }
    let t = Instant::now();
    app.handle_key(key(KeyCode::Enter));
    draw(&mut app);
    println!(
        "Enter runs the trace (analyzer build + trace + frame): {:.2} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    let mut frames = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        draw(&mut app);
        frames.push(t.elapsed());
    }
    println!("frame with a trace shown: {:.2} ms", median(frames));
    let mut steps = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        app.handle_key(key(KeyCode::Char('n')));
        draw(&mut app);
        steps.push(t.elapsed());
    }
    println!("next hop (n): {:.2} ms", median(steps));
    // An edit (undo/redo of a rename-free change): measure the keystroke path only.
    let sg = app.ws.design().security_groups[0].clone();
    let mut edits = Vec::new();
    let mut edit_handle = Vec::new();
    let mut ticks = Vec::new();
    for i in 0..5u16 {
        let mut g = sg.clone();
        g.description = Some(format!("perf {i}"));
        let t = Instant::now();
        app.apply_edit(vpcd::edit::Edit::Put(vpcd::model::Object::SecurityGroup(g)))
            .unwrap();
        edit_handle.push(t.elapsed());
        draw(&mut app);
        edits.push(t.elapsed());
        let t = Instant::now();
        app.tick(Instant::now() + Duration::from_secs(1));
        draw(&mut app);
        ticks.push(t.elapsed());
    }
    println!(
        "edit keystroke path (apply + trace pane clamp + frame): {:.2} ms",
        median(edits)
    );
    println!(
        "  of which App::apply_edit (before the frame): {:.2} ms",
        median(edit_handle)
    );
    // The same edit on the workspace alone: what the app adds on top is pane work.
    let mut ws_only = Vec::new();
    for i in 0..5u16 {
        let mut g = sg.clone();
        g.description = Some(format!("ws {i}"));
        let t = Instant::now();
        let _ = app
            .ws
            .apply(vpcd::edit::Edit::Put(vpcd::model::Object::SecurityGroup(g)));
        ws_only.push(t.elapsed());
    }
    println!(
        "  of which Workspace::apply alone (validation, index): {:.2} ms",
        median(ws_only)
    );
    // Every pane's first clamp on a fresh registry: a full build, not the in-app edit path
    // (there the panes follow the edit; `App::apply_edit` above includes their clamps).
    {
        use vpcd::tui::panes::{registry, Ctx};
        let mut ws = Workspace::new(app.ws.design().clone());
        let theme = vpcd::tui::theme::Theme::plain();
        let mut panes = registry();
        let trace = std::cell::RefCell::default();
        let mut g = sg.clone();
        g.description = Some("clamp".into());
        let _ = ws.apply(vpcd::edit::Edit::Put(vpcd::model::Object::SecurityGroup(g)));
        let ctx = Ctx {
            ws: &ws,
            selected: None,
            trace: &trace,
            theme,
        };
        for p in &mut panes {
            let t = Instant::now();
            p.clamp(&ctx);
            println!(
                "  first clamp of a new pane (full build) {:<40} {:.3} ms",
                p.title(&ctx),
                t.elapsed().as_secs_f64() * 1e3
            );
        }
    }
    // Every pane's first frame after an edit (a cache keyed by revision rebuilds here).
    {
        use vpcd::tui::panes::{registry, Ctx};
        let mut ws = Workspace::new(app.ws.design().clone());
        let theme = vpcd::tui::theme::Theme::plain();
        let mut panes = registry();
        let trace = std::cell::RefCell::default();
        let mut pane_term = Terminal::new(TestBackend::new(200, 60)).unwrap();
        let mut times = vec![Vec::new(); panes.len()];
        for i in 0..4u16 {
            let mut g = sg.clone();
            g.description = Some(format!("render {i}"));
            let _ = ws.apply(vpcd::edit::Edit::Put(vpcd::model::Object::SecurityGroup(g)));
            let ctx = Ctx {
                ws: &ws,
                selected: None,
                trace: &trace,
                theme,
            };
            for (k, p) in panes.iter_mut().enumerate() {
                p.clamp(&ctx);
                let t = Instant::now();
                pane_term.draw(|f| p.render(f, f.area(), &ctx, false)).unwrap();
                if i > 0 {
                    times[k].push(t.elapsed());
                }
            }
        }
        let ctx = Ctx {
            ws: &ws,
            selected: None,
            trace: &trace,
            theme,
        };
        for (p, t) in panes.iter().zip(times) {
            println!(
                "  first frame after an edit {:<28} {:.3} ms",
                p.title(&ctx).chars().take(28).collect::<String>(),
                median(t)
            );
        }
    }
    // The trace pane's own share of an edit: its clamp (the keystroke path) and its idle tick.
    {
        use vpcd::tui::panes::{trace::TracePane, Ctx, Pane};
        let mut ws = Workspace::new(app.ws.design().clone());
        let mut pane = TracePane::default();
        let q = vpcd::model::TraceQuery {
            from: first.clone(),
            to: "internet".into(),
            proto: vpcd::model::Protocol::Tcp,
            port: Some(443),
            sport: None,
        };
        let theme = vpcd::tui::theme::Theme::plain();
        // The query opened in the session, as a practice objective opens it.
        let trace = std::cell::RefCell::new(vpcd::tui::trace_session::TraceSession::default());
        trace.borrow_mut().open(&ws, &q, &[]);
        pane.clamp(&Ctx {
            ws: &ws,
            selected: None,
            trace: &trace,
            theme,
        });
        let (mut clamps, mut ticks) = (Vec::new(), Vec::new());
        for i in 0..5u16 {
            let mut g = sg.clone();
            g.description = Some(format!("pane {i}"));
            let _ = ws.apply(vpcd::edit::Edit::Put(vpcd::model::Object::SecurityGroup(g)));
            let ctx = Ctx {
                ws: &ws,
                selected: None,
                trace: &trace,
                theme,
            };
            let t = Instant::now();
            pane.clamp(&ctx);
            clamps.push(t.elapsed());
            let t = Instant::now();
            pane.tick(Instant::now() + Duration::from_secs(1), &ctx);
            ticks.push(t.elapsed());
        }
        println!(
            "  trace pane clamp after an edit (keystroke path): {:.3} ms",
            median(clamps)
        );
        println!(
            "  trace pane idle tick (re-trace, diff budget): {:.2} ms",
            median(ticks)
        );
    }
    println!(
        "idle tick after the edit (deferred re-trace + diff budget check + frame): {:.2} ms",
        median(ticks)
    );
    let screen: String = {
        let buf = term.backend().buffer();
        (0..buf.area.height)
            .map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect::<String>() + "\n")
            .collect()
    };
    for l in screen
        .lines()
        .filter(|l| l.contains('Δ') || l.contains("reachable") || l.contains("blocked"))
    {
        println!("  | {}", l.trim_end());
    }
}
