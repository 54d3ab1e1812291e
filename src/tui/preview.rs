//! A design's diagram drawn into an area, before the design exists in the
//! workspace: "New from template" and the "VPC and more" generator both show
//! the library's diagram layout of the design they would create.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::diagram::{Diagram, DiagramOptions, Viewport, MIN_WIDTH};
use crate::model::{Design, DesignIndex};

/// The top-left `width` × `height` characters of the design's diagram.
pub fn diagram_lines(design: &Design, width: u16, height: u16) -> Vec<String> {
    let idx = DesignIndex::new(design);
    let options = DiagramOptions {
        width: width.max(MIN_WIDTH),
        ..Default::default()
    };
    let dg = Diagram::build(design, &idx, &[], options);
    Viewport::new(width, height).lines(&dg.canvas)
}

/// Draws the design's diagram into `area`.
pub fn render_design(frame: &mut Frame, area: Rect, design: &Design) {
    let lines: Vec<Line> = diagram_lines(design, area.width, area.height)
        .into_iter()
        .map(Line::raw)
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}
