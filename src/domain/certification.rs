//! What completing a certification track takes, and how far one person is from it. The
//! criteria are data (`[certification]` in a track's `track.toml`, see docs/CONTENT.md); this
//! module only weighs a person's evidence against them. No I/O: the store counts, this judges.

use serde::Deserialize;

use super::plural;

/// Every module's criteria when `track.toml` does not say (docs/CONTENT.md explains them).
pub const DEFAULT_MODULE: ModuleCriteria = ModuleCriteria {
    engaged_days_percent: 60,
    quiz_percent: 70,
    reflections: 1,
};
/// The track's commitments criterion when `track.toml` does not say.
pub const DEFAULT_COMMITMENTS_CHECKED_IN: u32 = 2;
/// The most a criterion may ask: reflections per module, commitments over the track.
pub const MAX_COUNT: u32 = 20;

/// What each module asks (a module may override any of these in its own `criteria`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModuleCriteria {
    /// Engaged (tried the prompt, or reflected) on at least this share of the module's
    /// practice days.
    pub engaged_days_percent: u8,
    /// The best answer, at some time, on at least this share of the module's quiz items.
    pub quiz_percent: u8,
    /// Reflections written for the module (from its nudges, or on its days).
    pub reflections: u32,
}

/// What a person's part in the cohort's action plan must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanPart {
    /// Nothing is asked.
    None,
    /// Voting on a proposal counts (as does proposing or owning).
    Vote,
    /// Proposing an action, or volunteering as an owner of one.
    ProposeOrOwn,
}

/// What the whole track asks, beyond its modules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrackCriteria {
    /// Commitments with at least one check-in answered.
    pub commitments_checked_in: u32,
    pub plan: PlanPart,
    /// The collaborative-project module: its action plan opens when the cohort reaches it.
    pub plan_module: u8,
}

/// What one person did in one module, as counted by the store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ModuleEvidence {
    pub number: u8,
    /// The module's practice days in the cohort's pace.
    pub days: u32,
    pub engaged_days: u32,
    pub quiz_items: u32,
    /// Items of the module answered best at least once.
    pub quiz_best: u32,
    pub reflections: u32,
}

/// What one person did across the track.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evidence {
    pub modules: Vec<(ModuleCriteria, ModuleEvidence)>,
    pub commitments_checked_in: u32,
    pub proposed: bool,
    pub voted: bool,
    pub owned: bool,
}

/// One thing still to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Left {
    /// Engage on this many more of the module's practice days.
    EngagedDays(u32),
    /// Answer this many more of the module's quiz items with the best answer.
    QuizItems(u32),
    Reflections(u32),
    CommitmentsCheckedIn(u32),
    Plan(PlanPart),
}

impl Left {
    /// "2 more practice days", "a contribution to the action plan".
    pub fn describe(&self) -> String {
        let more =
            |n: u32, one: &str, many: &str| format!("{n} more {}", plural::noun(n, one, many));
        match self {
            Left::EngagedDays(n) => more(*n, "practice day", "practice days"),
            Left::QuizItems(n) => format!(
                "{} with the best answer",
                more(*n, "quiz question", "quiz questions")
            ),
            Left::Reflections(n) => more(*n, "reflection", "reflections"),
            Left::CommitmentsCheckedIn(n) => format!(
                "{} with a check-in answered",
                more(*n, "commitment", "commitments")
            ),
            Left::Plan(PlanPart::Vote) => "a vote on the action plan (`/plan vote`)".to_owned(),
            Left::Plan(_) => {
                "a proposal for the action plan (`/plan propose`), or volunteering to own one"
                    .to_owned()
            }
        }
    }
}

/// How one module stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleStanding {
    pub number: u8,
    pub left: Vec<Left>,
}

impl ModuleStanding {
    pub fn met(&self) -> bool {
        self.left.is_empty()
    }
}

/// How a person stands against the track's criteria.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub modules: Vec<ModuleStanding>,
    /// What the whole track still asks beyond the modules.
    pub track_left: Vec<Left>,
}

impl Standing {
    pub fn complete(&self) -> bool {
        self.track_left.is_empty() && self.modules.iter().all(ModuleStanding::met)
    }

    pub fn modules_met(&self) -> usize {
        self.modules.iter().filter(|m| m.met()).count()
    }
}

/// The smallest whole number of `total` that is at least `percent` % of it.
pub fn needed(percent: u8, total: u32) -> u32 {
    let percent = u32::from(percent.min(100));
    (total * percent).div_ceil(100)
}

/// Weighs `evidence` against the criteria.
pub fn standing(track: &TrackCriteria, evidence: &Evidence) -> Standing {
    let modules = evidence
        .modules
        .iter()
        .map(|(criteria, done)| ModuleStanding {
            number: done.number,
            left: module_left(criteria, done),
        })
        .collect();
    let mut track_left = Vec::new();
    if evidence.commitments_checked_in < track.commitments_checked_in {
        track_left.push(Left::CommitmentsCheckedIn(
            track.commitments_checked_in - evidence.commitments_checked_in,
        ));
    }
    let took_part = match track.plan {
        PlanPart::None => true,
        PlanPart::Vote => evidence.voted || evidence.proposed || evidence.owned,
        PlanPart::ProposeOrOwn => evidence.proposed || evidence.owned,
    };
    if !took_part {
        track_left.push(Left::Plan(track.plan));
    }
    Standing {
        modules,
        track_left,
    }
}

fn module_left(criteria: &ModuleCriteria, done: &ModuleEvidence) -> Vec<Left> {
    let mut left = Vec::new();
    let days = needed(criteria.engaged_days_percent, done.days);
    if done.engaged_days < days {
        left.push(Left::EngagedDays(days - done.engaged_days));
    }
    let items = needed(criteria.quiz_percent, done.quiz_items);
    if done.quiz_best < items {
        left.push(Left::QuizItems(items - done.quiz_best));
    }
    if done.reflections < criteria.reflections {
        left.push(Left::Reflections(criteria.reflections - done.reflections));
    }
    left
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODULE: ModuleCriteria = ModuleCriteria {
        engaged_days_percent: 60,
        quiz_percent: 70,
        reflections: 1,
    };
    const TRACK: TrackCriteria = TrackCriteria {
        commitments_checked_in: 2,
        plan: PlanPart::ProposeOrOwn,
        plan_module: 7,
    };

    fn done(engaged: u32, best: u32, reflections: u32) -> ModuleEvidence {
        ModuleEvidence {
            number: 1,
            days: 5,
            engaged_days: engaged,
            quiz_items: 13,
            quiz_best: best,
            reflections,
        }
    }

    #[test]
    fn shares_round_up_to_whole_days_and_items() {
        assert_eq!(needed(60, 5), 3);
        assert_eq!(needed(70, 13), 10);
        assert_eq!(needed(70, 10), 7);
        assert_eq!(needed(0, 10), 0);
        assert_eq!(needed(100, 0), 0);
        assert_eq!(needed(250, 4), 4, "a share over 100 % is read as 100 %");
    }

    #[test]
    fn a_module_is_met_when_every_criterion_is() {
        let evidence = Evidence {
            modules: vec![(MODULE, done(3, 10, 1)), (MODULE, done(2, 9, 0))],
            commitments_checked_in: 2,
            owned: true,
            ..Evidence::default()
        };
        let standing = standing(&TRACK, &evidence);
        assert!(standing.modules[0].met());
        assert_eq!(
            standing.modules[1].left,
            vec![
                Left::EngagedDays(1),
                Left::QuizItems(1),
                Left::Reflections(1)
            ]
        );
        assert!(!standing.complete());
        assert_eq!(standing.modules_met(), 1);
    }

    #[test]
    fn the_track_asks_for_commitments_and_a_part_in_the_plan() {
        let mut evidence = Evidence {
            modules: vec![(MODULE, done(5, 13, 2))],
            commitments_checked_in: 1,
            voted: true,
            ..Evidence::default()
        };
        let left = standing(&TRACK, &evidence).track_left;
        assert_eq!(
            left,
            vec![
                Left::CommitmentsCheckedIn(1),
                Left::Plan(PlanPart::ProposeOrOwn)
            ]
        );
        let votes_count = TrackCriteria {
            plan: PlanPart::Vote,
            ..TRACK
        };
        assert_eq!(
            standing(&votes_count, &evidence).track_left,
            vec![Left::CommitmentsCheckedIn(1)]
        );
        evidence.commitments_checked_in = 2;
        evidence.proposed = true;
        assert!(standing(&TRACK, &evidence).complete());
    }

    #[test]
    fn what_is_left_reads_with_real_plurals() {
        assert_eq!(Left::EngagedDays(1).describe(), "1 more practice day");
        assert_eq!(Left::EngagedDays(2).describe(), "2 more practice days");
        assert_eq!(
            Left::QuizItems(1).describe(),
            "1 more quiz question with the best answer"
        );
        assert_eq!(Left::Reflections(3).describe(), "3 more reflections");
    }
}
