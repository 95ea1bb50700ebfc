//! Switches that make the emulator answer as the service might where its documents are silent, so that tests can
//! cover every reading (see the README's "Behaviour worth knowing").

use std::sync::atomic::{AtomicBool, Ordering};

/// What a list without `type` covers. The service's default is not documented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ListTypeDefault {
    /// Both types (the emulator's default).
    #[default]
    Both,
    /// Only `Workflow` jobs, as the official Python SDK's default of `type=Workflow` hints.
    Workflow,
}

/// The emulator's answers to the open questions; each can be changed while it runs.
#[derive(Debug, Default)]
pub(crate) struct Switches {
    list_workflow_only: AtomicBool,
    joined_describe_unknown: AtomicBool,
    repeat_last_token: AtomicBool,
}

impl Switches {
    pub fn set_list_type_default(&self, d: ListTypeDefault) {
        self.list_workflow_only.store(d == ListTypeDefault::Workflow, Ordering::Relaxed);
    }

    /// The type a list without `type` is limited to, if any.
    pub fn list_type_default(&self) -> Option<&'static str> {
        self.list_workflow_only.load(Ordering::Relaxed).then_some("Workflow")
    }

    pub fn set_joined_describe_unknown(&self, on: bool) {
        self.joined_describe_unknown.store(on, Ordering::Relaxed);
    }

    /// A describe of `id1,id2` is answered as a describe of one unknown ID, the whole joined string.
    pub fn joined_describe_unknown(&self) -> bool {
        self.joined_describe_unknown.load(Ordering::Relaxed)
    }

    pub fn set_repeat_last_token(&self, on: bool) {
        self.repeat_last_token.store(on, Ordering::Relaxed);
    }

    /// The last page of a listing repeats the `nextToken` it was asked with instead of an empty `NextToken`.
    pub fn repeat_last_token(&self) -> bool {
        self.repeat_last_token.load(Ordering::Relaxed)
    }
}
