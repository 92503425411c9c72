//! The custom_ids of the action plan's and the certificate's buttons and forms (the rest are in
//! `components.rs`). Like those, they carry only row ids: who acted comes from the interaction,
//! and every reference is checked against the database (a live member of the proposal's
//! cohort, the person's own completion) before anything changes.

use std::fmt;

use crate::store::VoteChoice;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanButton {
    /// Support or "not for now" on a proposal.
    Vote { proposal: i64, choice: VoteChoice },
    /// Volunteer to own a proposal's action (opens the form for an optional name).
    Volunteer { proposal: i64 },
    /// "Get my certificate" (opens the form for the name on it).
    Certificate { completion: i64 },
    /// Post a congratulation naming the person in their cohort's channel.
    Share { completion: i64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanForm {
    /// `/plan propose`: the proposal form.
    Propose,
    Volunteer {
        proposal: i64,
    },
    Certificate {
        completion: i64,
    },
}

impl fmt::Display for PlanButton {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            PlanButton::Vote {
                proposal,
                choice: VoteChoice::Support,
            } => write!(f, "pv:{proposal}:s"),
            PlanButton::Vote {
                proposal,
                choice: VoteChoice::NotNow,
            } => write!(f, "pv:{proposal}:n"),
            PlanButton::Volunteer { proposal } => write!(f, "po:{proposal}"),
            PlanButton::Certificate { completion } => write!(f, "cg:{completion}"),
            PlanButton::Share { completion } => write!(f, "cs:{completion}"),
        }
    }
}

impl fmt::Display for PlanForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            PlanForm::Propose => write!(f, "m:pp"),
            PlanForm::Volunteer { proposal } => write!(f, "m:po:{proposal}"),
            PlanForm::Certificate { completion } => write!(f, "m:cg:{completion}"),
        }
    }
}

fn id(part: &str) -> Option<i64> {
    part.parse::<i64>().ok().filter(|n| *n >= 0)
}

impl PlanButton {
    /// Reads a custom_id; `None` for anything that is not one of these (or malformed).
    pub fn parse(custom_id: &str) -> Option<Self> {
        let parts: Vec<&str> = custom_id.split(':').collect();
        Some(match parts.as_slice() {
            ["pv", p, "s"] => PlanButton::Vote {
                proposal: id(p)?,
                choice: VoteChoice::Support,
            },
            ["pv", p, "n"] => PlanButton::Vote {
                proposal: id(p)?,
                choice: VoteChoice::NotNow,
            },
            ["po", p] => PlanButton::Volunteer { proposal: id(p)? },
            ["cg", c] => PlanButton::Certificate { completion: id(c)? },
            ["cs", c] => PlanButton::Share { completion: id(c)? },
            _ => return None,
        })
    }
}

impl PlanForm {
    pub fn parse(custom_id: &str) -> Option<Self> {
        let parts: Vec<&str> = custom_id.split(':').collect();
        Some(match parts.as_slice() {
            ["m", "pp"] => PlanForm::Propose,
            ["m", "po", p] => PlanForm::Volunteer { proposal: id(p)? },
            ["m", "cg", c] => PlanForm::Certificate { completion: id(c)? },
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_round_trips_within_discords_limit_and_none_clashes_with_the_others() {
        let big = i64::MAX;
        for button in [
            PlanButton::Vote {
                proposal: big,
                choice: VoteChoice::Support,
            },
            PlanButton::Vote {
                proposal: big,
                choice: VoteChoice::NotNow,
            },
            PlanButton::Volunteer { proposal: big },
            PlanButton::Certificate { completion: big },
            PlanButton::Share { completion: big },
        ] {
            let id = button.to_string();
            assert!(id.len() <= 100);
            assert_eq!(PlanButton::parse(&id), Some(button));
            assert_eq!(crate::bot::components::ComponentAction::parse(&id), None);
        }
        for form in [
            PlanForm::Propose,
            PlanForm::Volunteer { proposal: big },
            PlanForm::Certificate { completion: big },
        ] {
            let id = form.to_string();
            assert_eq!(PlanForm::parse(&id), Some(form));
            assert_eq!(crate::bot::components::ModalKind::parse(&id), None);
        }
    }

    #[test]
    fn forged_ids_are_refused() {
        for forged in ["pv:1:x", "pv:-1:s", "po:", "cg:abc", "cs:1:2", "pv"] {
            assert_eq!(PlanButton::parse(forged), None, "{forged}");
        }
        assert_eq!(PlanForm::parse("m:po:-3"), None);
    }
}
