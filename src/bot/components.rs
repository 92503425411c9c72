//! Everything the bot encodes into a component or modal `custom_id` (Discord allows 100
//! characters). Buttons are routed by these ids from one global handler, never by in-memory
//! collectors, so they keep working after a restart. An id carries only opaque references
//! (row ids); who clicked always comes from the interaction itself, and every reference is
//! checked against the database before anything changes.

use std::fmt;

/// What a person sees for a button or form whose id no longer leads anywhere.
pub const STALE_BUTTON: &str =
    "This button is no longer valid. Run the command again for a fresh one.";

/// Outcomes of a commitment check-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CheckinOutcome {
    TriedIt,
    NotYet,
    DidNotApply,
}

impl CheckinOutcome {
    fn code(self) -> &'static str {
        match self {
            CheckinOutcome::TriedIt => "t",
            CheckinOutcome::NotYet => "n",
            CheckinOutcome::DidNotApply => "x",
        }
    }

    fn from_code(code: &str) -> Option<Self> {
        match code {
            "t" => Some(CheckinOutcome::TriedIt),
            "n" => Some(CheckinOutcome::NotYet),
            "x" => Some(CheckinOutcome::DidNotApply),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComponentAction {
    /// "I tried this" on a nudge.
    TriedIt {
        delivery: i64,
    },
    /// "Reflect" on a nudge.
    ReflectOnNudge {
        delivery: i64,
    },
    /// "Quiz me" on a nudge.
    QuizFromNudge {
        delivery: i64,
    },
    /// "Join" on a cohort invite.
    Join {
        cohort: i64,
    },
    /// Confirm moving from one's current cohort to `cohort`.
    SwitchCohort {
        cohort: i64,
    },
    /// An answer to question `question` of a quiz attempt, by displayed position.
    Answer {
        attempt: i64,
        question: u8,
        choice: u8,
    },
    /// A 1-4 confidence rating after answering.
    Confidence {
        attempt: i64,
        question: u8,
        level: u8,
    },
    /// Move on to the next question.
    NextQuestion {
        attempt: i64,
    },
    /// Consent to storing reflections (shown before the first one).
    ReflectionConsent,
    /// Offer to share a saved reflection anonymously, then confirm it.
    ShareReflection {
        reflection: i64,
    },
    ConfirmShare {
        reflection: i64,
    },
    /// A check-in answer for a commitment.
    Checkin {
        commitment: i64,
        outcome: CheckinOutcome,
    },
    /// Open the modal for a check-in note.
    CheckinNote {
        commitment: i64,
    },
    /// Confirm deleting all of one's data.
    ConfirmDelete,
}

/// Modals, whose submissions also arrive without any in-memory context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModalKind {
    /// A reflection; `delivery` is the nudge it answers, or 0 from `/reflect`.
    Reflection {
        delivery: i64,
    },
    Commitment,
    CheckinNote {
        commitment: i64,
    },
    /// A new follow-up date after "Not yet".
    NewDate {
        commitment: i64,
    },
}

impl fmt::Display for ComponentAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ComponentAction::TriedIt { delivery } => write!(f, "n:t:{delivery}"),
            ComponentAction::ReflectOnNudge { delivery } => write!(f, "n:r:{delivery}"),
            ComponentAction::QuizFromNudge { delivery } => write!(f, "n:q:{delivery}"),
            ComponentAction::Join { cohort } => write!(f, "j:{cohort}"),
            ComponentAction::SwitchCohort { cohort } => write!(f, "js:{cohort}"),
            ComponentAction::Answer {
                attempt,
                question,
                choice,
            } => write!(f, "qa:{attempt}:{question}:{choice}"),
            ComponentAction::Confidence {
                attempt,
                question,
                level,
            } => write!(f, "qc:{attempt}:{question}:{level}"),
            ComponentAction::NextQuestion { attempt } => write!(f, "qn:{attempt}"),
            ComponentAction::ReflectionConsent => write!(f, "rc"),
            ComponentAction::ShareReflection { reflection } => write!(f, "rs:{reflection}"),
            ComponentAction::ConfirmShare { reflection } => write!(f, "rsc:{reflection}"),
            ComponentAction::Checkin {
                commitment,
                outcome,
            } => write!(f, "ci:{commitment}:{}", outcome.code()),
            ComponentAction::CheckinNote { commitment } => write!(f, "cin:{commitment}"),
            ComponentAction::ConfirmDelete => write!(f, "pd"),
        }
    }
}

impl fmt::Display for ModalKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ModalKind::Reflection { delivery } => write!(f, "m:r:{delivery}"),
            ModalKind::Commitment => write!(f, "m:c"),
            ModalKind::CheckinNote { commitment } => write!(f, "m:n:{commitment}"),
            ModalKind::NewDate { commitment } => write!(f, "m:d:{commitment}"),
        }
    }
}

fn id(part: Option<&str>) -> Option<i64> {
    part?.parse::<i64>().ok().filter(|n| *n >= 0)
}

fn small(part: Option<&str>, max: u8) -> Option<u8> {
    part?.parse::<u8>().ok().filter(|n| *n <= max)
}

impl ComponentAction {
    /// Reads a custom_id; `None` for anything malformed, foreign or from an older version.
    pub fn parse(custom_id: &str) -> Option<Self> {
        let mut parts = custom_id.split(':');
        let head = parts.next()?;
        let (a, b, c) = (parts.next(), parts.next(), parts.next());
        if parts.next().is_some() {
            return None;
        }
        let action = match (head, a, b, c) {
            ("n", Some("t"), d, None) => ComponentAction::TriedIt { delivery: id(d)? },
            ("n", Some("r"), d, None) => ComponentAction::ReflectOnNudge { delivery: id(d)? },
            ("n", Some("q"), d, None) => ComponentAction::QuizFromNudge { delivery: id(d)? },
            ("j", c1, None, None) => ComponentAction::Join { cohort: id(c1)? },
            ("js", c1, None, None) => ComponentAction::SwitchCohort { cohort: id(c1)? },
            ("qa", at, q, ch) => ComponentAction::Answer {
                attempt: id(at)?,
                question: small(q, 20)?,
                choice: small(ch, 3)?,
            },
            ("qc", at, q, l) => ComponentAction::Confidence {
                attempt: id(at)?,
                question: small(q, 20)?,
                level: small(l, 4).filter(|l| *l >= 1)?,
            },
            ("qn", at, None, None) => ComponentAction::NextQuestion { attempt: id(at)? },
            ("rc", None, None, None) => ComponentAction::ReflectionConsent,
            ("rs", r, None, None) => ComponentAction::ShareReflection { reflection: id(r)? },
            ("rsc", r, None, None) => ComponentAction::ConfirmShare { reflection: id(r)? },
            ("ci", cm, o, None) => ComponentAction::Checkin {
                commitment: id(cm)?,
                outcome: CheckinOutcome::from_code(o?)?,
            },
            ("cin", cm, None, None) => ComponentAction::CheckinNote {
                commitment: id(cm)?,
            },
            ("pd", None, None, None) => ComponentAction::ConfirmDelete,
            _ => return None,
        };
        Some(action)
    }
}

impl ModalKind {
    pub fn parse(custom_id: &str) -> Option<Self> {
        let parts: Vec<&str> = custom_id.split(':').collect();
        match parts.as_slice() {
            ["m", "r", d] => Some(ModalKind::Reflection {
                delivery: id(Some(d))?,
            }),
            ["m", "c"] => Some(ModalKind::Commitment),
            ["m", "n", c] => Some(ModalKind::CheckinNote {
                commitment: id(Some(c))?,
            }),
            ["m", "d", c] => Some(ModalKind::NewDate {
                commitment: id(Some(c))?,
            }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_round_trips_within_discords_limit() {
        let big = i64::MAX;
        let actions = [
            ComponentAction::TriedIt { delivery: big },
            ComponentAction::ReflectOnNudge { delivery: big },
            ComponentAction::QuizFromNudge { delivery: big },
            ComponentAction::Join { cohort: big },
            ComponentAction::SwitchCohort { cohort: big },
            ComponentAction::Answer {
                attempt: big,
                question: 20,
                choice: 3,
            },
            ComponentAction::Confidence {
                attempt: big,
                question: 20,
                level: 4,
            },
            ComponentAction::NextQuestion { attempt: big },
            ComponentAction::ReflectionConsent,
            ComponentAction::ShareReflection { reflection: big },
            ComponentAction::ConfirmShare { reflection: big },
            ComponentAction::Checkin {
                commitment: big,
                outcome: CheckinOutcome::NotYet,
            },
            ComponentAction::CheckinNote { commitment: big },
            ComponentAction::ConfirmDelete,
        ];
        for action in actions {
            let encoded = action.to_string();
            assert!(encoded.len() <= 100, "{encoded}");
            assert_eq!(ComponentAction::parse(&encoded), Some(action), "{encoded}");
        }
        for modal in [
            ModalKind::Reflection { delivery: big },
            ModalKind::Commitment,
            ModalKind::CheckinNote { commitment: big },
            ModalKind::NewDate { commitment: big },
        ] {
            assert_eq!(ModalKind::parse(&modal.to_string()), Some(modal));
        }
    }

    #[test]
    fn forged_and_malformed_ids_are_refused() {
        for forged in [
            "", "n", "n:t", "n:t:-1", "n:t:abc", "qa:1:2:9", "qc:1:2:0", "qc:1:2:5", "x:1",
            "n:t:1:2", "pd:1",
        ] {
            assert_eq!(ComponentAction::parse(forged), None, "{forged:?}");
        }
        assert_eq!(ModalKind::parse("m:r:"), None);
    }
}
