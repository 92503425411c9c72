//! `allybot content preview`: what a new cohort on a track receives on practice day N, built
//! with the same plan code a real cohort uses ([`Track::new_cohort_plan`]) at the track's
//! default pace. A real cohort's prompt order is seeded per cohort, so the preview fixes one
//! documented seed and says so.

use std::fmt::Write;

use super::model::{Curriculum, Track};
use crate::config::ConfigError;
use crate::domain::Stage;

/// The seed of the preview's prompt order. Any fixed value would do; it is printed with the
/// preview so nobody mistakes it for a particular cohort's order.
pub const PREVIEW_SEED: u64 = 1;
/// Far beyond any real program (about 40 working years); keeps a typo from running for long.
pub const MAX_DAY: u32 = 10_000;

fn usage(key: &str, problem: String) -> ConfigError {
    ConfigError {
        key: key.to_owned(),
        problem,
        origin: None,
    }
}

/// The preview text, or a usage error naming `--track` or `--day`.
pub fn preview(curriculum: &Curriculum, track_id: &str, day: u32) -> Result<String, ConfigError> {
    let Some(track) = curriculum.track(track_id) else {
        let known: Vec<&str> = curriculum.tracks.iter().map(|t| t.id.as_str()).collect();
        return Err(usage(
            "--track",
            format!(
                "no track \"{track_id}\"; the tracks are: {}",
                known.join(", ")
            ),
        ));
    };
    if day == 0 || day > MAX_DAY {
        return Err(usage(
            "--day",
            format!("{day} is out of range; practice days run from 1 to {MAX_DAY}"),
        ));
    }
    let (plan, pace) = track.new_cohort_plan(PREVIEW_SEED);
    let planned = plan
        .day(day, &pace)
        .ok_or_else(|| usage("--track", format!("track \"{track_id}\" has no prompts")))?;
    let Some((module, prompt)) = track.prompt(&planned.prompt_id) else {
        return Err(usage(
            "--track",
            format!("the plan names an unknown prompt {}", planned.prompt_id),
        ));
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Practice day {day} of a new cohort on {} (version {})",
        track.id, track.version
    );
    let _ = writeln!(out, "Stage:        {}", stage_line(track, planned.stage));
    let _ = writeln!(
        out,
        "Review day:   {}",
        review_line(planned.stage, planned.repeat)
    );
    if planned.stage != Stage::Module(module.number) {
        let from = module
            .source
            .as_ref()
            .map(|s| format!(" ({})", s.title))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "From:         Module {} · {}{from}",
            module.number, module.title
        );
    }
    let _ = writeln!(out, "4A:           {}", prompt.four_a);
    let _ = writeln!(out, "Prompt:       {} · {}", prompt.id, prompt.title.trim());
    let note = prompt.content_note.as_deref().map_or("none", str::trim);
    let _ = writeln!(out, "Content note: {note}");
    let reflection = prompt.reflection.as_deref().map_or("none", str::trim);
    let _ = writeln!(out, "Reflection:   {reflection}");
    let _ = writeln!(out, "\n{}\n", prompt.text.trim());
    let pace_line = if track.is_open() {
        "Pace: one prompt per practice day, open-ended; the 4 As rotate and no prompt repeats \
         until all have been used."
            .to_owned()
    } else {
        let days: Vec<String> = pace.days().iter().map(u32::to_string).collect();
        format!(
            "Pace: each module's default practice days from track.toml ({}).",
            days.join(", ")
        )
    };
    let _ = writeln!(
        out,
        "{pace_line} Prompt order: preview seed {PREVIEW_SEED}; each real cohort's order is \
         seeded differently, so its days show other prompts."
    );
    Ok(out)
}

fn stage_line(track: &Track, stage: Stage) -> String {
    match stage {
        Stage::Module(number) => {
            let title = track.module(number).map_or("", |m| m.title.as_str());
            format!("Module {number} · {title}")
        }
        Stage::Review => "Review (every module is done)".to_owned(),
        Stage::Open => format!("{}: open-ended daily practice", track.title),
    }
}

fn review_line(stage: Stage, repeat: bool) -> &'static str {
    match (stage, repeat) {
        (Stage::Module(_), _) => "no",
        (Stage::Review, false) => "yes: a prompt the cohort has not had yet",
        (Stage::Review, true) => "yes: a prompt the cohort has had before",
        (Stage::Open, false) => "no: the first pass, every prompt once",
        (Stage::Open, true) => "no: a later pass, with prompts last seen over 20 practice days ago",
    }
}
