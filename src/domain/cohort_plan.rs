//! The plan pinned on a cohort when it starts: a certification track's modules in order, or an
//! open-ended program's rotation. Both answer the same questions: where a practice day sits,
//! and which prompt it brings.

use serde::{Deserialize, Serialize};

use super::open_plan::OpenPlan;
use super::progression::{DayPlan, Plan, Stage};
use super::Pace;

/// Stored as JSON on the cohort. A certification plan keeps the shape every earlier release
/// wrote (`{"modules": …, "review": …}`); an open-ended one is `{"open": …}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CohortPlan {
    Open { open: OpenPlan },
    Modules(Plan),
}

impl CohortPlan {
    /// How many modules the plan walks through (none for an open-ended program).
    pub fn module_count(&self) -> usize {
        match self {
            CohortPlan::Open { .. } => 0,
            CohortPlan::Modules(plan) => plan.modules.len(),
        }
    }

    pub fn is_open(&self) -> bool {
        matches!(self, CohortPlan::Open { .. })
    }

    /// Where practice day `day` sits at `pace` (an open-ended program has no pace).
    pub fn stage(&self, day: u32, pace: &Pace) -> Stage {
        match self {
            CohortPlan::Open { .. } => Stage::Open,
            CohortPlan::Modules(plan) => plan.stage(day, pace),
        }
    }

    /// What practice day `day` brings, passing over prompts `known` rejects (removed from the
    /// curriculum since the cohort started).
    pub fn day_among(
        &self,
        day: u32,
        pace: &Pace,
        known: impl Fn(&str) -> bool,
    ) -> Option<DayPlan> {
        match self {
            CohortPlan::Open { open } => open.day_among(day, known),
            CohortPlan::Modules(plan) => plan.day_among(day, pace, known),
        }
    }

    pub fn day(&self, day: u32, pace: &Pace) -> Option<DayPlan> {
        self.day_among(day, pace, |_| true)
    }
}

impl From<Plan> for CohortPlan {
    fn from(plan: Plan) -> Self {
        CohortPlan::Modules(plan)
    }
}

impl From<OpenPlan> for CohortPlan {
    fn from(open: OpenPlan) -> Self {
        CohortPlan::Open { open }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::FourA;

    #[test]
    fn a_plan_stored_by_an_earlier_release_reads_as_a_certification_plan() {
        let stored = r#"{"modules":[["a","b"]],"review":["b","a"]}"#;
        let plan: CohortPlan = serde_json::from_str(stored).unwrap();
        assert_eq!(
            plan,
            CohortPlan::Modules(Plan {
                modules: vec![vec!["a".into(), "b".into()]],
                review: vec!["b".into(), "a".into()],
            })
        );
        assert_eq!(
            serde_json::to_string(&plan).unwrap(),
            stored,
            "written back the same"
        );
    }

    #[test]
    fn an_open_plan_round_trips() {
        let prompts: Vec<(String, FourA)> = (0..8)
            .map(|i| (format!("p{i}"), FourA::ALL[i % 4]))
            .collect();
        let plan = CohortPlan::from(OpenPlan::build(&prompts, 3));
        let json = serde_json::to_string(&plan).unwrap();
        assert!(json.starts_with(r#"{"open":{"prompts":["#), "{json}");
        assert_eq!(serde_json::from_str::<CohortPlan>(&json).unwrap(), plan);
        assert_eq!(plan.stage(40, &Pace::new([])), Stage::Open);
    }
}
