//! The keymap as data: (context, key) → action + description. The same table
//! dispatches keys, generates the `?` help, the footer hints and the command
//! palette, so they can never disagree.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Where a binding applies. Modal contexts take precedence over the focused
/// pane's context, which takes precedence over `Global`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    Global,
    Tree,
    Routes,
    Rules,
    Diagnostics,
    Inspector,
    /// The cost estimate.
    Cost,
    /// The topology diagram (pans and zooms).
    Diagram,
    /// The subnet planner of the selected VPC.
    Planner,
    /// The practice pane (an exercise's objectives).
    Practice,
    /// The trace panel (hop table, remembered queries, what-if).
    Trace,
    /// Typing a trace query (text keys go to the focused input).
    TraceInput,
    Form,
    List,
    Confirm,
    Help,
}

impl Context {
    pub fn label(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Tree => "VPC tree",
            Context::Routes => "route table",
            Context::Rules => "rules",
            Context::Diagnostics => "diagnostics",
            Context::Inspector => "inspector",
            Context::Cost => "cost",
            Context::Diagram => "diagram",
            Context::Planner => "planner",
            Context::Practice => "practice",
            Context::Trace => "trace panel",
            Context::TraceInput => "trace query",
            Context::Form => "form",
            Context::List => "list / picker",
            Context::Confirm => "confirm",
            Context::Help => "help",
        }
    }
}

/// Everything a key can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
    ForceQuit,
    Help,
    Palette,
    FocusNext,
    FocusPrev,
    Undo,
    Redo,
    Save,
    SaveAs,
    Open,
    NewDesign,
    NewFromTemplate,
    NewVpcAndMore,
    Jump,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    Enter,
    Add,
    /// The full "add what?" picker, whatever pane is focused.
    AddAny,
    /// A new object of the focused pane's own kind (a route, a rule): the
    /// first entry of the picker `a` opens there.
    AddHere,
    Delete,
    Cancel,
    ToggleDirection,
    Associate,
    Disassociate,
    MakeMain,
    EditRon,
    NextField,
    PrevField,
    Submit,
    Yes,
    No,
    ExpandAll,
    CollapseAll,
    Complete,
    ClearField,
    // Trace panel, and practice → trace.
    TraceQuery,
    AcceptCompletion,
    EditQuery,
    NextHop,
    PrevHop,
    PlayHops,
    RememberQuery,
    RecallQuery,
    ToggleFlowLogs,
    WhatIf,
    DismissNote,
    TraceObjective,
    ToggleTimer,
    PracticeProblem,
    // Palette only (no key): the ways out and in, and naming the design.
    ExportTerraform,
    ExportCloudFormation,
    WriteReport,
    ImportAws,
    ImportTerraform,
    RenameDesign,
    OpenExercise,
}

impl Action {
    /// The name shown in the palette.
    pub fn name(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::ForceQuit => "quit now (keeps a recovery file)",
            Action::Help => "help",
            Action::Palette => "command palette",
            Action::FocusNext => "next pane",
            Action::FocusPrev => "previous pane",
            Action::Undo => "undo",
            Action::Redo => "redo",
            Action::Save => "save",
            Action::SaveAs => "save as…",
            Action::Open => "open…",
            Action::NewDesign => "new empty design",
            Action::NewFromTemplate => "new design from a template…",
            Action::NewVpcAndMore => "new VPC and more (wizard)…",
            Action::Jump => "jump to name / IP / CIDR",
            Action::Up => "move up",
            Action::Down => "move down",
            Action::Left => "collapse / left",
            Action::Right => "expand / right",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::Home => "first row",
            Action::End => "last row",
            Action::Enter => "edit / open",
            Action::Add => "add",
            Action::AddAny => "add… (any kind)",
            Action::AddHere => "add one of this pane's kind",
            Action::Delete => "delete",
            Action::Cancel => "cancel",
            Action::ToggleDirection => "inbound ⇄ outbound",
            Action::Associate => "associate a subnet",
            Action::Disassociate => "disassociate a subnet",
            Action::MakeMain => "make main route table",
            Action::EditRon => "edit object as text",
            Action::NextField => "next field",
            Action::PrevField => "previous field",
            Action::Submit => "apply",
            Action::Yes => "yes",
            Action::No => "no",
            Action::ExpandAll => "expand all",
            Action::CollapseAll => "collapse all",
            Action::Complete => "complete",
            Action::ClearField => "clear the field",
            Action::AcceptCompletion => "accept completion",
            Action::TraceQuery => "trace: type a query",
            Action::EditQuery => "trace: edit the query",
            Action::NextHop => "trace: next hop",
            Action::PrevHop => "trace: previous hop",
            Action::PlayHops => "trace: play / pause the hops",
            Action::RememberQuery => "trace: remember the query in the design",
            Action::RecallQuery => "trace: remembered queries…",
            Action::ToggleFlowLogs => "trace: show / hide flow-log records",
            Action::WhatIf => "trace: what-if, fail a component…",
            Action::DismissNote => "trace: dismiss the reachability note",
            Action::TraceObjective => "practice: open the objective in the trace panel",
            Action::ToggleTimer => "practice: show / hide the timer",
            Action::PracticeProblem => "practice: new problem…",
            Action::ExportTerraform => "export Terraform…",
            Action::ExportCloudFormation => "export CloudFormation…",
            Action::WriteReport => "write report…",
            Action::ImportAws => "import AWS folder…",
            Action::ImportTerraform => "import Terraform folder…",
            Action::RenameDesign => "rename the design…",
            Action::OpenExercise => "practice: open an exercise…",
        }
    }
}

/// A key: code plus modifiers (Shift is ignored for printable characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    pub const fn plain(code: KeyCode) -> Self {
        Key {
            code,
            mods: KeyModifiers::NONE,
        }
    }
    pub const fn ch(c: char) -> Self {
        Key::plain(KeyCode::Char(c))
    }
    pub const fn ctrl(c: char) -> Self {
        Key {
            code: KeyCode::Char(c),
            mods: KeyModifiers::CONTROL,
        }
    }

    /// Normalises a terminal key event for lookup.
    pub fn from_event(ev: &KeyEvent) -> Self {
        let mut mods = ev.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match ev.code {
            KeyCode::Char(c) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::Char(if mods.contains(KeyModifiers::CONTROL) {
                    c.to_ascii_lowercase()
                } else {
                    c
                })
            }
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        Key { code, mods }
    }

    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Delete => "Del".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        if self.mods.contains(KeyModifiers::CONTROL) {
            format!("Ctrl-{base}")
        } else if self.mods.contains(KeyModifiers::ALT) {
            format!("Alt-{base}")
        } else {
            base
        }
    }
}

/// One row of the keymap.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub context: Context,
    pub key: Key,
    pub action: Action,
    pub description: &'static str,
    /// Shown in the footer when its context is active.
    pub hint: bool,
}

const fn b(context: Context, key: Key, action: Action, description: &'static str, hint: bool) -> Binding {
    Binding {
        context,
        key,
        action,
        description,
        hint,
    }
}

use Action as A;
use Context as C;

/// The whole keymap.
pub const BINDINGS: &[Binding] = &[
    // Global
    b(
        C::Global,
        Key::ch('q'),
        A::Quit,
        "quit (asks when there are unsaved changes)",
        true,
    ),
    b(
        C::Global,
        Key::ctrl('c'),
        A::ForceQuit,
        "quit at once; unsaved work stays in the recovery file",
        false,
    ),
    b(
        C::Global,
        Key::ch('?'),
        A::Help,
        "help for the focused pane and global keys",
        true,
    ),
    b(
        C::Global,
        Key::ch(':'),
        A::Palette,
        "command palette: run any action by name",
        true,
    ),
    b(
        C::Global,
        Key::ch('t'),
        A::TraceQuery,
        "trace: open the trace query at its from field",
        true,
    ),
    b(C::Global, Key::ctrl('p'), A::Palette, "command palette", false),
    b(
        C::Global,
        Key::ch('A'),
        A::AddAny,
        "add: pick any kind of object (the full \"add what?\" list)",
        false,
    ),
    b(
        C::Global,
        Key::ch('a'),
        A::AddAny,
        "add: pick any kind (a pane with a kind of its own offers it first)",
        false,
    ),
    b(
        C::Global,
        Key::plain(KeyCode::Tab),
        A::FocusNext,
        "focus the next pane",
        true,
    ),
    b(
        C::Global,
        Key::plain(KeyCode::BackTab),
        A::FocusPrev,
        "focus the previous pane",
        false,
    ),
    b(C::Global, Key::ctrl('z'), A::Undo, "undo the last edit", false),
    b(C::Global, Key::ch('u'), A::Undo, "undo the last edit", true),
    b(C::Global, Key::ctrl('y'), A::Redo, "redo", false),
    b(C::Global, Key::ctrl('r'), A::Redo, "redo", false),
    b(
        C::Global,
        Key::ctrl('s'),
        A::Save,
        "save (atomic; saves/ by default)",
        true,
    ),
    b(C::Global, Key::ch('S'), A::SaveAs, "save as a new file", false),
    b(C::Global, Key::ctrl('o'), A::Open, "open a design file", false),
    b(
        C::Global,
        Key::ctrl('n'),
        A::NewDesign,
        "start a new empty design",
        false,
    ),
    b(
        C::Global,
        Key::ch('N'),
        A::NewFromTemplate,
        "new design from a template (with a diagram preview)",
        false,
    ),
    b(
        C::Global,
        Key::ch('W'),
        A::NewVpcAndMore,
        "new design from the VPC-and-more wizard (live preview)",
        false,
    ),
    b(
        C::Global,
        Key::ch('P'),
        A::PracticeProblem,
        "practice: a new generated problem (topic or random)",
        false,
    ),
    b(
        C::Global,
        Key::ch('/'),
        A::Jump,
        "jump to an object by name, IP or CIDR",
        true,
    ),
    b(
        C::Global,
        Key::ch('e'),
        A::EditRon,
        "edit the selected object as text (any kind)",
        false,
    ),
    // Tree
    b(C::Tree, Key::plain(KeyCode::Up), A::Up, "previous node", false),
    b(C::Tree, Key::ch('k'), A::Up, "previous node", false),
    b(C::Tree, Key::plain(KeyCode::Down), A::Down, "next node", false),
    b(C::Tree, Key::ch('j'), A::Down, "next node", false),
    b(
        C::Tree,
        Key::plain(KeyCode::Left),
        A::Left,
        "collapse, or go to the parent",
        false,
    ),
    b(C::Tree, Key::ch('h'), A::Left, "collapse, or go to the parent", false),
    b(C::Tree, Key::plain(KeyCode::Right), A::Right, "expand", false),
    b(C::Tree, Key::ch('l'), A::Right, "expand", false),
    b(C::Tree, Key::plain(KeyCode::PageUp), A::PageUp, "page up", false),
    b(C::Tree, Key::plain(KeyCode::PageDown), A::PageDown, "page down", false),
    b(C::Tree, Key::plain(KeyCode::Home), A::Home, "first node", false),
    b(C::Tree, Key::plain(KeyCode::End), A::End, "last node", false),
    b(
        C::Tree,
        Key::plain(KeyCode::Enter),
        A::Enter,
        "edit the selected object",
        true,
    ),
    b(C::Tree, Key::ch('a'), A::Add, "add an object (kind picker)", true),
    b(
        C::Tree,
        Key::ch('d'),
        A::Delete,
        "delete the selected object (asks first)",
        true,
    ),
    b(C::Tree, Key::ch('E'), A::ExpandAll, "expand every node", false),
    b(C::Tree, Key::ch('C'), A::CollapseAll, "collapse to VPCs", false),
    // Routes
    b(C::Routes, Key::plain(KeyCode::Up), A::Up, "previous route", false),
    b(C::Routes, Key::ch('k'), A::Up, "previous route", false),
    b(C::Routes, Key::plain(KeyCode::Down), A::Down, "next route", false),
    b(C::Routes, Key::ch('j'), A::Down, "next route", false),
    b(
        C::Routes,
        Key::plain(KeyCode::Enter),
        A::Enter,
        "edit the selected route",
        true,
    ),
    b(
        C::Routes,
        Key::ch('a'),
        A::Add,
        "add: a route first, or any kind (A: any kind)",
        true,
    ),
    b(C::Routes, Key::ch('d'), A::Delete, "delete the selected route", true),
    b(
        C::Routes,
        Key::ch('s'),
        A::Associate,
        "associate a subnet with this table",
        true,
    ),
    b(
        C::Routes,
        Key::ch('x'),
        A::Disassociate,
        "disassociate a subnet (back to the main table)",
        false,
    ),
    b(
        C::Routes,
        Key::ch('m'),
        A::MakeMain,
        "make this the VPC's main route table",
        false,
    ),
    // Rules
    b(C::Rules, Key::plain(KeyCode::Up), A::Up, "previous rule", false),
    b(C::Rules, Key::ch('k'), A::Up, "previous rule", false),
    b(C::Rules, Key::plain(KeyCode::Down), A::Down, "next rule", false),
    b(C::Rules, Key::ch('j'), A::Down, "next rule", false),
    b(
        C::Rules,
        Key::plain(KeyCode::Enter),
        A::Enter,
        "edit the selected rule",
        true,
    ),
    b(
        C::Rules,
        Key::ch('a'),
        A::Add,
        "add: a rule first, or any kind (A: any kind)",
        true,
    ),
    b(C::Rules, Key::ch('d'), A::Delete, "delete the selected rule", true),
    b(
        C::Rules,
        Key::ch('o'),
        A::ToggleDirection,
        "switch inbound / outbound",
        true,
    ),
    // Diagnostics
    b(
        C::Diagnostics,
        Key::plain(KeyCode::Up),
        A::Up,
        "previous finding",
        false,
    ),
    b(C::Diagnostics, Key::ch('k'), A::Up, "previous finding", false),
    b(
        C::Diagnostics,
        Key::plain(KeyCode::Down),
        A::Down,
        "next finding",
        false,
    ),
    b(C::Diagnostics, Key::ch('j'), A::Down, "next finding", false),
    b(
        C::Diagnostics,
        Key::plain(KeyCode::Enter),
        A::Enter,
        "jump to the object",
        true,
    ),
    // Inspector
    b(C::Inspector, Key::plain(KeyCode::Up), A::Up, "scroll up", false),
    b(C::Inspector, Key::ch('k'), A::Up, "scroll up", false),
    b(C::Inspector, Key::plain(KeyCode::Down), A::Down, "scroll down", false),
    b(C::Inspector, Key::ch('j'), A::Down, "scroll down", false),
    b(
        C::Inspector,
        Key::plain(KeyCode::Enter),
        A::Enter,
        "edit the object in a form",
        true,
    ),
    b(C::Inspector, Key::ch('a'), A::Add, "add an object (kind picker)", true),
    b(
        C::Inspector,
        Key::ch('d'),
        A::Delete,
        "delete the object (asks first)",
        false,
    ),
    // Cost estimate
    b(C::Cost, Key::plain(KeyCode::Up), A::Up, "scroll up", true),
    b(C::Cost, Key::plain(KeyCode::Down), A::Down, "scroll down", false),
    // Diagram
    b(C::Diagram, Key::plain(KeyCode::Up), A::Up, "scroll up", true),
    b(C::Diagram, Key::plain(KeyCode::Down), A::Down, "scroll down", false),
    b(C::Diagram, Key::plain(KeyCode::Left), A::Left, "scroll left", true),
    b(C::Diagram, Key::plain(KeyCode::Right), A::Right, "scroll right", false),
    b(
        C::Diagram,
        Key::plain(KeyCode::Enter),
        A::Enter,
        "zoom: whole design / detail",
        true,
    ),
    // Planner
    b(C::Planner, Key::plain(KeyCode::Up), A::Up, "scroll up", true),
    b(C::Planner, Key::plain(KeyCode::Down), A::Down, "scroll down", false),
    b(
        C::Planner,
        Key::plain(KeyCode::Enter),
        A::Enter,
        "open the subnet, or add one in the free block",
        true,
    ),
    b(
        C::Planner,
        Key::ch('s'),
        A::Add,
        "planner: split the free block in two",
        true,
    ),
    // Practice
    b(C::Practice, Key::plain(KeyCode::Up), A::Up, "scroll up", true),
    b(C::Practice, Key::plain(KeyCode::Down), A::Down, "scroll down", false),
    b(
        C::Practice,
        Key::plain(KeyCode::Enter),
        A::Enter,
        "reveal the next hint (costs points)",
        true,
    ),
    b(
        C::Practice,
        Key::ch('t'),
        A::TraceObjective,
        "practice: open the selected objective in the trace panel",
        true,
    ),
    b(
        C::Practice,
        Key::ch('T'),
        A::ToggleTimer,
        "practice: show / hide the timer",
        true,
    ),
    // Trace panel
    b(
        C::Trace,
        Key::plain(KeyCode::Enter),
        A::Enter,
        "open the current hop's full text (Esc closes); no trace yet: type a query",
        true,
    ),
    b(
        C::Trace,
        Key::ch('i'),
        A::EditQuery,
        "edit the query (from, to, protocol, ports)",
        true,
    ),
    b(
        C::Trace,
        Key::ch('n'),
        A::NextHop,
        "next hop (highlighted on the diagram)",
        true,
    ),
    b(C::Trace, Key::plain(KeyCode::Right), A::NextHop, "next hop", false),
    b(C::Trace, Key::ch('p'), A::PrevHop, "previous hop", false),
    b(C::Trace, Key::plain(KeyCode::Left), A::PrevHop, "previous hop", false),
    b(
        C::Trace,
        Key::ch(' '),
        A::PlayHops,
        "play / pause: step through the hops",
        true,
    ),
    b(
        C::Trace,
        Key::plain(KeyCode::Up),
        A::Up,
        "scroll up / previous entry",
        false,
    ),
    b(C::Trace, Key::ch('k'), A::Up, "scroll up / previous entry", false),
    b(
        C::Trace,
        Key::plain(KeyCode::Down),
        A::Down,
        "scroll down / next entry",
        false,
    ),
    b(C::Trace, Key::ch('j'), A::Down, "scroll down / next entry", false),
    b(C::Trace, Key::plain(KeyCode::PageUp), A::PageUp, "page up", false),
    b(C::Trace, Key::plain(KeyCode::PageDown), A::PageDown, "page down", false),
    b(
        C::Trace,
        Key::ch('s'),
        A::RememberQuery,
        "remember the query in the design file",
        false,
    ),
    b(
        C::Trace,
        Key::ch('r'),
        A::RecallQuery,
        "pick a remembered query to run",
        true,
    ),
    b(
        C::Trace,
        Key::ch('d'),
        A::Delete,
        "forget the highlighted remembered query (in the list)",
        false,
    ),
    b(
        C::Trace,
        Key::ch('f'),
        A::ToggleFlowLogs,
        "show / hide the flow-log records of the path",
        false,
    ),
    b(
        C::Trace,
        Key::ch('w'),
        A::WhatIf,
        "what-if: fail an AZ, NAT, VPN tunnel, DX link or peering",
        true,
    ),
    b(
        C::Trace,
        Key::ch('c'),
        A::DismissNote,
        "dismiss the reachability-diff note",
        false,
    ),
    b(
        C::Trace,
        Key::plain(KeyCode::Esc),
        A::Cancel,
        "close the hop's text, the list or the picker",
        false,
    ),
    // Typing a trace query: other keys edit the focused input.
    b(
        C::TraceInput,
        Key::plain(KeyCode::Enter),
        A::Submit,
        "run the trace (an empty field takes its grey default)",
        true,
    ),
    b(
        C::TraceInput,
        Key::plain(KeyCode::Tab),
        A::NextField,
        "next field: from, to, protocol, port, source port",
        true,
    ),
    b(
        C::TraceInput,
        Key::plain(KeyCode::BackTab),
        A::PrevField,
        "previous field",
        true,
    ),
    b(
        C::TraceInput,
        Key::plain(KeyCode::Down),
        A::NextField,
        "next field",
        false,
    ),
    b(
        C::TraceInput,
        Key::plain(KeyCode::Up),
        A::PrevField,
        "previous field",
        false,
    ),
    b(
        C::TraceInput,
        Key::ctrl('n'),
        A::Complete,
        "complete the name or port (again: the next candidate)",
        true,
    ),
    b(
        C::TraceInput,
        Key::plain(KeyCode::Right),
        A::AcceptCompletion,
        "at the end of the input: accept the first completion",
        true,
    ),
    b(
        C::TraceInput,
        Key::plain(KeyCode::Esc),
        A::Cancel,
        "stop editing; the query goes back to how it was",
        true,
    ),
    // Form (text keys go to the focused input)
    b(C::Form, Key::plain(KeyCode::Tab), A::NextField, "next field", true),
    b(C::Form, Key::plain(KeyCode::Down), A::NextField, "next field", false),
    b(
        C::Form,
        Key::plain(KeyCode::BackTab),
        A::PrevField,
        "previous field",
        false,
    ),
    b(C::Form, Key::plain(KeyCode::Up), A::PrevField, "previous field", false),
    b(
        C::Form,
        Key::plain(KeyCode::Left),
        A::Left,
        "previous choice (pickers)",
        false,
    ),
    b(
        C::Form,
        Key::plain(KeyCode::Right),
        A::Right,
        "next choice (pickers)",
        false,
    ),
    b(
        C::Form,
        Key::plain(KeyCode::Enter),
        A::Submit,
        "apply (stays open and explains if refused)",
        true,
    ),
    b(C::Form, Key::ctrl('s'), A::Submit, "apply (multi-line editors)", false),
    b(
        C::Form,
        Key::ctrl('u'),
        A::ClearField,
        "clear the field (the line so far, in multi-line editors)",
        false,
    ),
    b(C::Form, Key::plain(KeyCode::Esc), A::Cancel, "cancel", true),
    b(
        C::Form,
        Key::ctrl('e'),
        A::EditRon,
        "advanced: the same object as RON text",
        false,
    ),
    b(
        C::Form,
        Key::ctrl('n'),
        A::Complete,
        "accept the first completion (SG sources, prefix lists, CIDRs)",
        false,
    ),
    // Lists: palette, pickers, jump
    b(C::List, Key::plain(KeyCode::Up), A::Up, "previous entry", false),
    b(C::List, Key::plain(KeyCode::Down), A::Down, "next entry", false),
    b(C::List, Key::plain(KeyCode::Enter), A::Submit, "choose", true),
    b(C::List, Key::plain(KeyCode::Esc), A::Cancel, "cancel", true),
    // Confirm
    b(C::Confirm, Key::ch('y'), A::Yes, "yes", true),
    b(C::Confirm, Key::plain(KeyCode::Enter), A::Yes, "yes", false),
    b(C::Confirm, Key::ch('n'), A::No, "no", true),
    b(C::Confirm, Key::plain(KeyCode::Esc), A::Cancel, "cancel", true),
    // Help
    b(C::Help, Key::plain(KeyCode::Esc), A::Cancel, "close help", true),
    b(C::Help, Key::ch('?'), A::Cancel, "close help", false),
    b(C::Help, Key::ch('q'), A::Cancel, "close help", false),
    b(C::Help, Key::plain(KeyCode::Down), A::Down, "scroll down", false),
    b(C::Help, Key::ch('j'), A::Down, "scroll down", false),
    b(C::Help, Key::plain(KeyCode::Up), A::Up, "scroll up", false),
    b(C::Help, Key::ch('k'), A::Up, "scroll up", false),
];

/// Commands with no key, run from the command palette, with what each does
/// (the help lists them after the keys).
pub const PALETTE_ONLY: &[(Action, &str)] = &[
    (
        Action::ExportTerraform,
        "write main.tf, variables.tf, versions.tf and outputs.tf into a folder (vpcd export terraform)",
    ),
    (
        Action::ExportCloudFormation,
        "write one CloudFormation template, YAML (vpcd export cloudformation)",
    ),
    (Action::WriteReport, "write the Markdown design review (vpcd report)"),
    (
        Action::ImportAws,
        "open a folder of AWS CLI describe-* JSON as a new design (vpcd import aws)",
    ),
    (
        Action::ImportTerraform,
        "open a folder of Terraform as a new design (vpcd import terraform)",
    ),
    (
        Action::RenameDesign,
        "give the design a new name (undo restores the old one)",
    ),
    (
        Action::OpenExercise,
        "start one of the bundled exercises in practice mode",
    ),
];

/// The action bound to a key in a context.
pub fn lookup(context: Context, key: Key) -> Option<Action> {
    BINDINGS
        .iter()
        .find(|b| b.context == context && b.key == key)
        .map(|b| b.action)
}

/// One line of the help screen: every key of an action in a context.
#[derive(Debug, Clone)]
pub struct HelpLine {
    pub context: Context,
    pub action: Action,
    /// "↓ / j"
    pub keys: String,
    pub description: &'static str,
}

/// Help lines for a context followed by the global keys. A global key the
/// context binds itself is left out (the pane's meaning wins, so its help
/// lists each key once, with what it does there).
pub fn help_lines(context: Context) -> Vec<HelpLine> {
    let mut out = Vec::new();
    for ctx in [context, Context::Global] {
        let mut seen: Vec<(Action, String)> = Vec::new();
        for b in BINDINGS.iter().filter(|b| b.context == ctx) {
            if ctx != context && lookup(context, b.key).is_some() {
                continue;
            }
            if let Some((_, keys)) = seen.iter_mut().find(|(a, _)| *a == b.action) {
                keys.push_str(" / ");
                keys.push_str(&b.key.label());
            } else {
                seen.push((b.action, b.key.label()));
            }
        }
        for (action, keys) in seen {
            let desc = BINDINGS
                .iter()
                .find(|b| b.context == ctx && b.action == action)
                .map(|b| b.description)
                .unwrap_or("");
            out.push(HelpLine {
                context: ctx,
                action,
                keys,
                description: desc,
            });
        }
        if context == Context::Global {
            break;
        }
    }
    out
}

/// Whether the footer goes on to the global keys after a context's own
/// (not for modals, whose keys are all there is).
fn footer_has_globals(context: Context) -> bool {
    !matches!(
        context,
        Context::Global | Context::Form | Context::List | Context::Confirm | Context::Help | Context::TraceInput
    )
}

/// The footer's short name of an action bound in a context (the palette
/// keeps the long [`Action::name`]).
fn footer_label(context: Context, action: Action) -> &'static str {
    match (context, action) {
        (Context::Diagnostics, Action::Enter) => "go to object",
        (Context::Diagram, Action::Enter) => "zoom",
        (Context::Planner, Action::Enter) => "open / add subnet",
        (Context::Planner, Action::Add) => "split block",
        (Context::Practice, Action::Enter) => "hint",
        (Context::Trace, Action::Enter) => "hop text",
        (Context::TraceInput, Action::Submit) => "run",
        (Context::TraceInput, Action::Cancel) => "restore",
        (Context::TraceInput, Action::NextField) => "next",
        (Context::TraceInput, Action::PrevField) => "prev",
        (Context::Confirm | Context::Help | Context::List | Context::Form, Action::Cancel) => "cancel",
        (_, Action::Up) => "scroll",
        (_, Action::Left) => "scroll sideways",
        (_, Action::Enter) => "edit",
        (_, Action::Add) => "add",
        (_, Action::Delete) => "delete",
        (_, Action::Associate) => "associate subnets",
        (_, Action::ToggleDirection) => "in/out",
        (_, Action::Quit) => "quit",
        (_, Action::Help) => "help",
        (_, Action::Palette) => "palette",
        (_, Action::TraceQuery) => "trace",
        (_, Action::FocusNext) => "next pane",
        (_, Action::Undo) => "undo",
        (_, Action::Save) => "save",
        (_, Action::Jump) => "jump",
        (_, Action::EditQuery) => "query",
        (_, Action::NextHop) => "next hop",
        (_, Action::PlayHops) => "play",
        (_, Action::RecallQuery) => "recall",
        (_, Action::WhatIf) => "what-if",
        (_, Action::NextField) => "next field",
        (_, Action::PrevField) => "prev field",
        (_, Action::Complete) => "complete",
        (_, Action::AcceptCompletion) => "accept",
        (_, Action::TraceObjective) => "trace it",
        (_, Action::ToggleTimer) => "timer",
        (_, Action::Submit) => "apply",
        (_, a) => a.name(),
    }
}

/// The footer's key label: a hinted ↑ or ← stands for its pair (↑↓, ←→).
fn footer_key(b: &Binding) -> String {
    match (b.action, b.key.code) {
        (Action::Up, KeyCode::Up) => "↑↓".into(),
        (Action::Left, KeyCode::Left) => "←→".into(),
        _ => b.key.label(),
    }
}

/// Footer hints: "key action" pairs for a context then global, with the
/// footer's short names; a global key the context binds itself is left out.
pub fn hints(context: Context) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    for ctx in [context, Context::Global] {
        for b in BINDINGS.iter().filter(|b| b.context == ctx && b.hint) {
            if ctx != context && lookup(context, b.key).is_some() {
                continue;
            }
            out.push((footer_key(b), footer_label(ctx, b.action)));
        }
        if !footer_has_globals(context) {
            break;
        }
    }
    out
}

/// The footer for a line of `width` columns: every key of the context
/// itself, then `?` help, then the other global keys while they fit (at 80
/// columns a pane's own keys must not be crowded out by the global ones).
pub fn footer(context: Context, width: usize) -> Vec<(String, &'static str)> {
    let all = hints(context);
    let own = BINDINGS.iter().filter(|b| b.context == context && b.hint).count();
    let (mine, globals) = all.split_at(own.min(all.len()));
    let mut out: Vec<(String, &'static str)> = mine.to_vec();
    // "key name" and two spaces before the next entry.
    let cost = |(k, n): &(String, &'static str)| k.chars().count() + 1 + n.chars().count() + 2;
    let mut used: usize = out.iter().map(cost).sum();
    let help = globals
        .iter()
        .position(|(_, n)| *n == footer_label(Context::Global, Action::Help));
    let ordered = help
        .iter()
        .copied()
        .chain((0..globals.len()).filter(|i| Some(*i) != help));
    for i in ordered {
        let g = &globals[i];
        // The last entry needs no gap after it.
        if used + cost(g) <= width + 2 {
            used += cost(g);
            out.push(g.clone());
        }
    }
    out
}

/// Actions the palette offers (pane-independent ones plus pane actions, run
/// against the focused pane).
pub fn palette_actions() -> Vec<(Action, &'static str)> {
    let mut out: Vec<(Action, &'static str)> = Vec::new();
    for b in BINDINGS {
        if matches!(
            b.context,
            Context::Form | Context::List | Context::Confirm | Context::Help
        ) {
            continue;
        }
        if !out.iter().any(|(a, _)| *a == b.action) {
            out.push((b.action, b.description));
        }
    }
    out.extend(PALETTE_ONLY.iter().copied());
    out
}

/// Fuzzy subsequence score: `None` if `query` is not a subsequence of `text`.
/// Consecutive and word-start matches score higher.
pub fn fuzzy_score(query: &str, text: &str) -> Option<i32> {
    let q: Vec<char> = query.to_lowercase().chars().filter(|c| !c.is_whitespace()).collect();
    if q.is_empty() {
        return Some(0);
    }
    let t: Vec<char> = text.to_lowercase().chars().collect();
    let mut score = 0;
    let mut qi = 0;
    let mut prev: Option<usize> = None;
    for (ti, c) in t.iter().enumerate() {
        if qi < q.len() && *c == q[qi] {
            score += 1;
            if prev == Some(ti.wrapping_sub(1)) {
                score += 3;
            }
            if ti == 0 || !t[ti - 1].is_alphanumeric() {
                score += 2;
            }
            prev = Some(ti);
            qi += 1;
        }
    }
    (qi == q.len()).then_some(score - t.len() as i32 / 8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_matches_subsequences_and_prefers_word_starts() {
        assert!(fuzzy_score("sv", "save").is_some());
        assert!(fuzzy_score("xyz", "save").is_none());
        assert!(fuzzy_score("un", "undo").unwrap_or(0) > fuzzy_score("un", "run now").unwrap_or(0));
    }
}
