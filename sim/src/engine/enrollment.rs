//! One enrollment as a portal's run keeps it: where it stands (`Stage`), its 16 bytes, and
//! where it started under a sequences daily limit (`Start`). The control flow that moves an
//! enrollment on is in `portal`.

use crate::time::SimTime;

/// Where an enrollment stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(super) enum Stage {
    /// Executing its current step (or waiting for it to fall due).
    Executing,
    /// The current step's task is completed: its manual email is to be sent.
    TaskCompleted,
    /// Ended; events still queued for it are void.
    Ended,
}

/// One enrollment: 16 bytes (a million of them per million contacts). Its ordinal (the
/// contact's enrollment count before it, a stream key) is the slot's count less one whenever
/// it draws (see `stream`); where it started is kept beside, and only under a sequences daily
/// limit (`starts`).
pub(super) struct Enrollment {
    /// The contact's slot (see `slots`).
    pub(super) slot: u32,
    pub(super) user: u32,
    /// The scheduled time of the current step (before pacing); the next delay counts from it.
    pub(super) base: SimTime,
    /// The sequence (at most `MAX_SEQUENCES`, 16).
    pub(super) sequence: u8,
    pub(super) step: u8,
    pub(super) retry: u8,
    /// The stage (bits 0-1) and whether the enrollment was made from the Gmail extension (bit
    /// 2: Gmail itself sends step 1), in one byte: see `stage` and `via_gmail`.
    pub(super) state: u8,
}

const _: () = assert!(std::mem::size_of::<Enrollment>() == 16);
const _: () = assert!(crate::scenario::MAX_SEQUENCES <= u8::MAX as usize);

/// `Enrollment::state`'s bit for the Gmail extension.
const VIA_GMAIL: u8 = 0b100;
/// `Enrollment::state`'s bits for the stage.
const STAGE: u8 = 0b11;

impl Enrollment {
    /// The `state` byte of an enrollment at `stage`, made from the Gmail extension or not.
    pub(super) fn state(stage: Stage, via_gmail: bool) -> u8 {
        stage as u8 | if via_gmail { VIA_GMAIL } else { 0 }
    }

    pub(super) fn stage(&self) -> Stage {
        match self.state & STAGE {
            0 => Stage::Executing,
            1 => Stage::TaskCompleted,
            2 => Stage::Ended,
            bits => unreachable!("stage bits {bits}"),
        }
    }

    pub(super) fn set_stage(&mut self, stage: Stage) {
        self.state = (self.state & !STAGE) | stage as u8;
        debug_assert_eq!(self.stage(), stage);
    }

    /// Made from the Gmail extension: Gmail itself sends step 1.
    pub(super) fn via_gmail(&self) -> bool {
        self.state & VIA_GMAIL != 0
    }

    pub(super) fn sequence(&self) -> u16 {
        self.sequence.into()
    }
}

/// Where an enrollment started, under a sequences daily limit: what its emails' days are
/// computed from.
#[derive(Clone, Copy)]
pub(super) struct Start {
    /// The first step's scheduled time.
    pub(super) time: SimTime,
    /// The step the enrollment started at.
    pub(super) step: u8,
}
