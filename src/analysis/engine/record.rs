//! What a walk records: the hops a packet passed ([`At`]) and where it
//! stopped ([`Stop`]: explanation code, deciding object, message, fix),
//! plus notes and the flow-log events of each ENI.

use super::*;

/// Where a packet stopped, with the explanation code, the deciding object
/// and the fix. Built with [`Walk::stop_at`] and named setters so each stop
/// says what it means. The texts and the object are given as closures: a
/// walk that only decides a verdict ([`Detail::Code`]) never runs them, so
/// it builds no string at all.
#[derive(Debug, Clone)]
pub(super) struct Stop {
    pub(super) code: Code,
    pub(super) kind: HopKind,
    pub(super) component: String,
    pub(super) object: Option<ObjectRef>,
    pub(super) direction: Option<Direction>,
    pub(super) message: String,
    pub(super) hint: String,
    /// Whether the texts are built (false for a verdict-only walk).
    explain: bool,
}

impl Stop {
    /// The design object that decided (selected in the designer).
    pub(super) fn on(self, kind: ObjectKind, name: &str) -> Stop {
        if !self.explain {
            return self;
        }
        self.object(obj(kind, name))
    }
    pub(super) fn object(mut self, object: Option<ObjectRef>) -> Stop {
        if self.explain {
            self.object = object;
        }
        self
    }
    /// The direction of the SG/NACL/firewall check that decided.
    pub(super) fn direction(self, direction: Direction) -> Stop {
        self.maybe_direction(Some(direction))
    }
    pub(super) fn maybe_direction(mut self, direction: Option<Direction>) -> Stop {
        self.direction = direction;
        self
    }
    /// What happened, as the trace shows it.
    pub(super) fn message(mut self, message: impl FnOnce() -> String) -> Stop {
        if self.explain {
            self.message = message();
        }
        self
    }
    /// How to fix it.
    pub(super) fn hint(mut self, hint: impl FnOnce() -> String) -> Stop {
        if self.explain {
            self.hint = hint();
        }
        self
    }
}

/// How much a walk records besides its verdict. Every level runs the same
/// walk and decides alike (a property test compares them); only what is
/// written down differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Detail {
    /// The verdict's code only: no hop, note, flow-log event or text.
    Code,
    /// The verdict and, when blocked, the stop's component, object, message and hint.
    Stop,
    /// Everything a trace shows: hops both ways, notes and flow-log events.
    Trace,
}

/// The component a hop passes: its kind, name and, for filters, direction.
#[derive(Debug, Clone, Copy)]
pub(super) struct At<'s> {
    pub(super) kind: HopKind,
    pub(super) component: &'s str,
    pub(super) direction: Option<Direction>,
}

impl<'s> At<'s> {
    pub(super) fn new(kind: HopKind, component: &'s str) -> At<'s> {
        At {
            kind,
            component,
            direction: None,
        }
    }
    pub(super) fn direction(self, direction: Direction) -> At<'s> {
        self.maybe_direction(Some(direction))
    }
    pub(super) fn maybe_direction(mut self, direction: Option<Direction>) -> At<'s> {
        self.direction = direction;
        self
    }
}

impl<'w, 'a> Walk<'w, 'a> {
    /// A stop with explanation `code` at the component `component` of kind
    /// `kind`; its texts are built only when this walk explains its verdict.
    pub(super) fn stop_at(&self, code: Code, kind: HopKind, component: &str) -> Stop {
        self.stop_at_named(code, kind, || component.to_string())
    }

    /// [`Walk::stop_at`] with the component's name built only when needed.
    pub(super) fn stop_at_named(&self, code: Code, kind: HopKind, component: impl FnOnce() -> String) -> Stop {
        Stop {
            code,
            kind,
            component: if self.explain { component() } else { String::new() },
            object: None,
            direction: None,
            message: String::new(),
            hint: String::new(),
            explain: self.explain,
        }
    }

    /// Records a hop the packet passed at `at` (only when recording: the
    /// detail and object are computed lazily so verdict-only walks stay cheap).
    pub(super) fn hop(
        &mut self,
        at: At<'_>,
        pin: Packet,
        pout: Packet,
        detail: impl FnOnce() -> String,
        object: impl FnOnce() -> Option<ObjectRef>,
    ) {
        if self.rec {
            self.hops.push(Hop {
                kind: at.kind,
                id: at.component.to_string(),
                detail: detail(),
                object: object(),
                direction: at.direction,
                passed: true,
                packet_in: pin,
                packet_out: pout,
            });
        }
    }

    pub(super) fn note(&mut self, f: impl FnOnce() -> String) {
        if self.rec {
            let n = f();
            if !self.notes.contains(&n) {
                self.notes.push(n);
            }
        }
    }

    /// Ends the walk at `stop`: records the failing hop (when recording) and
    /// returns the stop that becomes the trace's [`Blocked`].
    pub(super) fn stop(&mut self, pkt: Packet, stop: Stop) -> Box<Stop> {
        if self.rec {
            self.hops.push(Hop {
                kind: stop.kind,
                id: stop.component.clone(),
                detail: stop.message.clone(),
                object: stop.object.clone(),
                direction: stop.direction,
                passed: false,
                packet_in: pkt,
                packet_out: pkt,
            });
        }
        Box::new(stop)
    }

    pub(super) fn event(&mut self, e: usize, pkt: Packet, accept: bool) {
        if self.rec {
            self.events.push(FlowEvent { eni: e, pkt, accept });
        }
    }
}
