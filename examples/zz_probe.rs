use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::time::Instant;
use vpcd::tui::{App, Options};
use vpcd::workspace::Workspace;

fn t<T>(what: &str, n: usize, mut f: impl FnMut() -> T) {
    let mut v = Vec::new();
    for _ in 0..n {
        let s = Instant::now();
        std::hint::black_box(f());
        v.push(s.elapsed());
    }
    v.sort();
    println!("{what:<28} {:>9.3} ms", v[v.len() / 2].as_secs_f64() * 1e3);
}

fn main() {
    let path = std::env::args().nth(1).expect("FILE");
    if std::env::args().nth(2).as_deref() == Some("start") {
        let t0 = Instant::now();
        let d = vpcd::io::load(std::path::Path::new(&path)).expect("load");
        let t1 = t0.elapsed();
        let ws = Workspace::new(d);
        let t2 = t0.elapsed();
        let opts = Options {
            saves_dir: std::env::temp_dir().join("zz"),
            recovery: None,
            theme: vpcd::tui::theme::Theme::plain(),
        };
        let mut app = App::new(ws, opts);
        let t3 = t0.elapsed();
        let mut term = Terminal::new(TestBackend::new(160, 50)).unwrap();
        term.draw(|f| app.draw(f)).unwrap();
        let t4 = t0.elapsed();
        println!("load {:?} ws {:?} app {:?} first frame {:?}", t1, t2, t3, t4);
        return;
    }
    let d = vpcd::io::load(std::path::Path::new(&path)).expect("load");
    let idx = vpcd::model::DesignIndex::new(&d);
    t("index new", 20, || vpcd::model::DesignIndex::new(&d));
    t("findings full", 20, || vpcd::validate::Findings::full(&d, &idx));
    t("compiled new", 10, || vpcd::analysis::Compiled::new(&d, &idx));
    t("design clone", 20, || d.clone());
    let [add, del] = vpcd::perf::add_delete_instance(&d).unwrap();
    let mut ws = Workspace::new(d.clone());
    let _ = ws.analysis_tables();
    t("ws add+del", 10, || {
        ws.apply(add.clone()).unwrap();
        ws.apply(del.clone()).unwrap();
    });
    let opts = Options {
        saves_dir: std::env::temp_dir().join("zz"),
        recovery: None,
        theme: vpcd::tui::theme::Theme::plain(),
    };
    let mut app = App::new(Workspace::new(d.clone()), opts);
    let mut term = Terminal::new(TestBackend::new(160, 50)).unwrap();
    term.draw(|f| app.draw(f)).unwrap();
    t("app add+del (no draw)", 10, || {
        app.apply_edit(add.clone()).unwrap();
        app.apply_edit(del.clone()).unwrap();
    });
    t("app add+draw+del+draw", 10, || {
        app.apply_edit(add.clone()).unwrap();
        term.draw(|f| app.draw(f)).unwrap();
        app.apply_edit(del.clone()).unwrap();
        term.draw(|f| app.draw(f)).unwrap();
    });
    t("draw only", 20, || {
        term.draw(|f| app.draw(f)).unwrap();
    });
}
