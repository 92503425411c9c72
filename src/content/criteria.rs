//! A track's certification criteria from its `track.toml`: `[certification]` for every module
//! and the whole track, a module's own `criteria = { … }` where it differs. Keys left out take
//! the defaults of `domain::certification`. Checked here, so a bad value stops start-up and
//! `content check` names it: shares are 0-100 %, counts at most 20, `plan_module` a module of
//! the track, and only a track with `[certification]` may give a module criteria.

use super::parse::Manifest;
use super::problem::{Problem, FILE_LEVEL};
use crate::domain::certification::{
    ModuleCriteria, PlanPart, TrackCriteria, DEFAULT_COMMITMENTS_CHECKED_IN, DEFAULT_MODULE,
    MAX_COUNT,
};

/// The track's criteria (None: no certification) and each listed module's, in manifest order.
pub(super) fn resolve(
    manifest: &Manifest,
    file: &str,
    problems: &mut Vec<Problem>,
) -> (Option<TrackCriteria>, Vec<Option<ModuleCriteria>>) {
    let mut problem = |message: String| problems.push(Problem::new(file, FILE_LEVEL, message));
    let Some(cert) = &manifest.certification else {
        for module in manifest.modules.iter().filter(|m| m.criteria.is_some()) {
            problem(format!(
                "module {} has criteria, but the track has no [certification] table",
                module.number
            ));
        }
        return (None, vec![None; manifest.modules.len()]);
    };
    if !manifest.draws_from.is_empty() {
        problem(
            "an open-ended program (draws_from) has no certification; remove [certification]"
                .to_owned(),
        );
        return (None, Vec::new());
    }
    let base = ModuleCriteria {
        engaged_days_percent: cert
            .engaged_days_percent
            .unwrap_or(DEFAULT_MODULE.engaged_days_percent),
        quiz_percent: cert.quiz_percent.unwrap_or(DEFAULT_MODULE.quiz_percent),
        reflections: cert.reflections.unwrap_or(DEFAULT_MODULE.reflections),
    };
    let last = manifest.modules.last().map_or(1, |m| m.number);
    let track = TrackCriteria {
        commitments_checked_in: cert
            .commitments_checked_in
            .unwrap_or(DEFAULT_COMMITMENTS_CHECKED_IN),
        plan: cert.plan.unwrap_or(PlanPart::ProposeOrOwn),
        plan_module: cert.plan_module.unwrap_or(last),
    };
    check(&base, "[certification]", &mut problem);
    if track.commitments_checked_in > MAX_COUNT {
        problem(format!(
            "[certification] commitments_checked_in = {}; at most {MAX_COUNT}",
            track.commitments_checked_in
        ));
    }
    if !manifest
        .modules
        .iter()
        .any(|m| m.number == track.plan_module)
    {
        problem(format!(
            "[certification] plan_module = {}, but the track has no such module",
            track.plan_module
        ));
    }
    let modules = manifest
        .modules
        .iter()
        .map(|m| {
            let own = m.criteria.unwrap_or_default();
            let criteria = ModuleCriteria {
                engaged_days_percent: own
                    .engaged_days_percent
                    .unwrap_or(base.engaged_days_percent),
                quiz_percent: own.quiz_percent.unwrap_or(base.quiz_percent),
                reflections: own.reflections.unwrap_or(base.reflections),
            };
            check(
                &criteria,
                &format!("module {} criteria", m.number),
                &mut problem,
            );
            Some(criteria)
        })
        .collect();
    (Some(track), modules)
}

fn check(criteria: &ModuleCriteria, place: &str, problem: &mut impl FnMut(String)) {
    for (key, percent) in [
        ("engaged_days_percent", criteria.engaged_days_percent),
        ("quiz_percent", criteria.quiz_percent),
    ] {
        if percent > 100 {
            problem(format!("{place}: {key} = {percent}; a share is 0 to 100"));
        }
    }
    if criteria.reflections > MAX_COUNT {
        problem(format!(
            "{place}: reflections = {}; at most {MAX_COUNT}",
            criteria.reflections
        ));
    }
}
