//! A character grid that remembers, per cell, which design object it shows.
//!
//! Lines are drawn as connection masks (up/down/left/right) and turned into
//! box-drawing characters only when the grid is finished, so that wherever two
//! lines meet the right junction (`┬ ┴ ├ ┤ ┼`) appears without the layout having
//! to think about it. Text written over a cell replaces its line.

use std::collections::HashMap;

use crate::model::ObjectRef;
use crate::validate::Severity;

const UP: u8 = 1;
const DOWN: u8 = 2;
const LEFT: u8 = 4;
const RIGHT: u8 = 8;

/// Which characters the drawing uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Charset {
    /// Box-drawing characters (`┌─┬┐│├┼┤└┴┘`).
    #[default]
    Unicode,
    /// Plain ASCII (`+ - |`), for terminals and files that cannot show Unicode.
    Ascii,
}

impl Charset {
    /// The character for a set of line connections.
    fn line(self, mask: u8) -> char {
        let horizontal = mask & (LEFT | RIGHT) != 0;
        let vertical = mask & (UP | DOWN) != 0;
        match self {
            Charset::Ascii => match (horizontal, vertical) {
                (false, false) => ' ',
                (true, false) => '-',
                (false, true) => '|',
                (true, true) => '+',
            },
            Charset::Unicode => match mask {
                0 => ' ',
                m if m & (UP | DOWN) == 0 => '─',
                m if m & (LEFT | RIGHT) == 0 => '│',
                m if m == DOWN | RIGHT => '┌',
                m if m == DOWN | LEFT => '┐',
                m if m == UP | RIGHT => '└',
                m if m == UP | LEFT => '┘',
                m if m == UP | DOWN | RIGHT => '├',
                m if m == UP | DOWN | LEFT => '┤',
                m if m == LEFT | RIGHT | DOWN => '┬',
                m if m == LEFT | RIGHT | UP => '┴',
                _ => '┼',
            },
        }
    }

    /// Box-drawing characters when the locale says UTF-8 (`LC_ALL`, then
    /// `LC_CTYPE`, then `LANG`, as the C library reads them), ASCII otherwise.
    pub fn from_locale(lc_all: Option<&str>, lc_ctype: Option<&str>, lang: Option<&str>) -> Charset {
        let locale = [lc_all, lc_ctype, lang]
            .into_iter()
            .flatten()
            .find(|v| !v.is_empty())
            .unwrap_or("");
        let l = locale.to_ascii_lowercase();
        if l.contains("utf-8") || l.contains("utf8") {
            Charset::Unicode
        } else {
            Charset::Ascii
        }
    }

    /// [`Charset::from_locale`] for this process's environment.
    pub fn detect() -> Charset {
        let var = |k: &str| std::env::var(k).ok();
        Charset::from_locale(
            var("LC_ALL").as_deref(),
            var("LC_CTYPE").as_deref(),
            var("LANG").as_deref(),
        )
    }

    /// The marker drawn before the name of an object with findings.
    pub fn marker(self, severity: Severity) -> char {
        match (self, severity) {
            (Charset::Unicode, Severity::Error) => '✗',
            (Charset::Ascii, Severity::Error) => 'X',
            (_, Severity::Warning) => '!',
            (_, Severity::Info) => 'i',
        }
    }

    /// An arrow head pointing left / right, for link ends.
    pub fn arrow_left(self) -> char {
        match self {
            Charset::Unicode => '◄',
            Charset::Ascii => '<',
        }
    }

    /// The arrow of a route, from its destination to its target.
    pub fn route_arrow(self) -> &'static str {
        match self {
            Charset::Unicode => "─►",
            Charset::Ascii => "->",
        }
    }

    /// The ellipsis marking truncated text.
    pub fn ellipsis(self) -> char {
        match self {
            Charset::Unicode => '…',
            Charset::Ascii => '~',
        }
    }
}

/// A rectangle on the grid, in cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Rect {
    pub x: u16,
    pub y: u16,
    pub width: u16,
    pub height: u16,
}

impl Rect {
    pub fn new(x: u16, y: u16, width: u16, height: u16) -> Self {
        Rect { x, y, width, height }
    }
    pub fn right(&self) -> u16 {
        self.x.saturating_add(self.width)
    }
    pub fn bottom(&self) -> u16 {
        self.y.saturating_add(self.height)
    }
    /// The smallest rectangle holding both.
    pub fn union(&self, other: &Rect) -> Rect {
        let x = self.x.min(other.x);
        let y = self.y.min(other.y);
        Rect::new(
            x,
            y,
            self.right().max(other.right()) - x,
            self.bottom().max(other.bottom()) - y,
        )
    }
}

/// One error/warning marker drawn on the grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    pub x: u16,
    pub y: u16,
    pub severity: Severity,
    pub object: ObjectRef,
}

/// One route arrow drawn in a subnet's box: the cells it covers (on one row),
/// the subnet and where its routes go, so the TUI can draw arrows apart from
/// the box and light the ones a trace follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteMark {
    pub x: u16,
    pub y: u16,
    pub width: u16,
    pub subnet: ObjectRef,
    /// The route's target, then (for a NAT gateway) where it sends traffic on.
    pub targets: Vec<ObjectRef>,
}

/// The drawing surface: grows downwards as the layout writes to it.
#[derive(Debug, Clone)]
pub struct Grid {
    width: u16,
    height: u16,
    masks: Vec<u8>,
    text: Vec<Option<char>>,
    owners: Vec<u32>,
    /// Each owner id (1-based position) → the object.
    objects: Vec<ObjectRef>,
    ids: HashMap<ObjectRef, u32>,
    pub(crate) markers: Vec<Marker>,
    pub(crate) routes: Vec<RouteMark>,
}

impl Grid {
    pub fn new(width: u16) -> Self {
        Grid {
            width: width.max(1),
            height: 0,
            masks: Vec::new(),
            text: Vec::new(),
            owners: Vec::new(),
            objects: Vec::new(),
            ids: HashMap::new(),
            markers: Vec::new(),
            routes: Vec::new(),
        }
    }

    /// Makes sure row `y` exists.
    fn grow(&mut self, y: u16) {
        if y < self.height {
            return;
        }
        let rows = usize::from(y) + 1;
        let cells = rows * usize::from(self.width);
        self.masks.resize(cells, 0);
        self.text.resize(cells, None);
        self.owners.resize(cells, 0);
        self.height = y.saturating_add(1);
    }

    fn cell(&mut self, x: u16, y: u16) -> Option<usize> {
        if x >= self.width {
            return None;
        }
        self.grow(y);
        Some(usize::from(y) * usize::from(self.width) + usize::from(x))
    }

    /// The owner id for an object, registering it on first use.
    pub fn owner_id(&mut self, obj: &ObjectRef) -> u32 {
        if let Some(id) = self.ids.get(obj) {
            return *id;
        }
        self.objects.push(obj.clone());
        let id = u32::try_from(self.objects.len()).unwrap_or(u32::MAX);
        self.ids.insert(obj.clone(), id);
        id
    }

    fn set_owner(&mut self, i: usize, owner: u32) {
        if owner != 0 {
            self.owners[i] = owner;
        }
    }

    /// A horizontal line from `x0` to `x1` (inclusive) on row `y`.
    pub fn hline(&mut self, x0: u16, x1: u16, y: u16, owner: u32) {
        self.row_line(x0, x1, y, owner, false);
    }

    /// A vertical line from `y0` to `y1` (inclusive) in column `x`.
    pub fn vline(&mut self, x: u16, y0: u16, y1: u16, owner: u32) {
        let (a, b) = (y0.min(y1), y0.max(y1));
        if x >= self.width {
            return;
        }
        self.grow(b);
        let width = usize::from(self.width);
        for y in a..=b {
            let i = usize::from(y) * width + usize::from(x);
            self.masks[i] |= if a == b {
                UP | DOWN
            } else {
                (if y > a { UP } else { 0 }) | (if y < b { DOWN } else { 0 })
            };
            if owner != 0 {
                self.owners[i] = owner;
            }
        }
    }

    /// A horizontal line that passes *under* any vertical line it crosses
    /// (no junction is drawn where it crosses one).
    pub fn hline_bridged(&mut self, x0: u16, x1: u16, y: u16, owner: u32) {
        self.row_line(x0, x1, y, owner, true);
    }

    /// A horizontal line in one pass over its row's cells (a peering mesh's
    /// diagram draws thousands, each thousands of columns long). `bridged`:
    /// it passes under the vertical lines it crosses, and a line of one cell
    /// has no ends.
    fn row_line(&mut self, x0: u16, x1: u16, y: u16, owner: u32, bridged: bool) {
        let (a, b) = (x0.min(x1), x0.max(x1));
        if a >= self.width {
            return;
        }
        self.grow(y);
        let row = usize::from(y) * usize::from(self.width);
        let end = b.min(self.width - 1);
        let cells = row + usize::from(a)..=row + usize::from(end);
        let masks = &mut self.masks[cells.clone()];
        let owners = &mut self.owners[cells];
        for ((x, mask), cell_owner) in (a..=end).zip(masks).zip(owners) {
            if bridged && x > a && x < b && *mask & (UP | DOWN) == UP | DOWN {
                continue;
            }
            *mask |= if a == b && !bridged {
                LEFT | RIGHT
            } else {
                (if x > a { LEFT } else { 0 }) | (if x < b { RIGHT } else { 0 })
            };
            if owner != 0 {
                *cell_owner = owner;
            }
        }
    }

    /// The outline of a rectangle.
    pub fn frame(&mut self, r: Rect, owner: u32) {
        if r.width < 2 || r.height < 2 {
            return;
        }
        let (x1, y1) = (r.right() - 1, r.bottom() - 1);
        self.hline(r.x, x1, r.y, owner);
        self.hline(r.x, x1, y1, owner);
        self.vline(r.x, r.y, y1, owner);
        self.vline(x1, r.y, y1, owner);
    }

    /// Marks every cell of a rectangle as showing `owner` (text and lines
    /// drawn later may claim cells for inner objects).
    pub fn claim(&mut self, r: Rect, owner: u32) {
        for y in r.y..r.bottom() {
            for x in r.x..r.right().min(self.width) {
                if let Some(i) = self.cell(x, y) {
                    self.owners[i] = owner;
                }
            }
        }
    }

    /// Writes text from `x` on row `y`, at most `max` cells; longer text is
    /// cut with an ellipsis. Returns the number of cells written.
    pub fn text(&mut self, x: u16, y: u16, s: &str, max: u16, owner: u32, charset: Charset) -> u16 {
        let max = max.min(self.width.saturating_sub(x));
        if max == 0 {
            return 0;
        }
        let count = s.chars().count();
        let mut written = 0u16;
        for (k, ch) in s.chars().enumerate() {
            if written == max {
                break;
            }
            let ch = if count > usize::from(max) && written + 1 == max {
                charset.ellipsis()
            } else {
                ch
            };
            let _ = k;
            let ch = if charset == Charset::Ascii && !ch.is_ascii() {
                '?'
            } else {
                ch
            };
            if let Some(i) = self.cell(x + written, y) {
                self.text[i] = Some(ch);
                self.set_owner(i, owner);
            }
            written += 1;
        }
        written
    }

    /// Writes an error/warning marker character and records it.
    pub fn marker(&mut self, x: u16, y: u16, severity: Severity, obj: &ObjectRef, charset: Charset) {
        let owner = self.owner_id(obj);
        let mut buf = [0u8; 4];
        let s: &str = charset.marker(severity).encode_utf8(&mut buf);
        if self.text(x, y, s, 1, owner, charset) == 1 {
            self.markers.push(Marker {
                x,
                y,
                severity,
                object: obj.clone(),
            });
        }
    }

    /// Freezes the drawing into characters.
    pub fn finish(self, charset: Charset) -> Canvas {
        let chars = self
            .masks
            .iter()
            .zip(&self.text)
            .map(|(m, t)| t.unwrap_or_else(|| charset.line(*m)))
            .collect();
        Canvas {
            width: self.width,
            height: self.height,
            chars,
            owners: self.owners,
            objects: self.objects,
            ids: self.ids,
            markers: self.markers,
            routes: self.routes,
        }
    }
}

/// A finished drawing: characters and, per cell, the object shown there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canvas {
    width: u16,
    height: u16,
    chars: Vec<char>,
    owners: Vec<u32>,
    objects: Vec<ObjectRef>,
    ids: HashMap<ObjectRef, u32>,
    markers: Vec<Marker>,
    routes: Vec<RouteMark>,
}

impl Canvas {
    pub fn width(&self) -> u16 {
        self.width
    }
    pub fn height(&self) -> u16 {
        self.height
    }

    fn index(&self, x: u16, y: u16) -> Option<usize> {
        (x < self.width && y < self.height).then(|| usize::from(y) * usize::from(self.width) + usize::from(x))
    }

    /// The character at a cell (a space outside the drawing).
    pub fn char_at(&self, x: u16, y: u16) -> char {
        self.index(x, y).map_or(' ', |i| self.chars[i])
    }

    /// The object a cell shows, if any.
    pub fn object_at(&self, x: u16, y: u16) -> Option<&ObjectRef> {
        let i = self.index(x, y)?;
        let owner = self.owners[i];
        (owner != 0).then(|| self.objects.get(owner as usize - 1)).flatten()
    }

    /// One row's characters, without trailing spaces.
    pub fn row(&self, y: u16) -> String {
        let Some(start) = self.index(0, y) else {
            return String::new();
        };
        let s: String = self.chars[start..start + usize::from(self.width)].iter().collect();
        s.trim_end().to_string()
    }

    /// The whole drawing as text, one line per row, trailing spaces removed.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for y in 0..self.height {
            out.push_str(&self.row(y));
            out.push('\n');
        }
        out
    }

    /// The error/warning markers, for colouring.
    pub fn markers(&self) -> &[Marker] {
        &self.markers
    }

    /// The route arrows, in drawing order (top to bottom within each VPC).
    pub fn routes(&self) -> &[RouteMark] {
        &self.routes
    }

    /// Every object drawn, in drawing order.
    pub fn objects(&self) -> &[ObjectRef] {
        &self.objects
    }

    /// The owner id of a cell (0 = none); ids index [`Canvas::objects`] from 1.
    pub fn owner_id_at(&self, x: u16, y: u16) -> u32 {
        self.index(x, y).map_or(0, |i| self.owners[i])
    }

    /// The owner id of an object, if it is drawn.
    pub fn owner_id_of(&self, obj: &ObjectRef) -> u32 {
        self.ids.get(obj).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ObjectKind;

    impl Grid {
        /// Adds line connections to a cell.
        fn connect(&mut self, x: u16, y: u16, mask: u8, owner: u32) {
            if let Some(i) = self.cell(x, y) {
                self.masks[i] |= mask;
                self.set_owner(i, owner);
            }
        }
    }

    /// [`Grid::hline_bridged`] cell by cell, as the rule reads: a cell where
    /// a vertical line passes is left alone inside the line.
    fn hline_bridged_by_cells(g: &mut Grid, x0: u16, x1: u16, y: u16, owner: u32) {
        let (a, b) = (x0.min(x1), x0.max(x1));
        for x in a..=b {
            let crossing = g.cell(x, y).is_some_and(|i| g.masks[i] & (UP | DOWN) == UP | DOWN);
            if crossing && x > a && x < b {
                continue;
            }
            let mut m = 0;
            if x > a {
                m |= LEFT;
            }
            if x < b {
                m |= RIGHT;
            }
            g.connect(x, y, m, owner);
        }
    }

    /// [`Grid::hline`] and [`Grid::vline`] cell by cell.
    fn line_by_cells(g: &mut Grid, horizontal: bool, p: u16, q: u16, at: u16, owner: u32) {
        let (a, b) = (p.min(q), p.max(q));
        let (before, after) = if horizontal { (LEFT, RIGHT) } else { (UP, DOWN) };
        for v in a..=b {
            let mut m = 0;
            if v > a {
                m |= before;
            }
            if v < b {
                m |= after;
            }
            if a == b {
                m = before | after;
            }
            let (x, y) = if horizontal { (v, at) } else { (at, v) };
            g.connect(x, y, m, owner);
        }
    }

    proptest::proptest! {
        /// Bridged, vertical and plain lines over each other (some past the
        /// grid's right edge or below its last row) leave the same cells as
        /// drawing them cell by cell.
        #[test]
        fn lines_equal_drawing_them_cell_by_cell(
            lines in proptest::collection::vec((0u8..4, 0u16..24, 0u16..24, 0u16..8, 0u32..3), 1..24),
        ) {
            let (mut fast, mut slow) = (Grid::new(16), Grid::new(16));
            for (kind, p, q, r, owner) in lines {
                match kind {
                    0 => {
                        fast.hline_bridged(p, q, r, owner);
                        hline_bridged_by_cells(&mut slow, p, q, r, owner);
                    }
                    1 => {
                        fast.vline(p, r, q % 8, owner);
                        line_by_cells(&mut slow, false, r, q % 8, p, owner);
                    }
                    _ => {
                        fast.hline(p, q, r, owner);
                        line_by_cells(&mut slow, true, p, q, r, owner);
                    }
                }
            }
            proptest::prop_assert_eq!(&fast.masks, &slow.masks);
            proptest::prop_assert_eq!(&fast.owners, &slow.owners);
            proptest::prop_assert_eq!(fast.height, slow.height);
        }
    }

    #[test]
    fn box_with_divider_gets_tee_junctions() {
        let mut g = Grid::new(10);
        g.frame(Rect::new(0, 0, 7, 3), 0);
        g.vline(3, 0, 2, 0);
        let c = g.finish(Charset::Unicode);
        assert_eq!(c.to_text(), "┌──┬──┐\n│  │  │\n└──┴──┘\n");
    }

    #[test]
    fn ascii_fallback_uses_only_ascii() {
        let mut g = Grid::new(10);
        g.frame(Rect::new(0, 0, 7, 3), 0);
        g.vline(3, 0, 2, 0);
        g.text(1, 1, "é…", 2, 0, Charset::Ascii);
        let c = g.finish(Charset::Ascii);
        assert_eq!(c.to_text(), "+--+--+\n|??|  |\n+--+--+\n");
    }

    #[test]
    fn charset_follows_the_locale() {
        assert_eq!(Charset::from_locale(None, None, Some("en_US.UTF-8")), Charset::Unicode);
        assert_eq!(
            Charset::from_locale(Some("C"), None, Some("en_US.UTF-8")),
            Charset::Ascii
        );
        assert_eq!(
            Charset::from_locale(Some(""), Some("de_DE.utf8"), None),
            Charset::Unicode
        );
        assert_eq!(Charset::from_locale(None, None, None), Charset::Ascii);
    }

    #[test]
    fn long_text_is_cut_with_an_ellipsis() {
        let mut g = Grid::new(10);
        assert_eq!(g.text(0, 0, "abcdefgh", 4, 0, Charset::Unicode), 4);
        assert_eq!(g.finish(Charset::Unicode).row(0), "abc…");
    }

    #[test]
    fn cells_remember_their_object() {
        let mut g = Grid::new(10);
        let vpc = ObjectRef::new(ObjectKind::Vpc, "v");
        let id = g.owner_id(&vpc);
        g.frame(Rect::new(0, 0, 4, 3), id);
        let c = g.finish(Charset::Unicode);
        assert_eq!(c.object_at(0, 0), Some(&vpc));
        assert_eq!(c.object_at(1, 1), None);
        assert_eq!(c.object_at(20, 20), None);
    }

    #[test]
    fn bridged_line_does_not_join_a_crossed_line() {
        let mut g = Grid::new(10);
        g.vline(2, 0, 2, 0);
        g.hline_bridged(0, 4, 1, 0);
        assert_eq!(g.finish(Charset::Unicode).to_text(), "  │\n──│──\n  │\n");
    }
}
