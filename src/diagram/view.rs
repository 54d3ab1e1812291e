//! The visible window of a diagram: panning, scrolling and following the
//! selection. Pure arithmetic on the canvas size, so the TUI only paints the
//! cells inside the window (a 12,000-instance drawing is never walked per frame).

use super::grid::{Canvas, Rect};

/// The top-left corner and size of the visible part of a canvas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Viewport {
    pub x: u16,
    pub y: u16,
    pub width: u16,
    pub height: u16,
}

impl Viewport {
    pub fn new(width: u16, height: u16) -> Self {
        Viewport {
            x: 0,
            y: 0,
            width,
            height,
        }
    }

    /// Keeps the window inside the canvas (or at the origin when the canvas is smaller).
    pub fn clamp(&mut self, canvas: &Canvas) {
        self.x = self.x.min(canvas.width().saturating_sub(self.width));
        self.y = self.y.min(canvas.height().saturating_sub(self.height));
    }

    /// Moves the window by a number of cells (arrow keys, mouse drag, wheel).
    pub fn pan(&mut self, dx: i32, dy: i32, canvas: &Canvas) {
        let shift = |v: u16, d: i32| u16::try_from((i32::from(v) + d).max(0)).unwrap_or(u16::MAX);
        self.x = shift(self.x, dx);
        self.y = shift(self.y, dy);
        self.clamp(canvas);
    }

    /// Scrolls just enough for `r` to be visible (its top-left corner first when it is larger than the window).
    pub fn follow(&mut self, r: Rect, canvas: &Canvas) {
        if r.y < self.y || r.height > self.height {
            self.y = r.y;
        } else if r.bottom() > self.y.saturating_add(self.height) {
            self.y = r.bottom().saturating_sub(self.height);
        }
        if r.x < self.x || r.width > self.width {
            self.x = r.x;
        } else if r.right() > self.x.saturating_add(self.width) {
            self.x = r.right().saturating_sub(self.width);
        }
        self.clamp(canvas);
    }

    /// The visible rows as text (padded to the window width).
    pub fn lines(&self, canvas: &Canvas) -> Vec<String> {
        (self.y..self.y.saturating_add(self.height))
            .map(|y| {
                (self.x..self.x.saturating_add(self.width))
                    .map(|x| canvas.char_at(x, y))
                    .collect()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::create::templates::sample;
    use crate::diagram::{Diagram, DiagramOptions};
    use crate::model::{DesignIndex, ObjectKind, ObjectRef};

    #[test]
    fn follow_scrolls_the_selection_into_view_and_clamps() {
        let d = sample::three_tier();
        let idx = DesignIndex::new(&d);
        let dg = Diagram::build(&d, &idx, &[], DiagramOptions::default());
        let mut v = Viewport::new(40, 5);
        let db1 = dg
            .rect_of(&ObjectRef::new(ObjectKind::Instance, "db-1"))
            .unwrap_or_default();
        v.follow(db1, &dg.canvas);
        assert!(v.y <= db1.y && db1.bottom() <= v.y + v.height);
        assert!(v.lines(&dg.canvas).iter().any(|l| l.contains("db-1")));
        v.pan(-1000, -1000, &dg.canvas);
        assert_eq!((v.x, v.y), (0, 0));
        v.pan(1000, 1000, &dg.canvas);
        assert_eq!(v.x, dg.canvas.width() - 40);
        assert_eq!(v.y, dg.canvas.height() - 5);
    }
}
